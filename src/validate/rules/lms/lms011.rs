//! `LMS011` `cc-authorizations`: the cartridge has `<authorizations>` (a protected cartridge)

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS011",
    name: "cc-authorizations",
    severity: Severity::Error,
    lms: &[Lms::Moodle],
    summary: "the cartridge has `<authorizations>` (a protected cartridge)",
    doc: "What it checks: (CC) an `<authorizations>` element in the manifest. Why it matters: Moodle refuses protected cartridges (`protected_cc_not_supported`) and restores nothing. Reference: IMS CC 1.1 §4.5 (authorization); lms-import.md §A 24.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_cc() {
        return;
    }
    if let Some(el) = root
        .descendants()
        .into_iter()
        .find(|e| e.local() == "authorizations")
    {
        let d = RULE.finding("the cartridge is protected by `<authorizations>`; Moodle does not restore protected cartridges")
            .with_help("remove `<authorizations>`");
        out.push(cx.at(d, el.span.clone()));
    }
}
