//! `LMS021` `sub-manifest`: the manifest nests another `<manifest>`, which Moodle does not support

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::{scan, sequencing};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS021",
    name: "sub-manifest",
    severity: Severity::Error,
    lms: &[Lms::Moodle],
    summary: "the manifest nests another `<manifest>` (a sub-manifest), which Moodle does not support",
    doc: "What it checks: (SCORM and cartridges) `<manifest>` elements inside the manifest, and items whose `identifierref` names such a sub-manifest. IMS CP allows both (an item may reference a sub-manifest's identifier; identifiers are unique across the whole document, `REF001`). Why it matters: Moodle's SCORM parser has no sub-manifest support: a nested `<manifest>` resets its resource table, so resources read before it are lost and items pointing at them (or at the sub-manifest) cannot be launched. lms-import.md says nothing about Canvas and Open edX here. Reference: IMS CP 1.1.4 §2.2 (sub-manifests), §3 (item@identifierref); lms-import.md §A 15.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !(cx.format().is_scorm() || cx.format().is_cc()) {
        return;
    }
    let nested: Vec<_> = sequencing::manifests(root).into_iter().skip(1).collect();
    for m in &nested {
        let d = RULE
            .finding(format!(
                "sub-manifest `{}`: Moodle resets its resource table at a nested `<manifest>`",
                m.attr("identifier").unwrap_or("?")
            ))
            .with_help(
                "move the sub-manifest's organizations and resources into the root manifest",
            );
        out.push(cx.at(d, m.span.clone()));
    }
    let ids: Vec<&str> = nested.iter().filter_map(|m| m.attr("identifier")).collect();
    for item in scan::items(root) {
        if let Some(r) = item.attr("identifierref")
            && ids.contains(&r)
        {
            let d = RULE.finding(format!(
                "item `{}` launches sub-manifest `{r}`, which Moodle cannot resolve",
                item.attr("identifier").unwrap_or("?")
            ));
            out.push(cx.at(d, item.attr_span("identifierref")));
        }
    }
}
