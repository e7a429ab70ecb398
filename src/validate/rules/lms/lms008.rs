//! `LMS008` `cc-version-unsupported-by-moodle`: Moodle cannot restore Common Cartridge 1.2 or 1.3

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::{CcVersion, Format};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS008",
    name: "cc-version-unsupported-by-moodle",
    severity: Severity::Warning,
    lms: &[Lms::Moodle],
    summary: "Moodle cannot restore Common Cartridge 1.2 or 1.3",
    doc: "What it checks: the cartridge version. Why it matters: Moodle has converters for CC 1.0 and 1.1 only (`imscc1`, `imscc11`); a CC 1.2 or 1.3 cartridge is an \"unknown backup format\" to its course restore. Canvas imports 1.0–1.3. Build a 1.1 cartridge for Moodle. Reference: lms-import.md §A 21 [verified], §B.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if let Format::Cc {
        version: v @ (CcVersion::V1_2 | CcVersion::V1_3),
        ..
    } = cx.format()
    {
        let v = if v == CcVersion::V1_2 { "1.2" } else { "1.3" };
        let d = RULE
            .finding(format!(
                "Common Cartridge {v} is an unknown backup format to Moodle"
            ))
            .with_help(
                "for Moodle, export a Common Cartridge 1.1 (`lessonpack build --cc-version 1.1`)",
            );
        out.push(cx.at(d, root.span.clone()));
    }
}
