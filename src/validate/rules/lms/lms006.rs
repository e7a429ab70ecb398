//! `LMS006` `xml-base-used`: `xml:base` is used; Open edX ignores it and Moodle honours it only on `<resource>`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS006",
    name: "xml-base-used",
    severity: Severity::Warning,
    lms: &[Lms::Moodle, Lms::OpenEdx],
    summary: "`xml:base` is used; Open edX ignores it and Moodle honours it only on `<resource>`",
    doc: "What it checks: (SCORM) `xml:base` on `<manifest>`, `<resources>` or a `<resource>` with an `href` (a resource without `href`, such as a shared-files asset, launches nothing, and no LMS reads its `<file>` list, so its `xml:base` is not reported). Why it matters: Moodle prepends only the resource's own `xml:base` and ignores it on `<manifest>`/`<resources>`; Open edX ignores it entirely and launches `index.html` instead of `content/index.html`, which works only through its proxy's basename fallback and breaks as soon as two files share a name. Write full package-relative paths instead. Reference: IMS CP 1.1.4 §3 (xml:base); lms-import.md §A 9 [verified], §B.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let mut els = vec![root];
    els.extend(root.child("resources"));
    // A `<resource>` without `href` launches nothing: no LMS resolves its `<file>`s
    // against its `xml:base`, so there is nothing for Open edX to get wrong.
    let launchable = |el: &&crate::xmltree::El| {
        el.local() != "resource" || el.attr("href").is_some_and(|h| !h.trim().is_empty())
    };
    for el in els
        .into_iter()
        .chain(scan::resources(root))
        .filter(launchable)
    {
        if let Some(base) = el.attr("xml:base") {
            let (lms, who) = if el.local() == "resource" {
                (vec![Lms::OpenEdx], "Open edX ignores it")
            } else {
                (
                    vec![Lms::Moodle, Lms::OpenEdx],
                    "Moodle and Open edX ignore it",
                )
            };
            let d = RULE
                .finding(format!(
                    "`xml:base=\"{base}\"` on `<{}>`: {who}",
                    el.local()
                ))
                .with_lms(lms)
                .with_help(
                    "drop `xml:base` and write the full package-relative path in every `href`",
                );
            out.push(cx.at(d, el.attr_span("xml:base")));
        }
    }
}
