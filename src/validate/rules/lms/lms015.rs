//! `LMS015` `numeric-identifier`: an item identifier looks like a number to PHP

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::diff::php;
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS015",
    name: "numeric-identifier",
    severity: Severity::Warning,
    lms: &[Lms::Moodle],
    summary: "an organization or item identifier looks like a number (`10`, `1e1`), which Moodle matches loosely",
    doc: "What it checks: (SCORM) that no `<organization>` or `<item>` identifier is a PHP numeric string (digits, a decimal, an exponent form such as `1e1`, surrounding spaces). Why it matters: on re-upload Moodle matches the new package's items with the old ones through `scorm_array_search()`, a loose PHP `==` under which `\"1e1\" == \"10\"` and `\"10\" == \"10.0\"`: an item can inherit another item's learner tracks, or lose its own. Use identifiers matching `[A-Za-z_][A-Za-z0-9_.-]*`. Reference: PHP 8 numeric strings; lms-import.md §A 13.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let orgs = scan::organizations(root);
    for el in orgs.iter().copied().chain(scan::items(root)) {
        let Some(id) = el.attr("identifier") else {
            continue;
        };
        if php::is_numeric(id) {
            let d = RULE
                .finding(format!(
                    "`<{}>` identifier `{id}` is numeric to PHP; Moodle's loose `==` matches it with other numeric identifiers on re-upload (`1e1` == `10`)",
                    el.local()
                ))
                .with_help("start the identifier with a letter or `_`, e.g. `ITEM-…`");
            out.push(cx.at(d, el.attr_span("identifier")));
        }
    }
}
