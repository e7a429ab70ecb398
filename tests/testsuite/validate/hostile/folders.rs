//! An extracted folder whose links point outside it: every link is reported, nothing it
//! points at is read, listed or opened — a named pipe outside the folder would block the
//! run forever if it were opened, and a file outside holds a marker that must never appear.

use super::{SECRET, clean_scorm12, inspect_and_diff_refuse, messages, validate};
use std::os::unix::fs::symlink;

#[test]
fn links_in_a_folder_are_errors_and_nothing_outside_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("more")).unwrap();
    std::fs::write(outside.join("secret.html"), SECRET).unwrap();
    std::fs::write(outside.join("more/notes.xml"), format!("<x>{SECRET}</x>")).unwrap();
    // A named pipe nobody writes to: reading it would hang.
    let made = std::process::Command::new("mkfifo")
        .arg(outside.join("pipe.xml"))
        .status()
        .unwrap();
    assert!(made.success());

    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let (manifest, page) = clean_scorm12();
    // The manifest names the links, as a package that wants them served would.
    let manifest = String::from_utf8(manifest).unwrap().replace(
        "<file href=\"index.html\"/>",
        "<file href=\"index.html\"/>\n      <file href=\"leak.html\"/>\n      <file href=\"docs/notes.xml\"/>\n      <file href=\"quiz.xml\"/>",
    );
    std::fs::write(pkg.join("imsmanifest.xml"), manifest).unwrap();
    std::fs::write(pkg.join("index.html"), page).unwrap();
    symlink("../outside/secret.html", pkg.join("leak.html")).unwrap();
    symlink(outside.join("more"), pkg.join("docs")).unwrap();
    symlink(outside.join("pipe.xml"), pkg.join("quiz.xml")).unwrap();

    let (run, codes, findings) = validate(&pkg, "links in a folder");
    assert_eq!(run.code, Some(1));
    let links = messages(&findings, "PKG013");
    assert_eq!(links.len(), 3, "{codes:?}");
    assert!(
        links
            .iter()
            .any(|m| m.contains("`docs` is a symbolic link") && m.contains("an absolute path")),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .any(|m| m.contains("`leak.html`") && m.contains("climbs out")),
        "{links:?}"
    );
    assert!(links.iter().any(|m| m.contains("`quiz.xml`")), "{links:?}");
    // What the linked folder holds was never listed: the manifest's file there is missing.
    assert!(
        messages(&findings, "REF005")
            .iter()
            .any(|m| m.contains("`docs/notes.xml`")),
        "{findings:#}"
    );
    inspect_and_diff_refuse(&pkg, "is a symbolic link", "links in a folder");
}
