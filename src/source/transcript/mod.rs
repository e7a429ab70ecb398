//! Transcript parsing: course-page "Skip to N minutes and M seconds" paragraphs, WebVTT, SRT
//! and plain paragraphs, each turned into [`RawCue`]s with byte ranges into the text.
//!
//! This module knows transcript syntax only: no files, no paths, no lesson model. Errors carry
//! byte ranges into the text they were given; the loader attaches the file name.

mod plain;
mod skipto;
mod srt;
mod vtt;

use std::ops::Range;

/// The transcript syntaxes the tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Course-page paragraphs, each starting "Skip to N minutes and M seconds".
    SkipTo,
    /// WebVTT (`.vtt`).
    WebVtt,
    /// SubRip (`.srt`).
    Srt,
    /// Paragraphs separated by blank lines, without times.
    Plain,
}

impl Format {
    /// The name used in `module.toml` (`transcript-format`) and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::SkipTo => "skip-to",
            Format::WebVtt => "webvtt",
            Format::Srt => "srt",
            Format::Plain => "plain",
        }
    }

    /// Every format, for messages listing the choices.
    pub const ALL: [Format; 4] = [Format::SkipTo, Format::WebVtt, Format::Srt, Format::Plain];
}

/// One cue or paragraph as found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCue {
    /// Start in milliseconds; `None` for untimed paragraphs.
    pub start_ms: Option<u64>,
    /// End in milliseconds; `None` where the syntax gives only a start ("Skip to") or no time.
    pub end_ms: Option<u64>,
    /// Speaker from a WebVTT `<v Name>` tag, if any.
    pub speaker: Option<String>,
    /// Plain text: tags removed, entities decoded, whitespace collapsed to single spaces.
    pub text: String,
    /// Byte range of the whole cue or paragraph in the text.
    pub range: Range<usize>,
}

/// A parsed transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The syntax that was read.
    pub format: Format,
    /// Cues in source order; never empty.
    pub cues: Vec<RawCue>,
}

/// A syntax or timing error at a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptError {
    /// Byte range the error points at.
    pub range: Range<usize>,
    /// One line, lowercase start, no trailing period.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// Non-empty lines the content sniffing of [`detect`] looks at for a `-->` timing line.
const SNIFF_LINES: usize = 5;

/// Guesses the format from the file extension (`vtt`, `srt`) and, failing that, the content.
///
/// Content sniffing, in order: a first non-empty line starting with `WEBVTT` is WebVTT; a
/// `start --> end` timing line among the first few non-empty lines is SRT when the start time
/// uses a decimal comma and WebVTT otherwise; a paragraph starting with `Skip to` and a digit
/// (anywhere, so that course-page boilerplate before the first marker is reported rather than
/// silently read as plain text) is skip-to; anything else is plain.
pub fn detect(text: &str, extension: Option<&str>) -> Format {
    match extension.map(str::to_ascii_lowercase).as_deref() {
        Some("vtt") => return Format::WebVtt,
        Some("srt") => return Format::Srt,
        _ => {}
    }
    let lines = lines(text);
    let non_empty = lines
        .iter()
        .map(|l| l.text.trim())
        .filter(|t| !t.is_empty());
    if non_empty
        .clone()
        .next()
        .is_some_and(|l| l.starts_with("WEBVTT"))
    {
        return Format::WebVtt;
    }
    if let Some(format) = non_empty.take(SNIFF_LINES).find_map(srt::sniff_timing) {
        return format;
    }
    let skip_to = blocks(&lines)
        .iter()
        .any(|b| skipto::starts_with_timed_marker(b[0].text));
    if skip_to {
        Format::SkipTo
    } else {
        Format::Plain
    }
}

/// Parses `text` as `format`. `text` may start with a BOM and use CRLF line ends; ranges are
/// byte offsets into `text` as given.
///
/// Every error found is returned, not just the first; a transcript without any cue text is an
/// error too, so `Ok` always holds at least one cue.
pub fn parse(text: &str, format: Format) -> Result<Parsed, Vec<TranscriptError>> {
    let (cues, mut errors) = match format {
        Format::SkipTo => skipto::parse(text),
        Format::WebVtt => vtt::parse(text),
        Format::Srt => srt::parse(text),
        Format::Plain => plain::parse(text),
    };
    if errors.is_empty() && cues.is_empty() {
        errors.push(no_text(format));
    }
    if errors.is_empty() {
        Ok(Parsed { format, cues })
    } else {
        Err(errors)
    }
}

/// The error for a transcript without any cue text.
fn no_text(format: Format) -> TranscriptError {
    let help = match format {
        Format::SkipTo => {
            "add paragraphs such as `Skip to 0 minutes and 4 seconds Hello, everyone`"
        }
        Format::WebVtt => {
            "after the `WEBVTT` line, add cues: a timing line such as \
             `00:00:01.000 --> 00:00:04.000` followed by the words spoken"
        }
        Format::Srt => {
            "add numbered subtitles: an index line, a timing line such as \
             `00:00:01,000 --> 00:00:04,000`, then the words spoken"
        }
        Format::Plain => "write the transcript as paragraphs separated by blank lines",
    };
    error(0..0, "transcript has no text", help)
}

/// Builds an error.
fn error(
    range: Range<usize>,
    message: impl Into<String>,
    help: impl Into<String>,
) -> TranscriptError {
    TranscriptError {
        range,
        message: message.into(),
        help: Some(help.into()),
    }
}

/// One line of the text, without its line break.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// The line's text.
    text: &'a str,
    /// Byte offset of the line in the whole text.
    start: usize,
}

impl Line<'_> {
    /// Byte range of the line, without its line break.
    fn range(&self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }

    /// Whether the line holds only whitespace.
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Whether the line contains a `-->` timing arrow.
    fn has_arrow(&self) -> bool {
        self.text.contains("-->")
    }

    /// Byte range in the whole text of `part`, which must be a sub-slice of this line.
    fn range_of(&self, part: &str) -> Range<usize> {
        let offset = (part.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let start = self.start + offset.min(self.text.len());
        start..start + part.len()
    }
}

/// Splits `text` into lines at LF, CRLF or a lone CR, skipping a leading BOM.
fn lines(text: &str) -> Vec<Line<'_>> {
    let bytes = text.as_bytes();
    let mut start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut out = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        let width = match bytes[i] {
            b'\n' => 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => 2,
            b'\r' => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push(Line {
            text: &text[start..i],
            start,
        });
        i += width;
        start = i;
    }
    if start < bytes.len() {
        out.push(Line {
            text: &text[start..],
            start,
        });
    }
    out
}

/// Groups lines into blocks: runs of non-blank lines separated by blank ones.
fn blocks<'l, 'a>(lines: &'l [Line<'a>]) -> Vec<&'l [Line<'a>]> {
    lines
        .split(Line::is_blank)
        .filter(|block| !block.is_empty())
        .collect()
}

/// Byte range from the start of the first line to the end of the last; `0..0` when empty.
fn span(lines: &[Line<'_>]) -> Range<usize> {
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) => first.start..last.range().end,
        _ => 0..0,
    }
}

/// Collapses every run of whitespace (line breaks included) to one space and trims.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of transcript syntax, `|`-separated, combined at random by [`fragmented`].
    const FRAGMENTS: &str = "WEBVTT|\n|\n\n|\r\n|\r| |\t|\u{feff}|00:00:01.000|00:01.500|\
        00:00:02,000|99999999999999999999:00:00.000|00:00:0x.000| --> |-->|1|NOTE|STYLE|<v Bob>|\
        <v.loud Ann Lee>|</v>|<i>|<font color=\"red\">|<|>|{\\an8}|{|&amp;|&#128512;|&#x|&|;|é|\
        日本|Skip to |1 minute|2 minutes| and |, |99999999999999999999 hours|75 seconds|hello";

    /// Strings built from transcript-like fragments.
    pub(super) fn fragmented() -> impl Strategy<Value = String> {
        let fragments: Vec<&str> = FRAGMENTS.split('|').collect();
        prop::collection::vec(prop::sample::select(fragments), 0..40).prop_map(|v| v.concat())
    }

    /// The errors of parsing `text` as `format`: the text each points at, and its message.
    pub(super) fn errors(text: &str, format: Format) -> Vec<(&str, String)> {
        let errors = parse(text, format).unwrap_err();
        errors
            .into_iter()
            .map(|e| (&text[e.range], e.message))
            .collect()
    }

    /// The cue texts, and the text each cue's range covers.
    pub(super) fn texts<'t>(text: &'t str, parsed: &Parsed) -> (Vec<String>, Vec<&'t str>) {
        let cues = parsed.cues.iter();
        cues.map(|c| (c.text.clone(), &text[c.range.clone()]))
            .unzip()
    }

    /// The cues' starts and ends in milliseconds (`0` for none).
    pub(super) fn times(parsed: &Parsed) -> Vec<(u64, u64)> {
        let cues = parsed.cues.iter();
        cues.map(|c| (c.start_ms.unwrap_or(0), c.end_ms.unwrap_or(0)))
            .collect()
    }

    /// Whether `range` is a valid range of `text` on character boundaries.
    fn valid(text: &str, range: &Range<usize>) -> bool {
        text.get(range.clone()).is_some()
    }

    /// Checks the contract every parse result keeps, whatever the input.
    pub(super) fn assert_well_formed(text: &str, result: &Result<Parsed, Vec<TranscriptError>>) {
        match result {
            Ok(parsed) => {
                assert!(!parsed.cues.is_empty());
                for cue in &parsed.cues {
                    assert!(valid(text, &cue.range), "{cue:?}");
                    assert!(!cue.text.is_empty() && cue.text == collapse(&cue.text));
                }
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                for e in errors {
                    assert!(valid(text, &e.range), "{e:?}");
                    assert!(!e.message.starts_with(char::is_uppercase), "{e:?}");
                    assert!(!e.message.ends_with('.') && e.help.is_some(), "{e:?}");
                }
            }
        }
    }

    #[test]
    fn lines_split_at_lf_crlf_and_lone_cr_and_skip_the_bom() {
        let text = "\u{feff}a\r\nb\rc\n\nd";
        let found: Vec<_> = lines(text).iter().map(|l| (l.text, l.start)).collect();
        assert_eq!(found, [("a", 3), ("b", 6), ("c", 8), ("", 10), ("d", 11)]);
        assert_eq!((lines("").len(), lines("x\n").len()), (0, 1));
        assert_eq!(collapse("  a \r\n\t b\u{a0}c  "), "a b c");
    }

    #[test]
    fn detect_uses_the_extension_then_the_content() {
        assert_eq!(detect("Skip to 1 second hi", Some("VTT")), Format::WebVtt);
        assert_eq!(detect("WEBVTT", Some("srt")), Format::Srt);
        let cases = [
            ("\u{feff}WEBVTT - title\n", Format::WebVtt),
            ("\n\n1\n00:00:01,000 --> 00:00:02,000\nhi\n", Format::Srt),
            (
                "1\r\n00:00:01.000 --> 00:00:02.000\r\nhi\r\n",
                Format::WebVtt,
            ),
            ("Skip to 0 minutes and 4 seconds Hello", Format::SkipTo),
            (
                include_str!("../../../tests/fixtures/lesson-page.txt"),
                Format::SkipTo,
            ),
            ("Skip to the good part", Format::Plain),
            ("a --> b\n\nSome words.", Format::Plain),
            ("", Format::Plain),
        ];
        for (text, format) in cases {
            assert_eq!(detect(text, Some("txt")), format, "{text:?}");
            assert_eq!(detect(text, None), format, "{text:?}");
        }
    }

    #[test]
    fn empty_transcripts_are_errors_in_every_format() {
        for format in Format::ALL {
            for text in ["", "\u{feff}", "\n \r\n\t\n"] {
                let expected = match format {
                    Format::WebVtt => "missing `WEBVTT` header",
                    _ => "transcript has no text",
                };
                assert_eq!(errors(text, format), [("", expected.to_string())]);
            }
        }
        let found = errors("WEBVTT\n\nNOTE nothing yet\n", Format::WebVtt);
        assert_eq!(found, [("", "transcript has no text".to_string())]);
    }

    proptest! {
        #[test]
        fn detect_then_parse_never_panics(text in ".*", ext in "(vtt|srt|txt)?") {
            let format = detect(&text, Some(ext.as_str()).filter(|e| !e.is_empty()));
            assert_well_formed(&text, &parse(&text, format));
        }

        #[test]
        fn detect_then_parse_fragments_never_panics(text in fragmented()) {
            assert_well_formed(&text, &parse(&text, detect(&text, None)));
        }
    }
}
