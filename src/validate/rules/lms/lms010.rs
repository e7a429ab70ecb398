//! `LMS010` `cc-metadata-not-recognised-by-canvas`: `<schema>`/`<schemaversion>` of a cartridge are not what Canvas recognises

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS010",
    name: "cc-metadata-not-recognised-by-canvas",
    severity: Severity::Error,
    lms: &[Lms::Canvas],
    summary: "`<schema>`/`<schemaversion>` of a cartridge are not what Canvas recognises",
    doc: "What it checks: (CC) the manifest's `<metadata><schema>` matches `IMS Common Cartridge` or `IMS Thin Common Cartridge` (any case) and `<schemaversion>` is exactly `1.0.0`, `1.1.0`, `1.2.0` or `1.3.0`. Why it matters: Canvas's `PackageIdentifier` decides from these two texts; anything else is an \"Unsupported content package\". Reference: IMS CC 1.3 §4.2; lms-import.md §A 22.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_cc() {
        return;
    }
    let metadata = root.child("metadata");
    let schema = metadata.and_then(|m| m.child("schema"));
    let version = metadata.and_then(|m| m.child("schemaversion"));
    let schema_ok = schema.is_some_and(|s| {
        let t = s.text_trimmed().to_ascii_lowercase();
        t.contains("ims common cartridge") || t.contains("ims thin common cartridge")
    });
    let version_ok =
        version.is_some_and(|v| matches!(v.text.trim(), "1.0.0" | "1.1.0" | "1.2.0" | "1.3.0"));
    if !schema_ok {
        let span = schema.map_or_else(|| root.span.clone(), |s| s.text_or_tag_span());
        out.push(cx.at(RULE.finding("`<schema>` is not `IMS Common Cartridge`; Canvas does not recognise the cartridge").with_help("write `<schema>IMS Common Cartridge</schema>`"), span));
    }
    if !version_ok {
        let span = version.map_or_else(|| root.span.clone(), |s| s.text_or_tag_span());
        out.push(cx.at(RULE.finding("`<schemaversion>` is not `1.0.0`, `1.1.0`, `1.2.0` or `1.3.0`; Canvas does not recognise the cartridge"), span));
    }
}
