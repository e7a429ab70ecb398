//! Hostile XML: entity expansion (billion laughs, the quadratic blow-up that once took 20 s
//! and 5.8 GB), external entities, in the manifest and in every other document of a
//! cartridge; and each not-well-formed class an LMS parser refuses, as an error with
//! `line:col`.

use super::{SECRET, inspect_and_diff_refuse, messages, validate};
use crate::fixture::fixtures;
use std::path::Path;

/// Copies the fixture folder `validate/<case>` into `dir`.
fn copy(case: &str, dir: &Path) {
    let from = fixtures().join("validate").join(case);
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
}

/// Ten levels of ten: expanded, a billion `lol`s (3 GB).
fn billion_laughs(root: &str) -> String {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{prev}\">\n"));
    }
    format!("<?xml version=\"1.0\"?>\n<!DOCTYPE {root} [\n{dtd}]>\n")
}

#[test]
fn a_quadratic_blow_up_manifest_is_one_finding_within_budget() {
    // A 10 KB entity referenced 1,000,000 times on one line: 10 GB if expanded.
    let dir = tempfile::tempdir().unwrap();
    copy("XML003/clean", dir.path());
    let manifest = std::fs::read_to_string(dir.path().join("imsmanifest.xml")).unwrap();
    let manifest = manifest
        .replacen(
            "<manifest ",
            &format!(
                "<!DOCTYPE manifest [<!ENTITY a \"{}\">]>\n<manifest ",
                "a".repeat(10_000)
            ),
            1,
        )
        .replacen(
            "<title>Course</title>",
            &format!("<title>{}</title>", "&a;".repeat(1_000_000)),
            1,
        );
    std::fs::write(dir.path().join("imsmanifest.xml"), manifest).unwrap();
    let (run, codes, findings) = validate(dir.path(), "quadratic entity manifest");
    assert_eq!(
        (run.code, codes.as_slice()),
        (Some(1), &["XML003".to_string()][..])
    );
    assert!(
        messages(&findings, "XML003")[0].contains("1000000 references to them are left unexpanded"),
        "{findings:#}"
    );
    assert_eq!(findings[0]["line"], 2, "{findings:#}");
}

#[test]
fn a_billion_laughs_manifest_is_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    copy("XML003/clean", dir.path());
    let manifest = std::fs::read_to_string(dir.path().join("imsmanifest.xml")).unwrap();
    let body = manifest.split_once("?>\n").unwrap().1;
    let manifest = billion_laughs("manifest")
        + &body.replacen("<title>Course</title>", "<title>&lol9;</title>", 1);
    std::fs::write(dir.path().join("imsmanifest.xml"), manifest).unwrap();
    let (run, codes, _) = validate(dir.path(), "billion laughs manifest");
    assert_eq!(
        (run.code, codes.as_slice()),
        (Some(1), &["XML003".to_string()][..])
    );
    inspect_and_diff_refuse(
        dir.path(),
        "never expands or fetches",
        "billion laughs manifest",
    );
}

#[test]
fn a_billion_laughs_and_an_external_entity_topic_in_a_cartridge_are_errors() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), SECRET).unwrap();
    for (case, topic) in [
        (
            "billion laughs topic",
            billion_laughs("topic")
                + "<topic xmlns=\"http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1\"><title>Talk</title><text texttype=\"text/plain\">&lol9;</text></topic>\n",
        ),
        (
            "external entity topic",
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file://{}\">]>\n<topic xmlns=\"http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1\"><title>&e;</title><text texttype=\"text/plain\">Say hello</text></topic>\n",
                secret.path().display()
            ),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        copy("XML009/clean", dir.path());
        std::fs::write(dir.path().join("topic.xml"), topic).unwrap();
        let (run, codes, findings) = validate(dir.path(), case);
        assert_eq!(
            (run.code, codes.as_slice()),
            (Some(1), &["XML009".to_string()][..]),
            "{case}"
        );
        let f = &findings[0];
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(2), Some(1)),
            "{case}: {f:#}"
        );
        assert!(f["file"].as_str().unwrap().ends_with("topic.xml"), "{f:#}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("neither expanded nor fetched"),
            "{f:#}"
        );
    }
}

#[test]
fn every_xml_document_of_a_package_goes_through_the_same_reader() {
    let dir = tempfile::tempdir().unwrap();
    copy("XML008/clean", dir.path());
    std::fs::create_dir_all(dir.path().join("quiz")).unwrap();
    std::fs::create_dir_all(dir.path().join("meta")).unwrap();
    // A QTI file with a NUL, metadata with an external entity, a settings file in Latin-1
    // without a declaration, and a fine one.
    std::fs::write(
        dir.path().join("quiz/q1.xml"),
        "<questestinterop>\n  <item>a\0b</item>\n</questestinterop>\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("meta/lom.xml"),
        "<!DOCTYPE lom SYSTEM \"http://example.org/lom.dtd\">\n<lom/>\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("meta/settings.xml"),
        b"<settings>\n<name>Caf\xe9</name></settings>\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("meta/ok.xml"),
        "<?xml version=\"1.0\"?><ok/>",
    )
    .unwrap();
    // An AppleDouble fork is operating-system metadata (PKG005's), not a document.
    std::fs::write(dir.path().join("quiz/._q1.xml"), b"\0\x05\x16\x07binary").unwrap();
    let (run, codes, findings) = validate(dir.path(), "package documents");
    assert_eq!(run.code, Some(1));
    let malformed = messages(&findings, "XML008");
    assert_eq!(malformed.len(), 2, "{codes:?}");
    assert!(
        malformed
            .iter()
            .any(|m| m.contains("`quiz/q1.xml` is not well-formed")),
        "{malformed:?}"
    );
    assert!(
        malformed
            .iter()
            .any(|m| m.contains("`meta/settings.xml` cannot be read") && m.contains("0xE9")),
        "{malformed:?}"
    );
    let dtd = messages(&findings, "XML009");
    assert_eq!(dtd.len(), 1, "{codes:?}");
    assert!(
        dtd[0].contains("names `http://example.org/lom.dtd`"),
        "{dtd:?}"
    );
    let at = |code: &str| {
        let f = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code && f["file"].as_str().unwrap().ends_with("q1.xml"));
        f.map(|f| (f["line"].as_u64(), f["column"].as_u64()))
    };
    assert_eq!(at("XML008"), Some((Some(2), Some(10))), "{findings:#}");
}

/// 1-based line and column (in characters) of the last occurrence of `needle` in `text`.
fn position(text: &str, needle: &str) -> (u64, u64) {
    let at = text
        .rfind(needle)
        .unwrap_or_else(|| panic!("no {needle:?}"));
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u64, text[start..at].chars().count() as u64 + 1)
}

#[test]
fn each_not_well_formed_class_is_an_error_with_line_and_column() {
    let clean = fixtures().join("validate/XML001/clean");
    let text = std::fs::read_to_string(clean.join("imsmanifest.xml")).unwrap();
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    assert!(text.starts_with(decl));
    let utf16 = |s: &str, bom: bool| {
        let mut out = if bom { vec![0xff, 0xfe] } else { Vec::new() };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    };
    let title = |with: &str| {
        text.replacen(
            "<title>Course</title>",
            &format!("<title>{with}</title>"),
            1,
        )
    };
    let bytes = |s: String| s.into_bytes();
    // (case, bytes, code, the text as decoded, what the finding must point at in it)
    let cases: Vec<(&str, Vec<u8>, &str, String, &str)> = vec![
        (
            "NUL byte",
            bytes(title("Cour\0se")),
            "XML001",
            title("Cour\0se"),
            "\0",
        ),
        (
            "&#1;",
            bytes(title("Cour&#1;se")),
            "XML001",
            title("Cour&#1;se"),
            "&#1;",
        ),
        (
            "invalid UTF-8",
            title("Cour\u{1}se")
                .bytes()
                .map(|b| if b == 1 { 0xff } else { b })
                .collect(),
            "XML007",
            title("Cour\u{1}se"),
            "\u{1}",
        ),
        (
            "text before the root",
            bytes(text.replacen("<manifest ", "hello <manifest ", 1)),
            "XML001",
            text.replacen("<manifest ", "hello <manifest ", 1),
            "hello",
        ),
        (
            "a second root",
            bytes(format!("{text}<manifest/>\n")),
            "XML001",
            format!("{text}<manifest/>\n"),
            "<manifest/>",
        ),
        (
            "standalone before encoding",
            bytes(text.replacen(
                decl,
                "<?xml version=\"1.0\" standalone=\"no\" encoding=\"UTF-8\"?>",
                1,
            )),
            "XML001",
            text.replacen(
                decl,
                "<?xml version=\"1.0\" standalone=\"no\" encoding=\"UTF-8\"?>",
                1,
            ),
            "encoding=",
        ),
        (
            "unknown encoding",
            bytes(text.replacen("UTF-8", "x-bogus", 1)),
            "XML007",
            text.replacen("UTF-8", "x-bogus", 1),
            "x-bogus",
        ),
        (
            "UTF-16 declared over UTF-8",
            bytes(text.replacen("UTF-8", "UTF-16", 1)),
            "XML007",
            text.replacen("UTF-8", "UTF-16", 1),
            "UTF-16",
        ),
        (
            "UTF-8 declared over UTF-16",
            utf16(&text, true),
            "XML007",
            text.clone(),
            "UTF-8\"",
        ),
        (
            "unclosed comment",
            bytes(title("<!-- never closed")),
            "XML001",
            title("<!-- never closed"),
            "<!--",
        ),
        (
            "unclosed CDATA",
            bytes(title("<![CDATA[ never closed")),
            "XML001",
            title("<![CDATA[ never closed"),
            "<![CDATA[",
        ),
    ];
    for (case, bytes, code, decoded, needle) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("imsmanifest.xml"), &bytes).unwrap();
        std::fs::copy(clean.join("index.html"), dir.path().join("index.html")).unwrap();
        let (run, codes, findings) = validate(dir.path(), case);
        assert_eq!(run.code, Some(1), "{case}");
        let f = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("{case}: no {code} in {codes:?}"));
        let (line, column) = position(&decoded, needle);
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(line), Some(column)),
            "{case}: {f:#}"
        );
    }
    // What both parsers accept stays clean: UTF-16 declared as such, with or without a byte
    // order mark, and a declared legacy encoding (XML004's warning only).
    let declared16 = text.replacen("UTF-8", "UTF-16", 1);
    let latin1: Vec<u8> = text
        .replacen("UTF-8", "ISO-8859-1", 1)
        .replacen("Course", "Cours\u{e9}", 1)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    for (case, bytes) in [
        ("UTF-16 with a BOM", utf16(&declared16, true)),
        ("UTF-16 without a BOM", utf16(&declared16, false)),
        ("ISO-8859-1", latin1),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("imsmanifest.xml"), &bytes).unwrap();
        std::fs::copy(clean.join("index.html"), dir.path().join("index.html")).unwrap();
        let (_, codes, _) = validate(dir.path(), case);
        assert_eq!(codes, ["XML004"], "{case}");
    }
}

#[test]
fn a_million_undefined_entities_or_bare_ampersands_are_counted_not_listed() {
    for (case, repeated, code, rest) in [
        (
            "undefined entities",
            "&nbsp;",
            "XML001",
            "999980 more references to undefined entities",
        ),
        ("bare ampersands", "a & ", "XML005", "999980 more bare `&`"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        copy("XML001/clean", dir.path());
        let manifest = std::fs::read_to_string(dir.path().join("imsmanifest.xml")).unwrap();
        let manifest = manifest.replacen(
            "<title>Course</title>",
            &format!("<title>{}</title>", repeated.repeat(1_000_000)),
            1,
        );
        std::fs::write(dir.path().join("imsmanifest.xml"), manifest).unwrap();
        let (run, codes, findings) = validate(dir.path(), case);
        assert_eq!(run.code, Some(1), "{case}");
        let found = messages(&findings, code);
        assert_eq!((found.len(), codes.len()), (21, 21), "{case}: {codes:?}");
        assert!(found[20].contains(rest), "{case}: {}", found[20]);
        // The human report cuts the million-character line around each finding.
        let human = super::measure(&["validate".as_ref(), dir.path().as_os_str()]);
        human.within_budget(&format!("{case}, human report"));
        assert!(
            human.stdout.len() < 64 * 1024,
            "{case}: {} bytes",
            human.stdout.len()
        );
    }
}
