//! `XSD002` `extension-not-bundled`: an element or attribute of a namespace no bundled schema describes

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::detect::Format;

/// IMS Meta-data 1.2.1, the metadata binding of SCORM 1.2.
const IMSMD_1_2_1: &str = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1";

/// Namespaces the official schema set of `format` defines but `lessonpack` does not bundle:
/// the standard's own parts, not extensions, so they are not reported.
fn standard_unbundled(format: Format) -> &'static [&'static str] {
    match format {
        Format::Scorm12 => &[IMSMD_1_2_1],
        _ => &[],
    }
}

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XSD002",
    name: "extension-not-bundled",
    severity: Severity::Warning,
    lms: &[],
    summary: "an element or attribute of a namespace no bundled schema describes (a vendor extension) could not be schema-checked",
    doc: "What it checks: elements and attributes whose namespace is none of the namespaces the format's bundled schemas define (`XSD001` lists them). The official SCORM 1.2 schemas (and parts of the others) allow extensions through wildcards with `processContents=\"strict\"`, so a schema validator with only the official files calls every vendor extension (an authoring tool's own namespace) an error. IMS MD 1.2.1 metadata (`imsmd_rootv1p2p1`) in SCORM 1.2 is not an extension: its schema is part of ADL's official SCORM 1.2 set and Storyline, Adapt and most SCORM 1.2 tools write it, so it is not reported, although it is not checked either (the file is not bundled: its content model breaks Unique Particle Attribution). That says nothing about whether the package follows the standard, so it is a warning of its own, reported once per namespace at its first use, and never counted as `XSD001`. Why it matters: an LMS that validates strictly against only the official files (none of the three profiled here does for SCORM) would refuse the manifest; the extension's content is not checked by this tool. Reference: XML Schema 1.0 Part 1 §3.10 (wildcards, `processContents`); rust-stack.md §2 (known problems in the official schemas).",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(outcome) = cx.schema else { return };
    let label = super::set_label(cx);
    let mut seen: Vec<&str> = standard_unbundled(cx.format()).to_vec();
    for f in &outcome.findings {
        let Some(ns) = f.foreign.as_deref() else {
            continue;
        };
        if seen.contains(&ns) {
            continue;
        }
        seen.push(ns);
        let count = outcome
            .findings
            .iter()
            .filter(|g| g.foreign.as_deref() == Some(ns))
            .count();
        let d = RULE
            .finding(format!(
                "namespace `{ns}` is not part of the {label} schemas, so its {count} element(s)/attribute(s) could not be schema-checked"
            ))
            .with_help("nothing to fix for the standard; an LMS that validates with only the official XSDs would reject it");
        out.push(cx.at(d, super::range(cx, f)));
    }
}
