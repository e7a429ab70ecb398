//! `XML002` `nesting-too-deep`: elements nest deeper than 256 levels

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::xmltree::XmlErrorKind;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML002",
    name: "nesting-too-deep",
    severity: Severity::Error,
    lms: &[],
    summary: "elements nest deeper than 256 levels",
    doc: "What it checks: the depth of element nesting in the manifest. Why it matters: real manifests nest a few levels per item; thousands of levels are a denial-of-service attempt on recursive parsers (Open edX's `find_titles_recursively()` hits Python's recursion limit), so the validator refuses to go deeper than 256 levels and reports it. Reference: lms-import.md §A 11.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = cx.manifest else { return };
    if let Err(e) = &m.doc
        && e.kind == XmlErrorKind::TooDeep
    {
        let d = RULE.finding(format!("`{}`: {}", m.name, e.message));
        out.push(cx.at(d, e.offset..e.offset + 1));
    }
}
