//! `LMS016` `several-organizations`: the manifest has more than one organization

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS016",
    name: "several-organizations",
    severity: Severity::Warning,
    lms: &[Lms::OpenEdx, Lms::Canvas],
    summary: "the manifest has more than one organization; Open edX and Canvas ignore the default",
    doc: "What it checks: (SCORM, Common Cartridge) that `<organizations>` holds one `<organization>`. Why it matters: only Moodle reads `<organizations default>` (it starts in the default organization and lists the others); Open edX ignores organizations and launches the first resource with an `href`, and Canvas does not look at the default either, so learners of those LMSs may get another structure than the one chosen as default. Reference: IMS CP 1.1.4 §2.3.2 (organizations default); lms-import.md §A 12.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let format = cx.format();
    if !format.is_scorm() && !format.is_cc() {
        return;
    }
    let orgs = scan::organizations(root);
    if let Some(second) = orgs.get(1) {
        let d = RULE
            .finding(format!(
                "{} organizations; Open edX and Canvas ignore `default` and may present another one than Moodle",
                orgs.len()
            ))
            .with_help("ship one organization per package");
        out.push(cx.at(d, second.span.clone()));
    }
}
