//! `PKG013` `symlink-entry`: an entry is a symbolic link, or lies under one

use super::super::{Cx, Rule};
use crate::container::Hazard;
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG013",
    name: "symlink-entry",
    severity: Severity::Error,
    lms: &[],
    summary: "an entry is a symbolic link, or lies under one",
    doc: "What it checks: zip entries whose Unix mode (the high 16 bits of the external attributes) is a symbolic link (`S_IFLNK`), entries whose path goes through such a link (`docs` a link, then `docs/passwd` a file), and, for an extracted folder, symbolic links on disk. The link's target is shown (absolute, climbing out of the package, or inside it), read from the entry's data without following it; nothing a link points at is ever opened, listed or checked. Why it matters: a package is content, never links. An LMS or a teacher that extracts the zip with a tool honouring links (Info-ZIP `unzip`, `bsdtar`) gets a link to `/etc/passwd` or to `../../config.php` served as course content, and a file written under a linked folder lands wherever the link points — outside the course's storage. Reference: APPNOTE.TXT 4.4.15 (external file attributes); CVE-2018-1000544 (rubyzip), CWE-59.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = cx.container.hazards.iter().filter_map(|h| {
        let name = match h {
            Hazard::Link { name, .. } | Hazard::UnderLink { name, .. } => name,
            _ => return None,
        };
        Some(
            RULE.finding(h.to_string())
                .at(cx.entry_label(name), 0..0)
                .with_help("zip the files the link stands for, not the link (`zip -r` without `--symlinks`)"),
        )
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!(
            "{left} more entries are or lie under symbolic links"
        )));
    }
}
