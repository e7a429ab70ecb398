//! `REF012` `cmi5-au-incomplete`: a cmi5 AU or course has no `url` or no `title/langstring`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::Format;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF012",
    name: "cmi5-au-incomplete",
    severity: Severity::Error,
    lms: &[Lms::OpenEdx],
    summary: "a cmi5 AU or course has no `url` or no `title/langstring`",
    doc: "What it checks: (cmi5) that the course has a `<title><langstring>` and every `<au>` has a `<title><langstring>` and a non-empty `<url>` without surrounding whitespace. Why it matters: both are required by the cmi5 course structure; Open edX's cmi5 block reads the first AU's `url` text unstripped as the launch page and crashes (`AttributeError`) on an AU without `url` or `title/langstring`. Reference: cmi5 §13.1.2, §13.1.4; lms-import.md §A 19.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if cx.format() != Format::Cmi5 {
        return;
    }
    for el in root.descendants() {
        if !matches!(el.local(), "course" | "au") {
            continue;
        }
        let id = el.attr("id").unwrap_or("?");
        if el
            .child("title")
            .and_then(|t| t.child("langstring"))
            .is_none()
        {
            let d = RULE.finding(format!(
                "`<{}>` `{id}` has no `<title><langstring>`",
                el.local()
            ));
            out.push(cx.at(d, el.span.clone()));
        }
        if el.local() != "au" {
            continue;
        }
        match el.child("url") {
            None => out.push(cx.at(
                RULE.finding(format!("AU `{id}` has no `<url>`")),
                el.span.clone(),
            )),
            Some(url) if url.text.trim().is_empty() => {
                out.push(cx.at(
                    RULE.finding(format!("AU `{id}` has an empty `<url>`")),
                    url.span.clone(),
                ));
            }
            Some(_) => {}
        }
    }
}
