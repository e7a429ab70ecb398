//! `lessonpack watch`: the real binary watching a copy of a fixture. An edit rebuilds only the
//! packages whose files changed (the others keep their bytes and modification times); editor
//! scratch files are ignored; an error is reported and the watch goes on; the next good edit
//! recovers.

use crate::child::{Running, Stream};
use crate::fixture::Fixture;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, SystemTime};

const WAIT: Duration = Duration::from_secs(30);

/// Each package's modification time and SHA-256 (a folder: of its files' paths and bytes).
fn packages(out: &Path) -> BTreeMap<String, (SystemTime, String)> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(out).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let mut hash = Sha256::new();
        let mut files = Vec::new();
        collect(&entry.path(), &mut files);
        files.sort();
        for file in files {
            hash.update(file.to_string_lossy().as_bytes());
            hash.update(std::fs::read(&file).unwrap());
        }
        let modified = entry.metadata().unwrap().modified().unwrap();
        found.insert(
            name,
            (modified, format!("{:?}", hash.finalize().as_slice())),
        );
    }
    found
}

fn collect(path: &Path, files: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            collect(&entry.unwrap().path(), files);
        }
    } else {
        files.push(path.to_path_buf());
    }
}

/// The packages whose time or content differ between two listings.
fn changed(
    before: &BTreeMap<String, (SystemTime, String)>,
    after: &BTreeMap<String, (SystemTime, String)>,
) -> Vec<String> {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    before
        .iter()
        .filter(|(name, old)| after[*name] != **old)
        .map(|(name, _)| name.clone())
        .collect()
}

#[test]
fn rebuilds_what_changed_and_recovers_from_errors() {
    let fixture = Fixture::copy("basic");
    let out = fixture.root().join("dist");
    let args: Vec<&OsStr> = vec![
        OsStr::new("watch"),
        fixture.dir.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ];
    let mut watch = Running::start(&args, &[]);
    let first = watch.expect(Stream::Stdout, WAIT, "the first build", |l| {
        l.contains(" rebuilt ")
    });
    assert!(
        first.ends_with("rebuilt scorm12") || first.contains("rebuilt scorm12 ("),
        "{first}"
    );
    watch.expect(Stream::Stdout, WAIT, "the watching line", |l| {
        l.starts_with("watching ")
    });
    let start = packages(&out);
    assert_eq!(start.len(), 5, "{start:?}");
    std::thread::sleep(Duration::from_millis(50));

    // An LTI launch URL changes only the cartridge.
    let toml = fixture.read("module.toml");
    let lessons_at = toml.find("[[lessons]]").unwrap();
    let with_lti = format!(
        "{}[lti]\nlaunch-url = \"https://tool.example/lti/launch\"\n\n{}",
        &toml[..lessons_at],
        &toml[lessons_at..]
    );
    fixture.write("module.toml", &with_lti);
    let line = watch.expect(Stream::Stdout, WAIT, "a rebuild", |l| {
        l.contains("rebuilt") || l.contains("failed")
    });
    assert!(line.contains("rebuilt cc ("), "{line}");
    assert!(
        line.ends_with("; scorm12, scorm2004, cmi5, web unchanged"),
        "{line}"
    );
    let after_lti = packages(&out);
    assert_eq!(changed(&start, &after_lti), ["basic-module-cc.imscc"]);

    // Editors' scratch files and backups start nothing.
    fixture.write(".module.toml.swp", "swap");
    fixture.write("4913", "");
    fixture.write("transcript.txt~", "backup");
    fixture.write(".#discussion.md", "lock");
    let quiet = watch.lines_within(Stream::Stdout, Duration::from_millis(1500));
    assert_eq!(quiet, Vec::<String>::new());

    // A transcript edit changes every page.
    let transcript = fixture.read("transcript.txt");
    fixture.write(
        "transcript.txt",
        transcript.replace("three ideas", "four ideas"),
    );
    let line = watch.expect(Stream::Stdout, WAIT, "a rebuild", |l| {
        l.contains("rebuilt") || l.contains("failed")
    });
    assert!(!line.contains("unchanged"), "{line}");
    let after_transcript = packages(&out);
    assert_eq!(changed(&after_lti, &after_transcript).len(), 5);

    // A broken module.toml: the error is shown with its place, the packages stay, the
    // watch goes on.
    fixture.write(
        "module.toml",
        with_lti.replace("title = \"First lesson\"", "title = \"First lesson"),
    );
    let error = watch.expect(Stream::Stderr, WAIT, "the error's place", |l| {
        l.contains("module.toml:")
    });
    assert!(error.contains("-->"), "{error}");
    let line = watch.expect(Stream::Stdout, WAIT, "the failure line", |l| {
        l.contains("failed")
    });
    assert!(
        line.ends_with("build failed (1 error); the packages stay as they were"),
        "{line}"
    );
    assert!(watch.is_running(), "watch exited on an error");
    assert_eq!(
        changed(&after_transcript, &packages(&out)),
        Vec::<String>::new()
    );

    // The next good edit recovers.
    fixture.write(
        "module.toml",
        with_lti.replace(
            "title = \"First lesson\"",
            "title = \"First lesson, fixed\"",
        ),
    );
    let line = watch.expect(Stream::Stdout, WAIT, "a rebuild", |l| {
        l.contains("rebuilt") || l.contains("failed")
    });
    assert!(line.contains("rebuilt scorm12 ("), "{line}");
    let recovered = packages(&out);
    assert_eq!(changed(&after_transcript, &recovered).len(), 5);
    let web = std::fs::read_to_string(out.join("basic-module-web/lessons/first-lesson/index.html"))
        .unwrap();
    assert!(web.contains("<h1>First lesson, fixed</h1>"));
    assert!(watch.is_running());
}

#[test]
fn refuses_an_output_folder_inside_the_source() {
    let fixture = Fixture::copy("basic");
    let out = fixture.dir.join("dist");
    let output = assert_cmd::Command::cargo_bin("lessonpack")
        .unwrap()
        .arg("watch")
        .arg(&fixture.dir)
        .arg("-o")
        .arg(&out)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("inside the lesson source folder"),
        "{stderr}"
    );
    assert!(!out.exists());
}
