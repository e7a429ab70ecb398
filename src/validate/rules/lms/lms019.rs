//! `LMS019` `instructor-only-resource`: a cartridge resource is meant for instructors only

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS019",
    name: "instructor-only-resource",
    severity: Severity::Warning,
    lms: &[Lms::Moodle, Lms::Canvas],
    summary: "a cartridge resource has `intendedEndUserRole` = `Instructor`; Moodle hides it, Canvas imports it unpublished",
    doc: "What it checks: (Common Cartridge) resource metadata whose `intendedEndUserRole` value is `Instructor`. Why it matters: Moodle makes such activities invisible to students (`get_module_visible()`) and Canvas imports them unpublished or locked; right for teacher notes, a surprise for lesson content. Reference: IMS CC 1.1 Profile §4.2.3 (intendedEndUserRole); lms-import.md §A 26.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_cc() {
        return;
    }
    for res in scan::resources(root) {
        let Some(meta) = res.child("metadata") else {
            continue;
        };
        for role in meta
            .descendants()
            .into_iter()
            .filter(|e| e.local() == "intendedEndUserRole")
        {
            let Some(value) = role
                .descendants()
                .into_iter()
                .find(|e| e.local() == "value" && e.text.trim().eq_ignore_ascii_case("Instructor"))
            else {
                continue;
            };
            let d = RULE
                .finding(format!(
                    "resource `{}` is for instructors only; Moodle hides it from students and Canvas imports it unpublished",
                    res.attr("identifier").unwrap_or("?")
                ))
                .with_help("remove `intendedEndUserRole` unless the resource is a teacher-only item");
            out.push(cx.at(d, value.text_or_tag_span()));
        }
    }
}
