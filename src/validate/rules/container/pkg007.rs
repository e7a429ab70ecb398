//! `PKG007` `duplicate-entry`: two zip entries have the same name

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG007",
    name: "duplicate-entry",
    severity: Severity::Error,
    lms: &[],
    summary: "two zip entries have the same name",
    doc: "What it checks: the zip's central directory for names that occur twice. Why it matters: which copy an LMS extracts depends on its unzip library (PHP's ZipArchive, Python's zipfile and Ruby's rubyzip disagree), so two LMSs can show different content for the same package; duplicated entries are also a known way to smuggle content past a scanner. Reference: APPNOTE.TXT 4.3.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::BTreeSet::new();
    let mut reported = false;
    for e in &cx.container.entries {
        if !seen.insert(e.name.as_str()) {
            reported = true;
            out.push(
                RULE.finding(format!("`{}` is stored twice in the zip", e.name))
                    .at(cx.entry_label(&e.name), 0..0)
                    .with_help("rebuild the zip from a folder"),
            );
        }
    }
    if cx.container.duplicate_names && !reported {
        out.push(
            RULE.finding("the zip's central directory names a path twice")
                .with_help("rebuild the zip from a folder"),
        );
    }
}
