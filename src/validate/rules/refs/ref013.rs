//! `REF013` `cc-resource-document-broken`: a cartridge topic, web link or LTI link document is missing, malformed or of the wrong kind

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF013",
    name: "cc-resource-document-broken",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::Canvas],
    summary: "a cartridge topic, web link or LTI link document is missing, malformed or of the wrong kind",
    doc: "What it checks: (Common Cartridge) for each resource of type `imsdt_…` (discussion), `imswl_…` (web link) or `imsbasiclti_…` (LTI link): that it has a `<file>`, that the file is in the package, parses as XML and has the right root element (`topic`, `webLink`, `cartridge_basiclti_link`). Why it matters: Moodle and Canvas read these documents from the resource's first `<file href>`; a missing or broken one silently drops the forum, link or tool from the course. Reference: IMS CC 1.3 §6.4–6.6; lms-import.md §A 25.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_cc() || !cx.has_files() {
        return;
    }
    for res in scan::resources(root) {
        let Some(kind) = scan::inner_kind(res.attr("type").unwrap_or_default()) else {
            continue;
        };
        let id = res.attr("identifier").unwrap_or("?");
        let Some(file) = res.child("file") else {
            out.push(cx.at(
                RULE.finding(format!(
                    "resource `{id}` has no `<file>` for its {kind} document"
                )),
                res.span.clone(),
            ));
            continue;
        };
        let Some(path) = file.attr("href").and_then(|h| cx.package_path(h)) else {
            continue;
        };
        match cx.inner.get(&path) {
            // REF005 reports the missing file.
            None => {}
            Some(Err(e)) => out.push(cx.at(
                RULE.finding(format!("`{path}` cannot be read: {e}")),
                file.attr_span("href"),
            )),
            Some(Ok(inner)) => match &inner.doc {
                Err(e) => out.push(
                    RULE.finding(format!("`{path}` is not well-formed XML: {}", e.message))
                        .at(inner.label.clone(), e.offset..e.offset + 1),
                ),
                Ok(doc) if doc.root.local() != kind => out.push(cx.at(
                    RULE.finding(format!(
                        "`{path}` has root `<{}>`, not `<{kind}>`",
                        doc.root.name
                    )),
                    file.attr_span("href"),
                )),
                Ok(_) => {}
            },
        }
    }
}
