//! `XML004` `non-utf8-encoding`: the manifest is not UTF-8 (UTF-16 or a legacy encoding)

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::xml::Encoding;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML004",
    name: "non-utf8-encoding",
    severity: Severity::Warning,
    lms: &[Lms::Moodle],
    summary: "the manifest is not UTF-8 (UTF-16 or a legacy encoding)",
    doc: "What it checks: the manifest's bytes: a UTF-16 byte order mark, or bytes that are not UTF-8. Why it matters: Moodle's cartridge detection reads the first 1024 bytes as ASCII text to find the namespace and so never recognises a UTF-16 cartridge; legacy encodings (ISO-8859-1, Windows-1252) turn titles into mojibake in LMSs that assume UTF-8. A UTF-8 byte order mark is harmless and not reported. Reference: XML 1.0 §4.3.3; lms-import.md §A 3, §A 21.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = cx.manifest else { return };
    let what = match &m.encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => return,
        Encoding::Utf16 => "UTF-16".to_string(),
        Encoding::Other { declared: Some(d) } => format!("`{d}`, not UTF-8"),
        Encoding::Other { declared: None } => "not UTF-8".to_string(),
    };
    let d = RULE
        .finding(format!("`{}` is encoded as {what}", m.name))
        .with_help("save the manifest as UTF-8");
    out.push(cx.at(d, 0..0));
}
