//! `REF009` `sco-without-href`: a resource marked as a SCO has no `href`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF009",
    name: "sco-without-href",
    severity: Severity::Error,
    lms: &[],
    summary: "a resource marked as a SCO has no `href`",
    doc: "What it checks: (SCORM) that every resource with `adlcp:scormtype=\"sco\"` (1.2) or `adlcp:scormType=\"sco\"` (2004) has an `href`. Why it matters: a SCO is by definition launchable; without a start page the LMS has nothing to open. Reference: SCORM 1.2 CAM 2.3.5.2; SCORM 2004 4th ed. CAM 3.4.1.18.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    for res in scan::resources(root) {
        let sco = scan::prefixed_attr(res, "scormtype").is_some_and(|(_, v)| v.trim() == "sco");
        if sco && res.attr("href").is_none_or(|h| h.trim().is_empty()) {
            let d = RULE.finding(format!(
                "SCO resource `{}` has no `href`",
                res.attr("identifier").unwrap_or("?")
            ));
            out.push(cx.at(d, res.span.clone()));
        }
    }
}
