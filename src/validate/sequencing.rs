//! SCORM 2004 sequencing as the reference rules see it: every manifest of a document (the
//! root and its sub-manifests), each one's `imsss:sequencingCollection`, the activities
//! (organizations and items) that carry `imsss:sequencing`, and each activity's effective
//! objectives — its own `imsss:objectives`, else those of the collection entry its `IDRef`
//! names (an element the activity gives overrides the shared one, SCORM 2004 4th ed. CAM
//! 5.1.2).

use super::scan;
use crate::xmltree::El;

/// The IMS Simple Sequencing namespace.
pub(crate) const NS_IMSSS: &str = "http://www.imsglobal.org/xsd/imsss";
/// The ADL sequencing extension namespace (4th Edition `adlseq:objectives`).
pub(crate) const NS_ADLSEQ: &str = "http://www.adlnet.org/xsd/adlseq_v1p3";

/// Whether `el` is `local` in namespace `ns`.
pub(crate) fn is(el: &El, ns: &str, local: &str) -> bool {
    el.local() == local && el.namespace() == Some(ns)
}

/// The child `local` of `el` in namespace `ns`.
pub(crate) fn child<'a>(el: &'a El, ns: &str, local: &str) -> Option<&'a El> {
    el.children.iter().find(|c| is(c, ns, local))
}

/// The root manifest and every sub-manifest (a `<manifest>` inside a manifest), depth first.
pub(crate) fn manifests(root: &El) -> Vec<&El> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(m) = stack.pop() {
        out.push(m);
        stack.extend(
            m.children_named("manifest")
                .collect::<Vec<_>>()
                .into_iter()
                .rev(),
        );
    }
    out
}

/// The `imsss:sequencing` entries of `manifest`'s own `imsss:sequencingCollection`.
pub(crate) fn collection(manifest: &El) -> Vec<&El> {
    nested(manifest, NS_IMSSS, "sequencingCollection", &["sequencing"])
}

/// The children named one of `names` (namespace `ns`) of `el`'s child `local` (namespace `ns`).
fn nested<'a>(el: &'a El, ns: &str, local: &str, names: &[&str]) -> Vec<&'a El> {
    child(el, ns, local)
        .map(|c| {
            c.children
                .iter()
                .filter(|x| names.iter().any(|n| is(x, ns, n)))
                .collect()
        })
        .unwrap_or_default()
}

/// The elements of `els` whose attribute `attr` repeats an earlier one's, with the value.
pub(crate) fn repeated<'a>(els: &[&'a El], attr: &str) -> Vec<(&'a El, &'a str)> {
    let mut seen = std::collections::BTreeSet::new();
    els.iter()
        .filter_map(|el| Some((*el, el.attr(attr)?)))
        .filter(|(_, v)| !seen.insert(*v))
        .collect()
}

/// An organization or item with its `imsss:sequencing`, and the collection entry its
/// `IDRef` names (when it resolves in the same manifest).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Activity<'a> {
    /// The `<organization>` or `<item>`.
    pub(crate) el: &'a El,
    /// Its `imsss:sequencing`.
    pub(crate) seq: &'a El,
    /// The shared entry `seq@IDRef` names.
    pub(crate) shared: Option<&'a El>,
}

impl<'a> Activity<'a> {
    /// The activity's identifier, for messages.
    pub(crate) fn id(&self) -> &'a str {
        self.el.attr("identifier").unwrap_or("?")
    }

    /// The objectives in force: the activity's own `imsss:objectives`, else the shared one's.
    pub(crate) fn objectives(&self) -> Vec<&'a El> {
        if child(self.seq, NS_IMSSS, "objectives").is_some() {
            return objectives(self.seq);
        }
        self.shared.map(objectives).unwrap_or_default()
    }
}

/// The activities of `manifest` that carry sequencing (sub-manifests' are not included).
pub(crate) fn activities(manifest: &El) -> Vec<Activity<'_>> {
    let shared = collection(manifest);
    let mut out = Vec::new();
    for org in scan::organizations(manifest) {
        for el in org.descendants() {
            if !matches!(el.local(), "organization" | "item") {
                continue;
            }
            let Some(seq) = child(el, NS_IMSSS, "sequencing") else {
                continue;
            };
            let found = seq
                .attr("IDRef")
                .and_then(|r| shared.iter().copied().find(|s| s.attr("ID") == Some(r)));
            out.push(Activity {
                el,
                seq,
                shared: found,
            });
        }
    }
    out
}

/// The `imsss:primaryObjective` and `imsss:objective` elements of a sequencing element.
pub(crate) fn objectives(seq: &El) -> Vec<&El> {
    nested(
        seq,
        NS_IMSSS,
        "objectives",
        &["primaryObjective", "objective"],
    )
}

/// The `objectiveID`s of `objectives`.
pub(crate) fn objective_ids<'a>(objectives: &[&'a El]) -> Vec<&'a str> {
    objectives
        .iter()
        .filter_map(|o| o.attr("objectiveID"))
        .collect()
}

/// Every `imsss:ruleCondition` with a `referencedObjective` in a sequencing element's rules.
pub(crate) fn rule_conditions(seq: &El) -> Vec<&El> {
    child(seq, NS_IMSSS, "sequencingRules")
        .map(|r| {
            r.descendants()
                .into_iter()
                .filter(|c| {
                    is(c, NS_IMSSS, "ruleCondition") && c.attr("referencedObjective").is_some()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `adlseq:objective` elements of a sequencing element (4th Edition).
pub(crate) fn adlseq_objectives(seq: &El) -> Vec<&El> {
    nested(seq, NS_ADLSEQ, "objectives", &["objective"])
}
