//! `REF005` `missing-file`: a file the manifest names is not in the package

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::refcheck::{self, Lookup};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF005",
    name: "missing-file",
    severity: Severity::Error,
    lms: &[],
    summary: "a file the manifest names is not in the package",
    doc: "What it checks: every `<resource href>`, every `<file href>` and every relative cmi5 AU `<url>`, resolved against the manifest's folder (query and fragment dropped, `%XX` decoded), against the package's files with exact case. Why it matters: a missing launch file is a 404 in every LMS; a missing listed file is a broken image, script or page. Not checked for a bare manifest (there are no files to compare with). Reference: IMS CP 1.1.4 §3 (file@href); SCORM 2004 4th ed. CAM 3.4.1.17; cmi5 §13.1.4.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = refcheck::references(cx)
        .into_iter()
        .filter(|r| r.lookup == Lookup::Missing)
        .map(|r| {
            let d = RULE
                .finding(format!("`{}` is not in the package", r.path))
                .with_help("add the file or correct the path");
            cx.at(d, r.span)
        });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!(
            "{left} more files the manifest names are not in the package (only the first {} are shown)",
            super::super::MAX_REPEATS
        )));
    }
}
