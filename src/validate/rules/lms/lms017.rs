//! `LMS017` `completion-not-reported`: no file of a SCORM package mentions the completion element

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::completion::{self, Scan};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS017",
    name: "completion-not-reported",
    severity: Severity::Warning,
    lms: &[Lms::OpenEdx],
    summary: "no `.js/.html/.xml/.json/.txt` file mentions `lesson_status` (1.2) or `completion_status`/`progress_measure` (2004)",
    doc: "What it checks: (SCORM, not for a bare manifest) that some `.js`, `.html`, `.xml`, `.json` or `.txt` file of the package mentions `lesson_status` (SCORM 1.2) or `completion_status`/`progress_measure` (SCORM 2004). The scan reads scripts first, at most 16 MiB per file and 64 MiB in all; when that budget runs out first it gives no verdict. Why it matters: Open edX's `PackageScan` looks for the same words and otherwise shows the Studio warning \"This SCORM package does not appear to report completion\" (`no_completion_status`); the content may indeed never complete. Reference: SCORM 1.2 RTE 3.4.2 (`cmi.core.lesson_status`), SCORM 2004 RTE 4.2.4 (`cmi.completion_status`); lms-import.md §A 17.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(Scan::NotFound { files }) = cx.completion else {
        return;
    };
    let Some(tokens) = completion::tokens(cx.format()) else {
        return;
    };
    let words = tokens
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let d = RULE
        .finding(format!(
            "none of the {files} scannable files mentions {words}; Open edX Studio warns \"This SCORM package does not appear to report completion\""
        ))
        .with_help("have the content's script set the completion status through the SCORM API");
    out.push(d);
}
