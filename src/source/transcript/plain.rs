//! Plain transcripts: paragraphs separated by one or more blank lines, without times.
//!
//! Each paragraph becomes one untimed [`RawCue`] whose text is the paragraph with whitespace
//! collapsed; the text is taken literally (no tags or entities are interpreted).

use super::{RawCue, TranscriptError, blocks, collapse, lines, span};

/// Parses plain paragraphs; never reports errors itself (an empty text is caught by the caller).
pub(super) fn parse(text: &str) -> (Vec<RawCue>, Vec<TranscriptError>) {
    let lines = lines(text);
    let cues = blocks(&lines)
        .into_iter()
        .map(|paragraph| {
            let range = span(paragraph);
            RawCue {
                start_ms: None,
                end_ms: None,
                speaker: None,
                text: collapse(text.get(range.clone()).unwrap_or_default()),
                range,
            }
        })
        .collect();
    (cues, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_well_formed, fragmented, texts};
    use super::super::{Format, RawCue, parse as parse_as};
    use proptest::prelude::*;

    #[test]
    fn paragraphs_become_untimed_cues_with_ranges() {
        let text = "\u{feff}First  line\r\nwraps here.\r\n\r\n\r\n  Tom &amp; <i>Jerry</i>\nend";
        let parsed = parse_as(text, Format::Plain).unwrap();
        let (cues, sources) = texts(text, &parsed);
        assert_eq!(
            cues,
            ["First line wraps here.", "Tom &amp; <i>Jerry</i> end"]
        );
        assert_eq!(sources[0], "First  line\r\nwraps here.");
        assert_eq!(sources[1], "  Tom &amp; <i>Jerry</i>\nend");
        let untimed = |c: &RawCue| c.start_ms.is_none() && c.end_ms.is_none();
        assert!(parsed.cues.iter().all(untimed));
    }

    #[test]
    fn whitespace_only_is_an_error() {
        let errors = parse_as(" \n\t\r\n", Format::Plain).unwrap_err();
        assert_eq!(
            (errors[0].range.clone(), errors[0].message.as_str()),
            (0..0, "transcript has no text")
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in ".*") {
            assert_well_formed(&text, &parse_as(&text, Format::Plain));
        }

        #[test]
        fn never_panics_on_fragments(text in fragmented()) {
            assert_well_formed(&text, &parse_as(&text, Format::Plain));
        }
    }
}
