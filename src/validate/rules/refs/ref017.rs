//! `REF017` `item-parameters-malformed`: an item's `parameters` is not a query or fragment, or makes the launch URL invalid

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::{params, refcheck, scan};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF017",
    name: "item-parameters-malformed",
    severity: Severity::Warning,
    lms: &[],
    summary: "an item's `parameters` is not a query or fragment, or makes the launch URL invalid",
    doc: "What it checks: (SCORM and cartridges) every `<item parameters>`, composed with the `href` of the resource the item launches (with `xml:base`) the way IMS CP and the SCORM CAM say: a value starting with `#` is a fragment, appended unless the URL already has one; any other value is a query of `name=value` pairs, its leading `?` or `&` removed, appended after `&` when the URL already has a `?`, else after `?`. The composed launch URL must be a URL reference: no spaces or non-ASCII characters unescaped, `%` only in `%XX` escapes, at most one `#`. Why it matters: Moodle appends `parameters` to the launch URL with `?` or `&` exactly like this (lms-import.md §A 18), so a bare word (`chapter1`) becomes `?chapter1`, an unescaped space breaks the URL, and a query appended to a URL with a fragment lands inside the fragment where the SCO never sees it; Open edX drops `parameters` altogether. Reference: IMS CP 1.1.4 §3 (item@parameters); SCORM 2004 4th ed. CAM 3.4.1.5 (parameters) and its launch-URL composition; RFC 3986 §2, §4.1; lms-import.md §A 18.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let resources = scan::resources(root);
    for item in root.descendants() {
        if item.local() != "item" {
            continue;
        }
        let Some(parameters) = item.attr("parameters") else {
            continue;
        };
        if parameters.is_empty() {
            continue;
        }
        let href = item
            .attr("identifierref")
            .and_then(|r| resources.iter().find(|x| x.attr("identifier") == Some(r)))
            .and_then(|res| {
                let href = res.attr("href")?;
                Some(format!("{}{href}", refcheck::base_of(root, res)))
            })
            .unwrap_or_default();
        let composed = params::compose(&href, parameters);
        for problem in composed.problems {
            let d = RULE
                .finding(format!(
                    "`parameters` of item `{}`: {problem} (launch URL `{}`)",
                    item.attr("identifier").unwrap_or("?"),
                    composed.url
                ))
                .with_help("write `parameters` as `?name=value&…` or `#fragment`, percent-encoding anything else");
            out.push(cx.at(d, item.attr_span("parameters")));
        }
    }
}
