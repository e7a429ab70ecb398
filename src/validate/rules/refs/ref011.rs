//! `REF011` `value-out-of-range`: a mastery score, threshold or measure is outside its range

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "REF011",
    name: "value-out-of-range",
    severity: Severity::Error,
    lms: &[],
    summary: "a mastery score, threshold or measure is outside its range",
    doc: "What it checks: `adlcp:masteryscore` (SCORM 1.2, 0–100), `adlcp:completionThreshold` (`minProgressMeasure` or 3rd-edition text, 0–1), `imsss:minNormalizedMeasure` (−1–1) and cmi5 `masteryScore` (0–1) are numbers in range. Why it matters: the manifest is schema-invalid, and LMSs that honour the value (Moodle stores it per SCO; cmi5 LMSs pass it to the AU) either reject it or make the SCO impossible or trivial to pass. Reference: SCORM 1.2 CAM 2.3.5.3 (masteryscore 0–100); SCORM 2004 4th ed. CAM 3.4.1.12, SN 5.1.6 (minNormalizedMeasure); cmi5 §13.1.4 (masteryScore).",
    check,
};

/// A value to check: its name, the text, the range allowed, where it is.
type Check<'a> = (String, Option<&'a str>, f64, f64, std::ops::Range<usize>);

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    for el in root.descendants() {
        let checks: Vec<Check<'_>> = match el.local().to_ascii_lowercase().as_str() {
            "masteryscore" => vec![(
                el.name.clone(),
                Some(el.text.trim()),
                0.0,
                100.0,
                el.text_or_tag_span(),
            )],
            "completionthreshold" => {
                let mut v = vec![(
                    "minProgressMeasure".to_string(),
                    el.attr("minProgressMeasure"),
                    0.0,
                    1.0,
                    el.attr_span("minProgressMeasure"),
                )];
                if !el.text.trim().is_empty() {
                    v.push((
                        el.name.clone(),
                        Some(el.text.trim()),
                        0.0,
                        1.0,
                        el.text_or_tag_span(),
                    ));
                }
                v
            }
            "minnormalizedmeasure" => vec![(
                el.name.clone(),
                Some(el.text.trim()),
                -1.0,
                1.0,
                el.text_or_tag_span(),
            )],
            "au" => vec![(
                "masteryScore".to_string(),
                el.attr("masteryScore"),
                0.0,
                1.0,
                el.attr_span("masteryScore"),
            )],
            _ => continue,
        };
        for (name, value, lo, hi, span) in checks {
            let Some(value) = value else { continue };
            let ok = value
                .parse::<f64>()
                .is_ok_and(|v| v.is_finite() && (lo..=hi).contains(&v));
            if !ok {
                let d = RULE.finding(format!(
                    "`{name}` is `{value}`, not a number from {lo} to {hi}"
                ));
                out.push(cx.at(d, span));
            }
        }
    }
}
