//! `LMS023` `title-text-lost-in-moodle`: a SCORM title written in a shape Moodle's parser takes
//! apart

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::validate::detect::Format;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS023",
    name: "title-text-lost-in-moodle",
    severity: Severity::Warning,
    lms: &[Lms::Moodle],
    summary: "Moodle stores a SCORM title differently from what it says: spaces or a `0` between entity references are dropped, numeric references show literally",
    doc: "What it checks: (SCORM 1.2 and 2004) every `<title>` as Moodle's SCORM parser reads it. Why it matters: Moodle (mod/scorm/datamodels/scormlib.php) first rewrites every `&` not followed by 2–6 word characters and `;` to `&amp;`, so a numeric reference such as `&#8212;` is shown as those characters; then PHP's XML parser hands it the text in pieces split at each entity reference, and Moodle keeps a piece only if it is not empty or `0` once trimmed: `Q&amp;A &lt;Intro&gt; &quot;quoted&quot;` is stored as `Q&A <Intro>\"quoted\"`, `Score &lt; 0` as `Score <`. Learners see the damaged title in the course outline and the SCORM player's menu. How to fix: escape only `&` and `<` (`>`, `\"` and `'` may stand as they are), never put only spaces or a lone `0` between two escaped characters or after the last one, write characters as themselves instead of numeric references, or put the whole title in a CDATA section — lessonpack's own manifests use CDATA for any title holding `&` or `<`. Reference: Moodle `mod/scorm/datamodels/scormlib.php` (`scorm_get_manifest`, `xml2Array`), probed with PHP's XML parser; XML 1.0 §2.7 (CDATA sections).",
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(root), Some(manifest)) = (cx.root(), cx.manifest) else {
        return;
    };
    if !matches!(cx.format(), Format::Scorm12 | Format::Scorm2004(_)) {
        return;
    }
    let each = root.descendants().into_iter().filter_map(|el| {
        if el.local() != "title" || el.text_span.is_none() {
            return None;
        }
        let span = inner(&manifest.text, el.span.end);
        let raw = &manifest.text[span.clone()];
        // Entities other than XML's five are another rule's finding (XML001, XML003).
        if !raw.contains('&') || !only_predefined(raw) {
            return None;
        }
        let stored = moodle_reading(raw);
        if stored == el.text {
            return None;
        }
        let d = RULE
            .finding(format!(
                "Moodle stores this title as `{stored}`, not `{}`",
                el.text
            ))
            .with_help("escape only `&` and `<`, keep spaces and digits joined to visible text, no numeric references — or write the title as a CDATA section");
        Some(cx.at(d, span))
    });
    let left = super::super::push_first(out, each);
    if left > 0 {
        out.push(RULE.finding(format!(
            "{left} more titles Moodle stores differently (only the first {} are shown)",
            super::super::MAX_REPEATS
        )));
    }
}

/// The byte range of an element's content as written, from the end of its start tag at
/// `start` to its end tag (CDATA sections, which may hold `</`, kept whole).
fn inner(text: &str, start: usize) -> std::ops::Range<usize> {
    let mut at = start;
    while at < text.len() {
        let rest = &text[at..];
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            at += 9 + after.find("]]>").map_or(after.len(), |e| e + 3);
        } else if rest.starts_with("</") {
            break;
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    start..at
}

/// The title as Moodle stores it (`scormlib.php`): `&` not starting a 2–6 character named
/// reference becomes `&amp;` (so `&#8212;` stays literal), the text is split at every entity
/// reference, and pieces that trim (PHP's `trim`) to nothing or to `0` are dropped. A CDATA
/// section is one plain piece.
fn moodle_reading(raw: &str) -> String {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            current.push_str(&after[..end]);
            rest = after.get(end + 3..).unwrap_or_default();
        } else if c == '&' {
            pieces.push(std::mem::take(&mut current));
            let named = rest[1..].find(';').filter(|&n| {
                (2..=6).contains(&n)
                    && rest[1..1 + n]
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_')
            });
            match named {
                Some(n) => {
                    pieces.push(predefined(&rest[1..1 + n]).to_string());
                    rest = &rest[n + 2..];
                }
                // Rewritten to `&amp;`: the `&` as its own piece, what follows as text.
                None => {
                    pieces.push("&".to_string());
                    rest = &rest[1..];
                }
            }
        } else {
            current.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    pieces.push(current);
    pieces
        .into_iter()
        .filter(|p| {
            let t = p.trim_matches([' ', '\t', '\n', '\r', '\0', '\u{b}']);
            !t.is_empty() && t != "0"
        })
        .collect()
}

/// Whether every reference in `raw` is numeric or one of XML's five predefined entities.
fn only_predefined(raw: &str) -> bool {
    raw.match_indices('&').all(|(at, _)| {
        let name = raw[at + 1..].split(';').next().unwrap_or_default();
        name.starts_with('#') || !predefined(name).is_empty()
    })
}

/// XML's five predefined entities; another name expands to nothing here.
fn predefined(name: &str) -> &'static str {
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::moodle_reading;

    #[test]
    fn reads_titles_as_moodle_does() {
        // The shapes `lms-processing.md` §4 probed in Moodle.
        assert_eq!(
            moodle_reading("Q&amp;A &lt;Intro&gt; &quot;quoted&quot;"),
            "Q&A <Intro>\"quoted\""
        );
        assert_eq!(moodle_reading("Score &lt; 0"), "Score <");
        assert_eq!(moodle_reading("Fish &amp; Chips"), "Fish & Chips");
        assert_eq!(moodle_reading("A &#8212; B"), "A &#8212; B");
        assert_eq!(
            moodle_reading("<![CDATA[Q&A <Intro> \"x\"]]>"),
            "Q&A <Intro> \"x\""
        );
        assert_eq!(
            moodle_reading("Plain > 'text' \"x\""),
            "Plain > 'text' \"x\""
        );
    }
}
