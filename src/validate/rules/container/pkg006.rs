//! `PKG006` `nested-archive`: the package holds another archive (`.zip`, `.imscc`, …)

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG006",
    name: "nested-archive",
    severity: Severity::Warning,
    lms: &[],
    summary: "the package holds another archive (`.zip`, `.imscc`, …)",
    doc: "What it checks: entries ending in `.zip`, `.imscc`, `.rar`, `.7z`, `.tar`, `.gz`. Why it matters: LMSs never unpack archives inside a package, so content inside is unreachable; a package zipped twice (a zip holding the real zip) imports as an empty or unrecognised package. A downloadable archive meant for learners is fine. Reference: lms-import.md §A 1.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.container.files() {
        let lower = e.name.to_ascii_lowercase();
        if [".zip", ".imscc", ".rar", ".7z", ".tar", ".gz", ".tgz"]
            .iter()
            .any(|x| lower.ends_with(x))
        {
            out.push(
                RULE.finding(format!(
                    "`{}` is an archive inside the package; LMSs do not unpack it",
                    e.name
                ))
                .at(cx.entry_label(&e.name), 0..0)
                .with_help(
                    "if this is the real package zipped twice, upload the inner archive instead",
                ),
            );
        }
    }
}
