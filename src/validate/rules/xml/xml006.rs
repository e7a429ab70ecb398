//! `XML006` `unknown-manifest-format`: the manifest's root is neither SCORM, Common Cartridge nor cmi5

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::detect::Format;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML006",
    name: "unknown-manifest-format",
    severity: Severity::Error,
    lms: &[],
    summary: "the manifest's root is neither SCORM, Common Cartridge nor cmi5",
    doc: "What it checks: the root element's namespace and name: `manifest` in the IMS CP namespace of SCORM 1.2 (`imscp_rootv1p1p2`), SCORM 2004 (`imscp_v1p1`) or a Common Cartridge 1.0–1.3 namespace, or cmi5's `courseStructure`. The format is never taken from `xsi:schemaLocation`, which the document controls. Why it matters: an LMS decides how to import from the same facts; a manifest with no or a wrong namespace is not imported as what its author meant. Reference: IMS CP 1.1.4 §3; SCORM 2004 4th ed. CAM 3.4.1; IMS CC 1.3 §4; cmi5 §13.1.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(root), Format::Unknown) = (cx.root(), cx.format()) else {
        return;
    };
    let ns = root.namespace().unwrap_or("no namespace");
    let d = RULE.finding(format!(
        "the root element `<{}>` in `{ns}` is neither SCORM, Common Cartridge nor cmi5",
        root.name
    ))
    .with_help("the root must be `<manifest>` in an IMS CP / CC namespace, or cmi5's `<courseStructure>`");
    out.push(cx.at(d, root.span.clone()));
}
