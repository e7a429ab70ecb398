//! `XML008` `document-malformed`: another XML document of the package is not well-formed, not in its encoding, or could not be checked

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::documents::Checked;
use crate::xmltree::XmlErrorKind;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML008",
    name: "document-malformed",
    severity: Severity::Error,
    lms: &[],
    summary: "another XML document of the package (QTI, metadata, any `.xml`) is not well-formed, not in its encoding, or could not be checked",
    doc: "What it checks: every `.xml` entry of the package besides the manifest — QTI assessments, metadata files, cartridge settings, a nested manifest — read by the same reader as the manifest, with the same checks (`XML001`, `XML002`, `XML007`): well-formed XML 1.0, bytes in their declared encoding, at most 256 levels deep. Cartridge topics, web links and LTI links that a resource names are `REF013`'s; `__MACOSX/` forks are `PKG005`'s. A document over 16 MiB, unreadable, or past the 16 MiB the validator reads of a package's XML documents is reported as not checked. Why it matters: LMSs parse these documents with the same parsers as the manifest (Moodle's quiz and metadata import, Canvas's QTI import, Open edX's OLX import) and stop at the first error; a document that is not checked could hide a hostile DTD (`XML009`). Reference: XML 1.0 §2.1, §4.3.3; IMS CC 1.3 §6; lms-import.md §A 3.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = cx
        .documents
        .iter()
        .filter_map(|(path, checked)| match checked {
            Checked::Read(doc) if !doc.cartridge => doc.error.as_ref().map(|e| {
                let why = match e.kind {
                    XmlErrorKind::Encoding => "cannot be read",
                    XmlErrorKind::TooDeep | XmlErrorKind::Malformed => "is not well-formed XML",
                };
                RULE.finding(format!("`{path}` {why}: {}", e.message))
                    .at(doc.label.clone(), e.offset..e.offset + 1)
                    .with_help("export the document again, or remove it if nothing uses it")
            }),
            Checked::Unread(reason) => Some(
                RULE.finding(format!("`{path}` was not checked: {reason}"))
                    .at(cx.entry_label(path), 0..0),
            ),
            _ => None,
        });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!(
            "{left} more XML documents are not well-formed or were not checked (only the first {} are shown)",
            super::super::MAX_REPEATS
        )));
    }
}
