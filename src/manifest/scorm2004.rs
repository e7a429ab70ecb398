//! The SCORM 2004 `imsmanifest.xml` (3rd or 4th Edition): IMS CP 1.1.4, ADL CP, IMS SS and
//! an inline IEEE LOM record of the module.
//!
//! Shape (`lms-import.md` §C, `lti-cc-cmi5.md` §5.1 "one SCO" per lesson):
//!
//! - default namespace `imscp_v1p1`, prefixes `adlcp`, `imsss` and `lom`; `adlnav` and
//!   `adlseq` are not used, so they are not declared;
//! - `<metadata>`: `ADL SCORM`, the edition's exact `<schemaversion>`, then `<lom:lom>` with the
//!   module's title, language, summary, keywords, version and licence (strict LOM, valid
//!   against the shipped `lom.xsd`; prefixed so Moodle's case-folding parser never mistakes a
//!   LOM `title` for a CP one, and no second default namespace is declared for Open edX);
//! - per lesson an item, visible, with (4th Edition only)
//!   `<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.9"
//!   progressWeight="1"/>` — `minProgressMeasure` is the lesson's watched share — and the §5.1
//!   item sequencing: a primary objective ([`ids::objective`], `satisfiedByMeasure="false"`)
//!   and `deliveryControls tracked="true" completionSetByContent="true"
//!   objectiveSetByContent="true"`, so the LMS never marks a lesson complete or satisfied on
//!   exit: the content reports `cmi.completion_status`/`cmi.success_status` itself;
//! - after the items, the organization's `controlMode choice="true" flow="true"` (the defaults,
//!   written out as §5.1 does): learners may open any lesson and step through them in order.
//!
//! When a lesson also requires a discussion response, watching alone does not complete it, so
//! its threshold says `completedByMeasure="false"`: the LMS leaves completion to the SCO and
//! still hands it the watched share as `cmi.completion_threshold`.
//!
//! 3rd Edition decision: no `adlcp:completionThreshold` at all. Its 3rd Edition XSD type is a
//! bare decimal (element-text form only, `<adlcp:completionThreshold>0.9</…>`), which the
//! attribute form fails to validate against, and Moodle reads only the 4th Edition
//! `minProgressMeasure` attribute and takes a threshold element without it as `1.0`
//! (`lms-import.md` §A 15) — the element would demand 100 % in Moodle. Without it, the SCO
//! decides completion itself (`completionSetByContent="true"`), which every LMS honours.

use super::{Edition, ids, lom, schemas, xml};
use crate::model::{Lesson, Module};
use crate::output::Rendered;

/// The IMS Content Packaging 1.1.4 namespace (the manifest's default namespace).
pub const NS_CP: &str = "http://www.imsglobal.org/xsd/imscp_v1p1";
/// The ADL SCORM 2004 content-packaging extension namespace (prefix `adlcp`).
pub const NS_ADLCP: &str = "http://www.adlnet.org/xsd/adlcp_v1p3";
/// The IMS Simple Sequencing namespace (prefix `imsss`).
pub const NS_IMSSS: &str = "http://www.imsglobal.org/xsd/imsss";
/// The IEEE LOM namespace (prefix `lom`).
pub const NS_LOM: &str = "http://ltsc.ieee.org/xsd/LOM";
/// The XML Schema instance namespace (prefix `xsi`).
pub const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Writes the whole SCORM 2004 `imsmanifest.xml` of `edition` for `module`, listing
/// `rendered`'s files and the schema files of [`schemas::scorm2004`].
///
/// # Panics
///
/// When `rendered` does not hold one non-empty file list per lesson.
pub fn write(module: &Module, rendered: &Rendered, edition: Edition) -> String {
    let mut doc = xml::Doc::new();
    let manifest_id = ids::manifest(module);
    let version = xml::clean(&module.version);
    let location = xml::schema_location(schemas::SCORM2004_LOCATIONS);
    let mut root = vec![("identifier", manifest_id.as_str())];
    if !version.is_empty() {
        root.push(("version", version.as_str()));
    }
    root.extend([
        ("xmlns", NS_CP),
        ("xmlns:adlcp", NS_ADLCP),
        ("xmlns:imsss", NS_IMSSS),
        ("xmlns:lom", NS_LOM),
        ("xmlns:xsi", NS_XSI),
        ("xsi:schemaLocation", location.as_str()),
    ]);
    doc.open("manifest", &root);

    doc.open("metadata", &[]);
    doc.text("schema", &[], "ADL SCORM");
    doc.text("schemaversion", &[], edition.schemaversion());
    lom::write(&mut doc, module, LOM);
    doc.close("metadata");

    let org = ids::organization(module);
    doc.open("organizations", &[("default", org.as_str())]);
    doc.open("organization", &[("identifier", org.as_str())]);
    doc.text("title", &[], &xml::title(&module.title, None));
    for lesson in &module.lessons {
        item(&mut doc, lesson, edition);
    }
    doc.open("imsss:sequencing", &[]);
    doc.empty("imsss:controlMode", &[("choice", "true"), ("flow", "true")]);
    doc.close("imsss:sequencing");
    doc.close("organization");
    doc.close("organizations");

    let schema_paths = schemas::scorm2004_paths(edition);
    xml::resources(&mut doc, module, rendered, "adlcp:scormType", &schema_paths);
    doc.close("manifest");
    doc.finish()
}

/// One lesson's `<item>`: title, completion threshold (4th Edition), sequencing.
fn item(doc: &mut xml::Doc, lesson: &Lesson, edition: Edition) {
    let (item, res, objective) = (
        ids::item(lesson),
        ids::resource(lesson),
        ids::objective(lesson),
    );
    // `isvisible="true"` spelled out: Open edX lists only items that say so in its menu.
    let attrs = [
        ("identifier", item.as_str()),
        ("identifierref", res.as_str()),
        ("isvisible", "true"),
    ];
    doc.open("item", &attrs);
    doc.text("title", &[], &xml::title(&lesson.title, None));
    if edition == Edition::Fourth {
        let by_measure = if lesson.completion.require_response {
            "false"
        } else {
            "true"
        };
        let threshold = completion_threshold(lesson.completion.watched_percent);
        let attrs = [
            ("completedByMeasure", by_measure),
            ("minProgressMeasure", threshold.as_str()),
            ("progressWeight", "1"),
        ];
        doc.empty("adlcp:completionThreshold", &attrs);
    }
    doc.open("imsss:sequencing", &[]);
    doc.open("imsss:objectives", &[]);
    let primary = [
        ("objectiveID", objective.as_str()),
        ("satisfiedByMeasure", "false"),
    ];
    doc.empty("imsss:primaryObjective", &primary);
    doc.close("imsss:objectives");
    let delivery = [
        ("tracked", "true"),
        ("completionSetByContent", "true"),
        ("objectiveSetByContent", "true"),
    ];
    doc.empty("imsss:deliveryControls", &delivery);
    doc.close("imsss:sequencing");
    doc.close("item");
}

/// `watched_percent / 100` as an `xs:decimal` without trailing zeros: 90 → `0.9`, 95 → `0.95`,
/// 5 → `0.05`, 100 (or more) → `1`.
pub fn completion_threshold(watched_percent: u8) -> String {
    match watched_percent {
        0 => "0".to_string(),
        100.. => "1".to_string(),
        p => format!("0.{p:02}").trim_end_matches('0').to_string(),
    }
}

/// The module's inline LOM record (`<lom:lom>`), strict LOM binding: the version in
/// `lifeCycle` and the `LOMv1.0` source of the licence restriction value are written.
const LOM: lom::Profile = lom::Profile {
    prefix: "lom",
    life_cycle_version: true,
    rights_source: true,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::testkit::{self, El, Expect};

    fn expect(edition: Edition) -> Expect<'static> {
        Expect {
            ns_cp: NS_CP,
            prefixes: &[("adlcp", NS_ADLCP), ("imsss", NS_IMSSS), ("lom", NS_LOM)],
            schemaversion: edition.schemaversion(),
            scorm_type: "adlcp:scormType",
            schema_paths: schemas::scorm2004_paths(edition),
        }
    }

    fn names(el: &El) -> Vec<&str> {
        el.children.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn structure_with_one_and_three_lessons_in_both_editions() {
        for edition in [Edition::Third, Edition::Fourth] {
            for n in [1, 3] {
                let module = testkit::module(n);
                let rendered = testkit::rendered(&module);
                let xml = write(&module, &rendered, edition);
                testkit::check(&xml, &module, &rendered, &expect(edition));
                assert_eq!(xml, write(&module, &rendered, edition), "deterministic");
            }
        }
    }

    #[test]
    fn fourth_edition_items_follow_section_5_1() {
        let module = testkit::module(3);
        let xml = write(&module, &testkit::rendered(&module), Edition::Fourth);
        let root = testkit::parse(&xml);
        let org = root.one("organizations").one("organization");
        assert_eq!(
            names(org),
            ["title", "item", "item", "item", "imsss:sequencing"]
        );
        let control = org.one("imsss:sequencing").one("imsss:controlMode");
        assert_eq!(
            control.attrs,
            [
                ("choice".into(), "true".into()),
                ("flow".into(), "true".into())
            ]
        );
        let expected = [("0.9", "true"), ("0.95", "true"), ("1", "false")];
        for ((item, lesson), (min, by_measure)) in org
            .all("item")
            .into_iter()
            .zip(&module.lessons)
            .zip(expected)
        {
            assert_eq!(
                names(item),
                ["title", "adlcp:completionThreshold", "imsss:sequencing"]
            );
            let threshold = item.one("adlcp:completionThreshold");
            assert_eq!(threshold.attr("minProgressMeasure"), Some(min));
            assert_eq!(threshold.attr("completedByMeasure"), Some(by_measure));
            assert_eq!(threshold.attr("progressWeight"), Some("1"));
            let seq = item.one("imsss:sequencing");
            assert_eq!(names(seq), ["imsss:objectives", "imsss:deliveryControls"]);
            let primary = seq.one("imsss:objectives").one("imsss:primaryObjective");
            assert_eq!(
                primary.attr("objectiveID"),
                Some(ids::objective(lesson).as_str())
            );
            let delivery = seq.one("imsss:deliveryControls");
            assert_eq!(delivery.attr("completionSetByContent"), Some("true"));
            assert_eq!(delivery.attr("objectiveSetByContent"), Some("true"));
        }
    }

    #[test]
    fn third_edition_has_no_completion_threshold() {
        let module = testkit::module(3);
        let xml = write(&module, &testkit::rendered(&module), Edition::Third);
        assert!(!xml.contains("completionThreshold"));
        let root = testkit::parse(&xml);
        for item in root.one("organizations").one("organization").all("item") {
            assert_eq!(names(item), ["title", "imsss:sequencing"]);
        }
    }

    #[test]
    fn lom_describes_the_module() {
        let module = testkit::module(1);
        let xml = write(&module, &testkit::rendered(&module), Edition::Fourth);
        let root = testkit::parse(&xml);
        let lom = root.one("metadata").one("lom:lom");
        assert_eq!(names(lom), ["lom:general", "lom:lifeCycle", "lom:rights"]);
        let general = lom.one("lom:general");
        let text = |el: &El| el.one("lom:string").text.clone();
        assert_eq!(text(general.one("lom:title")), module.title);
        assert_eq!(general.one("lom:language").text, "en-GB");
        assert_eq!(
            text(general.one("lom:description")),
            "What a business requires."
        );
        let keywords: Vec<String> = general.all("lom:keyword").into_iter().map(text).collect();
        assert_eq!(keywords, ["ERP", "processes & data"]);
        assert_eq!(
            general.one("lom:title").one("lom:string").attr("language"),
            Some("en-GB")
        );
        let rights = lom.one("lom:rights");
        assert_eq!(
            rights
                .one("lom:copyrightAndOtherRestrictions")
                .one("lom:value")
                .text,
            "yes"
        );
        assert_eq!(lom::restricted("CC0 1.0"), "no");
    }

    #[test]
    fn lom_leaves_out_what_the_module_lacks() {
        let mut module = testkit::module(1);
        (module.summary, module.licence, module.keywords) = (None, None, vec![]);
        let xml = write(&module, &testkit::rendered(&module), Edition::Third);
        let root = testkit::parse(&xml);
        let lom = root.one("metadata").one("lom:lom");
        assert_eq!(names(lom), ["lom:general", "lom:lifeCycle"]);
        assert_eq!(names(lom.one("lom:general")), ["lom:title", "lom:language"]);
    }

    #[test]
    fn thresholds_have_no_trailing_zeros() {
        let cases = [
            (1, "0.01"),
            (5, "0.05"),
            (10, "0.1"),
            (50, "0.5"),
            (90, "0.9"),
            (95, "0.95"),
            (99, "0.99"),
            (100, "1"),
        ];
        for (percent, text) in cases {
            assert_eq!(completion_threshold(percent), text);
        }
    }

    #[test]
    fn renaming_titles_keeps_every_identifier() {
        let before = testkit::module(3);
        let mut after = before.clone();
        after.title = "Another module title".into();
        after
            .lessons
            .iter_mut()
            .for_each(|l| l.title.insert_str(0, "New: "));
        let rendered = testkit::rendered(&before);
        for edition in [Edition::Third, Edition::Fourth] {
            assert_eq!(
                testkit::identifier_attrs(&write(&before, &rendered, edition)),
                testkit::identifier_attrs(&write(&after, &rendered, edition))
            );
        }
    }
}
