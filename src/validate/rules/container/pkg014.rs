//! `PKG014` `local-header-mismatch`: a local file header names an entry differently from the central directory, or is missing

use super::super::{Cx, Rule};
use crate::container::Hazard;
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG014",
    name: "local-header-mismatch",
    severity: Severity::Error,
    lms: &[],
    summary: "a local file header names an entry differently from the central directory, or is missing",
    doc: "What it checks: for every entry of the zip's central directory, the local file header it points at: that it is there, starts with the local header signature, and stores the very same name. Only those header bytes are read; nothing is decompressed. Why it matters: zip readers disagree on which to trust — PHP's ZipArchive (Moodle), Python's zipfile (Open edX) and rubyzip (Canvas) read the central directory, streaming extractors and many virus scanners read the local headers — so a package whose two directories disagree is two different packages: the one a scanner or a reviewer approved is not the one the LMS serves. Real zip writers never produce it. Reference: APPNOTE.TXT 4.3.7 (local file header), 4.3.12 (central directory header).",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = cx.container.hazards.iter().filter_map(|h| {
        let name = match h {
            Hazard::LocalName { name, .. } | Hazard::LocalHeader { name, .. } => name,
            _ => return None,
        };
        Some(
            RULE.finding(h.to_string())
                .at(cx.entry_label(name), 0..0)
                .with_help(
                    "the zip was crafted or damaged: build it again with an ordinary zip tool",
                ),
        )
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!(
            "{left} more entries whose local header disagrees with the central directory"
        )));
    }
}
