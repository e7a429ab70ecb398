//! `LMS012` `cc-resource-type-of-other-version`: a cartridge resource type carries another CC version's token (Canvas's 1.1 type in CC 1.3)

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::detect::{CcVersion, Format};
use crate::validate::scan;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS012",
    name: "cc-resource-type-of-other-version",
    severity: Severity::Warning,
    lms: &[],
    summary: "a cartridge resource type carries another CC version's token (Canvas's 1.1 type in CC 1.3)",
    doc: "What it checks: (CC 1.2/1.3) resource `type`s whose version token names CC 1.1, such as `associatedcontent/imscc_xmlv1p1/learning-application-resource` in a CC 1.3 manifest. Why it matters: it is schema-invalid against the CC 1.3 profile (the enumeration lists only the `imscc_xmlv1p3` tokens), but Canvas writes it in every CC 1.3 export and Canvas and most importers accept it: a known deviation, not an import failure. A strict importer may skip those resources. Reference: IMS CC 1.3 §5.3 (resource types); corpus `canvas-cc13-*.xml`.",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let Format::Cc { version, .. } = cx.format() else {
        return;
    };
    let own = match version {
        CcVersion::V1_2 => "v1p2",
        CcVersion::V1_3 => "v1p3",
        _ => return,
    };
    for res in scan::resources(root) {
        let kind = res.attr("type").unwrap_or_default();
        if kind.contains("imscc_xmlv1p") && !kind.contains(&format!("imscc_xml{own}")) {
            let d = RULE
                .finding(format!(
                    "resource type `{kind}` belongs to another Common Cartridge version"
                ))
                .with_help(format!("write the `imscc_xml{own}` form of the type"));
            out.push(cx.at(d, res.attr_span("type")));
        }
    }
}
