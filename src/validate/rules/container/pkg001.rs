//! `PKG001` `missing-manifest`: the package has no `imsmanifest.xml` or `cmi5.xml` anywhere

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG001",
    name: "missing-manifest",
    severity: Severity::Error,
    lms: &[],
    summary: "the package has no `imsmanifest.xml` or `cmi5.xml` anywhere",
    doc: "What it checks: that the package holds an `imsmanifest.xml` (SCORM, Common Cartridge) or a `cmi5.xml` (cmi5). Why it matters: without one no LMS recognises the upload as a package; Moodle tries AICC and fails, Canvas reports an unsupported content package, Open edX errors \"could not find imsmanifest.xml\". Reference: IMS CP 1.1.4 §2.2 (the manifest at the package root); lms-import.md §A 1.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if *cx.placement == super::super::super::reader::Placement::Missing {
        out.push(
            RULE.finding(format!(
                "`{}` has no `imsmanifest.xml` or `cmi5.xml`: it is not a SCORM package, cartridge or cmi5 package",
                cx.container.path.display()
            ))
            .with_help("export the course again as SCORM, Common Cartridge or cmi5"),
        );
    }
}
