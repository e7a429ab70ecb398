//! `REF016` `completion-threshold-wrong-edition`: `adlcp:completionThreshold` is written in the other SCORM 2004 edition's form

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::detect::{Edition, Format};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF016",
    name: "completion-threshold-wrong-edition",
    severity: Severity::Warning,
    lms: &[],
    summary: "`adlcp:completionThreshold` is written in the other SCORM 2004 edition's form",
    doc: "What it checks: (SCORM 2004) the form of `<adlcp:completionThreshold>` against the manifest's `<schemaversion>`. In the 2nd and 3rd Editions it is an element whose text is a decimal from 0 to 1 (`<adlcp:completionThreshold>0.8</…>`); in the 4th Edition the value moved to the attributes `completedByMeasure`, `minProgressMeasure` and `progressWeight` and the text means nothing. Why it matters: the 4th-edition attributes in a 3rd-edition manifest make it schema-invalid (`XSD001` reports that too), and 3rd-edition LMSs ignore them; the 3rd-edition text in a 4th-edition manifest is schema-valid but ignored, so the threshold silently becomes the default (`minProgressMeasure` 1.0, not used unless `completedByMeasure=\"true\"`). Moodle reads only the attribute form whatever the edition (`LMS020`). Ranges are `REF011`'s. Reference: SCORM 2004 3rd ed. CAM 3.4.1.7 (completionThreshold: decimal); SCORM 2004 4th ed. CAM 3.4.1.7 (the three attributes); lms-import.md §A 15.",
    check,
};

/// The 4th Edition's attributes.
const ATTRIBUTES: [&str; 3] = ["completedByMeasure", "minProgressMeasure", "progressWeight"];

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    let Format::Scorm2004(edition) = cx.format() else {
        return;
    };
    for el in root.descendants() {
        if !el.local().eq_ignore_ascii_case("completionThreshold") {
            continue;
        }
        let text = el.text.trim();
        match edition {
            Edition::Second | Edition::Third => {
                for name in ATTRIBUTES.iter().filter(|a| el.attr(a).is_some()) {
                    let d = RULE
                        .finding(format!(
                            "`{name}` is a 4th Edition attribute, but this manifest is {}",
                            cx.format().label()
                        ))
                        .with_help("write the threshold as the element's text (`<adlcp:completionThreshold>0.8</adlcp:completionThreshold>`), or declare `2004 4th Edition`");
                    out.push(cx.at(d, el.attr_span(name)));
                }
            }
            Edition::Fourth if !text.is_empty() => {
                let d = RULE
                    .finding(format!(
                        "`{}` has the 3rd Edition text `{text}`, which a 4th Edition manifest ignores",
                        el.name
                    ))
                    .with_help(format!(
                        "write `<{} completedByMeasure=\"true\" minProgressMeasure=\"{text}\"/>`",
                        el.name
                    ));
                out.push(cx.at(d, el.text_or_tag_span()));
            }
            _ => {}
        }
    }
}
