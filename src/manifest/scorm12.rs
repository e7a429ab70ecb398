//! The SCORM 1.2 `imsmanifest.xml` (IMS CP 1.1.2 + ADL CP 1.2).
//!
//! Shape (`lms-import.md` §C): default namespace `imscp_rootv1p1p2`, prefix `adlcp`,
//! `<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion>`, one organization
//! titled with the module title, one visible item per lesson, the SCOs first in `<resources>`.
//! No `adlcp:masteryscore`: a lesson is complete when watched, which the content reports
//! itself through `cmi.core.lesson_status`; a mastery score only means something for a scored
//! check, the lessons have none, and only Moodle would read it (§A 16).

use super::{ids, schemas, xml};
use crate::model::Module;
use crate::output::Rendered;

/// The IMS Content Packaging 1.1.2 namespace (the manifest's default namespace).
pub const NS_CP: &str = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
/// The ADL SCORM 1.2 content-packaging extension namespace (prefix `adlcp`).
pub const NS_ADLCP: &str = "http://www.adlnet.org/xsd/adlcp_rootv1p2";
/// The XML Schema instance namespace (prefix `xsi`).
pub const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The longest `<title>` the SCORM 1.2 CP schema allows, in characters.
const MAX_TITLE: usize = 200;
/// The longest `version` attribute the SCORM 1.2 CP schema allows, in characters.
const MAX_VERSION: usize = 20;

/// Writes the whole SCORM 1.2 `imsmanifest.xml` for `module`, listing `rendered`'s files and
/// the schema files of [`schemas::scorm12`].
///
/// Titles longer than the schema's 200 characters are cut (ending in `…`); a version longer
/// than its 20 characters is left out (the attribute is optional).
///
/// # Panics
///
/// When `rendered` does not hold one non-empty file list per lesson.
pub fn write(module: &Module, rendered: &Rendered) -> String {
    let mut doc = xml::Doc::new();
    let manifest_id = ids::manifest(module);
    let version = xml::clean(&module.version);
    let location = xml::schema_location(schemas::SCORM12_LOCATIONS);
    let mut root = vec![("identifier", manifest_id.as_str())];
    if !version.is_empty() && version.chars().count() <= MAX_VERSION {
        root.push(("version", version.as_str()));
    }
    root.extend([
        ("xmlns", NS_CP),
        ("xmlns:adlcp", NS_ADLCP),
        ("xmlns:xsi", NS_XSI),
        ("xsi:schemaLocation", location.as_str()),
    ]);
    doc.open("manifest", &root);

    doc.open("metadata", &[]);
    doc.text("schema", &[], "ADL SCORM");
    doc.text("schemaversion", &[], "1.2");
    doc.close("metadata");

    let org = ids::organization(module);
    doc.open("organizations", &[("default", org.as_str())]);
    doc.open("organization", &[("identifier", org.as_str())]);
    doc.text("title", &[], &title(&module.title));
    for lesson in &module.lessons {
        let (item, res) = (ids::item(lesson), ids::resource(lesson));
        // `isvisible="true"` spelled out: Open edX lists only items that say so in its menu.
        let attrs = [
            ("identifier", item.as_str()),
            ("identifierref", res.as_str()),
            ("isvisible", "true"),
        ];
        doc.open("item", &attrs);
        doc.text("title", &[], &title(&lesson.title));
        doc.close("item");
    }
    doc.close("organization");
    doc.close("organizations");

    let schema_paths = schemas::scorm12_paths();
    xml::resources(&mut doc, module, rendered, "adlcp:scormtype", &schema_paths);
    doc.close("manifest");
    doc.finish()
}

/// A title the 1.2 schema accepts: cleaned, at most [`MAX_TITLE`] characters, never empty.
fn title(text: &str) -> String {
    xml::title(text, Some(MAX_TITLE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::testkit::{self, Expect};

    fn expect() -> Expect<'static> {
        Expect {
            ns_cp: NS_CP,
            prefixes: &[("adlcp", NS_ADLCP)],
            schemaversion: "1.2",
            scorm_type: "adlcp:scormtype",
            schema_paths: schemas::scorm12_paths(),
        }
    }

    #[test]
    fn structure_with_one_and_three_lessons() {
        for n in [1, 3] {
            let module = testkit::module(n);
            let rendered = testkit::rendered(&module);
            let xml = write(&module, &rendered);
            let root = testkit::check(&xml, &module, &rendered, &expect());
            assert_eq!(root.attr("version"), Some("1.2.0"));
            let org = root.one("organizations").one("organization");
            assert_eq!(org.children[0].text, module.title);
            for item in org.all("item") {
                assert_eq!(item.children.len(), 1, "only a title: no mastery score");
            }
            assert_eq!(xml, write(&module, &rendered), "deterministic");
        }
    }

    #[test]
    fn text_is_escaped_and_round_trips() {
        let module = testkit::module(1);
        let xml = write(&module, &testkit::rendered(&module));
        assert!(xml.contains("<title><![CDATA[Lesson 1: <Costs> & \"benefits\"]]></title>"));
        let root = testkit::parse(&xml);
        let item = root.one("organizations").one("organization").one("item");
        assert_eq!(item.children[0].text, module.lessons[0].title);
    }

    #[test]
    fn schema_limits_are_respected() {
        let mut module = testkit::module(1);
        module.lessons[0].title = "é".repeat(300);
        module.version = "1.0.0-beta.1+build.20240101".into();
        let xml = write(&module, &testkit::rendered(&module));
        let root = testkit::parse(&xml);
        assert_eq!(
            root.attr("version"),
            None,
            "a version over 20 characters is left out"
        );
        let item = root.one("organizations").one("organization").one("item");
        assert_eq!(item.children[0].text.chars().count(), MAX_TITLE);
        assert!(item.children[0].text.ends_with('…'));
    }

    #[test]
    fn renaming_titles_keeps_every_identifier() {
        let before = testkit::module(3);
        let mut after = before.clone();
        after.title = "Renamed".into();
        for l in &mut after.lessons {
            l.title = format!("Renamed {}", l.title.len());
        }
        let rendered = testkit::rendered(&before);
        assert_eq!(
            testkit::identifier_attrs(&write(&before, &rendered)),
            testkit::identifier_attrs(&write(&after, &rendered))
        );
    }

    #[test]
    fn no_shared_files_means_no_shared_resource() {
        let module = testkit::module(2);
        let mut rendered = testkit::rendered(&module);
        rendered.shared.clear();
        let xml = write(&module, &rendered);
        assert!(!xml.contains(ids::SHARED_RESOURCE) && !xml.contains("<dependency"));
        assert!(xml.contains(ids::SCHEMAS_RESOURCE));
    }

    #[test]
    #[should_panic(expected = "rendered files are needed for every lesson")]
    fn missing_rendered_lessons_panic() {
        let module = testkit::module(2);
        let mut rendered = testkit::rendered(&module);
        rendered.lessons.pop();
        write(&module, &rendered);
    }
}
