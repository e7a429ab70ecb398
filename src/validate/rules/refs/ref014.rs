//! `REF014` `dangling-sequencing-idref`: an `imsss:sequencing@IDRef` names no entry of the manifest's `imsss:sequencingCollection`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::sequencing::{self, NS_IMSSS};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF014",
    name: "dangling-sequencing-idref",
    severity: Severity::Error,
    lms: &[],
    summary: "an `imsss:sequencing@IDRef` names no entry of the manifest's `imsss:sequencingCollection`",
    doc: "What it checks: (SCORM 2004) that every `<imsss:sequencing IDRef>` of an organization or item names the `ID` of an `<imsss:sequencing>` inside the `<imsss:sequencingCollection>` of the same manifest (a sub-manifest's collection does not count for the root manifest's items, nor the other way round), and that the collection's `ID`s are unique. Why it matters: a dangling `IDRef` silently drops the shared sequencing rules, objectives and controls from the activity, so the course sequences differently from what its author tested; the IDREF is not checked by libxml2, so `xmllint` passes such manifests. Moodle has no sequencing collections at all (lms-import.md §A 15). Reference: SCORM 2004 4th ed. CAM 5.1.2 (`<sequencingCollection>`, `IDRef`); IMS SS 1.0 §5.1; lms-import.md §A 15.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    let manifests = sequencing::manifests(root);
    for manifest in &manifests {
        let shared = sequencing::collection(manifest);
        for (entry, id) in sequencing::repeated(&shared, "ID") {
            let d = RULE
                .finding(format!(
                    "the sequencing collection defines `ID` `{id}` twice"
                ))
                .with_help("give every `<imsss:sequencing>` of the collection its own `ID`");
            out.push(cx.at(d, entry.attr_span("ID")));
        }
        for activity in sequencing::activities(manifest) {
            let Some(idref) = activity.seq.attr("IDRef") else {
                continue;
            };
            if activity.shared.is_some() {
                continue;
            }
            let elsewhere = manifests.iter().any(|m| {
                !std::ptr::eq(*m, *manifest)
                    && sequencing::collection(m)
                        .iter()
                        .any(|s| s.attr("ID") == Some(idref))
            });
            let why = if elsewhere {
                "is defined only in another manifest's `<imsss:sequencingCollection>`"
            } else if sequencing::child(manifest, NS_IMSSS, "sequencingCollection").is_none() {
                "but this manifest has no `<imsss:sequencingCollection>`"
            } else {
                "which no `<imsss:sequencing ID>` of the collection has"
            };
            let d = RULE
                .finding(format!(
                    "the sequencing of `<{}>` `{}` refers to `IDRef` `{idref}`, {why}",
                    activity.el.local(),
                    activity.id()
                ))
                .with_help("add `<imsss:sequencing ID=\"…\">` to the `<imsss:sequencingCollection>` at the end of the same `<manifest>`, or correct the `IDRef`");
            out.push(cx.at(d, activity.seq.attr_span("IDRef")));
        }
    }
}
