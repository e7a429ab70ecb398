//! `PKG016` `compression-bomb`: an entry, or the package as a whole, expands more than 1000:1

use super::super::{Cx, Rule};
use crate::container::Hazard;
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG016",
    name: "compression-bomb",
    severity: Severity::Error,
    lms: &[],
    summary: "an entry, or the package as a whole, expands more than 1000:1",
    doc: "What it checks: the sizes the zip's central directory records, before anything is decompressed: an entry over 1 MiB whose uncompressed size is more than 1000 times its compressed size, or a package whose entries together expand more than 1000:1 (many entries just under the limit). Nothing is extracted to find it, and the validator never decompresses such an entry (reading stops at the limits even when a header understates a size). Why it matters: DEFLATE cannot compress real content beyond about 1032:1, so such an entry is a run of one byte crafted to expand — 2 GiB of zeros fit in 2 MiB. An LMS that extracts the package on upload (Moodle, Canvas, Open edX all do) fills its disk or memory. Reference: APPNOTE.TXT 4.4.8–4.4.9 (sizes); RFC 1951 (DEFLATE); David Fifield, \"A better zip bomb\" (2019).",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = cx.container.hazards.iter().filter_map(|h| {
        let label = match h {
            Hazard::Ratio { name, .. } => cx.entry_label(name),
            Hazard::PackageRatio { .. } => cx.container.path.clone(),
            _ => return None,
        };
        Some(RULE.finding(h.to_string()).at(label, 0..0).with_help(
            "do not upload this package; if it is yours, remove the padding and zip it again",
        ))
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!("{left} more entries expand more than 1000:1")));
    }
}
