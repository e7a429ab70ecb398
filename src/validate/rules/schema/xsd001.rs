//! `XSD001` `schema-invalid`: the manifest breaks the official XSD of its format

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XSD001",
    name: "schema-invalid",
    severity: Severity::Error,
    lms: &[],
    summary: "the manifest breaks the official XSD of its format (element order, required parts, enumerations, types, IDs)",
    doc: "What it checks: the manifest against the official XML Schemas of the format detected from its root namespace and `<schemaversion>` (never from its `xsi:schemaLocation`): SCORM 1.2 (IMS CP 1.1.2, ADL CP), SCORM 2004 2nd/3rd/4th Edition (IMS CP 1.1.4, ADL CP/SEQ/NAV, IMS SS, strict LOM), Common Cartridge 1.1 and 1.3 (manifest profiles, LOM profiles, authorization) and cmi5 (CourseStructure.xsd). The schemas are bundled in the binary (`schemas/`, see SOURCES.md); nothing is fetched. Each finding names the XML Schema constraint broken (`cvc-complex-type.2.4.a` and so on, XML Schema Part 1 Appendix C) and points at the element. Elements and attributes of namespaces no bundled schema describes are `XSD002`, not this rule. Not checked: CC 1.0 and 1.2 (no schemas bundled), IMS MD 1.2.1 metadata in SCORM 1.2 (its official XSD breaks Unique Particle Attribution), documents the XML rules refuse (`XML001`, `XML003`). Why it matters: Moodle validates Common Cartridge 1.1 manifests with the XSD and refuses invalid ones; SCORM players differ in what they tolerate, so an invalid manifest imports in one LMS and not in another. Unlike `xmllint`, IDREF integrity (`cvc-id.1`) is enforced (dangling `identifierref` and `default` values are left to `REF002`–`REF004`, which say more). Reference: XML Schema 1.0 Part 1 §3 and Appendix C (constraint codes); schemas/SOURCES.md; rust-stack.md §2.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(outcome) = cx.schema else { return };
    let label = super::set_label(cx);
    // A document the validator's stricter reader refuses is the XML rules' to report; a set
    // that does not compile is a bug of this build and must not pass as "valid".
    if let Some(why) = &outcome.not_run
        && why.starts_with(crate::validate::schema::COMPILE_FAILED)
    {
        out.push(RULE.finding(format!("the manifest could not be schema-checked: {why}")));
    }
    let mut last: Option<usize> = None;
    for f in outcome.findings.iter().filter(|f| f.foreign.is_none()) {
        // An element out of place is reported twice (not allowed here, then not declared
        // here); keep the first.
        if f.constraint == "cvc-elt.1" && last == Some(f.offset) {
            continue;
        }
        last = Some(f.offset);
        let range = super::range(cx, f);
        if f.constraint == "cvc-id.1" && covered_by_ref_rules(cx, &range) {
            continue;
        }
        let d = RULE
            .finding(format!(
                "the manifest does not follow the {label} schema: {} [{}]",
                f.message.trim_end_matches('.'),
                f.constraint
            ))
            .with_help(format!(
                "fix the element as the official {label} XSD requires (constraint `{}`, XML Schema Part 1)",
                f.constraint
            ));
        out.push(cx.at(d, range));
    }
    if outcome.dropped > 0 {
        out.push(RULE.finding(format!(
            "{} more schema errors are not shown",
            outcome.dropped
        )));
    }
}

/// A dangling IDREF in `identifierref` or `<organizations default>` is what `REF002`,
/// `REF003` and `REF004` report, with better words; the schema finding would repeat it.
fn covered_by_ref_rules(cx: &Cx<'_>, range: &std::ops::Range<usize>) -> bool {
    let text = cx.manifest.map_or("", |m| m.text.as_str());
    let attr = text.get(range.clone()).unwrap_or_default();
    attr.starts_with("identifierref") || attr.starts_with("default")
}
