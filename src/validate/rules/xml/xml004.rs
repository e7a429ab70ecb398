//! `XML004` `non-utf8-encoding`: the manifest is not UTF-8 (UTF-16 or a legacy encoding)

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::xml::Encoding;
use crate::xmltree::XmlErrorKind;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "XML004",
    name: "non-utf8-encoding",
    severity: Severity::Warning,
    lms: &[Lms::Moodle],
    summary: "the manifest is not UTF-8 (UTF-16 or a legacy encoding)",
    doc: "What it checks: the manifest's encoding: UTF-16 (with a byte order mark, or declared and sniffed from its first bytes), or a legacy 8-bit encoding its XML declaration names (`ISO-8859-1`, `windows-1252`, …), read correctly but not UTF-8. Bytes that are not what the document declares, or an encoding no parser knows, are `XML007`'s. Why it matters: Moodle's cartridge detection reads the first 1024 bytes as ASCII text to find the namespace and so never recognises a UTF-16 cartridge; legacy encodings (ISO-8859-1, Windows-1252) turn titles into mojibake in LMSs that assume UTF-8. A UTF-8 byte order mark is harmless and not reported. Reference: XML 1.0 §4.3.3; lms-import.md §A 3, §A 21.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = cx.manifest else { return };
    // Bytes that contradict their encoding, or an unknown one, are `XML007`'s (an error).
    if m.doc
        .as_ref()
        .is_err_and(|e| e.kind == XmlErrorKind::Encoding)
    {
        return;
    }
    let what = match &m.encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => return,
        Encoding::Utf16 => "UTF-16".to_string(),
        Encoding::Other { declared } => format!("`{declared}`, not UTF-8"),
    };
    let d = RULE
        .finding(format!("`{}` is encoded as {what}", m.name))
        .with_help("save the manifest as UTF-8");
    out.push(cx.at(d, 0..0));
}
