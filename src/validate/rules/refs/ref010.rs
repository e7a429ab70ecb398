//! `REF010` `missing-title`: an organization or item has no title

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF010",
    name: "missing-title",
    severity: Severity::Error,
    lms: &[Lms::OpenEdx, Lms::Moodle],
    summary: "an organization or item has no title",
    doc: "What it checks: (SCORM) that every `<organization>` and `<item>` has a non-empty `<title>`. Why it matters: Open edX's navigation builder reads `item.find(\"title\").text` without a check (`AttributeError`, HTTP 500); Moodle shows an empty entry in the table of contents. Reference: SCORM 2004 4th ed. CAM 3.4.1.5, 3.4.1.8 (title required); lms-import.md §A 11.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let orgs = scan::organizations(root);
    for el in orgs.iter().copied().chain(scan::items(root)) {
        if el.child("title").is_none_or(|t| t.text.trim().is_empty()) {
            let d = RULE
                .finding(format!(
                    "`<{}>` `{}` has no title",
                    el.local(),
                    el.attr("identifier").unwrap_or("?")
                ))
                .with_help("add a non-empty `<title>` as its first child");
            out.push(cx.at(d, el.span.clone()));
        }
    }
}
