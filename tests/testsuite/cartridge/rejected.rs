//! Negative controls: edits that break the XSD rules are rejected, so the validation in
//! [`super::cartridges_and_their_documents_validate_against_the_official_schemas`] is not
//! vacuous.

use super::{Cartridge, VERSIONS, rich, validate};
use lessonpack::manifest::CcVersion;
use lessonpack::manifest::ids::CcPart;

/// Checks that `edit` turns the valid file `rel` of the rich cartridge into one xmllint rejects.
fn assert_rejected(version: CcVersion, rel: &str, what: &str, edit: impl Fn(&str) -> String) {
    let cartridge = Cartridge::build(&rich(), version);
    let part = match rel.split('/').next().unwrap() {
        "discussions" => Some(CcPart::Discussion),
        "weblinks" => Some(CcPart::WebLink),
        "lti" => Some(CcPart::Lti),
        _ => None,
    };
    validate(&cartridge, rel, part).expect("the unedited file validates");
    let text = cartridge.read(rel);
    let edited = edit(&text);
    assert_ne!(edited, text, "{what}: the edit changed nothing");
    std::fs::write(cartridge.root().join(rel), &edited).unwrap();
    assert!(
        validate(&cartridge, rel, part).is_err(),
        "{version:?}: {what} was accepted:\n{edited}"
    );
}

/// `text` without the part from the first `from` to the end of the first `to`.
fn cut(text: &str, from: &str, to: &str) -> String {
    let start = text.find(from).unwrap();
    let end = text.find(to).unwrap() + to.len();
    format!("{}{}", &text[..start], &text[end..])
}

/// `text` with the lines from the one starting with `a` up to the one before `b` moved after
/// the block starting with `b` and ending with the first line starting with `b_end`.
fn swap_blocks(text: &str, a: &str, b: &str, b_end: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let find = |prefix: &str, from: usize| {
        from + lines[from..]
            .iter()
            .position(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting with {prefix}"))
    };
    let (start_a, start_b) = (find(a, 0), find(b, 0));
    let end_b = find(b_end, start_b);
    let mut out: Vec<&str> = lines[..start_a].to_vec();
    out.extend(&lines[start_b..=end_b]);
    out.extend(&lines[start_a..start_b]);
    out.extend(&lines[end_b + 1..]);
    out.join("\n") + "\n"
}

#[test]
fn validation_rejects_broken_cartridges() {
    for version in VERSIONS {
        let m = "imsmanifest.xml";
        assert_rejected(version, m, "<organizations> before <metadata>", |x| {
            swap_blocks(x, "<metadata>", "<organizations>", "</organizations>")
        });
        assert_rejected(version, m, "a module item's title after its items", |x| {
            swap_blocks(
                x,
                "<title><![CDATA[Second:",
                "<item identifier=\"CCITEM-WEB-second",
                "</item>",
            )
        });
        assert_rejected(version, m, "no LOM record", |x| {
            cut(x, "<lomimscc:lom>", "</lomimscc:lom>")
        });
        assert_rejected(version, m, "another schemaversion", |x| {
            x.replacen(version.schemaversion(), "1.2.0", 1)
        });
        assert_rejected(version, m, "a duplicate identifier", |x| {
            x.replacen(
                " identifier=\"WEB-second\"",
                " identifier=\"WEB-first-lesson\"",
                1,
            )
        });
        assert_rejected(version, m, "a title on the root item", |x| {
            x.replacen(
                "<item identifier=\"CCROOT-basic-module\">",
                "<item identifier=\"CCROOT-basic-module\">\n<title>Root</title>",
                1,
            )
        });
        let other = match version {
            CcVersion::V1_1 => "imsdt_xmlv1p3",
            CcVersion::V1_3 => "imsdt_xmlv1p1",
        };
        assert_rejected(version, m, "the other version's topic type", |x| {
            x.replace(version.resource_type(CcPart::Discussion), other)
        });
        let t = "discussions/first-lesson.xml";
        assert_rejected(version, t, "<text> before <title>", |x| {
            swap_blocks(x, "<title>", "<text", "<text")
        });
        assert_rejected(version, t, "an unknown texttype", |x| {
            x.replace("text/html", "text/markdown")
        });
        assert_rejected(
            version,
            "weblinks/first-lesson.xml",
            "a url without href",
            |x| x.replacen("<url href=", "<url data-href=", 1),
        );
        let l = "lti/second.xml";
        assert_rejected(version, l, "<blti:custom> after the launch URLs", |x| {
            swap_blocks(
                x,
                "<blti:custom>",
                "<blti:launch_url>",
                "<blti:secure_launch_url>",
            )
        });
        assert_rejected(version, l, "no <blti:vendor>", |x| {
            cut(x, "  <blti:vendor>", "</blti:vendor>\n")
        });
    }
    // The CC 1.3 decision: its profile has no `imsbasiclti_xmlv1p0` type.
    assert_rejected(
        CcVersion::V1_3,
        "imsmanifest.xml",
        "imsbasiclti_xmlv1p0 in 1.3",
        |x| x.replace("imsbasiclti_xmlv1p3", "imsbasiclti_xmlv1p0"),
    );
    // The CC 1.1 LOM profile's closed vocabulary (1.3 has an open one).
    assert_rejected(
        CcVersion::V1_1,
        "imsmanifest.xml",
        "a LOM value outside the vocabulary",
        |x| {
            x.replacen(
                "<lomimscc:value>yes</lomimscc:value>",
                "<lomimscc:value>maybe</lomimscc:value>",
                1,
            )
        },
    );
}
