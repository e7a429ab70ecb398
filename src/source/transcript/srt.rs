//! SubRip (`.srt`) transcripts: blocks of an index line, a `hh:mm:ss,mmm --> hh:mm:ss,mmm`
//! timing line and text lines, separated by blank lines.
//!
//! A missing or wrong index is tolerated, as are a decimal point instead of the comma and
//! `X1:… Y2:…` coordinates after the end time. `<i> <b> <u> <s> <font …>` tags and `{\an8}`-style
//! override tags are removed; other `<…>` text is kept.
//!
//! The timing-line reader and time-order checks here serve the WebVTT parser too.

use std::ops::Range;

use super::vtt::decode_entities;
use super::{Format, Line, RawCue, TranscriptError, blocks, collapse, error, lines, span};

/// Which timestamp syntax a timing line uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Clock {
    /// `hh:mm:ss.mmm` or `mm:ss.mmm`, hours of two or more digits (a decimal comma is tolerated).
    Vtt,
    /// `hh:mm:ss,mmm`, hours required (a decimal point is tolerated).
    Srt,
}

impl Clock {
    /// The expected form, for messages.
    fn form(self) -> &'static str {
        match self {
            Clock::Vtt => "`hh:mm:ss.mmm` or `mm:ss.mmm`, e.g. `00:01:02.500`",
            Clock::Srt => "`hh:mm:ss,mmm`, e.g. `00:01:02,500`",
        }
    }
}

/// The start and end of a cue, with where they are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Timing {
    /// Start in milliseconds.
    pub(super) start: u64,
    /// End in milliseconds.
    pub(super) end: u64,
    /// Byte range of the start timestamp.
    pub(super) start_range: Range<usize>,
    /// Byte range of the end timestamp.
    pub(super) end_range: Range<usize>,
}

/// Reads a timestamp; `None` when malformed or too large.
fn timestamp(stamp: &str, clock: Clock) -> Option<u64> {
    let (clock_part, millis) = stamp.split_at(stamp.rfind(['.', ','])?);
    let millis = &millis[1..];
    let fields: Vec<&str> = clock_part.split(':').collect();
    let (hours, minutes, seconds) = match (clock, fields.as_slice()) {
        (Clock::Vtt, [m, s]) => ("0", *m, *s),
        (Clock::Vtt, [h, m, s]) if h.len() >= 2 => (*h, *m, *s),
        (Clock::Srt, [h, m, s]) if !h.is_empty() => (*h, *m, *s),
        _ => return None,
    };
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(minutes, 2) && digits(seconds, 2) && digits(millis, 3)) {
        return None;
    }
    if !hours.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m, s, ms): (u64, u64, u64, u64) = (
        hours.parse().ok()?,
        minutes.parse().ok()?,
        seconds.parse().ok()?,
        millis.parse().ok()?,
    );
    if m >= 60 || s >= 60 {
        return None;
    }
    h.checked_mul(3_600_000)?
        .checked_add(m * 60_000 + s * 1000 + ms)
}

/// Reads a timing line `start --> end [settings]`; anything after the end time is ignored.
pub(super) fn timing(line: Line<'_>, clock: Clock) -> Result<Timing, Vec<TranscriptError>> {
    let arrow = line.text.find("-->").unwrap_or(0);
    let arrow_range = line.start + arrow..line.start + (arrow + 3).min(line.text.len());
    let start_text = line.text[..arrow].trim();
    let after = line.text.get(arrow + 3..).unwrap_or("");
    let end_text = after.split_whitespace().next().unwrap_or("");
    let mut errors = Vec::new();
    let mut read = |stamp: &str, which: &str| {
        if stamp.is_empty() {
            let side = if which == "start" { "before" } else { "after" };
            errors.push(error(
                arrow_range.clone(),
                format!("missing {which} time {side} `-->`"),
                format!(
                    "write the timing line as `start --> end`, times as {}",
                    clock.form()
                ),
            ));
            return None;
        }
        let found = timestamp(stamp, clock);
        if found.is_none() {
            errors.push(error(
                line.range_of(stamp),
                format!("invalid timestamp `{stamp}`"),
                format!("write times as {}", clock.form()),
            ));
        }
        found
    };
    let start = read(start_text, "start");
    let end = read(end_text, "end");
    match (start, end) {
        (Some(start), Some(end)) => Ok(Timing {
            start,
            end,
            start_range: line.range_of(start_text),
            end_range: line.range_of(end_text),
        }),
        _ => Err(errors),
    }
}

/// Checks that a cue ends after it starts, and starts neither before the previous cue's start
/// (times going backwards) nor before the previous cue's end (overlap).
pub(super) fn check_order(
    text: &str,
    previous: Option<&Timing>,
    cue: &Timing,
) -> Vec<TranscriptError> {
    let at = |range: &Range<usize>| text.get(range.clone()).unwrap_or_default();
    let (start, end) = (at(&cue.start_range), at(&cue.end_range));
    let mut errors = Vec::new();
    if cue.end <= cue.start {
        errors.push(error(
            cue.start_range.start..cue.end_range.end,
            format!("cue ends at `{end}`, not after its start `{start}`"),
            "make the end time later than the start time",
        ));
    }
    let Some(previous) = previous else {
        return errors;
    };
    let (prev_start, prev_end) = (at(&previous.start_range), at(&previous.end_range));
    if cue.start < previous.start {
        errors.push(error(
            cue.start_range.clone(),
            format!("cue starts at `{start}`, before the previous cue's start `{prev_start}`"),
            "cues must be in time order: check the timestamp or move the cue",
        ));
    } else if cue.start < previous.end {
        errors.push(error(
            cue.start_range.clone(),
            format!(
                "cue overlaps the previous cue (starts at `{start}`, before the previous cue's \
                 end `{prev_end}`)"
            ),
            format!("start this cue at or after `{prev_end}`, or end the previous cue earlier"),
        ));
    }
    errors
}

/// The format a `start --> end` line suggests, from the decimal separator of its start time.
pub(super) fn sniff_timing(line: &str) -> Option<Format> {
    let start = line.split_once("-->")?.0.trim();
    let looks_like_time = start.contains(':')
        && start
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b':' | b'.' | b','));
    match start.rfind([',', '.']) {
        Some(i) if looks_like_time && start.as_bytes()[i] == b',' => Some(Format::Srt),
        Some(_) if looks_like_time => Some(Format::WebVtt),
        _ => None,
    }
}

/// Tag names removed from subtitle text (compared in lowercase).
const TAGS: [&str; 5] = ["i", "b", "u", "s", "font"];

/// Parses an SRT file into cues and errors.
pub(super) fn parse(text: &str) -> (Vec<RawCue>, Vec<TranscriptError>) {
    let lines = lines(text);
    let mut cues = Vec::new();
    let mut errors = Vec::new();
    let mut previous: Option<Timing> = None;
    for block in blocks(&lines) {
        let Some(mut timing_at) = block.iter().take(2).position(Line::has_arrow) else {
            errors.push(error(
                block[0].range(),
                "text block without a timing line",
                "start each subtitle with its number and a timing line such as \
                 `00:00:01,000 --> 00:00:04,000`; a blank line ends a subtitle, so remove \
                 blank lines inside subtitle text",
            ));
            continue;
        };
        let mut start = 0;
        loop {
            let next = next_cue(block, timing_at);
            let end = next.map_or(block.len(), |(index_at, _)| index_at);
            let cue = &block[start..end];
            match timing(block[timing_at], Clock::Srt) {
                Ok(found) => {
                    errors.extend(check_order(text, previous.as_ref(), &found));
                    let payload = &block[timing_at + 1..end];
                    let cleaned = clean(text.get(span(payload)).unwrap_or_default());
                    if !cleaned.is_empty() {
                        cues.push(cue_of(&found, cleaned, span(cue)));
                    }
                    previous = Some(found);
                }
                Err(found) => errors.extend(found),
            }
            match next {
                Some((index_at, arrow_at)) => (start, timing_at) = (index_at, arrow_at),
                None => break,
            }
        }
    }
    (cues, errors)
}

/// Where the next cue in the same block starts (a missing blank line): the first timing line
/// after `timing_at`, preceded by its index line when that line is a number. Returns the first
/// line of the next cue and its timing line.
fn next_cue(block: &[Line<'_>], timing_at: usize) -> Option<(usize, usize)> {
    let arrow_at = block[timing_at + 1..].iter().position(Line::has_arrow)? + timing_at + 1;
    let index = block[arrow_at - 1].text.trim();
    let has_index =
        arrow_at - 1 > timing_at && !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit());
    Some((if has_index { arrow_at - 1 } else { arrow_at }, arrow_at))
}

/// A cue with the given timing, cleaned text and range.
fn cue_of(timing: &Timing, text: String, range: Range<usize>) -> RawCue {
    RawCue {
        start_ms: Some(timing.start),
        end_ms: Some(timing.end),
        speaker: None,
        text,
        range,
    }
}

/// Removes formatting tags and `{\…}` override tags, decodes entities, collapses whitespace.
fn clean(payload: &str) -> String {
    let mut out = String::with_capacity(payload.len());
    let mut rest = payload;
    while let Some(open) = rest.find(['<', '{']) {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let skip = if rest.starts_with('<') {
            rest.find('>')
                .filter(|&close| is_format_tag(&rest[1..close]))
        } else if rest.starts_with("{\\") {
            rest.find('}')
        } else {
            None
        };
        match skip {
            Some(close) => rest = &rest[close + 1..],
            None => {
                out.push_str(&rest[..1]);
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    collapse(&decode_entities(&out))
}

/// Whether a tag's contents (between `<` and `>`) are a formatting tag to remove.
fn is_format_tag(tag: &str) -> bool {
    let name = tag.strip_prefix('/').unwrap_or(tag);
    let name = name.split_whitespace().next().unwrap_or_default();
    TAGS.iter().any(|t| t.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_well_formed, fragmented, texts, times};
    use super::super::{Format, Parsed, parse as parse_as};
    use super::TranscriptError;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<Parsed, Vec<TranscriptError>> {
        parse_as(text, Format::Srt)
    }

    fn errors(text: &str) -> Vec<(&str, String)> {
        super::super::tests::errors(text, Format::Srt)
    }

    #[test]
    fn reads_comma_and_dot_missing_and_wrong_indexes_and_coordinates() {
        let text = "1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i>\n<font color=\"#f\">world</FONT>\
                    \n\n00:00:02.500 --> 00:00:04.000 X1:100 X2:200 Y1:10 Y2:20\n\
                    {\\an8}Top &amp; <3 {note}\n\n7\n1:00:00,000 --> 01:00:01,000\n\
                    <b><u><s>bold</s></u></b> <span>kept</span>\n\n4\n01:00:02,000 --> 01:00:03,000\n\n";
        let parsed = parse(text).unwrap();
        let (cues, sources) = texts(text, &parsed);
        assert_eq!(
            cues,
            ["Hello world", "Top & <3 {note}", "bold <span>kept</span>"]
        );
        assert_eq!(
            times(&parsed),
            [(1000, 2500), (2500, 4000), (3_600_000, 3_601_000)]
        );
        assert!(parsed.cues.iter().all(|c| c.speaker.is_none()));
        assert!(sources[0].starts_with("1\n00:00:01,000") && sources[1].ends_with("{note}"));
    }

    #[test]
    fn bom_crlf_missing_final_newline_and_missing_blank_lines() {
        let text = "\u{feff}1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\nthere\r\n2\r\n\
                    00:00:02,000 --> 00:00:03,000\r\nBye\r\n00:00:03,000 --> 00:00:04,000\r\n42";
        let (cues, sources) = texts(text, &parse(text).unwrap());
        assert_eq!(cues, ["Hi there", "Bye", "42"]);
        assert_eq!(
            sources[0],
            "1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\nthere"
        );
        assert_eq!(sources[1], "2\r\n00:00:02,000 --> 00:00:03,000\r\nBye");
        assert_eq!(sources[2], "00:00:03,000 --> 00:00:04,000\r\n42");
    }

    #[test]
    fn reports_invalid_timestamps() {
        let text = "1\n00:00:0x,000 --> 00:00:02,000\na\n\n2\n00:03,000 --> 00:00:04,00\nb";
        let found = errors(text);
        let at: Vec<_> = found.iter().map(|(at, _)| *at).collect();
        assert_eq!(at, ["00:00:0x,000", "00:03,000", "00:00:04,00"]);
        assert_eq!(found[0].1, "invalid timestamp `00:00:0x,000`");
        let help = parse(text).unwrap_err()[0].help.clone().unwrap();
        assert!(help.contains("`hh:mm:ss,mmm`"), "{help}");
    }

    #[test]
    fn reports_bad_time_order() {
        let text = "1\n00:00:05,000 --> 00:00:04,000\na\n\n2\n00:00:01,000 --> 00:00:03,000\nb\n\n\
                    3\n00:00:02,000 --> 00:00:04,000\nc\n\n4\n00:00:04,000 --> 00:00:05,000\nd";
        let found = errors(text);
        let at: Vec<_> = found.iter().map(|(at, _)| *at).collect();
        assert_eq!(
            at,
            [
                "00:00:05,000 --> 00:00:04,000",
                "00:00:01,000",
                "00:00:02,000"
            ]
        );
        let message =
            "cue starts at `00:00:01,000`, before the previous cue's start `00:00:05,000`";
        assert_eq!(found[1].1, message);
        let message = "cue overlaps the previous cue (starts at `00:00:02,000`, before the previous \
                       cue's end `00:00:03,000`)";
        assert_eq!(found[2].1, message);
    }

    #[test]
    fn reports_blocks_without_timing() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\na\n\nstray\nwords\n";
        let message = "text block without a timing line".to_string();
        assert_eq!(errors(text), [("stray", message)]);
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in ".*") {
            assert_well_formed(&text, &parse(&text));
        }

        #[test]
        fn never_panics_on_timing_fragments(text in fragmented()) {
            assert_well_formed(&text, &parse(&text));
        }
    }
}
