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
    summary: "the first cmi5 AU `<url>` (the page Open edX launches) has whitespace around it",
    doc: "What it checks: (cmi5) that the text of the first AU `<url>` in document order (the one Open edX launches) has no leading or trailing whitespace (line breaks, indentation, a CDATA section on its own lines). Why it matters: the schema type `xs:anyURI` collapses whitespace, so the course structure is valid, but Open edX's cmi5 block takes the first AU's `url` text (`.//au/url`) unstripped as the launch page, so the launch URL carries the line breaks and fails. It reads no other AU's `url`, and a cmi5 LMS collapses the whitespace as the schema says, so a padded `url` of a later AU is not reported. Reference: cmi5 §13.1.4; lms-import.md §A 19.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if cx.format() != Format::Cmi5 {
        return;
    }
    // Open edX reads `.//au/url`: the first AU (document order) that has a `url`.
    let first = root
        .descendants()
        .into_iter()
        .filter(|e| e.local() == "au")
        .find_map(|au| au.child("url").map(|url| (au, url)));
    if let Some((au, url)) = first
        && !url.text.trim().is_empty()
        && url.text.trim() != url.text
    {
        let id = au.attr("id").unwrap_or("?");
        let message = format!(
            "the `<url>` of the first AU `{id}` has whitespace around it; Open edX launches the first AU's `url` unstripped"
        );
        let help = "write `<url>…</url>` on one line without spaces";
        out.push(cx.at(
            RULE.finding(message).with_help(help),
            url.text_or_tag_span(),
        ));
    }
}
