//! `XML003` `dtd-entity-declared`: the manifest's DOCTYPE declares entities or names an external DTD

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML003",
    name: "dtd-entity-declared",
    severity: Severity::Error,
    lms: &[],
    summary: "the manifest's DOCTYPE declares entities or names an external DTD",
    doc: "What it checks: a `<!DOCTYPE>` in the manifest that declares entities (`<!ENTITY …>`, general or parameter, internal or `SYSTEM`/`PUBLIC`) or names an external DTD (`<!DOCTYPE manifest SYSTEM \"…\">`, which XML treats as an external parameter entity). Why it matters: entity expansion is the vehicle of billion-laughs and quadratic blow-up attacks, and external entities and DTDs of external-entity (XXE) attacks that read local files or reach the network. The validator never processes a DTD — no entity is expanded, nothing is fetched, references stay as written and the manifest is not handed to the schema layer — and refuses such manifests; libxml2-based importers (Moodle's cartridge restore) may expand them, others refuse them, so the package behaves differently per LMS. Manifests never need entities. Reference: XML 1.0 §2.8, §4.2; OWASP XML External Entity Prevention Cheat Sheet.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(d) = cx
        .doc()
        .and_then(|d| d.doctype.as_ref())
        .filter(|d| d.is_hostile())
    else {
        return;
    };
    let mut what = Vec::new();
    let declared = d.entities.len() + d.parameter_entities;
    if declared > 0 {
        what.push(format!("declares {declared} entities"));
    }
    if let Some(external) = &d.external {
        what.push(format!(
            "names `{}` outside the manifest",
            external.escape_debug()
        ));
    }
    let unexpanded = match d.references {
        0 => String::new(),
        n => format!("; {n} references to them are left unexpanded"),
    };
    let finding = RULE
        .finding(format!(
            "the DOCTYPE {}; it is neither expanded nor fetched{unexpanded}",
            what.join(" and ")
        ))
        .with_help("remove the DOCTYPE and write the text the entities stand for");
    out.push(cx.at(finding, d.span.clone()));
}
