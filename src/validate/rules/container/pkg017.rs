//! `PKG017` `overlapping-entries`: entries share compressed data or headers

use super::super::{Cx, Rule};
use crate::container::Hazard;
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG017",
    name: "overlapping-entries",
    severity: Severity::Error,
    lms: &[],
    summary: "entries share compressed data or headers (an overlapping-files zip bomb)",
    doc: "What it checks: where each central directory entry's local header and compressed data lie in the file (its offset, the local header's name and extra field lengths, the compressed size): no byte may belong to two entries, and no entry's data may run into the central directory. Only headers are read; nothing is decompressed. Why it matters: many entries pointing at one piece of compressed data (or one entry's data holding the next one's header) is how a 42 kB zip expands to terabytes — every entry is small and compresses within limits, but extracting the package writes the shared data once per entry. Real zip writers never overlap entries. Reference: APPNOTE.TXT 4.3.6 (overall zip file format); David Fifield, \"A better zip bomb\" (2019), CVE-2019-13232 (Info-ZIP `unzip` overlap check).",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = cx.container.hazards.iter().filter_map(|h| {
        let Hazard::Overlap { name, .. } = h else {
            return None;
        };
        Some(
            RULE.finding(h.to_string())
                .at(cx.entry_label(name), 0..0)
                .with_help(
                    "do not upload this package: it was crafted to expand far beyond its size",
                ),
        )
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!(
            "{left} more entries share bytes with another entry"
        )));
    }
}
