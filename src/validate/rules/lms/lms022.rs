//! `LMS022` `cmi5-several-aus`: a cmi5 package with more than one AU, which Open edX tracks as one

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::Format;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS022",
    name: "cmi5-several-aus",
    severity: Severity::Warning,
    lms: &[Lms::OpenEdx],
    summary: "the cmi5 package has more than one AU; Open edX's cmi5 block tracks them all as one unit",
    doc: "What it checks: (cmi5) that `cmi5.xml` has one `<au>` (blocks included). Why it matters: in Open edX a cmi5 package is one unit of the course, and its cmi5 block (openedx-cmi5-xblock) does not tell the lessons in it apart. It marks the whole unit complete as soon as the first lesson sends `completed`, so learners are shown as done with lessons they never opened. It gives every lesson the same activity id and keeps one saved-state document for the unit, so a lesson that replaces that document wipes the others' saved place, answers and completion (lessonpack's own pages merge their entries, other tools' pages may not), and the unit has one grade, from the last `passed` any of its lessons sent. For Open edX, upload each lesson as its own package, so that each gets its own unit, completion and grade. Other cmi5 LMSs track each AU on its own and are not affected. Reference: cmi5 §9.4, §10, §13.1.4; openedx-cmi5-xblock 0.1.3 `lrs_endpoint`, `get_launch_url_params`; lms-observed.md (cmi5 runtime in Open edX).",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if cx.format() != Format::Cmi5 {
        return;
    }
    let aus: Vec<_> = root
        .descendants()
        .into_iter()
        .filter(|e| e.local() == "au")
        .collect();
    let Some(second) = aus.get(1) else { return };
    let message = format!(
        "{} AUs in one cmi5 package: Open edX's cmi5 block marks the unit complete after the first lesson's `completed` and keeps one state document for all lessons",
        aus.len()
    );
    let help = "for Open edX, upload each lesson as its own package (a `cmi5.xml` with one AU)";
    out.push(cx.at(RULE.finding(message).with_help(help), second.span.clone()));
}
