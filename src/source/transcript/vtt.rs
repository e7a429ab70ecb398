//! WebVTT transcripts (<https://www.w3.org/TR/webvtt1/>): a `WEBVTT` header, then cues of an
//! optional identifier line, a `start --> end [settings]` timing line and payload lines.
//!
//! `NOTE`, `STYLE` and `REGION` blocks are skipped; cue settings are ignored; tags are removed
//! and the first `<v Speaker>` voice annotation becomes the cue's speaker. Timing lines are read
//! and checked by the code shared with SRT (in the `srt` module); the entity decoding here is
//! shared with SRT in turn.

use super::srt::{Clock, Timing, check_order, timing};
use super::{Line, RawCue, TranscriptError, blocks, collapse, error, lines, span};

/// Whether `line` is `keyword` alone or followed by a space or tab.
fn is_keyword_line(line: &str, keyword: &str) -> bool {
    line.strip_prefix(keyword)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Parses a WebVTT file into cues and errors.
pub(super) fn parse(text: &str) -> (Vec<RawCue>, Vec<TranscriptError>) {
    let lines = lines(text);
    let blocks = blocks(&lines);
    let mut parser = Parser {
        text,
        cues: Vec::new(),
        errors: Vec::new(),
        previous: None,
    };
    let header_ok = lines
        .first()
        .is_some_and(|l| is_keyword_line(l.text, "WEBVTT"));
    if !header_ok {
        let at = lines.first().map_or(0, |l| l.start);
        parser.errors.push(error(
            at..at,
            "missing `WEBVTT` header",
            "start the file with a line `WEBVTT`, or set `transcript-format` to the file's format",
        ));
    }
    let mut rest = blocks.as_slice();
    if let Some((first, others)) = rest.split_first() {
        // The header block runs until a timing line, which starts the first cue.
        let cue_at = first.iter().position(Line::has_arrow);
        if header_ok || cue_at.is_none_or(|i| i > 1) {
            if let Some(i) = cue_at {
                parser.cues_in(&first[i..], 0);
            }
            rest = others;
        }
    }
    for block in rest {
        parser.block(block);
    }
    (parser.cues, parser.errors)
}

/// Parsing state: what was found so far.
struct Parser<'t> {
    /// The whole text.
    text: &'t str,
    /// Cues found.
    cues: Vec<RawCue>,
    /// Errors found.
    errors: Vec<TranscriptError>,
    /// Timing of the previous cue, for the time-order checks.
    previous: Option<Timing>,
}

impl Parser<'_> {
    /// Reads one block: skips `NOTE`, `STYLE` and `REGION`, reads cues otherwise.
    fn block(&mut self, block: &[Line<'_>]) {
        let first = block[0].text.trim_start();
        if ["NOTE", "STYLE", "REGION"]
            .iter()
            .any(|k| is_keyword_line(first, k))
        {
            return;
        }
        match block.iter().take(2).position(Line::has_arrow) {
            Some(timing_at) => self.cues_in(block, timing_at),
            None => self.errors.push(error(
                block[0].range(),
                "text block without a cue timing line",
                "start each cue with a timing line such as `00:00:01.000 --> 00:00:04.000`; \
                 a blank line ends a cue, so remove blank lines inside cue text",
            )),
        }
    }

    /// Reads the cues of `lines`, whose line `timing_at` is a timing line. A later line with
    /// `-->` starts another cue (a missing blank line between cues).
    fn cues_in(&mut self, lines: &[Line<'_>], timing_at: usize) {
        let mut start = 0;
        let mut timing_at = timing_at;
        loop {
            let next = lines[timing_at + 1..]
                .iter()
                .position(Line::has_arrow)
                .map(|i| i + timing_at + 1);
            let end = next.unwrap_or(lines.len());
            self.cue(&lines[start..end], timing_at - start);
            match next {
                Some(n) => (start, timing_at) = (n, n),
                None => break,
            }
        }
    }

    /// Reads one cue: `lines[timing_at]` is its timing line, the lines after it the payload.
    fn cue(&mut self, lines: &[Line<'_>], timing_at: usize) {
        let timing = match timing(lines[timing_at], Clock::Vtt) {
            Ok(timing) => timing,
            Err(errors) => return self.errors.extend(errors),
        };
        let order = check_order(self.text, self.previous.as_ref(), &timing);
        self.errors.extend(order);
        let payload = &lines[timing_at + 1..];
        let (text, speaker) = clean(self.text.get(span(payload)).unwrap_or_default());
        if !text.is_empty() {
            self.cues.push(RawCue {
                start_ms: Some(timing.start),
                end_ms: Some(timing.end),
                speaker,
                text,
                range: span(lines),
            });
        }
        self.previous = Some(timing);
    }
}

/// Removes tags from cue text, decodes entities and collapses whitespace; also returns the
/// first `<v>` voice annotation. A `<` without a closing `>` is kept as text.
fn clean(payload: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(payload.len());
    let mut speaker = None;
    let mut rest = payload;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(close) = rest.find('>') else {
            break;
        };
        if speaker.is_none() {
            speaker = voice(&rest[1..close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (collapse(&decode_entities(&out)), speaker)
}

/// The speaker named by a voice tag's contents (`v Name` or `v.class Name`).
fn voice(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('v')?;
    if !rest.starts_with(|c: char| c == '.' || c.is_whitespace()) {
        return None;
    }
    let (_, annotation) = rest.split_once(char::is_whitespace)?;
    Some(collapse(&decode_entities(annotation))).filter(|s| !s.is_empty())
}

/// Decodes `&amp; &lt; &gt; &quot; &apos; &nbsp; &lrm; &rlm;` and numeric character
/// references; anything else starting with `&` is kept as written.
pub(super) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest[1..]
            .char_indices()
            .take(MAX_ENTITY_LEN + 1)
            .find(|&(_, c)| c == ';')
            .and_then(|(end, _)| entity(&rest[1..1 + end]).map(|c| (c, end + 2)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Longest entity name (between `&` and `;`) looked at.
const MAX_ENTITY_LEN: usize = 32;

/// The character an entity name (between `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    let code = match name {
        "amp" => return Some('&'),
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        "nbsp" => return Some('\u{a0}'),
        "lrm" => return Some('\u{200e}'),
        "rlm" => return Some('\u{200f}'),
        _ => name.strip_prefix('#')?,
    };
    let value = match code.strip_prefix(['x', 'X']) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()?
        }
        None if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) => {
            code.parse().ok()?
        }
        _ => return None,
    };
    char::from_u32(value).filter(|&c| c != '\0')
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_well_formed, fragmented, texts, times};
    use super::super::{Format, Parsed, parse as parse_as};
    use super::{TranscriptError, decode_entities};
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<Parsed, Vec<TranscriptError>> {
        parse_as(text, Format::WebVtt)
    }

    fn errors(text: &str) -> Vec<(&str, String)> {
        super::super::tests::errors(text, Format::WebVtt)
    }

    fn error_texts(text: &str) -> Vec<&str> {
        errors(text).into_iter().map(|(at, _)| at).collect()
    }

    const FULL: &str = "WEBVTT - lesson one\nKind: captions\n\n\
        STYLE\n::cue { color: lime }\n\nREGION\nid:fred\n\nNOTE a comment\nthat --> spans\n\n\
        intro\n00:00:01.000 --> 00:00:04.000 align:start position:10%\n\
        <v Vicky Li>Hello, <i>everyone</i>.</v>\n<v.loud Bob>second voice</v>\n\n\
        00:04.000 --> 00:06,500\n<c.yellow>Tom</c> &amp; <b>Jerry</b> &lt;3&nbsp;<u>x</u>\n\n\
        NOTE\n\n3\n01:00:00.000 --> 01:00:01.000\n<ruby>漢<rt>kan</rt></ruby> <lang en>hi</lang> \
        one <00:00:01.500>two\n\n4\n01:00:02.000 --> 01:00:03.000\n<v.a.b   Ann  Lee  >tagged\n";

    #[test]
    fn entities_decode_named_and_numeric_and_keep_the_rest() {
        let decoded = decode_entities("&amp;&lt;&gt;&nbsp;&lrm;&rlm;&#65;&#x42;&#X43;");
        assert_eq!(decoded, "&<>\u{a0}\u{200e}\u{200f}ABC");
        for kept in [
            "R&D",
            "&bogus;",
            "&#0;",
            "&#xD800;",
            "&#99999999999;",
            "&#x;",
            "&é",
        ] {
            assert_eq!(decode_entities(kept), kept);
        }
    }

    #[test]
    fn reads_ids_settings_voices_and_skips_note_style_region() {
        let parsed = parse(FULL).unwrap();
        let hour = 3_600_000;
        let expected = [
            (1000, 4000),
            (4000, 6500),
            (hour, hour + 1000),
            (hour + 2000, hour + 3000),
        ];
        assert_eq!(times(&parsed), expected);
        let (cues, sources) = texts(FULL, &parsed);
        let first = "Hello, everyone. second voice";
        assert_eq!(
            cues,
            [first, "Tom & Jerry <3 x", "漢kan hi one two", "tagged"]
        );
        let speakers: Vec<_> = parsed.cues.iter().map(|c| c.speaker.as_deref()).collect();
        assert_eq!(speakers, [Some("Vicky Li"), None, None, Some("Ann Lee")]);
        assert!(sources[0].starts_with("intro\n00:00:01.000") && sources[0].ends_with("</v>"));
        assert!(sources[1].starts_with("00:04.000 --> 00:06,500\n<c.yellow>"));
    }

    #[test]
    fn bom_crlf_and_missing_final_newline() {
        let text = "\u{feff}WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.000\r\nHi\r\nthere\r\n\
                    \r\n00:02.000 --> 00:03.000\r\nBye";
        let parsed = parse(text).unwrap();
        assert_eq!(times(&parsed), [(1000, 2000), (2000, 3000)]);
        let (cues, sources) = texts(text, &parsed);
        assert_eq!(cues, ["Hi there", "Bye"]);
        assert_eq!(
            sources[0],
            "1\r\n00:00:01.000 --> 00:00:02.000\r\nHi\r\nthere"
        );
        assert_eq!(sources[1], "00:02.000 --> 00:03.000\r\nBye");
    }

    #[test]
    fn cues_without_blank_lines_between_them_or_after_the_header() {
        let text = "WEBVTT\n00:01.000 --> 00:02.000\na\n00:02.000 --> 00:03.000\nb\n\n\
                    00:03.000 --> 00:04.000\n\n00:05.000 --> 00:06.000\n<unclosed c";
        assert_eq!(
            texts(text, &parse(text).unwrap()).0,
            ["a", "b", "<unclosed c"]
        );
    }

    #[test]
    fn reports_a_missing_header() {
        let text = "00:01.000 --> 00:02.000\nhi\n";
        assert_eq!(parse(text).unwrap_err()[0].range, 0..0);
        assert_eq!(errors(text), [("", "missing `WEBVTT` header".to_string())]);
        let bom = "\u{feff}WEBVTTX\n\n00:01.000 --> 00:02.000\nhi";
        assert_eq!(parse(bom).unwrap_err()[0].range, 3..3);
        assert_eq!(errors("\nWEBVTT\n\n00:01.000 --> 00:02.000\nhi").len(), 1);
    }

    #[test]
    fn reports_invalid_timestamps_at_the_timestamp() {
        let text = "WEBVTT\n\n00:00:0x.000 --> 00:00:02.000\na\n\n0:00:03.000 --> 00:00:04\nb\n\n\
                    00:00:05.000 --> \nc\n\n  --> 00:61.000\nd\n\n00:00:07.0000 --> 00:00:08;000\n";
        let bad = [
            "00:00:0x.000",
            "0:00:03.000",
            "00:00:04",
            "-->",
            "-->",
            "00:61.000",
        ];
        assert_eq!(error_texts(text)[..6], bad);
        assert_eq!(error_texts(text)[6..], ["00:00:07.0000", "00:00:08;000"]);
        let found = errors(text);
        assert_eq!(found[0].1, "invalid timestamp `00:00:0x.000`");
        assert_eq!(found[3].1, "missing end time after `-->`");
        assert_eq!(found[4].1, "missing start time before `-->`");
        let help = parse(text).unwrap_err()[0].help.clone().unwrap();
        assert!(help.contains("`hh:mm:ss.mmm`"), "{help}");
    }

    #[test]
    fn reports_ends_not_after_starts() {
        let text = "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\na\n\n00:00:03.000 --> 00:00:03.000\nb";
        let found = errors(text);
        assert_eq!(found[0].0, "00:00:02.000 --> 00:00:01.000");
        let message = "cue ends at `00:00:01.000`, not after its start `00:00:02.000`";
        assert_eq!(found[0].1, message);
        assert_eq!(found[1].0, "00:00:03.000 --> 00:00:03.000");
    }

    #[test]
    fn reports_times_going_backwards_and_overlaps() {
        let text = "WEBVTT\n\n00:01:05.000 --> 00:01:06.000\na\n\n00:01:02.000 --> 00:01:03.000\nb\n\n\
                    00:01:03.000 --> 00:01:08.000\nc\n\n00:01:07.500 --> 00:01:09.000\nd";
        let found = errors(text);
        assert_eq!(error_texts(text), ["00:01:02.000", "00:01:07.500"]);
        let message =
            "cue starts at `00:01:02.000`, before the previous cue's start `00:01:05.000`";
        assert_eq!(found[0].1, message);
        let message = "cue overlaps the previous cue (starts at `00:01:07.500`, before the previous \
                       cue's end `00:01:08.000`)";
        assert_eq!(found[1].1, message);
    }

    #[test]
    fn reports_text_blocks_without_timing() {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\na\n\nstray words\nmore\nand more";
        let message = "text block without a cue timing line".to_string();
        assert_eq!(errors(text), [("stray words", message)]);
    }

    #[test]
    fn only_the_first_voice_names_the_speaker() {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v>a</v> <v  >b <v Ann &amp; Bo>c<v Cy>d";
        let cue = &parse(text).unwrap().cues[0];
        assert_eq!(
            (cue.speaker.as_deref(), cue.text.as_str()),
            (Some("Ann & Bo"), "a b cd")
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in ".*") {
            assert_well_formed(&text, &parse(&text));
            let with_header = format!("WEBVTT\n\n{text}");
            assert_well_formed(&with_header, &parse(&with_header));
        }

        #[test]
        fn never_panics_on_timing_fragments(text in fragmented()) {
            assert_well_formed(&text, &parse(&text));
            let with_header = format!("WEBVTT\n\n{text}");
            assert_well_formed(&with_header, &parse(&with_header));
        }
    }
}
