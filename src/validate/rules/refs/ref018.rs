//! `REF018` `reference-leaves-package`: an `href`, `xml:base`, metadata location or cmi5 AU `url` points outside the package

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::{links, scan};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF018",
    name: "reference-leaves-package",
    severity: Severity::Error,
    lms: &[],
    summary: "an `href`, `xml:base`, metadata location or cmi5 AU `url` points outside the package (absolute path, `..` above the root, `file:`)",
    doc: "What it checks: every path the package names — `href` of `<resource>` and `<file>` (in sub-manifests too), `xml:base` on any element (composed as XML Base says), SCORM `adlcp:location`, cmi5 AU `<url>`, a cartridge web link's `<url href>` and LTI launch URLs — for an absolute path (`/etc/passwd`, `\\\\server\\share`, `C:\\…`), a `file:` URL, or `..` segments (also percent-encoded `%2e%2e`, also with `\\`) that climb above the package root, resolved from the manifest's folder. Remote URLs (`https:`, `//host/…`) are not paths and are not reported. The validator never opens what such a path names: only the package's own entries are ever read, and in an extracted folder no symbolic link is followed. Why it matters: a launch page or file outside the package is a 404 at best; at worst an LMS that resolves it on the server (Moodle's file serving, an extracted Open edX course) serves its own files — configuration, other courses — to learners, and a cmi5 `file:` launch URL opens the learner's local disk. Reference: IMS CP 1.1.4 §3 (file@href: relative to the package); XML Base §4; RFC 3986 §5.2; cmi5 §13.1.4 (AU url); lms-import.md §A 2.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = links::all(cx).into_iter().filter_map(|link| {
        let why = scan::leaves(link.base.as_deref()?, &link.value)?;
        let d = RULE
            .finding(format!(
                "{} `{}` is {why}: it points outside the package",
                link.what,
                link.value.escape_debug()
            ))
            .with_help("use a path relative to the manifest's folder that stays inside the package, or an https URL");
        Some(cx.at_link(d, &link))
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(cx.at(
            RULE.finding(format!("{left} more references point outside the package")),
            0..0,
        ));
    }
}
