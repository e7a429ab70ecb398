//! `PKG004` `unsafe-entry-path`: an entry name is absolute, has `..`, a backslash, a drive letter or NUL

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG004",
    name: "unsafe-entry-path",
    severity: Severity::Error,
    lms: &[],
    summary: "an entry name is absolute, has `..`, a backslash, a drive letter or NUL",
    doc: "What it checks: every entry name of the package. Why it matters: names such as `../x`, `/etc/x`, `C:\\x` or `a\\b` are path-traversal attempts or Windows-made archives; Moodle rewrites `\\` to `/` and strips a leading `/`, Open edX's asset proxy refuses absolute paths, drive letters, `..` and NUL, Canvas warns about unsafe entries, and an extracting LMS may write outside its folder. Reference: APPNOTE.TXT 4.4.17 (forward slashes, no drive or leading slash); lms-import.md §A 2.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for e in &cx.container.entries {
        let n = &e.name;
        let why = if n.contains('\0') {
            "a NUL byte"
        } else if n.starts_with('/') {
            "a leading `/`"
        } else if n.as_bytes().get(1) == Some(&b':') && n.as_bytes()[0].is_ascii_alphabetic() {
            "a drive letter"
        } else if n.contains('\\') {
            "a backslash"
        } else if n.split('/').any(|p| p == "..") {
            "a `..` segment"
        } else {
            continue;
        };
        out.push(
            RULE.finding(format!("entry `{}` has {why}", n.escape_debug()))
                .at(cx.entry_label(n), 0..0)
                .with_help("rebuild the zip with relative, `/`-separated names"),
        );
    }
}
