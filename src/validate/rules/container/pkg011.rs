//! `PKG011` `manifest-unreadable`: the manifest cannot be read safely (a zip bomb, encrypted, unreadable)

use super::super::{Cx, Rule};
use crate::container::ReadError;
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG011",
    name: "manifest-unreadable",
    severity: Severity::Error,
    lms: &[],
    summary: "the manifest cannot be read safely (a zip bomb, encrypted, unreadable)",
    doc: "What it checks: that the manifest decompresses within the limits (a compression ratio of at most 1000:1, a 1 GiB budget for the package), is not encrypted and can be read at all; a manifest over the size cap is `PKG012`'s. Why it matters: a manifest that expands past them is either broken or a decompression bomb; LMSs that read it whole run out of memory. Reference: lms-import.md §A 3.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if let (Some(e), Some(name)) = (cx.read_error, cx.placement.name())
        && !matches!(e, ReadError::TooBig(_))
    {
        out.push(
            RULE.finding(format!("`{name}` cannot be read: {e}"))
                .at(cx.entry_label(name), 0..0),
        );
    }
}
