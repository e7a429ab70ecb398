//! `REF015` `objective-reference-broken`: an objective is defined twice in an activity, a rule or `adlseq:objective` names no objective of it, or a `mapInfo` has no target

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::sequencing::{self, NS_ADLSEQ, NS_IMSSS};
use crate::xmltree::El;
use std::collections::BTreeSet;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF015",
    name: "objective-reference-broken",
    severity: Severity::Error,
    lms: &[],
    summary: "an objective is defined twice in an activity, a rule or `adlseq:objective` names no objective of it, or a `mapInfo` has no target",
    doc: "What it checks: (SCORM 2004) per activity and per `<imsss:sequencingCollection>` entry: that the `objectiveID`s of `<imsss:primaryObjective>` and `<imsss:objective>` are unique; that every sequencing rule's `<imsss:ruleCondition referencedObjective>` names an objective in force for that activity (its own `<imsss:objectives>`, else the shared entry's; a shared entry's rules may use the objectives of any activity that refers to it); that every `<adlseq:objective objectiveID>` (4th Edition) names one of those objectives; and that every `<imsss:mapInfo>`/`<adlseq:mapInfo>` has a non-empty `targetObjectiveID`, not repeated within its objective. Global objectives are created by the `targetObjectiveID`s themselves, so they are not looked up. Why it matters: the LMS keys the activity's objective status by `objectiveID` (the SCO sees them as `cmi.objectives.n.id`): a duplicate makes two objectives share one record, and a rule or ADL map that names no objective is ignored, so remediation, pre-conditions and shared scores silently stop working. None of this is visible to an XSD validator. Reference: SCORM 2004 4th ed. SN 3.10, 5.1.4 (`referencedObjective`), 5.1.7 (objectives, `objectiveID` unique within the activity), CAM 5.1.3 (`adlseq:objectives`); IMS SS 1.0 §5.1.7.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    for manifest in sequencing::manifests(root) {
        let activities = sequencing::activities(manifest);
        for entry in sequencing::collection(manifest) {
            let own = sequencing::objectives(entry);
            duplicates(cx, &own, out);
            // The entry's rules run for every activity that uses it.
            let mut known = sequencing::objective_ids(&own);
            for a in activities
                .iter()
                .filter(|a| a.shared.is_some_and(|s| std::ptr::eq(s, entry)))
            {
                known.extend(sequencing::objective_ids(&a.objectives()));
            }
            let what = format!("shared sequencing `{}`", entry.attr("ID").unwrap_or("?"));
            references(cx, entry, &known, &what, out);
        }
        for a in &activities {
            duplicates(cx, &sequencing::objectives(a.seq), out);
            let known = sequencing::objective_ids(&a.objectives());
            let what = format!("`<{}>` `{}`", a.el.local(), a.id());
            references(cx, a.seq, &known, &what, out);
        }
    }
}

/// Objective ids repeated within one `<imsss:objectives>`, and `mapInfo` targets.
fn duplicates(cx: &Cx<'_>, objectives: &[&El], out: &mut Vec<Diagnostic>) {
    for (o, id) in sequencing::repeated(objectives, "objectiveID") {
        let d = RULE
            .finding(format!(
                "objective `{id}` is defined twice in this activity"
            ))
            .with_help("give every objective of an activity its own `objectiveID`");
        out.push(cx.at(d, o.attr_span("objectiveID")));
    }
    for o in objectives {
        map_infos(cx, o, NS_IMSSS, out);
    }
}

/// `mapInfo` children of `objective` (namespace `ns`) without a target or with a repeated one.
fn map_infos(cx: &Cx<'_>, objective: &El, ns: &str, out: &mut Vec<Diagnostic>) {
    let id = objective.attr("objectiveID").unwrap_or("?");
    let mut seen = BTreeSet::new();
    for map in objective
        .children
        .iter()
        .filter(|c| sequencing::is(c, ns, "mapInfo"))
    {
        match map.attr("targetObjectiveID").map(str::trim) {
            None | Some("") => {
                let d = RULE.finding(format!(
                    "a `<{}>` of objective `{id}` has no `targetObjectiveID`",
                    map.name
                ));
                out.push(cx.at(d, map.span.clone()));
            }
            Some(target) if !seen.insert(target) => {
                let d = RULE.finding(format!(
                    "objective `{id}` maps to global objective `{target}` twice"
                ));
                out.push(cx.at(d, map.attr_span("targetObjectiveID")));
            }
            Some(_) => {}
        }
    }
}

/// Rule conditions and `adlseq:objective`s of `seq` that name no objective in `known`.
fn references(cx: &Cx<'_>, seq: &El, known: &[&str], what: &str, out: &mut Vec<Diagnostic>) {
    for cond in sequencing::rule_conditions(seq) {
        let r = cond.attr("referencedObjective").unwrap_or_default();
        if !known.contains(&r) {
            let d = RULE
                .finding(format!(
                    "a rule condition of {what} refers to objective `{r}`, which the activity does not define"
                ))
                .with_help("name the `objectiveID` of an `<imsss:primaryObjective>` or `<imsss:objective>` of the same activity");
            out.push(cx.at(d, cond.attr_span("referencedObjective")));
        }
    }
    for o in sequencing::adlseq_objectives(seq) {
        map_infos(cx, o, NS_ADLSEQ, out);
        let Some(id) = o.attr("objectiveID") else {
            continue;
        };
        if !known.contains(&id) {
            let d = RULE
                .finding(format!(
                    "`<{}>` of {what} extends objective `{id}`, which the activity does not define",
                    o.name
                ))
                .with_help("use the `objectiveID` of one of the activity's `<imsss:objectives>`");
            out.push(cx.at(d, o.attr_span("objectiveID")));
        }
    }
}
