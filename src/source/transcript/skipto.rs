//! Course-page transcripts: paragraphs starting "Skip to N minutes and M seconds", as copied
//! from a course page.
//!
//! The time is hours, minutes and/or seconds (singular or plural, largest first) joined by
//! `and`, commas or spaces; the rest of the paragraph is the cue text. A later paragraph
//! without the marker continues the previous cue (course pages wrap long segments that way),
//! while text before the first marker is an error. Text is taken literally: whitespace is
//! collapsed, but no tags or entities are interpreted.

use std::ops::Range;

use super::{RawCue, TranscriptError, blocks, collapse, error, lines, span};

/// The marker starting every timed paragraph.
const MARKER: &str = "Skip to";

/// Help for text that is not in skip-to form.
const FORM_HELP: &str = "start every paragraph with `Skip to N minutes and M seconds`, or set \
                         `transcript-format = \"plain\"`";

/// Unit words and the milliseconds in one unit, longer spellings first.
const UNITS: [(&str, u64); 6] = [
    ("hours", 3_600_000),
    ("hour", 3_600_000),
    ("minutes", 60_000),
    ("minute", 60_000),
    ("seconds", 1000),
    ("second", 1000),
];

/// One `N unit` of a time phrase.
#[derive(Debug)]
struct Part {
    /// The number (saturated when too large to hold).
    value: u64,
    /// Milliseconds in one unit.
    unit: u64,
    /// Byte range in the text after the marker.
    range: Range<usize>,
}

/// A marker's time, read.
#[derive(Debug)]
struct Time {
    /// Milliseconds from the start of the video.
    ms: u64,
    /// The time phrase as written, whitespace collapsed, for messages.
    phrase: String,
    /// Byte range of the marker and time in the whole text.
    range: Range<usize>,
    /// Byte offset, in the text after the marker, where the cue text starts.
    text_at: usize,
}

/// Whether `line` starts with `Skip to` followed by a number (used to detect the format).
pub(super) fn starts_with_timed_marker(line: &str) -> bool {
    marker_rest(line.trim_start())
        .is_some_and(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_digit()))
}

/// The text after a leading `Skip to` marker, when `s` starts with one.
fn marker_rest(s: &str) -> Option<&str> {
    let rest = s.strip_prefix(MARKER)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

/// Parses skip-to paragraphs into untimed-end cues and errors.
pub(super) fn parse(text: &str) -> (Vec<RawCue>, Vec<TranscriptError>) {
    let lines = lines(text);
    let paragraphs = blocks(&lines);
    let mut cues = Vec::new();
    let mut errors = Vec::new();
    if !paragraphs
        .iter()
        .any(|p| marker_rest(p[0].text.trim_start()).is_some())
    {
        if let Some(first) = paragraphs.first() {
            let message = "no `Skip to` marker in the transcript";
            errors.push(error(first[0].range(), message, FORM_HELP));
        }
        return (cues, errors);
    }
    let mut seen_marker = false;
    let mut current: Option<RawCue> = None;
    let mut previous: Option<Time> = None;
    for paragraph in paragraphs {
        let range = span(paragraph);
        let raw = text.get(range.clone()).unwrap_or_default();
        let lead = raw.len() - raw.trim_start().len();
        let Some(rest) = marker_rest(&raw[lead..]) else {
            if let Some(cue) = current.as_mut() {
                append(cue, raw, range.end);
            } else if !seen_marker {
                let message = "text before the first `Skip to` marker";
                errors.push(error(range, message, FORM_HELP));
            }
            continue;
        };
        seen_marker = true;
        cues.extend(current.take().filter(|c| !c.text.is_empty()));
        let marker_at = range.start + lead;
        match read_time(rest, marker_at) {
            Ok(time) => {
                if let Some(previous) = &previous
                    && time.ms <= previous.ms
                {
                    errors.push(backwards(&time, previous));
                }
                current = Some(RawCue {
                    start_ms: Some(time.ms),
                    end_ms: None,
                    speaker: None,
                    text: collapse(&rest[time.text_at..]),
                    range: marker_at..range.end,
                });
                previous = Some(time);
            }
            Err(found) => errors.extend(found),
        }
    }
    cues.extend(current.filter(|c| !c.text.is_empty()));
    (cues, errors)
}

/// Appends a continuation paragraph to a cue.
fn append(cue: &mut RawCue, paragraph: &str, end: usize) {
    let more = collapse(paragraph);
    if !cue.text.is_empty() {
        cue.text.push(' ');
    }
    cue.text.push_str(&more);
    cue.range.end = end;
}

/// The error for a time not after the previous marker's.
fn backwards(time: &Time, previous: &Time) -> TranscriptError {
    error(
        time.range.clone(),
        format!(
            "times going backwards: `{}` is not after the previous `{}`",
            time.phrase, previous.phrase
        ),
        "paragraphs must be in time order: check the time or move the paragraph",
    )
}

/// Reads the time after a marker; `rest` is the text after `Skip to`, which starts at byte
/// `marker_at + MARKER.len()` of the whole text.
fn read_time(rest: &str, marker_at: usize) -> Result<Time, Vec<TranscriptError>> {
    let base = marker_at + MARKER.len();
    let (parts, end) = parts(rest);
    let Some(first) = parts.first() else {
        let token_at = skip_ws(rest, 0);
        let token_end = rest[token_at..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |i| token_at + i);
        let range = marker_at..base + token_end;
        return Err(vec![error(
            range,
            format!("cannot read the time in `{MARKER}{}`", &rest[..token_end]),
            "write the time in digits with units, e.g. `Skip to 0 minutes and 4 seconds`, \
             `Skip to 1 hour, 2 minutes and 3 seconds` or `Skip to 5 seconds`",
        )]);
    };
    let phrase = collapse(&rest[first.range.start..end]);
    let mut errors = check_parts(rest, &parts, base);
    let ms = parts.iter().try_fold(0u64, |total, part| {
        part.value.checked_mul(part.unit)?.checked_add(total)
    });
    let range = marker_at..base + end;
    if ms.is_none() && errors.is_empty() {
        errors.push(error(
            range.clone(),
            format!("time `{phrase}` is too large"),
            "check the numbers: the time is how far into the video the paragraph starts",
        ));
    }
    match ms {
        Some(ms) if errors.is_empty() => Ok(Time {
            ms,
            phrase,
            range,
            text_at: skip_ws(rest, end),
        }),
        _ => Err(errors),
    }
}

/// Checks that units come largest first, at most once each, and that minutes and seconds are
/// below 60 when a larger unit is given.
fn check_parts(rest: &str, parts: &[Part], base: usize) -> Vec<TranscriptError> {
    let mut errors = Vec::new();
    let written = |part: &Part| collapse(&rest[part.range.clone()]);
    let at = |part: &Part| base + part.range.start..base + part.range.end;
    for pair in parts.windows(2) {
        if pair[1].unit >= pair[0].unit {
            errors.push(error(
                at(&pair[1]),
                format!("`{}` is out of order", written(&pair[1])),
                "give hours, minutes and seconds at most once each, largest first, e.g. \
                 `Skip to 1 hour, 2 minutes and 3 seconds`",
            ));
        }
    }
    let largest = parts.iter().map(|p| p.unit).max();
    for part in parts {
        if Some(part.unit) < largest && part.value >= 60 {
            errors.push(error(
                at(part),
                format!("`{}` must be below 60 next to a larger unit", written(part)),
                "carry the excess into the larger unit, e.g. `2 minutes and 15 seconds` \
                 rather than `1 minute and 75 seconds`",
            ));
        }
    }
    errors
}

/// Reads the `N unit` parts at the start of `s`, returning them and the byte offset where the
/// time phrase ends.
fn parts(s: &str) -> (Vec<Part>, usize) {
    let mut parts = Vec::new();
    let mut end = 0;
    loop {
        let at = if parts.is_empty() {
            Some(skip_ws(s, end))
        } else {
            separator(s, end)
        };
        let Some(part) = at.and_then(|at| part(s, at)) else {
            break;
        };
        end = part.range.end;
        parts.push(part);
    }
    (parts, end)
}

/// Byte offset of the first non-whitespace character at or after `pos`.
fn skip_ws(s: &str, pos: usize) -> usize {
    s.len() - s[pos..].trim_start().len()
}

/// Skips a separator (`and`, a comma, `, and` or plain whitespace) at `pos`, if there is one.
fn separator(s: &str, pos: usize) -> Option<usize> {
    let mut at = skip_ws(s, pos);
    if s[at..].starts_with(',') {
        at = skip_ws(s, at + 1);
    }
    if let Some(after) = s[at..].strip_prefix("and")
        && after.starts_with(char::is_whitespace)
    {
        at = skip_ws(s, at + 3);
    }
    (at > pos).then_some(at)
}

/// Reads `N unit` at `at`: digits, whitespace, then a whole unit word.
fn part(s: &str, at: usize) -> Option<Part> {
    let digits = s[at..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let value = s[at..at + digits].parse().unwrap_or(u64::MAX);
    let word_at = skip_ws(s, at + digits);
    if word_at == at + digits {
        return None;
    }
    let (word, unit) = UNITS.iter().find(|(word, _)| {
        s[word_at..]
            .strip_prefix(word)
            .is_some_and(|after| !after.starts_with(char::is_alphanumeric))
    })?;
    Some(Part {
        value,
        unit: *unit,
        range: at..word_at + word.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_well_formed, fragmented, texts, times};
    use super::super::{Format, RawCue, parse as parse_as};
    use proptest::prelude::*;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/lesson-page.txt");

    fn parse(text: &str) -> Result<super::super::Parsed, Vec<super::TranscriptError>> {
        parse_as(text, Format::SkipTo)
    }

    fn errors(text: &str) -> Vec<(&str, String)> {
        super::super::tests::errors(text, Format::SkipTo)
    }

    fn starts(text: &str) -> Vec<u64> {
        let times = times(&parse(text).unwrap());
        times.iter().map(|t| t.0 / 1000).collect()
    }

    #[test]
    fn reads_the_course_page_paragraphs() {
        let from = FIXTURE.find("Skip to 0 minutes").unwrap();
        let text = &FIXTURE[from..FIXTURE.find("\n\nAn international").unwrap()];
        let parsed = parse(text).unwrap();
        assert_eq!(starts(text), [4, 51, 101, 152, 203, 240]);
        let (cues, sources) = texts(text, &parsed);
        assert!(cues[0].starts_with("Hello, everyone. My name is Vicky Li,"));
        assert!(cues[0].ends_with("in the current digital economy."));
        assert!(cues[5].ends_with("communicating across China."));
        for (cue, source) in cues.iter().zip(sources) {
            assert!(source.starts_with("Skip to") && source.ends_with(cue.as_str()));
        }
        let open = |c: &RawCue| c.end_ms.is_none() && c.speaker.is_none();
        assert!(parsed.cues.iter().all(open));
    }

    #[test]
    fn course_page_text_around_the_markers() {
        let found = errors(FIXTURE);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "Want to keep learning?");
        assert!(found[1].0.starts_with("This content is taken"));
        assert_eq!(found[1].1, "text before the first `Skip to` marker");
        let text = &FIXTURE[FIXTURE.find("Skip to 0 minutes").unwrap()..];
        let last = texts(text, &parse(text).unwrap()).0.pop().unwrap();
        assert!(last.contains("across China. An international perspective In this video,"));
        assert!(last.ends_with("Through Technology University of Reading"));
    }

    #[test]
    fn accepts_singular_plural_hours_and_every_separator() {
        let text = "Skip to 0 minutes and 1 second a\n\nSkip to 5 seconds b\n\n\
                    Skip to 1 minute, 59 seconds c\n\nSkip to 2 minutes d\n\n\
                    Skip to 1 hour 0 minutes and 5 seconds e\n\n\
                    Skip to 1 hour, 2 minutes and 3 seconds f\n\n\
                    Skip to 1 hour, 3 minutes, and 0 seconds g\n\n\
                    Skip to 2 hours 1 minute 1 second h\n\nSkip to 3 hours and 1 minute i\n\n\
                    Skip to 200 minutes j\n\nSkip to 90000 seconds and then k";
        let cues = texts(text, &parse(text).unwrap()).0;
        assert_eq!(cues.join("|"), "a|b|c|d|e|f|g|h|i|j|and then k");
        let expected = [1, 5, 119, 120, 3605, 3723, 3780, 7261, 10860, 12000, 90000];
        assert_eq!(starts(text), expected);
    }

    #[test]
    fn wrapped_paragraphs_bom_crlf_and_no_final_newline() {
        let text = "\u{feff}Skip to 0 minutes\r\nand 4 seconds Hello,\r\n  every one\r\n\r\n\
                    \r\nmore words\r\n\r\nSkip to 1 minute and 0 seconds Bye";
        let (cues, sources) = texts(text, &parse(text).unwrap());
        assert_eq!(starts(text), [4, 60]);
        assert_eq!(cues, ["Hello, every one more words", "Bye"]);
        let first_end = text.find("s\r\n\r\nSkip").unwrap() + 1;
        assert_eq!(sources[0], &text[3..first_end]);
        assert_eq!(sources[1], "Skip to 1 minute and 0 seconds Bye");
    }

    #[test]
    fn markers_without_text_are_dropped_or_take_the_next_paragraph() {
        let text = "Skip to 1 second\n\nSkip to 2 seconds\n\nHello";
        assert_eq!(texts(text, &parse(text).unwrap()).0, ["Hello"]);
        assert_eq!(starts(text), [2]);
        let no_text = ("", "transcript has no text".to_string());
        assert_eq!(errors("Skip to 5 seconds\n"), [no_text]);
        let no_marker = (
            "Hello there",
            "no `Skip to` marker in the transcript".to_string(),
        );
        assert_eq!(errors("Hello there\nfriend\n\nBye"), [no_marker]);
    }

    #[test]
    fn reports_unreadable_times_at_the_marker() {
        let text = "Skip to 1 second a\n\nSkip to four minutes b\n\nmore\n\nSkip to 4 min c\n\n\
                    Skip to";
        let found: Vec<_> = errors(text).into_iter().map(|(at, _)| at).collect();
        assert_eq!(found, ["Skip to four", "Skip to 4", "Skip to"]);
        let message = "cannot read the time in `Skip to x`";
        assert_eq!(errors("Skip to x")[0].1, message);
    }

    #[test]
    fn reports_times_going_backwards_or_repeating() {
        let text = "Skip to 1 minute and 41 seconds a\n\nSkip to 0 minutes and 51 seconds b\n\n\
                    Skip to 0 minutes and 51 seconds c";
        let found = errors(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "Skip to 0 minutes and 51 seconds");
        let message = "times going backwards: `0 minutes and 51 seconds` is not after the \
                       previous `1 minute and 41 seconds`";
        assert_eq!(found[0].1, message);
        assert!(found[1].1.contains("previous `0 minutes and 51 seconds`"));
    }

    #[test]
    fn reports_units_out_of_range_order_and_size() {
        let text = "Skip to 1 hour and 60 minutes a\n\nSkip to 2 minutes and 60 seconds b\n\n\
                    Skip to 5 seconds and 1 minute c\n\nSkip to 99999999999999999999 hours d\n\n\
                    Skip to 5124095576030432 hours e";
        let found = errors(text);
        let at: Vec<_> = found.iter().map(|(at, _)| *at).collect();
        assert_eq!(at[..3], ["60 minutes", "60 seconds", "1 minute"]);
        assert_eq!(at[3], "Skip to 99999999999999999999 hours");
        assert_eq!(at[4], "Skip to 5124095576030432 hours");
        let message = "`60 minutes` must be below 60 next to a larger unit";
        assert_eq!(found[0].1, message);
        assert_eq!(found[2].1, "`1 minute` is out of order");
        assert!(found[3].1.ends_with("is too large"));
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in ".*") {
            assert_well_formed(&text, &parse(&text));
        }

        #[test]
        fn never_panics_on_marker_fragments(text in fragmented()) {
            assert_well_formed(&text, &parse(&text));
        }
    }
}
