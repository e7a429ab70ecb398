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

/// Guesses the format from the file extension (`vtt`, `srt`) and, failing that, the content.
pub fn detect(text: &str, extension: Option<&str>) -> Format {
    todo!("detect {text:?} {extension:?}")
}

/// Parses `text` as `format`. `text` may start with a BOM and use CRLF line ends; ranges are
/// byte offsets into `text` as given.
pub fn parse(text: &str, format: Format) -> Result<Parsed, Vec<TranscriptError>> {
    todo!("parse {text:?} {format:?}")
}
