//! `XML009` `document-dtd`: another XML document of the package has a DOCTYPE that declares entities or names an external DTD

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::documents::Checked;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML009",
    name: "document-dtd",
    severity: Severity::Error,
    lms: &[],
    summary: "another XML document of the package has a DOCTYPE that declares entities or names an external DTD",
    doc: "What it checks: every XML document of the package besides the manifest (cartridge discussion topics, web links and LTI links, QTI, metadata, any `.xml` entry) for a `<!DOCTYPE>` that declares entities — internal ones (billion laughs: `<!ENTITY lol9 \"&lol8;&lol8;…\">`), external ones (`<!ENTITY e SYSTEM \"file:///etc/passwd\">`), parameter entities — or names an external DTD. The manifest's own DOCTYPE is `XML003`'s. Why it matters: these are the documents an LMS parses after import (Moodle's cartridge restore reads topics and web links with libxml2, Canvas's importer with Nokogiri); expanding such a DOCTYPE exhausts the server's memory, and loading external entities discloses local files or reaches the network. The validator never expands or fetches anything: it reports the DOCTYPE and leaves the references as written. Cartridge documents never need a DOCTYPE. Reference: XML 1.0 §2.8, §4.2; OWASP XML External Entity Prevention Cheat Sheet; IMS CC 1.3 §6.4–6.6.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let each = cx.documents.iter().filter_map(|(path, checked)| {
        let Checked::Read(doc) = checked else {
            return None;
        };
        let d = doc.doctype.as_ref()?;
        let declared = d.entities.len() + d.parameter_entities;
        let what = match (&d.external, declared) {
            (Some(e), 0) => format!("names `{}` outside the document", e.escape_debug()),
            (Some(e), n) => format!(
                "declares {n} entities and names `{}` outside the document",
                e.escape_debug()
            ),
            (None, n) => format!("declares {n} entities"),
        };
        Some(
            RULE.finding(format!(
                "`{path}`: the DOCTYPE {what}; it is neither expanded nor fetched"
            ))
            .at(doc.label.clone(), d.span.clone())
            .with_help("remove the DOCTYPE; write the text the entities stand for"),
        )
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!(
            "{left} more XML documents have a DOCTYPE with entities or an external DTD (only the first {} are shown)",
            super::super::MAX_REPEATS
        )));
    }
}
