//! `XML001` `malformed-xml`: the manifest is not well-formed XML

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::xmltree::XmlErrorKind;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML001",
    name: "malformed-xml",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::OpenEdx, Lms::Canvas],
    summary: "the manifest is not well-formed XML",
    doc: "What it checks: that the manifest is well-formed XML 1.0 (one root, matched tags, quoted attributes, only the five predefined entities and character references). Why it matters: Moodle's `xml2Array::parse()` calls `die(\"XML error …\")` and kills the request; Open edX raises an uncaught `ParseError` (HTTP 500 in Studio); Canvas reports the package as unsupported. Reference: XML 1.0 §2.1 (well-formed documents), §4.1 (WFC: Entity Declared); lms-import.md §A 3.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = cx.manifest else { return };
    match &m.doc {
        Err(e) if e.kind == XmlErrorKind::Malformed => {
            let d = RULE.finding(format!(
                "`{}` is not well-formed XML: {}",
                m.name, e.message
            ));
            out.push(cx.at(d, e.offset..e.offset + 1));
        }
        Ok(doc) => {
            for (name, range) in &doc.unknown_entities {
                let d = RULE.finding(format!("the entity `&{name};` is not defined"))
                    .with_help("write the character itself (the manifest is UTF-8) or a character reference like `&#233;`");
                out.push(cx.at(d, range.clone()));
            }
        }
        Err(_) => {}
    }
}
