//! `LMS009` `cc-namespace-not-detected-by-moodle`: Moodle's format sniffing would not find the CC 1.0/1.1 namespace in the first 1024 bytes

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::{CcVersion, Format, NS_CC};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS009",
    name: "cc-namespace-not-detected-by-moodle",
    severity: Severity::Error,
    lms: &[Lms::Moodle],
    summary: "Moodle's format sniffing would not find the CC 1.0/1.1 namespace in the first 1024 bytes",
    doc: "What it checks: (CC 1.0/1.1) Moodle's `detect_format()`: it reads the first 1024 bytes of `imsmanifest.xml`, lower-cases them, deletes whitespace and quotes and looks for `xmlns=http://www.imsglobal.org/xsd/imscc/imscp_v1p1` (1.0) or `…/imsccv1p1/imscp_v1p1` (1.1). Why it matters: a long comment, a DOCTYPE, a UTF-16 encoding or a prefixed root (`xmlns:cc=…`) pushes or hides the declaration, and Moodle reports an unknown backup format. Reference: lms-import.md §A 21 [verified].",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(m), Some(root)) = (cx.manifest, cx.root()) else {
        return;
    };
    let Format::Cc {
        version: v @ (CcVersion::V1_0 | CcVersion::V1_1),
        ..
    } = cx.format()
    else {
        return;
    };
    let uri = NS_CC
        .iter()
        .find(|(_, x)| *x == v)
        .map(|(u, _)| *u)
        .unwrap_or_default();
    // Moodle reads raw bytes; a UTF-16 manifest never matches (decoded text here would).
    let bytes: Vec<u8> = if m.encoding == crate::validate::xml::Encoding::Utf16 {
        Vec::new()
    } else {
        m.text.as_bytes().iter().take(1024).copied().collect()
    };
    let head: String = String::from_utf8_lossy(&bytes)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect();
    if !head.contains(&format!("xmlns={uri}")) {
        let d = RULE.finding("Moodle does not find the cartridge namespace as the root's default namespace in the first 1024 bytes")
            .with_help(format!("declare `xmlns=\"{uri}\"` on `<manifest>` near the top of the file (no long comments or DOCTYPE before it, UTF-8)"));
        out.push(cx.at(d, root.span.clone()));
    }
}
