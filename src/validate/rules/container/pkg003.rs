//! `PKG003` `manifest-name-case`: the manifest's file name is not in lower case

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::reader::Placement;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG003",
    name: "manifest-name-case",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::OpenEdx],
    summary: "the manifest's file name is not in lower case",
    doc: "What it checks: that the manifest is named exactly `imsmanifest.xml` (or `cmi5.xml`). Why it matters: Moodle compares the zip entry name exactly and Open edX looks for the lower-case name; `IMSManifest.xml` works on Windows test servers and fails on Linux ones. Reference: IMS CP 1.1.4 §2.2; lms-import.md §A 2.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if let Placement::WrongCase(name) = cx.placement {
        out.push(
            RULE.finding(format!(
                "the manifest is named `{name}`; LMSs look for it in lower case"
            ))
            .with_help("rename it to `imsmanifest.xml` (or `cmi5.xml`)"),
        );
    }
}
