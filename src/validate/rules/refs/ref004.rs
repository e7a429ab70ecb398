//! `REF004` `dangling-dependency`: a `<dependency identifierref>` names no resource

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF004",
    name: "dangling-dependency",
    severity: Severity::Error,
    lms: &[],
    summary: "a `<dependency identifierref>` names no resource",
    doc: "What it checks: that every `<dependency identifierref>` inside a resource names an existing `<resource>`. Why it matters: the files of the missing resource are never delivered with the SCO (LMSs that copy only listed files, such as Moodle's file area on re-use, break the page), and the manifest is invalid (IDREF) though libxml2 does not notice. Reference: IMS CP 1.1.4 §3 (dependency); SCORM 2004 4th ed. CAM 3.4.1.20.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let resources = scan::resources(root);
    let ids: Vec<&str> = resources
        .iter()
        .filter_map(|r| r.attr("identifier"))
        .collect();
    for res in resources {
        for dep in res.children_named("dependency") {
            if let Some(r) = dep.attr("identifierref")
                && !ids.contains(&r)
            {
                let d = RULE.finding(format!(
                    "resource `{}` depends on `{r}`, which does not exist",
                    res.attr("identifier").unwrap_or("?")
                ));
                out.push(cx.at(d, dep.attr_span("identifierref")));
            }
        }
    }
}
