//! `lessonpack inspect`: our built SCORM 1.2/2004, cartridge and cmi5 packages, a corpus
//! manifest, and packages without a root manifest (described, not refused).

use crate::fixture::fixtures;
use assert_cmd::Command;
use std::path::Path;

/// `lessonpack inspect PATH`: exit code and stdout.
fn inspect(path: &Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("lessonpack")
        .unwrap()
        .arg("inspect")
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn our_packages_show_format_tree_launch_and_files() {
    let out = tempfile::tempdir().unwrap();
    let packages = crate::build::build(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "module",
        out.path(),
        &[],
    );
    let page = "lessons/international-perspective/index.html";
    let mut seen = 0;
    for package in &packages {
        let name = package.file_name().unwrap().to_string_lossy().into_owned();
        let (format, launch, tree): (&str, Vec<String>, &str) = if name.ends_with("-scorm12.zip") {
            (
                "SCORM 1.2",
                vec![format!("Moodle:   {page}"), format!("Open edX: {page}")],
                "organization `ORG-digital-leadership-china`",
            )
        } else if name.ends_with("-scorm2004.zip") {
            (
                "SCORM 2004 4th Edition",
                vec![format!("Moodle:   {page}"), format!("Open edX: {page}")],
                "organization `ORG-digital-leadership-china`",
            )
        } else if name.ends_with("-cc.imscc") {
            (
                "Common Cartridge 1.1",
                vec!["Canvas and Moodle: 1 modules/sections".to_string()],
                "      item `CCMOD-international-perspective`",
            )
        } else if name.ends_with("-cmi5.zip") {
            (
                "cmi5",
                vec![format!("Open edX: {page}")],
                "au `urn:lessonpack:digital-leadership-china:international-perspective`",
            )
        } else {
            continue;
        };
        seen += 1;
        let (code, text) = inspect(package);
        assert_eq!(code, Some(0), "{name}:\n{text}");
        let first = text.lines().next().unwrap();
        assert!(first.ends_with(&format!(": {format}")), "{name}: {first}");
        assert!(text.contains("\nStructure:\n"), "{name}:\n{text}");
        assert!(text.contains(tree), "{name}:\n{text}");
        assert!(text.contains("\nLaunch:\n"), "{name}:\n{text}");
        for line in launch {
            assert!(text.contains(&line), "{name}: no `{line}` in\n{text}");
        }
        // Every file with its size, as the zip holds it.
        let zip = zip::ZipArchive::new(std::fs::File::open(package).unwrap()).unwrap();
        let files = zip
            .file_names()
            .filter(|n| n.as_ref().is_ok_and(|n| !n.ends_with('/')))
            .count();
        assert!(
            text.contains(&format!("\nFiles ({files}, ")),
            "{name}:\n{text}"
        );
        let mut zip = zip;
        let manifest = if format == "cmi5" {
            "cmi5.xml"
        } else {
            "imsmanifest.xml"
        };
        let size = zip.by_name(manifest).unwrap().size();
        assert!(
            text.contains(&format!("{size:>10}  {manifest}\n")),
            "{name}:\n{text}"
        );
    }
    assert_eq!(seen, 4);
}

#[test]
fn a_corpus_manifest_is_inspected_bare() {
    let path = fixtures().join("corpus/adl-catapult-cmi5-multi-au-framed.xml");
    let (code, text) = inspect(&path);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.lines().next().unwrap().ends_with(": cmi5"), "{text}");
    assert!(
        text.contains("\nStructure:\n") && text.contains("  au `"),
        "{text}"
    );
    assert!(text.contains("Open edX: "), "{text}");
    assert!(text.contains("\nFiles (1, "), "{text}");
}

#[test]
fn a_package_without_a_root_manifest_says_what_was_found() {
    let nested = fixtures().join("validate/PKG002/triggers");
    let (code, text) = inspect(&nested);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(": no root manifest"), "{text}");
    assert!(
        text.contains("found: `course/imsmanifest.xml` (SCORM 1.2) inside a folder"),
        "{text}"
    );
    assert!(text.contains("course/index.html"), "{text}");
    assert!(text.contains("\nFiles (3, "), "{text}");

    let missing = fixtures().join("validate/PKG001/triggers");
    let (code, text) = inspect(&missing);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("found: no `imsmanifest.xml` or `cmi5.xml` anywhere"),
        "{text}"
    );
    assert!(text.contains("manifest.xml"), "{text}");

    let wrong_case = fixtures().join("validate/PKG003/triggers");
    let (code, text) = inspect(&wrong_case);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("`IMSManifest.xml` (SCORM 1.2) at the root with other letter case"),
        "{text}"
    );
}
