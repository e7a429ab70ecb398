//! `REF002` `dangling-identifierref`: an item's `identifierref` names no resource

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::{scan, sequencing};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF002",
    name: "dangling-identifierref",
    severity: Severity::Error,
    lms: &[],
    summary: "an item's `identifierref` names no resource or sub-manifest",
    doc: "What it checks: that every `<item identifierref>` names the `identifier` of a `<resource>` of the manifest it is in, or of a sub-manifest (a `<manifest>` nested in it, which IMS CP allows; Moodle does not, `LMS021`). Why it matters: Open edX's menu builder dereferences the resource without a check (`AttributeError`, HTTP 500); Moodle warns \"The following resources were referenced in your manifest but couldn't be found\" and leaves the item unlaunchable; Canvas drops the module item. libxml2 does not check IDREF integrity, so `xmllint` and Moodle's CC validation pass such manifests. Reference: IMS CP 1.1.4 §3 (identifierref); lms-import.md §A 11.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    for manifest in sequencing::manifests(root) {
        dangling(cx, manifest, out);
    }
}

/// The items of `manifest` (not of its sub-manifests) whose `identifierref` resolves nowhere.
fn dangling(cx: &Cx<'_>, manifest: &crate::xmltree::El, out: &mut Vec<Diagnostic>) {
    let nested = sequencing::manifests(manifest).into_iter().skip(1);
    let ids: Vec<&str> = scan::resources(manifest)
        .iter()
        .copied()
        .chain(nested)
        .filter_map(|r| r.attr("identifier"))
        .collect();
    for item in scan::items(manifest) {
        if let Some(r) = item.attr("identifierref")
            && !ids.contains(&r)
        {
            let d = RULE
                .finding(format!(
                    "item `{}` points at resource `{r}`, which does not exist",
                    item.attr("identifier").unwrap_or("?")
                ))
                .with_help("point `identifierref` at an existing `<resource identifier>`");
            out.push(cx.at(d, item.attr_span("identifierref")));
        }
    }
}
