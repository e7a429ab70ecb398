//! `LMS001` `prefixed-cp-elements`: SCORM content-packaging elements are written with a prefix

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::{NS_SCORM12, NS_SCORM2004};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS001",
    name: "prefixed-cp-elements",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::OpenEdx],
    summary: "SCORM content-packaging elements are written with a prefix",
    doc: "What it checks: (SCORM) that `manifest`, `metadata`, `organizations`, `organization`, `item`, `title`, `resources`, `resource`, `file`, `dependency` and `schemaversion` in the CP namespace are unprefixed, in the default namespace. Why it matters: Moodle's `xml2Array` is not namespace-aware and matches the literal names `MANIFEST`, `ITEM`, `RESOURCE`…: `<imscp:manifest>` imports as an activity with no SCOs, no version and no launch; Open edX finds elements through the first default namespace, so it finds nothing. The manifest is valid XML and schema-valid all the same. Reference: lms-import.md §A 5 [verified].",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    for el in root.descendants() {
        let cp = matches!(el.namespace(), Some(NS_SCORM12 | NS_SCORM2004));
        if cp && !el.prefix().is_empty() {
            let d = RULE.finding(format!("`<{}>` is prefixed; Moodle and Open edX only see unprefixed content-packaging elements", el.name))
                .with_help("declare the CP namespace as the default (`xmlns=\"…\"`) and drop the prefix");
            out.push(cx.at(d, el.span.clone()));
            // One finding per manifest is enough: the cause is the same everywhere.
            return;
        }
    }
}
