//! `REF008` `launch-without-href`: an item launches a resource that has no `href`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF008",
    name: "launch-without-href",
    severity: Severity::Error,
    lms: &[],
    summary: "an item launches a resource that has no `href`",
    doc: "What it checks: (SCORM) that the resource an `<item identifierref>` points at has an `href`. Why it matters: the item has nothing to launch; Moodle lists it but cannot open it, and Open edX's navigation builder reads `resource.get('href')` without a check. Reference: SCORM 2004 4th ed. CAM 3.4.1.18 (resource@href required for SCO and launchable assets); lms-import.md §A 8, §A 11.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let resources = scan::resources(root);
    for item in scan::items(root) {
        let Some(r) = item.attr("identifierref") else {
            continue;
        };
        if let Some(res) = resources.iter().find(|x| x.attr("identifier") == Some(r))
            && res.attr("href").is_none_or(|h| h.trim().is_empty())
        {
            let d = RULE
                .finding(format!(
                    "item `{}` launches resource `{r}`, which has no `href`",
                    item.attr("identifier").unwrap_or("?")
                ))
                .with_help("give the resource an `href` naming its start page");
            out.push(cx.at(d, item.attr_span("identifierref")));
        }
    }
}
