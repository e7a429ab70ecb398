//! `LMS018` `scorm-in-cartridge`: a cartridge carries a SCORM package

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS018",
    name: "scorm-in-cartridge",
    severity: Severity::Error,
    lms: &[Lms::Canvas, Lms::Moodle],
    summary: "a cartridge carries SCORM content (a nested `imsmanifest.xml` or a resource marked `scormtype`)",
    doc: "What it checks: (Common Cartridge) that no file of the package other than the root manifest is called `imsmanifest.xml` and that no resource carries an ADL `scormtype`/`scormType` attribute. Why it matters: neither Canvas nor Moodle creates a SCORM activity from a cartridge: Canvas has no converter for SCORM (\"Unsupported content package\"; SCORM goes through Instructure's separate SCORM tool), Moodle's CC restore imports the files as plain pages or files, so the SCO runs without an API and records nothing. Build a SCORM package instead. Reference: IMS CC 1.1 Profile §4 (resource types); lms-import.md §A 27.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_cc() {
        return;
    }
    let own = cx.manifest.map(|m| m.name.as_str()).unwrap_or_default();
    if cx.has_files() {
        for entry in cx.container.files() {
            let file = entry.name.rsplit('/').next().unwrap_or(&entry.name);
            if entry.name != own && file.eq_ignore_ascii_case("imsmanifest.xml") {
                let d = RULE
                    .finding(format!(
                        "`{}` is a nested content package; Canvas and Moodle import it as plain files, not as SCORM",
                        entry.name
                    ))
                    .with_help("upload the SCORM package on its own (Moodle SCORM activity, Canvas SCORM tool)")
                    .at(cx.entry_label(&entry.name), 0..0);
                out.push(d);
            }
        }
    }
    for res in scan::resources(root) {
        if let Some((name, value)) = scan::prefixed_attr(res, "scormtype") {
            let d = RULE
                .finding(format!(
                    "resource `{}` is marked `{name}=\"{value}\"`; cartridges have no SCOs, Canvas and Moodle import it as plain files",
                    res.attr("identifier").unwrap_or("?")
                ))
                .with_help("build a SCORM package for SCORM content");
            out.push(cx.at(d, res.attr_span(name)));
        }
    }
}
