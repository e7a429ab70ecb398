//! `LMS003` `schemaversion-padded`: `<schemaversion>` has whitespace around its value

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS003",
    name: "schemaversion-padded",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::OpenEdx],
    summary: "`<schemaversion>` has whitespace around its value",
    doc: "What it checks: (SCORM) that the manifest-level `<schemaversion>` text has no leading or trailing whitespace. Why it matters: both LMSs match it with anchored regular expressions on the raw text, and they disagree: Moodle maps anything it does not recognise to SCORM 1.2 (so a padded `2004 4th Edition` becomes 1.2), Open edX maps anything but exactly `1.2` to SCORM 2004 (so a padded `1.2` becomes 2004). The wrong version exposes the wrong JavaScript API and nothing is tracked. Reference: lms-import.md §A 7 [verified].",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let Some(sv) = root
        .child("metadata")
        .and_then(|m| m.child("schemaversion"))
    else {
        return;
    };
    let value = sv.text.trim();
    if value.is_empty() || value == sv.text {
        return;
    }
    let broken = if value == "1.2" {
        Lms::OpenEdx
    } else {
        Lms::Moodle
    };
    let how = if value == "1.2" {
        "Open edX reads it as SCORM 2004"
    } else {
        "Moodle reads it as SCORM 1.2"
    };
    let d = RULE
        .finding(format!(
            "`<schemaversion>` `{value}` has whitespace around it; {how}"
        ))
        .with_lms([broken])
        .with_help(format!(
            "write `<schemaversion>{value}</schemaversion>` on one line"
        ));
    out.push(cx.at(d, sv.text_or_tag_span()));
}
