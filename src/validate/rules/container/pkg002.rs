//! `PKG002` `manifest-not-at-root`: the manifest is inside a folder, not at the package root

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::reader::Placement;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG002",
    name: "manifest-not-at-root",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::Canvas, Lms::OpenEdx],
    summary: "the manifest is inside a folder, not at the package root",
    doc: "What it checks: that `imsmanifest.xml`/`cmi5.xml` sits at the root of the zip. Why it matters: Moodle accepts only a root entry named exactly `imsmanifest.xml` (\"An imsmanifest.xml file was found but it was not in the root of your zip file\"); Canvas tolerates one wrapping folder only when the zip root holds nothing else; Open edX takes the first manifest in zip order, at any depth, and then resolves paths from the wrong folder. Zipping the folder instead of its contents causes this. Reference: IMS CP 1.1.4 §2.2; lms-import.md §A 1, §B.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Placement::Nested(name) = cx.placement else {
        return;
    };
    // Canvas unwraps one folder when it is the only thing at the root (`Archive#nested_dir`).
    let tops: std::collections::BTreeSet<&str> = cx
        .container
        .files()
        .map(|e| e.name.split('/').next().unwrap_or(&e.name))
        .collect();
    let wrapped = tops.len() == 1 && cx.container.files().all(|e| e.name.contains('/'));
    let mut lms = vec![Lms::Moodle, Lms::OpenEdx];
    if !wrapped {
        lms.insert(1, Lms::Canvas);
    }
    out.push(
        RULE.finding(format!("the manifest is `{name}`, not at the package root"))
            .with_lms(lms)
            .with_help(
                "zip the contents of the folder holding the manifest, not the folder itself",
            ),
    );
}
