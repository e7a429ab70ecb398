//! `XML003` `dtd-entity-declared`: the manifest's DOCTYPE declares entities

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML003",
    name: "dtd-entity-declared",
    severity: Severity::Error,
    lms: &[],
    summary: "the manifest's DOCTYPE declares entities",
    doc: "What it checks: a `<!DOCTYPE>` with `<!ENTITY>` declarations. Why it matters: entity expansion is the vehicle of billion-laughs and external-entity (XXE) attacks, so the validator never processes a DTD and refuses such manifests; libxml2-based importers (Moodle's CC restore) may expand them, others refuse them, so the package behaves differently per LMS. Manifests never need entities. Reference: XML 1.0 §4.2; OWASP XXE Prevention.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if let Some((range, true)) = cx.doc().and_then(|d| d.doctype.clone()) {
        let d = RULE
            .finding("the DOCTYPE declares entities; they are not expanded")
            .with_help("remove the DOCTYPE and write the text the entities stand for");
        out.push(cx.at(d, range));
    }
}
