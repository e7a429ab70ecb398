//! `LMS007` `scormtype-missing`: a launched resource has no `adlcp:scormtype`; Moodle treats it as an asset

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS007",
    name: "scormtype-missing",
    severity: Severity::Warning,
    lms: &[Lms::Moodle],
    summary: "a launched resource has no `adlcp:scormtype`; Moodle treats it as an asset",
    doc: "What it checks: (SCORM) that resources launched by items carry `adlcp:scormtype` (1.2) / `adlcp:scormType` (2004). Why it matters: Moodle defaults a resource without it to `asset`, and `loadSCO.php` marks an asset completed on launch without exposing the SCORM API: learners are complete without doing anything and no score is recorded. Reference: SCORM 1.2 CAM 2.3.5.2 (required attribute); lms-import.md §A 10, §A 6.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let launched: Vec<&str> = scan::items(root)
        .iter()
        .filter_map(|i| i.attr("identifierref"))
        .collect();
    for res in scan::resources(root) {
        let id = res.attr("identifier").unwrap_or_default();
        if launched.contains(&id) && scan::prefixed_attr(res, "scormtype").is_none() {
            let d = RULE.finding(format!("resource `{id}` has no `adlcp:scormtype`; Moodle treats it as an asset and marks it completed on launch"))
                .with_help("add `adlcp:scormtype=\"sco\"` (2004: `adlcp:scormType`) if the page talks to the SCORM API");
            out.push(cx.at(d, res.span.clone()));
        }
    }
}
