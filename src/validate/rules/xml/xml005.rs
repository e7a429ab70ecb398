//! `XML005` `unescaped-ampersand`: a bare `&` is not written as `&amp;`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML005",
    name: "unescaped-ampersand",
    severity: Severity::Error,
    lms: &[Lms::OpenEdx],
    summary: "a bare `&` is not written as `&amp;`",
    doc: "What it checks: `&` characters that do not start an entity or character reference, in text and attribute values (at most 20 are listed; the rest are counted). Why it matters: the document is not well-formed; Moodle repairs a bare `&` before parsing (so the package works there), but Open edX's Python parser raises `ParseError` (HTTP 500 in Studio) and Canvas's Nokogiri drops text. Reference: XML 1.0 §2.4; lms-import.md §A 3.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = cx.doc() else { return };
    let each = doc.dangling_amps.iter().map(|&at| {
        let d = RULE
            .finding("`&` must be written `&amp;`")
            .with_help("escape it as `&amp;`");
        cx.at(d, at..at + 1)
    });
    let left = super::super::push_first(out, each);
    if let (true, Some(&last)) = (left > 0, doc.dangling_amps.last()) {
        let d = RULE.finding(format!(
            "{left} more bare `&` (only the first {} are shown)",
            super::super::MAX_REPEATS
        ));
        out.push(cx.at(d, last..last + 1));
    }
}
