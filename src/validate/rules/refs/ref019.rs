//! `REF019` `script-url`: a link or launch URL runs script (`javascript:`, `vbscript:`, `data:`)

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::{links, scan};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF019",
    name: "script-url",
    severity: Severity::Error,
    lms: &[],
    summary: "a link or launch URL runs script (`javascript:`, `vbscript:`, `data:`)",
    doc: "What it checks: the same links as `REF018` — manifest `href` and `xml:base`, metadata locations, cmi5 AU `<url>`, a cartridge web link's `<url href>`, LTI launch URLs — for a `javascript:`, `vbscript:` or `data:` URL, in any letter case and with the tabs and line breaks browsers ignore (`java&#9;script:`). Why it matters: an LMS turns these into links and launches: Moodle's URL module and Canvas's external-URL module item put a web link's URL in an `<a href>` on the course page, and a cmi5 AU URL is what the LMS opens; a script URL there runs in the LMS's own origin when a learner or teacher clicks it (stored cross-site scripting), with their session. No real content needs one. Reference: IMS CC 1.3 §6.5 (web link: a URL to an external resource); cmi5 §13.1.4; OWASP XSS Prevention Cheat Sheet (rule 5, URL schemes); lms-import.md §A 25.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = links::all(cx).into_iter().filter_map(|link| {
        let scheme = scan::scheme(&link.value)?;
        if !matches!(scheme.as_str(), "javascript" | "vbscript" | "data") {
            return None;
        }
        let shown: String = link.value.chars().take(80).collect();
        let d = RULE
            .finding(format!(
                "{} is a `{scheme}:` URL (`{}`), which runs script where it is opened",
                link.what,
                shown.escape_debug()
            ))
            .with_help("link to an https page instead");
        Some(cx.at_link(d, &link))
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(cx.at(RULE.finding(format!("{left} more script URLs")), 0..0));
    }
}
