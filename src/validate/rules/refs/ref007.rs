//! `REF007` `unlisted-file`: a package file is not listed in any `<file>` of the manifest

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::refcheck;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF007",
    name: "unlisted-file",
    severity: Severity::Warning,
    lms: &[],
    summary: "a package file is not listed in any `<file>` of the manifest",
    doc: "What it checks: (SCORM and cartridges) every file of the package other than the manifest and XSD files against the `<file href>`s and `href`s of the resources. Why it matters: IMS CP asks every file to be listed; LMSs that copy resources by their file list (Moodle's cartridge restore, content re-use in Canvas) leave unlisted files behind, and unlisted files are often stale leftovers. Reference: IMS CP 1.1.4 §2.3; SCORM 2004 4th ed. CAM 3.4.1.17.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.has_files() || !(cx.format().is_scorm() || cx.format().is_cc()) {
        return;
    }
    let listed: std::collections::BTreeSet<String> = refcheck::references(cx)
        .into_iter()
        .map(|r| r.path)
        .collect();
    let base = cx.placement.base();
    let manifest = cx.placement.name().unwrap_or_default();
    let mut unlisted: Vec<&str> = cx
        .container
        .files()
        .map(|e| e.name.as_str())
        .filter(|n| {
            n.starts_with(base) && *n != manifest && !n.ends_with(".xsd") && !n.ends_with(".dtd")
        })
        .filter(|n| !listed.contains(*n))
        .collect();
    let total = unlisted.len();
    unlisted.truncate(20);
    for name in unlisted {
        out.push(
            RULE.finding(format!("`{name}` is not listed in the manifest"))
                .at(cx.entry_label(name), 0..0),
        );
    }
    if total > 20 {
        out.push(RULE.finding(format!(
            "{} more files are not listed in the manifest",
            total - 20
        )));
    }
}
