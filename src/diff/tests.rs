//! Unit tests of the diff stage on hand-written manifests: format detection, the settings
//! read, the launch each LMS picks, rename pairing, and Moodle's identifier matching.

use super::model::{Container, Format, ItemKind, Package};
use super::{Change, Outcome, Scope, Status, compare, parse, tree};
use std::collections::BTreeMap;

/// A package made from manifest text alone (no files).
fn package(xml: &str) -> Package {
    let root = tree::parse(xml).unwrap();
    let parsed = if root.local() == "courseStructure" {
        parse::cmi5(&root)
    } else {
        parse::ims_manifest(&root)
    }
    .unwrap();
    Package {
        path: "p".into(),
        container: Container::Folder,
        format: parsed.format.unwrap(),
        schemaversion: parsed.schemaversion,
        files: BTreeMap::new(),
        items: parsed.items,
        resources: parsed.resources,
        default_organization: parsed.default_organization,
        warnings: parsed.warnings,
    }
}

/// A SCORM manifest: `version` is the `<schemaversion>`, `orgs` the organizations' XML, and
/// every resource `R-<x>` with `href="<x>.html"` for `x` in `resources`.
fn scorm(version: &str, orgs: &str, resources: &[&str]) -> String {
    let res: String = resources
        .iter()
        .map(|r| {
            format!(
                "<resource identifier=\"R-{r}\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"{r}.html\"/>"
            )
        })
        .collect();
    format!(
        "<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" \
         xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\" xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\">\
         <metadata><schema>ADL SCORM</schema><schemaversion>{version}</schemaversion></metadata>\
         {orgs}<resources>{res}</resources></manifest>"
    )
}

/// One organization `O` holding items `(identifier, title, resource)`.
fn org(items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(id, title, res)| {
            format!(
                "<item identifier=\"{id}\" identifierref=\"R-{res}\"><title>{title}</title></item>"
            )
        })
        .collect();
    format!(
        "<organizations default=\"O\"><organization identifier=\"O\"><title>Org</title>{items}</organization></organizations>"
    )
}

#[test]
fn formats_are_told_by_namespace_and_schemaversion() {
    let cases = [
        (scorm("2004 4th Edition", "", &[]), Format::Scorm2004),
        (scorm("CAM 1.3", "", &[]), Format::Scorm2004),
        // Moodle and Open edX go by `<schemaversion>`, not by the namespace.
        (scorm("1.2", "", &[]), Format::Scorm12),
        (
            "<manifest xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"/>".into(),
            Format::Scorm12,
        ),
        (
            "<manifest xmlns=\"http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1\"><metadata>\
             <schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion></metadata></manifest>"
                .into(),
            Format::Cc,
        ),
    ];
    for (xml, format) in cases {
        assert_eq!(package(&xml).format, format, "{xml}");
    }
    let root = tree::parse("<manifest xmlns=\"urn:x\"/>").unwrap();
    let err = parse::ims_manifest(&root).unwrap_err();
    assert!(
        err.contains("the namespace `urn:x` and no `<schemaversion>`"),
        "{err}"
    );
    let root = tree::parse("<courseStructure xmlns=\"urn:x\"/>").unwrap();
    assert!(parse::cmi5(&root).unwrap_err().contains("not cmi5's"));
}

#[test]
fn launch_mastery_and_completion_settings_are_read() {
    let xml = "<manifest xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\" xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\
        <metadata><schemaversion>1.2</schemaversion></metadata>\
        <organizations default=\"B\">\
          <organization identifier=\"A\"><title>A</title>\
            <item identifier=\"a1\" identifierref=\"r1\"><title>One</title></item></organization>\
          <organization identifier=\"B\"><title>B</title>\
            <item identifier=\"folder\"><title>Folder</title>\
              <item identifier=\"b1\" identifierref=\"r2\" parameters=\"?x=1\"><title> Two\n words </title>\
                <adlcp:masteryscore> 80 </adlcp:masteryscore></item></item></organization>\
        </organizations>\
        <resources>\
          <resource identifier=\"r0\" type=\"webcontent\" adlcp:scormtype=\"asset\" href=\"first.html\"/>\
          <resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"one.html\"/>\
          <resource identifier=\"r2\" type=\"webcontent\" adlcp:scormtype=\"sco\" xml:base=\"two/\" href=\"index.html\"><file href=\"two/index.html\"/></resource>\
        </resources></manifest>";
    let p = package(xml);
    let b1 = p.item("b1").unwrap();
    assert_eq!(b1.title, "Two words");
    assert_eq!(b1.parent.as_deref(), Some("folder"));
    assert_eq!(b1.launch.as_deref(), Some("two/index.html"));
    assert_eq!(b1.settings["adlcp:masteryscore"], "80");
    assert_eq!(b1.settings["parameters"], "?x=1");
    assert_eq!(p.item("folder").unwrap().launch, None);
    assert_eq!(p.organization_of(b1), Some("B"));
    // Moodle starts in the default organization; Open edX at the first resource with href.
    assert_eq!(p.moodle_launch().map(|i| i.identifier.as_str()), Some("b1"));
    assert_eq!(p.openedx_launch(), Some("first.html"));
    assert_eq!(p.resource("r2").unwrap().files, ["two/index.html"]);

    let sequenced = scorm(
        "2004 4th Edition",
        "<organizations default=\"O\"><organization identifier=\"O\"><title>O</title>\
         <item identifier=\"i\" identifierref=\"R-i\"><title>I</title>\
         <adlcp:completionThreshold completedByMeasure=\"true\" minProgressMeasure=\"0.9\"/>\
         <imsss:sequencing><imsss:objectives><imsss:primaryObjective satisfiedByMeasure=\"true\">\
         <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure></imsss:primaryObjective>\
         </imsss:objectives></imsss:sequencing></item></organization></organizations>",
        &["i"],
    );
    let sequenced = package(&sequenced);
    let settings = &sequenced.item("i").unwrap().settings;
    assert_eq!(settings["completionThreshold@minProgressMeasure"], "0.9");
    assert_eq!(settings["completionThreshold@completedByMeasure"], "true");
    assert_eq!(settings["primaryObjective@satisfiedByMeasure"], "true");
    assert_eq!(settings["primaryObjective/minNormalizedMeasure"], "0.8");
}

#[test]
fn setting_changes_and_retitles_keep_records() {
    let old = package(&scorm("1.2", &org(&[("a", "Old title", "a")]), &["a"]));
    let mut new = package(&scorm("1.2", &org(&[("a", "New title", "a")]), &["a"]));
    let item = new.items.iter_mut().find(|i| i.identifier == "a").unwrap();
    item.settings
        .insert("adlcp:masteryscore".into(), "90".into());
    let diff = compare(&old, &new);
    assert_eq!(diff.items.len(), 1);
    assert_eq!(diff.items[0].change, Change::Retitled);
    let setting = &diff.settings[0];
    assert_eq!(
        (setting.scope, setting.identifier.as_deref()),
        (Scope::Item, Some("a"))
    );
    assert_eq!(
        (setting.old.as_deref(), setting.new.as_deref()),
        (None, Some("90"))
    );
    assert!(!diff.drops_records());
    assert_eq!(diff.records[0].records[0].status, Status::Kept);
}

#[test]
fn renames_pair_by_title_then_by_the_same_substitution() {
    // Three items share a title; the uniquely titled one reveals the substitution.
    let items = |l: &str| {
        org(&[
            (&format!("MOD-{l}"), "Lesson", l),
            (&format!("WEB-{l}"), "Lesson", l),
            (&format!("LINK-{l}"), "Lesson (video)", l),
        ])
    };
    let old = package(&scorm("1.2", &items("intro"), &["intro"]));
    let new = package(&scorm("1.2", &items("welcome"), &["welcome"]));
    let diff = compare(&old, &new);
    let renamed: Vec<(&str, &str)> = diff
        .items
        .iter()
        .filter(|c| c.change == Change::Renamed)
        .map(|c| {
            let (o, n) = (c.old.as_ref().unwrap(), c.new.as_ref().unwrap());
            (o.identifier.as_str(), n.identifier.as_str())
        })
        .collect();
    assert_eq!(
        renamed,
        [
            ("MOD-intro", "MOD-welcome"),
            ("WEB-intro", "WEB-welcome"),
            ("LINK-intro", "LINK-welcome")
        ]
    );
    assert_eq!(diff.items.len(), 3, "{:?}", diff.items);
    assert_eq!(diff.resources[0].change, Change::Renamed);
    assert!(diff.drops_records());
}

#[test]
fn moodle_hands_tracks_to_the_last_loosely_equal_identifier() {
    let old = package(&scorm("1.2", &org(&[("10", "Ten", "a")]), &["a", "b"]));
    // `10` then `1e1`: the later `1e1` takes the tracks of the old `10`.
    let new = package(&scorm(
        "1.2",
        &org(&[("10", "Ten", "a"), ("1e1", "Other", "b")]),
        &["a", "b"],
    ));
    let moodle = &compare(&old, &new).records[0];
    assert_eq!(moodle.outcome, Outcome::Lost);
    assert_eq!(moodle.records[0].status, Status::Moved);
    assert_eq!(moodle.records[0].to.as_deref(), Some("1e1"));
    assert!(moodle.notes[0].contains("`10`, `1e1` look like numbers"));
    // The other order keeps them where they were.
    let new = package(&scorm(
        "1.2",
        &org(&[("1e1", "Other", "b"), ("10", "Ten", "a")]),
        &["a", "b"],
    ));
    let moodle = &compare(&old, &new).records[0];
    assert_eq!(moodle.outcome, Outcome::Kept);
    assert_eq!(moodle.records[0].status, Status::Kept);
}

#[test]
fn moved_items_and_version_notes() {
    let nested = "<organizations default=\"O\"><organization identifier=\"O\"><title>O</title>\
        <item identifier=\"f\"><title>F</title><item identifier=\"a\" identifierref=\"R-a\"><title>A</title></item></item>\
        </organization></organizations>";
    let old = package(&scorm("1.2", nested, &["a"]));
    let new = package(&scorm("2004 3rd Edition", &org(&[("a", "A", "a")]), &["a"]));
    let diff = compare(&old, &new);
    let moved = diff
        .items
        .iter()
        .find(|c| c.change == Change::Moved)
        .unwrap();
    assert_eq!(moved.new.as_ref().unwrap().parent.as_deref(), Some("O"));
    assert!(diff.format_changed);
    assert!(diff.warnings[0].contains("the SCORM version changes"));
    assert!(
        diff.records[0]
            .notes
            .iter()
            .any(|n| n.contains("from SCORM 1.2 to SCORM 2004"))
    );
    assert!(
        diff.records[1]
            .notes
            .iter()
            .any(|n| n.contains("Open edX switches"))
    );
    assert!(
        !diff.drops_records(),
        "the same identifiers keep Moodle's tracks"
    );
}

#[test]
fn cmi5_course_and_aus_become_items() {
    let xml = |course: &str| {
        format!(
            "<courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">\
             <course id=\"{course}\"><title><langstring>C</langstring></title></course>\
             <block id=\"urn:b\"><title><langstring>B</langstring></title>\
             <au id=\"urn:au\"><title><langstring>AU</langstring></title><url>a.html</url></au></block>\
             </courseStructure>"
        )
    };
    let old = package(&xml("urn:c1"));
    let kinds: Vec<ItemKind> = old.items.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [ItemKind::Course, ItemKind::Block, ItemKind::Au]);
    assert_eq!(old.item("urn:au").unwrap().parent.as_deref(), Some("urn:b"));
    assert_eq!(
        old.item("urn:au").unwrap().settings["moveOn"],
        "NotApplicable (default)"
    );
    assert_eq!(old.openedx_launch(), Some("a.html"));
    // A new course id: no registration carries over, even for the same AU ids.
    let verdict = &compare(&old, &package(&xml("urn:c2"))).records[0];
    assert_eq!(verdict.outcome, Outcome::Lost);
    assert!(
        verdict.summary.contains("the course id changes"),
        "{}",
        verdict.summary
    );
}

#[test]
fn duplicate_identifiers_are_warned_about() {
    let p = package(&scorm(
        "1.2",
        &org(&[("a", "A", "a"), ("a", "B", "a")]),
        &["a"],
    ));
    assert_eq!(
        p.warnings,
        ["identifier `a` is used more than once; LMSs keep only one of them"]
    );
}
