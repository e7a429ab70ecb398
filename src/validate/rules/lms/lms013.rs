//! `LMS013` `cmi5-url-whitespace`: a cmi5 AU `<url>` has whitespace around it

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::Format;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS013",
    name: "cmi5-url-whitespace",
    severity: Severity::Warning,
    lms: &[Lms::OpenEdx],
    summary: "a cmi5 AU `<url>` has whitespace around it",
    doc: "What it checks: (cmi5) that the text of every AU `<url>` has no leading or trailing whitespace (line breaks, indentation, a CDATA section on its own lines). Why it matters: the schema type `xs:anyURI` collapses whitespace, so the course structure is valid, but Open edX's cmi5 block takes the first AU's `url` text unstripped as the launch page, so the launch URL carries the line breaks and fails. Reference: cmi5 §13.1.4; lms-import.md §A 19.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if cx.format() != Format::Cmi5 {
        return;
    }
    for au in root.descendants().into_iter().filter(|e| e.local() == "au") {
        if let Some(url) = au.child("url")
            && !url.text.trim().is_empty()
            && url.text.trim() != url.text
        {
            let d = RULE.finding(format!("the `<url>` of AU `{}` has whitespace around it; Open edX launches it unstripped", au.attr("id").unwrap_or("?")))
                .with_help("write `<url>…</url>` on one line without spaces");
            out.push(cx.at(d, url.text_or_tag_span()));
        }
    }
}
