//! `PKG005` `os-metadata-entry`: the package holds `__MACOSX/`, `.DS_Store`, `Thumbs.db` or `desktop.ini` entries

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "PKG005",
    name: "os-metadata-entry",
    severity: Severity::Warning,
    lms: &[],
    summary: "the package holds `__MACOSX/`, `.DS_Store`, `Thumbs.db` or `desktop.ini` entries",
    doc: "What it checks: entries that operating systems add when zipping (`__MACOSX/` resource forks, `.DS_Store`, `Thumbs.db`, `desktop.ini`). Why it matters: they are never listed in the manifest, show up as stray files in LMS file areas, and `__MACOSX/` holds a second `imsmanifest.xml` fork that Open edX may pick as the manifest. Reference: lms-import.md §A 2.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for e in &cx.container.entries {
        let file = e
            .name
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(&e.name);
        let junk = e.name.starts_with("__MACOSX/")
            || e.name.contains("/__MACOSX/")
            || matches!(file, ".DS_Store" | "Thumbs.db" | "desktop.ini");
        // One finding for a whole `__MACOSX/` tree is enough.
        if junk
            && !(e.name.contains("__MACOSX/")
                && e.name.trim_end_matches('/') != "__MACOSX"
                && out
                    .iter()
                    .any(|d| d.code == Some("PKG005") && d.message.contains("__MACOSX")))
        {
            out.push(
                RULE.finding(format!("`{}` is operating-system metadata, not content", e.name))
                    .at(cx.entry_label(&e.name), 0..0)
                    .with_help("zip with `zip -r -X` or remove it: `zip -d package.zip '__MACOSX/*' '*.DS_Store'`"),
            );
        }
    }
}
