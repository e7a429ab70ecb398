//! `lessonpack build`: the sample's SCORM packages are deterministic, schema-valid and
//! self-consistent; identifiers survive title edits; failed builds leave old packages intact.

use crate::fixture::Fixture;
use crate::support::validate_manifest;
use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

const PACKAGES: [&str; 5] = [
    "digital-leadership-china-scorm12.zip",
    "digital-leadership-china-scorm2004.zip",
    "digital-leadership-china-cc.imscc",
    "digital-leadership-china-cmi5.zip",
    "digital-leadership-china-web",
];

/// Whether `path` is a SCORM package (a zip with `imsmanifest.xml`; the cmi5 zip is checked in
/// `cmi5.rs`).
fn is_scorm(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.ends_with(".zip") && !name.ends_with("-cmi5.zip")
}

fn lessonpack(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("lessonpack").unwrap();
    cmd.current_dir(cwd);
    cmd
}

/// Builds `dir` into `<out>` and returns the package paths it printed.
pub(crate) fn build(cwd: &Path, dir: &str, out: &Path, extra: &[&str]) -> Vec<PathBuf> {
    let output = lessonpack(cwd)
        .args(["build", dir, "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| {
            let path = line
                .strip_prefix("wrote ")
                .unwrap()
                .split(" (")
                .next()
                .unwrap();
            PathBuf::from(path)
        })
        .collect()
}

/// sha256 of a file, or of a folder's sorted relative paths and contents.
pub(crate) fn sha256(path: &Path) -> String {
    let mut hasher = Sha256::new();
    if path.is_dir() {
        for rel in crate::support::files_below(path) {
            hasher.update(rel.as_bytes());
            hasher.update(std::fs::read(path.join(&rel)).unwrap());
        }
    } else {
        hasher.update(std::fs::read(path).unwrap());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Extracts a package into a folder (checking entry names on the way) and returns it.
pub(crate) fn unzip(zip: &Path, into: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        assert!(
            !name.starts_with('/')
                && !name.contains('\\')
                && !name.split('/').any(|s| s == ".." || s.is_empty()),
            "unsafe entry name `{name}`"
        );
        assert!(!entry.is_dir(), "directory entry `{name}`");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let path = into.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        names.push(name);
    }
    names
}

/// Values of `attr="…"` on every `<tag …>` in the manifest.
fn attributes(xml: &str, tag: &str, attr: &str) -> Vec<String> {
    xml.split(&format!("<{tag} "))
        .skip(1)
        .filter_map(|rest| {
            let head = &rest[..rest.find('>').unwrap()];
            let key = format!(" {attr}=\"");
            let at = format!(" {head}").find(&key)? + key.len() - 1;
            Some(head[at..at + head[at..].find('"').unwrap()].to_string())
        })
        .collect()
}

#[test]
fn the_sample_builds_deterministic_valid_packages() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let first = build(repo, "module", &out.path().join("a"), &[]);
    let second = build(repo, "module", &out.path().join("b"), &[]);
    let names: Vec<String> = first
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, PACKAGES);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(
            sha256(a),
            sha256(b),
            "{} differs between two builds",
            a.display()
        );
    }

    for package in first.iter().filter(|p| is_scorm(p)) {
        let root = out.path().join(format!(
            "x-{}",
            package.file_name().unwrap().to_string_lossy()
        ));
        let entries = unzip(package, &root);
        assert!(
            entries.contains(&"imsmanifest.xml".to_string()),
            "manifest at the root"
        );
        if let Err(e) = validate_manifest(&root) {
            panic!("{} does not validate: {e}", package.display());
        }
        let manifest = std::fs::read_to_string(root.join("imsmanifest.xml")).unwrap();
        let listed: BTreeSet<String> = attributes(&manifest, "file", "href").into_iter().collect();
        let shipped: BTreeSet<String> = entries
            .iter()
            .filter(|e| *e != "imsmanifest.xml")
            .cloned()
            .collect();
        assert_eq!(
            listed, shipped,
            "every <file href> exists and every file is listed"
        );
        let launches = attributes(&manifest, "resource", "href");
        assert_eq!(launches, ["lessons/international-perspective/index.html"]);
        assert!(root.join(&launches[0]).is_file(), "launch href resolves");
        assert!(!manifest.contains("xml:base"));
    }
}

#[test]
fn editing_titles_keeps_every_identifier() {
    let identifiers = |fixture: &Fixture, out: &str| -> Vec<Vec<String>> {
        let packages = build(fixture.root(), "module", &fixture.root().join(out), &[]);
        packages
            .iter()
            .filter(|p| is_scorm(p))
            .map(|p| {
                let root = fixture.root().join(format!(
                    "{out}-x-{}",
                    p.file_name().unwrap().to_string_lossy()
                ));
                unzip(p, &root);
                let xml = std::fs::read_to_string(root.join("imsmanifest.xml")).unwrap();
                ["identifier", "identifierref", "default"]
                    .iter()
                    .flat_map(|a| {
                        [
                            "manifest",
                            "organizations",
                            "organization",
                            "item",
                            "resource",
                            "dependency",
                        ]
                        .iter()
                        .flat_map(|t| attributes(&xml, t, a))
                        .collect::<Vec<_>>()
                    })
                    .collect()
            })
            .collect()
    };
    let fixture = Fixture::copy("basic");
    let before = identifiers(&fixture, "before");
    fixture.replace(
        "module.toml",
        "title = \"Basic module\"",
        "title = \"A renamed module\"",
    );
    fixture.replace(
        "module.toml",
        "title = \"First lesson\"",
        "title = \"The first lesson, retitled\"",
    );
    let after = identifiers(&fixture, "after");
    assert_eq!(before, after);
    assert!(
        before[0].contains(&"ITEM-first-lesson".to_string()),
        "{before:?}"
    );
}

#[test]
fn a_build_failing_midway_leaves_the_previous_package_intact() {
    // Every target that bundles the media, zipped or as a folder.
    for target in ["scorm12", "scorm2004", "cc", "cmi5", "web"] {
        let fixture = Fixture::copy("rtl");
        let out = fixture.root().join("dist");
        let packages = build(fixture.root(), "module", &out, &["--target", target]);
        let before = sha256(&packages[0]);
        // A media file whose size changes while it is packaged: /proc files report size 0.
        let media = fixture.path("media/lecture.webm");
        std::fs::remove_file(&media).unwrap();
        std::os::unix::fs::symlink("/proc/self/status", &media).unwrap();
        let output = lessonpack(fixture.root())
            .args(["build", "module", "--target", target, "-o"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(0), "{target}");
        assert!(
            stderr.contains("lecture.webm"),
            "{target}: the message names the file: {stderr}"
        );
        assert_eq!(
            sha256(&packages[0]),
            before,
            "{target}: the previous package is untouched"
        );
        let left: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let name = packages[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(
            left,
            [name],
            "{target}: no temporary file or folder left behind"
        );
    }
}

#[test]
fn a_source_with_errors_writes_nothing() {
    let fixture = Fixture::copy("basic");
    fixture.replace("module.toml", "watched-percent = 90", "watched-percent = 0");
    let before = fixture.snapshot();
    lessonpack(fixture.root())
        .args(["build", "module"])
        .assert()
        .code(1);
    assert_eq!(
        before,
        fixture.snapshot(),
        "no dist/ and no change to the source"
    );
}

#[test]
fn the_output_folder_may_not_be_inside_the_source() {
    let fixture = Fixture::copy("basic");
    let before = fixture.snapshot();
    let output = lessonpack(fixture.root())
        .args(["build", "module", "-o", "module/dist"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is inside the lesson source folder"));
    assert_eq!(before, fixture.snapshot());
}

#[test]
fn scorm_2004_third_edition_on_request() {
    let fixture = Fixture::copy("basic");
    let packages = build(
        fixture.root(),
        "module",
        &fixture.root().join("dist"),
        &["--target", "scorm2004", "--scorm2004-edition", "3rd"],
    );
    assert_eq!(packages.len(), 1);
    let root = fixture.root().join("x");
    unzip(&packages[0], &root);
    let manifest = std::fs::read_to_string(root.join("imsmanifest.xml")).unwrap();
    assert!(manifest.contains("<schemaversion>2004 3rd Edition</schemaversion>"));
    validate_manifest(&root).unwrap();
}

#[test]
fn the_web_target_is_a_plain_folder_with_an_index() {
    let fixture = Fixture::copy("basic");
    let out = fixture.root().join("dist");
    let first = build(fixture.root(), "module", &out, &["--target", "web"]);
    assert_eq!(first, [out.join("basic-module-web")]);
    let web = &first[0];
    let index = std::fs::read_to_string(web.join("index.html")).unwrap();
    assert!(
        index.contains("<a href=\"lessons/first-lesson/index.html\">First lesson</a>"),
        "{index}"
    );
    assert!(index.contains("href=\"assets/lessonpack.css\""));
    let page = std::fs::read_to_string(web.join("lessons/first-lesson/index.html")).unwrap();
    assert!(page.contains("\"standard\":\"none\""));
    assert!(
        !web.join("assets/scorm.js").exists(),
        "no SCORM runtime on the web"
    );
    assert!(!web.join("imsmanifest.xml").exists());
    // Rebuilding replaces the folder it made, with the same content.
    let before = std::fs::read(web.join("lessons/first-lesson/index.html")).unwrap();
    std::fs::write(web.join("stale.txt"), "left from an older build").unwrap();
    build(fixture.root(), "module", &out, &["--target", "web"]);
    assert!(!web.join("stale.txt").exists());
    assert_eq!(
        before,
        std::fs::read(web.join("lessons/first-lesson/index.html")).unwrap()
    );
}

#[test]
fn cartridges_build_for_both_versions_and_validate() {
    use lessonpack::manifest::CcVersion;
    let fixture = Fixture::copy("basic");
    for (flag, version, xsd) in [
        (
            "1.1",
            CcVersion::V1_1,
            "schemas/cc11/ccv1p1_imscp_v1p2_v1p0.xsd",
        ),
        (
            "1.3",
            CcVersion::V1_3,
            "schemas/cc13/ccv1p3_imscp_v1p2_v1p0.xsd",
        ),
    ] {
        let out = fixture.root().join(format!("dist-{flag}"));
        let packages = build(
            fixture.root(),
            "module",
            &out,
            &["--target", "cc", "--cc-version", flag],
        );
        assert_eq!(packages, [out.join("basic-module-cc.imscc")]);
        let root = fixture.root().join(format!("cc-{flag}"));
        let entries = unzip(&packages[0], &root);
        assert!(
            !entries.iter().any(|e| e.ends_with(".xsd")),
            "cartridges ship no schemas"
        );
        let manifest = std::fs::read_to_string(root.join("imsmanifest.xml")).unwrap();
        let head: String = manifest[..1024.min(manifest.len())]
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
            .collect();
        assert!(
            head.contains(&format!("xmlns={}", version.namespace())),
            "namespace within 1,024 bytes"
        );
        let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join(xsd);
        crate::support::validate_against(
            &root.join("imsmanifest.xml"),
            &[(version.namespace(), &schema)],
        )
        .unwrap();
        let again = build(
            fixture.root(),
            "module",
            &fixture.root().join(format!("again-{flag}")),
            &["--target", "cc", "--cc-version", flag],
        );
        assert_eq!(sha256(&packages[0]), sha256(&again[0]), "deterministic");
    }
}
