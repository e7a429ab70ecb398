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
    doc: "What it checks: that the manifest is well-formed XML 1.0 with namespaces, as Expat (Moodle) and Python's parser (Open edX) require: one root element and nothing but comments and processing instructions outside it, matched tags, quoted attributes, the XML declaration only at the very start with `version`, `encoding`, `standalone` in that order, only characters XML 1.0 allows (no NUL or other control characters, literal or as `&#1;`), comments without `--`, no unclosed comment or CDATA section, bound prefixes, and only the five predefined entities and character references (at most 20 undefined entities are listed; the rest are counted). The position is the first offending byte. Why it matters: Moodle's `xml2Array::parse()` calls `die(\"XML error …\")` and kills the request; Open edX raises an uncaught `ParseError` (HTTP 500 in Studio); Canvas reports the package as unsupported. Reference: XML 1.0 §2.1 (well-formed documents), §2.2 (characters), §2.8 (prolog), §4.1 (WFC: Entity Declared, Legal Character); Namespaces in XML 1.0 §5; lms-import.md §A 3.",
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
            let each = doc.unknown_entities.iter().map(|(name, range)| {
                let d = RULE.finding(format!("the entity `&{name};` is not defined"))
                    .with_help("write the character itself (the manifest is UTF-8) or a character reference like `&#233;`");
                cx.at(d, range.clone())
            });
            let left = super::super::push_first(out, each);
            if left > 0 {
                let last = doc.unknown_entities.last().map(|(_, r)| r.clone());
                let d = RULE.finding(format!(
                    "{left} more references to undefined entities (only the first {} are shown)",
                    super::super::MAX_REPEATS
                ));
                out.push(cx.at(d, last.unwrap_or(0..0)));
            }
        }
        Err(_) => {}
    }
}
