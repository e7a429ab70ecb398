//! `REF006` `file-case-mismatch`: a file the manifest names exists only with other letter case

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::refcheck::{self, Lookup};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF006",
    name: "file-case-mismatch",
    severity: Severity::Error,
    lms: &[],
    summary: "a file the manifest names exists only with other letter case",
    doc: "What it checks: references (as in REF005) that match a package file only when letter case is ignored. Why it matters: the package works when tested on Windows or macOS and fails on the Linux servers Moodle, Canvas and Open edX run on, where `Index.html` and `index.html` are different files. Reference: IMS CP 1.1.4 §3 (file@href is a URL; URLs are case-sensitive, RFC 3986 §6.2.2.1).",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for r in refcheck::references(cx) {
        if let Lookup::OtherCase(actual) = &r.lookup {
            let d = RULE
                .finding(format!("`{}` is in the package only as `{actual}`", r.path))
                .with_help("make the manifest and the file name agree in letter case");
            out.push(cx.at(d, r.span));
        }
    }
}
