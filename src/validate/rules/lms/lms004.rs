//! `LMS004` `schemaversion-unrecognised`: `<schemaversion>` is missing, empty or a value an LMS maps to the wrong SCORM version

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::Format;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS004",
    name: "schemaversion-unrecognised",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::OpenEdx],
    summary: "`<schemaversion>` is missing, empty or a value an LMS maps to the wrong SCORM version",
    doc: "What it checks: (SCORM) the manifest-level `<schemaversion>`: `1.2` for SCORM 1.2; `2004 3rd Edition`, `2004 4th Edition` or `CAM 1.3` for SCORM 2004. Why it matters: Moodle maps `^1.2$` to 1.2 and only `1.3`, `CAM 1.3` and `2004 (3rd|4th) Edition` to 2004 — everything else, including a missing element and `2004 2nd Edition`, becomes 1.2; Open edX maps a missing element or `1.2` to 1.2, anything else to 2004, and crashes (`TypeError`) on an empty element. The version decides which JavaScript API (`API` or `API_1484_11`) the player exposes. Reference: SCORM 2004 4th ed. CAM 3.4.1.2; lms-import.md §A 7.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let format = cx.format();
    if !format.is_scorm() {
        return;
    }
    let sv = root
        .child("metadata")
        .and_then(|m| m.child("schemaversion"));
    let value = sv.map(|s| s.text.trim());
    let is_2004 = matches!(format, Format::Scorm2004(_));
    let moodle_2004 = |v: &str| {
        matches!(
            v,
            "1.3" | "CAM 1.3" | "2004 3rd Edition" | "2004 4th Edition"
        )
    };
    let (lms, message) = match value {
        Some("") => (vec![Lms::OpenEdx], "`<schemaversion>` is empty; Open edX crashes on it".to_string()),
        None if is_2004 => (
            vec![Lms::Moodle, Lms::OpenEdx],
            "a SCORM 2004 manifest has no `<schemaversion>`; Moodle and Open edX treat it as SCORM 1.2".to_string(),
        ),
        Some(v) if is_2004 && !moodle_2004(v) => (
            vec![Lms::Moodle],
            format!("`<schemaversion>` `{v}` is not one Moodle knows; it treats the package as SCORM 1.2"),
        ),
        Some(v) if !is_2004 && v != "1.2" => (
            vec![Lms::OpenEdx],
            format!("a SCORM 1.2 manifest says `<schemaversion>` `{v}`; Open edX treats it as SCORM 2004"),
        ),
        _ => return,
    };
    let help = if is_2004 {
        "write `<schemaversion>2004 4th Edition</schemaversion>` (or `2004 3rd Edition`)"
    } else {
        "write `<schemaversion>1.2</schemaversion>`"
    };
    let span = sv.map_or_else(|| root.span.clone(), |s| s.text_or_tag_span());
    out.push(cx.at(RULE.finding(message).with_lms(lms).with_help(help), span));
}
