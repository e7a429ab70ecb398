//! `REF001` `duplicate-identifier`: an identifier is used by two elements

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::detect::Format;
use std::collections::BTreeMap;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF001",
    name: "duplicate-identifier",
    severity: Severity::Error,
    lms: &[],
    summary: "an identifier is used by two elements",
    doc: "What it checks: that the `identifier` of the manifest, organizations, items and resources (and cmi5 course, block and AU `id`s) are unique in the document. Why it matters: they are `xs:ID`s, so the manifest is schema-invalid (Moodle's cartridge restore validates and aborts); Moodle keys items by identifier, so a duplicate overwrites the first item and its learner tracks; cmi5 LMSs key records on AU ids. Reference: IMS CP 1.1.4 §3 (identifier: xs:ID); XML Schema 1.0 Part 2 §3.3.8 (ID uniqueness); cmi5 §13.1.4; lms-import.md §A 13.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let attr = if cx.format() == Format::Cmi5 {
        "id"
    } else {
        "identifier"
    };
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for el in root.descendants() {
        if cx.format() != Format::Cmi5
            && !matches!(
                el.local(),
                "manifest" | "organization" | "item" | "resource"
            )
        {
            continue;
        }
        if cx.format() == Format::Cmi5
            && !matches!(el.local(), "course" | "block" | "au" | "objective")
        {
            continue;
        }
        let Some(id) = el.attr(attr) else { continue };
        if let Some(first) = seen.get(id) {
            let d = RULE
                .finding(format!(
                    "identifier `{id}` of this `<{}>` is already used by a `<{first}>`",
                    el.local()
                ))
                .with_help("give every element its own identifier");
            out.push(cx.at(d, el.attr_span(attr)));
        } else {
            seen.insert(id, el.local());
        }
    }
}
