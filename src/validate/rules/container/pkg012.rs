//! `PKG012` `manifest-too-large`: the manifest is larger than the validator reads into memory

use super::super::{Cx, Rule};
use crate::container::ReadError;
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG012",
    name: "manifest-too-large",
    severity: Severity::Error,
    lms: &[],
    summary: "the manifest is over 32 MiB, the most `validate` reads into memory",
    doc: "What it checks: the manifest's size, from the zip's central directory or the file system, before anything is read: over 32 MiB (33,554,432 bytes) it is not read, parsed or checked, and this is the only finding about it (reading stops at the limit even when a header understates the size). Why it matters: the checks need the whole document as a tree, which takes several times the file's size in memory; the cap keeps `validate` (and the build gate) bounded on any input, whatever a package claims. Real manifests are far smaller (a cartridge listing ten thousand files is about 2 MB), and the LMSs parse manifests in memory too (Moodle's `xml2Array` builds a PHP array of the whole document, Open edX and Canvas a whole element tree), so a manifest this large is a broken export. Reference: lms-import.md §A 3, §A 5.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if let (Some(ReadError::TooBig(limit)), Some(name)) = (cx.read_error, cx.placement.name()) {
        let size = cx.container.entry(name).map_or(0, |e| e.size);
        let shown = if size > *limit {
            format!("{size} bytes")
        } else {
            "larger than its header says".to_string()
        };
        out.push(
            RULE.finding(format!(
                "`{name}` is {shown}, over the {limit}-byte limit; it was not read or checked"
            ))
            .with_help("a manifest this large is a broken export: list files once, drop inline metadata, split the course")
            .at(cx.entry_label(name), 0..0),
        );
    }
}
