//! `LMS020` `completion-threshold-text-ignored`: Moodle ignores a completion threshold written as element text

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::Format;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS020",
    name: "completion-threshold-text-ignored",
    severity: Severity::Warning,
    lms: &[Lms::Moodle],
    summary: "Moodle ignores a completion threshold written as element text (the 3rd Edition form)",
    doc: "What it checks: (SCORM 2004) `<adlcp:completionThreshold>` elements whose value is their text (`<adlcp:completionThreshold>0.8</…>`, the 2nd/3rd Edition form) without a `minProgressMeasure` attribute. Why it matters: Moodle reads only `completionThreshold@minProgressMeasure` (the 4th Edition form) and takes `1.0` when the element is present without the attribute, so the SCO must reach full progress instead of the threshold the author set. Reference: lms-import.md §A 15.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !matches!(cx.format(), Format::Scorm2004(_)) {
        return;
    }
    for el in root.descendants() {
        let text = el.text.trim();
        if !el.local().eq_ignore_ascii_case("completionThreshold")
            || text.is_empty()
            || el.attr("minProgressMeasure").is_some()
        {
            continue;
        }
        let d = RULE
            .finding(format!(
                "Moodle ignores the threshold `{text}` written as text and uses `1.0`"
            ))
            .with_help(format!(
                "declare `2004 4th Edition` and write `<{} completedByMeasure=\"true\" minProgressMeasure=\"{text}\"/>`",
                el.name
            ));
        out.push(cx.at(d, el.text_or_tag_span()));
    }
}
