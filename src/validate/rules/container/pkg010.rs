//! `PKG010` `non-portable-file-name`: a file name has non-ASCII characters, spaces or `?#%&`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG010",
    name: "non-portable-file-name",
    severity: Severity::Warning,
    lms: &[],
    summary: "a file name has non-ASCII characters, spaces or `?#%&`",
    doc: "What it checks: every entry name for characters outside printable ASCII, spaces, and `?`, `#`, `%`, `&`, and for names stored in a legacy code page (not UTF-8). Why it matters: Moodle cleans names with `clean_param(PARAM_PATH)`, URLs break at `?` and `#`, `%` starts an escape, and names without the zip UTF-8 flag are decoded differently by each unzip library, so the manifest's `href` no longer matches. Reference: lms-import.md §A 2.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for e in &cx.container.entries {
        let bad = e.bad_name
            || e.name
                .chars()
                .any(|c| !c.is_ascii() || c.is_ascii_control() || " ?#%&".contains(c));
        if bad {
            out.push(
                RULE.finding(format!(
                    "`{}` is not a portable file name",
                    e.name.escape_debug()
                ))
                .at(cx.entry_label(&e.name), 0..0)
                .with_help("use ASCII letters, digits, `-`, `_` and `.` in file names"),
            );
        }
    }
}
