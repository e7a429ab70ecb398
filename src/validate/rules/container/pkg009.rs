//! `PKG009` `encrypted-entry`: an entry is encrypted

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG009",
    name: "encrypted-entry",
    severity: Severity::Error,
    lms: &[],
    summary: "an entry is encrypted",
    doc: "What it checks: the encryption flag of every zip entry. Why it matters: no LMS asks for a password; Moodle, Canvas and Open edX fail to extract encrypted entries (often silently, leaving missing files). Reference: APPNOTE.TXT 4.4.4 bit 0.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.container.entries.iter().filter(|e| e.encrypted) {
        out.push(
            RULE.finding(format!("`{}` is encrypted; LMSs cannot extract it", e.name))
                .at(cx.entry_label(&e.name), 0..0)
                .with_help("zip the package again without a password"),
        );
    }
}
