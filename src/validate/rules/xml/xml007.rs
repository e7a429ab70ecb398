//! `XML007` `encoding-mismatch`: the manifest's bytes are not in the encoding it declares, or it names an encoding no parser knows

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::xmltree::XmlErrorKind;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML007",
    name: "encoding-mismatch",
    severity: Severity::Error,
    lms: &[Lms::Moodle, Lms::OpenEdx, Lms::Canvas],
    summary: "the manifest's bytes are not in the encoding it declares, or it names an encoding no parser knows",
    doc: "What it checks: that the manifest's bytes are what its XML declaration and first bytes say: UTF-8 when it declares no encoding or `UTF-8` (a byte that is not UTF-8, such as a Windows-1252 `é` saved without a declaration, is reported at its offset); only ASCII when it declares `US-ASCII`; 16-bit characters when it declares `UTF-16` (a UTF-16 declaration over 8-bit bytes or after a UTF-8 byte order mark, or a UTF-8 declaration over UTF-16 bytes, is refused; UTF-16 without a byte order mark must declare it); an encoding name XML parsers know (`x-bogus`, `UTF-9` are not). Legacy encodings that are declared and known are only `XML004`'s warning. Why it matters: XML 1.0 makes each of these a fatal error: Expat (Moodle's `xml_parser`, Python's parser in Open edX) stops with \"not well-formed (invalid token)\", \"unknown encoding\" or \"encoding specified in XML declaration is incorrect\", libxml2 with \"Input is not proper UTF-8\" or \"Unsupported encoding\"; the package does not import. Reference: XML 1.0 §4.3.3 (character encoding in entities), Appendix F (autodetection); lms-import.md §A 3.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = cx.manifest else { return };
    if let Err(e) = &m.doc
        && e.kind == XmlErrorKind::Encoding
    {
        let d = RULE
            .finding(format!("`{}` cannot be read: {}", m.name, e.message))
            .with_help("save the manifest as UTF-8 (with `encoding=\"UTF-8\"` or no encoding in the XML declaration)");
        out.push(cx.at(d, e.offset..e.offset + 1));
    }
}
