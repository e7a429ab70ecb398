//! `PKG008` `case-colliding-entries`: two entries differ only in letter case

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG008",
    name: "case-colliding-entries",
    severity: Severity::Warning,
    lms: &[],
    summary: "two entries differ only in letter case",
    doc: "What it checks: entry names that are equal when letter case is ignored (`Page.html`, `page.html`). Why it matters: extracted on a case-insensitive file system (Windows, macOS, many S3 front ends) one overwrites the other, so learners see different files on different servers. Reference: lms-import.md §A 2.",
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
                .with_help("rename one of them"),
            ),
            _ => {
                seen.insert(folded, &e.name);
            }
        }
    }
}
