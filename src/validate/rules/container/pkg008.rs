//! `PKG008` `case-colliding-entries`: two entries differ only in letter case

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG008",
    name: "case-colliding-entries",
    severity: Severity::Error,
    lms: &[],
    summary: "two entries differ only in letter case",
    doc: "What it checks: entry names that are equal when letter case is ignored (`Index.html`, `index.html`); the finding names both. Why it matters: many LMS servers store extracted packages case-insensitively (Windows and macOS file systems, SMB shares, S3 front ends and CDNs that lower-case keys), so one file silently overwrites the other — which one depends on extraction order — and learners see different pages on different servers; on a case-sensitive server the `href` that works on the author's machine may point at the other file. It is an error, not a warning: the package's content is not well defined. Reference: APPNOTE.TXT 4.4.17 (file names); lms-import.md §A 2.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for e in cx.container.files() {
        let folded = e.name.to_lowercase();
        match seen.get(&folded) {
            Some(first) if *first != e.name => out.push(
                RULE.finding(format!(
                    "`{}` and `{first}` differ only in letter case",
                    e.name
                ))
                .at(cx.entry_label(&e.name), 0..0)
                .with_help("rename one of them so that no two names differ only in letter case, and update the `href`s"),
            ),
            _ => {
                seen.insert(folded, &e.name);
            }
        }
    }
}
