//! `LMS002` `nonstandard-extension-prefix`: an ADL/IMS SS extension namespace is bound to a prefix other than `adlcp`, `imsss`, `adlnav`, `adlseq`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS002",
    name: "nonstandard-extension-prefix",
    severity: Severity::Error,
    lms: &[Lms::Moodle],
    summary: "an ADL/IMS SS extension namespace is bound to a prefix other than `adlcp`, `imsss`, `adlnav`, `adlseq`",
    doc: "What it checks: (SCORM) elements and attributes in the ADL CP, IMS Simple Sequencing, ADL navigation and ADL sequencing namespaces use the prefixes `adlcp`, `imsss`, `adlnav`, `adlseq`. Why it matters: Moodle matches the prefixed names literally (`ADLCP:SCORMTYPE`, `ADLCP:MASTERYSCORE`, `IMSSS:SEQUENCING`): with `adl:scormtype` the SCO silently becomes an asset, which Moodle marks completed on launch without exposing the SCORM API. Reference: lms-import.md §A 6 [verified].",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_scorm() {
        return;
    }
    // Namespace URIs by the prefix Moodle expects for them.
    const EXPECTED: [(&str, &str); 5] = [
        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp"),
        ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp"),
        ("http://www.imsglobal.org/xsd/imsss", "imsss"),
        ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav"),
        ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq"),
    ];
    for el in root.descendants() {
        for ((key, uri), span) in el.attrs.iter().zip(&el.attr_spans) {
            let Some(prefix) = key.strip_prefix("xmlns:") else {
                continue;
            };
            if let Some((_, want)) = EXPECTED.iter().find(|(u, _)| u == uri)
                && prefix != *want
            {
                let d = RULE
                    .finding(format!(
                        "`{uri}` is bound to `{prefix}`; Moodle only recognises `{want}`"
                    ))
                    .with_help(format!(
                        "write `xmlns:{want}=\"{uri}\"` and use `{want}:` throughout"
                    ));
                out.push(cx.at(d, span.clone()));
            }
        }
    }
}
