//! `PKG015` `invalid-utf8-name`: an entry name flagged as UTF-8 is not valid UTF-8

use super::super::{Cx, Rule};
use crate::container::Hazard;
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG015",
    name: "invalid-utf8-name",
    severity: Severity::Error,
    lms: &[],
    summary: "an entry name flagged as UTF-8 (general purpose bit 11) is not valid UTF-8",
    doc: "What it checks: entries whose general purpose bit 11 (the language encoding flag) says the name is UTF-8 while its bytes are not. A name without the flag in a legacy code page is only `PKG010`'s warning. Why it matters: the flag is a promise; each unzip library breaks it differently — Python's zipfile raises `UnicodeDecodeError` and Open edX's import fails, PHP's ZipArchive passes the bytes through and Moodle stores a name no `href` matches, others substitute `?` or `_` — so one package extracts to different file names on different servers, and a name can be made to collide with another after substitution. Reference: APPNOTE.TXT 4.4.4 (bit 11), Appendix D.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = cx.container.hazards.iter().filter_map(|h| {
        let Hazard::NotUtf8 { name, .. } = h else {
            return None;
        };
        Some(
            RULE.finding(h.to_string())
                .at(cx.entry_label(name), 0..0)
                .with_help("rename the file with ASCII letters, digits, `-`, `_` and `.`, and zip the package again"),
        )
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!("{left} more names flagged as UTF-8 are not UTF-8")));
    }
}
