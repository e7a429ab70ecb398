//! `LMS005` `launch-not-first-resource`: Open edX would launch a different page than the course's first item

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS005",
    name: "launch-not-first-resource",
    severity: Severity::Warning,
    lms: &[Lms::OpenEdx],
    summary: "Open edX would launch a different page than the course's first item",
    doc: "What it checks: (SCORM) that the first `<resource>` with an `href` in document order is the resource of the first launchable item of the default organization. Why it matters: Open edX ignores organizations, the default organization, `scormtype` and sequencing; it launches the first `<resource href>` in `<resources>` — a transcript or asset listed first becomes the launch page — while Moodle starts at the first item of the default organization. Reference: lms-import.md §A 8 [verified], §B.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let resources = scan::resources(root);
    let Some(first) = resources.iter().find(|r| r.attr("href").is_some()) else {
        return;
    };
    let orgs = scan::organizations(root);
    let default = root.child("organizations").and_then(|o| o.attr("default"));
    let Some(org) = orgs
        .iter()
        .find(|o| o.attr("identifier") == default)
        .or(orgs.first())
    else {
        return;
    };
    let launch = org
        .descendants()
        .into_iter()
        .filter(|e| e.local() == "item")
        .find_map(|item| {
            let r = item.attr("identifierref")?;
            resources
                .iter()
                .find(|res| res.attr("identifier") == Some(r) && res.attr("href").is_some())
        });
    if let Some(launch) = launch
        && !std::ptr::eq(*launch, *first)
    {
        let d = RULE.finding(format!(
            "Open edX launches `{}` (the first resource with an `href`), but the course starts at `{}`",
            first.attr("href").unwrap_or_default(),
            launch.attr("href").unwrap_or_default()
        ))
        .with_help(format!("move resource `{}` to the top of `<resources>`", launch.attr("identifier").unwrap_or("?")));
        out.push(cx.at(d, first.span.clone()));
    }
}
