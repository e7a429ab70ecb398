//! Tests of [`super::Rebuilder`] on a copy of `tests/fixtures/basic`, without a watcher.

use super::*;
use crate::build::Target;
use std::time::SystemTime;

/// A temporary copy of the basic fixture and an output folder beside it.
struct Case {
    _root: tempfile::TempDir,
    source: PathBuf,
    out: PathBuf,
}

impl Case {
    fn new() -> Case {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("module");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        std::fs::create_dir(&source).unwrap();
        for entry in std::fs::read_dir(fixture).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), source.join(entry.file_name())).unwrap();
        }
        let out = root.path().join("dist");
        Case {
            _root: root,
            source,
            out,
        }
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.source.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "`{from}` not in {file}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// Modification time of each package.
    fn stamps(&self) -> Vec<(String, SystemTime)> {
        let mut stamps: Vec<_> = std::fs::read_dir(&self.out)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, e.metadata().unwrap().modified().unwrap())
            })
            .collect();
        stamps.sort();
        stamps
    }
}

/// The targets each step of an outcome wrote, and those it left unchanged.
fn steps(outcome: &Outcome) -> (Vec<&'static str>, Vec<&'static str>) {
    let Outcome::Built { targets, .. } = outcome else {
        panic!("build failed: {outcome:?}");
    };
    let pick = |written: bool| {
        targets
            .iter()
            .filter(|t| matches!(t.step, Step::Written { .. }) == written)
            .map(|t| t.target.name())
            .collect()
    };
    (pick(true), pick(false))
}

#[test]
fn writes_only_the_targets_whose_files_changed() {
    let case = Case::new();
    let mut rebuilder = Rebuilder::new(
        &case.source,
        Layout::Packages(case.out.clone()),
        Options::default(),
    );
    let first = rebuilder.rebuild(&Target::ALL).unwrap();
    assert_eq!(
        steps(&first).0,
        ["scorm12", "scorm2004", "cc", "cmi5", "web"]
    );
    let before = case.stamps();
    assert_eq!(before.len(), 5, "{before:?}");

    // Nothing changed: nothing is written.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = rebuilder.rebuild(&Target::ALL).unwrap();
    assert_eq!(steps(&again).0, Vec::<&str>::new());
    assert_eq!(
        again.summary(),
        "scorm12, scorm2004, cc, cmi5, web unchanged"
    );
    assert_eq!(case.stamps(), before);

    // An LTI launch URL only changes the cartridge.
    let lti = "\n[lti]\nlaunch-url = \"https://tool.example/lti/launch\"\n";
    case.edit(
        "module.toml",
        "presenters = [{ name = \"Ada Lovelace\", role = \"Lecturer\" }]\n",
        &format!("presenters = [{{ name = \"Ada Lovelace\", role = \"Lecturer\" }}]\n{lti}"),
    );
    let cc = rebuilder.rebuild(&Target::ALL).unwrap();
    assert_eq!(
        steps(&cc),
        (vec!["cc"], vec!["scorm12", "scorm2004", "cmi5", "web"])
    );
    assert!(cc.summary().starts_with("rebuilt cc ("), "{}", cc.summary());
    assert!(
        cc.summary()
            .ends_with("; scorm12, scorm2004, cmi5, web unchanged")
    );
    let after = case.stamps();
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        assert_eq!(old == new, !name.ends_with(".imscc"), "{name}");
    }

    // The transcript is on every page.
    std::fs::write(
        case.source.join("transcript.txt"),
        std::fs::read_to_string(case.source.join("transcript.txt")).unwrap()
            + "\nOne more paragraph.\n",
    )
    .unwrap();
    let all = rebuilder.rebuild(&Target::ALL).unwrap();
    assert_eq!(steps(&all).0, ["scorm12", "scorm2004", "cc", "cmi5", "web"]);
}

#[test]
fn an_error_writes_nothing_and_the_next_good_edit_recovers() {
    let case = Case::new();
    let mut rebuilder = Rebuilder::new(
        &case.source,
        Layout::Packages(case.out.clone()),
        Options::default(),
    );
    let targets = [Target::Scorm12, Target::Web];
    steps(&rebuilder.rebuild(&targets).unwrap());
    let before = case.stamps();

    case.edit(
        "module.toml",
        "title = \"First lesson\"",
        "title = \"First lesson",
    );
    let failed = rebuilder.rebuild(&targets).unwrap();
    let Outcome::Failed(report) = &failed else {
        panic!("expected a failure: {failed:?}");
    };
    assert!(report.has_errors());
    assert_eq!(
        failed.summary(),
        "build failed (1 error); the packages stay as they were"
    );
    assert_eq!(case.stamps(), before);

    case.edit(
        "module.toml",
        "title = \"First lesson",
        "title = \"First lesson, fixed\"",
    );
    let fixed = rebuilder.rebuild(&targets).unwrap();
    assert_eq!(steps(&fixed).0, ["scorm12", "web"]);
    let Outcome::Built { module, .. } = fixed else {
        unreachable!()
    };
    assert_eq!(module.lessons[0].title, "First lesson, fixed");
}

#[test]
fn a_deleted_output_is_written_again() {
    let case = Case::new();
    let mut rebuilder = Rebuilder::new(
        &case.source,
        Layout::Folders(case.out.clone()),
        Options::default(),
    );
    steps(&rebuilder.rebuild(&[Target::Scorm2004]).unwrap());
    let folder = case.out.join("scorm2004");
    assert!(folder.join("imsmanifest.xml").is_file());
    std::fs::remove_dir_all(&folder).unwrap();
    let again = rebuilder.rebuild(&[Target::Scorm2004]).unwrap();
    assert_eq!(steps(&again).0, ["scorm2004"]);
    assert!(folder.join("imsmanifest.xml").is_file());
}

#[test]
fn fingerprints_follow_bytes_and_media_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("v.webm");
    std::fs::write(&media, "1234").unwrap();
    let files = |text: &str| {
        vec![
            OutputFile::bytes("a.html", text),
            OutputFile::file("media/v.webm", &media),
        ]
    };
    assert_eq!(fingerprint(&files("x")), fingerprint(&files("x")));
    assert_ne!(fingerprint(&files("x")), fingerprint(&files("y")));
    let before = fingerprint(&files("x"));
    std::fs::write(&media, "12345").unwrap();
    assert_ne!(fingerprint(&files("x")), before);
    // A path moved from one file to another is a different package.
    let moved = vec![OutputFile::bytes("b.html", "x")];
    assert_ne!(
        fingerprint(&moved),
        fingerprint(&[OutputFile::bytes("a.html", "x")])
    );
}
