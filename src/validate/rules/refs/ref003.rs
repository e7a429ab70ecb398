//! `REF003` `default-organization-missing`: `<organizations default>` names no organization

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF003",
    name: "default-organization-missing",
    severity: Severity::Error,
    lms: &[],
    summary: "`<organizations default>` names no organization",
    doc: "What it checks: that `<organizations default=\"…\">` is the identifier of one of its `<organization>`s. Why it matters: Moodle starts learners in the default organization and silently falls back to the first one, so a typo changes the course structure learners see; the manifest is invalid (IDREF) though `xmllint` accepts it (libxml2 does not check IDREF targets). Reference: IMS CP 1.1.4 §3 (organizations@default); SCORM 2004 4th ed. CAM 3.4.1.3; lms-import.md §A 12.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let Some(orgs) = root.child("organizations") else {
        return;
    };
    let Some(default) = orgs.attr("default") else {
        return;
    };
    let known = scan::organizations(root)
        .iter()
        .any(|o| o.attr("identifier") == Some(default));
    if !known {
        let d = RULE
            .finding(format!(
                "the default organization `{default}` does not exist"
            ))
            .with_help("set `default` to the identifier of an `<organization>`");
        out.push(cx.at(d, orgs.attr_span("default")));
    }
}
