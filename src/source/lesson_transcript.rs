//! A lesson's transcript: read the file, pick the syntax, parse, and settle cue end times.
//!
//! "Skip to" transcripts give only start times: each cue ends where the next starts, and the
//! last ends after the time its words take at the speaker's own pace (measured over the
//! earlier cues), but never after the video's end when its duration is known.

use super::files::Ctx;
use super::limits;
use super::module_toml::LessonToml;
use super::transcript::{self, Format, RawCue};
use crate::diagnostic::Diagnostic;
use crate::model::{Cue, Transcript};
use std::path::Path;

/// Words per second of ordinary speech (150 a minute), when there is nothing to measure.
const DEFAULT_WORDS_PER_SECOND: f64 = 2.5;

/// Loads and parses the transcript of one lesson; `None` after reporting an error.
pub(crate) fn load(
    ctx: &mut Ctx<'_>,
    raw: &LessonToml,
    duration_ms: Option<u64>,
) -> Option<Transcript> {
    let format = match &raw.transcript_format {
        Some(name) => match Format::ALL
            .iter()
            .find(|f| f.name() == name.get_ref().trim())
        {
            Some(format) => Some(*format),
            None => {
                let names: Vec<String> = Format::ALL
                    .iter()
                    .map(|f| format!("`{}`", f.name()))
                    .collect();
                ctx.error_at(
                    name,
                    format!("unknown transcript format `{}`", name.get_ref()),
                    format!(
                        "use one of {}, or remove the key to detect it",
                        names.join(", ")
                    ),
                );
                return None;
            }
        },
        None => None,
    };
    let (path, text) = ctx.read_text(&raw.transcript, "transcript", limits::TRANSCRIPT_BYTES)?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = format.unwrap_or_else(|| transcript::detect(&text, extension.as_deref()));
    let parsed = match transcript::parse(&text, format) {
        Ok(parsed) => parsed,
        Err(errors) => {
            for err in errors {
                let mut d = Diagnostic::error(err.message).at(&path, err.range);
                if let Some(help) = err.help {
                    d = d.with_help(help);
                }
                ctx.report.push(d);
            }
            return None;
        }
    };
    if parsed.cues.len() > limits::CUES {
        let at = parsed.cues[limits::CUES].range.clone();
        ctx.report.push(
            Diagnostic::error(format!(
                "the transcript has {} cues, more than the {} a lesson may have",
                parsed.cues.len(),
                limits::CUES
            ))
            .at(&path, at)
            .with_help("no real lesson comes near this: a ten-hour lecture has some 18,000 caption-sized cues; split the lesson, or check that the right file is named"),
        );
        return None;
    }
    if parsed.cues.iter().all(|c| c.start_ms.is_none()) {
        return Some(Transcript::Untimed(
            parsed.cues.into_iter().map(|c| c.text).collect(),
        ));
    }
    timed(ctx, &path, parsed.cues, duration_ms).map(Transcript::Timed)
}

fn timed(
    ctx: &mut Ctx<'_>,
    path: &Path,
    raw: Vec<RawCue>,
    duration_ms: Option<u64>,
) -> Option<Vec<Cue>> {
    let starts: Vec<u64> = raw.iter().map(|c| c.start_ms.unwrap_or(0)).collect();
    let estimate = estimate_last_end(&raw, &starts);
    let last_end = duration_ms.map_or(estimate, |d| estimate.min(d));
    let mut cues = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, cue) in raw.iter().enumerate() {
        let start_ms = starts[i];
        let mut end_ms = cue
            .end_ms
            .unwrap_or_else(|| starts.get(i + 1).copied().unwrap_or(last_end));
        if let Some(duration) = duration_ms {
            if start_ms >= duration {
                ctx.report.push(
                    Diagnostic::error(format!(
                        "cue starts at {}, after the video ends at {}",
                        clock(start_ms),
                        clock(duration)
                    ))
                    .at(path, cue.range.clone())
                    .with_help("check the cue's time, or `duration` in `[lessons.video]`"),
                );
                ok = false;
            } else if end_ms > duration {
                if cue.end_ms.is_some() {
                    ctx.report.push(
                        Diagnostic::warning(format!("cue ends at {}, after the video ends at {}", clock(end_ms), clock(duration)))
                            .at(path, cue.range.clone())
                            .with_help("the caption is cut at the video's end; check the cue's time or `duration`"),
                    );
                }
                end_ms = duration;
            }
        }
        cues.push(Cue {
            start_ms,
            end_ms,
            speaker: cue.speaker.clone(),
            text: cue.text.clone(),
        });
    }
    ok.then_some(cues)
}

/// The end of the last cue when the syntax gives none: its words at the measured pace.
fn estimate_last_end(raw: &[RawCue], starts: &[u64]) -> u64 {
    let last = raw.len() - 1;
    let words = |c: &RawCue| c.text.split_whitespace().count() as f64;
    let span_s = (starts[last].saturating_sub(starts[0])) as f64 / 1000.0;
    let earlier: f64 = raw[..last].iter().map(words).sum();
    let rate = if last > 0 && span_s > 0.0 && earlier > 0.0 {
        earlier / span_s
    } else {
        DEFAULT_WORDS_PER_SECOND
    };
    let seconds = (words(&raw[last]) / rate).max(1.0);
    starts[last] + (seconds * 1000.0).round() as u64
}

/// `m:ss` or `h:mm:ss`, for messages.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", (s / 60) % 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(start: u64, text: &str) -> RawCue {
        RawCue {
            start_ms: Some(start),
            end_ms: None,
            speaker: None,
            text: text.into(),
            range: 0..0,
        }
    }

    #[test]
    fn last_end_follows_the_measured_pace() {
        // 10 words in 5 s before: 2 words/s; 6 words → 3 s.
        let cues = [raw(0, "a b c d e f g h i j"), raw(5000, "a b c d e f")];
        assert_eq!(estimate_last_end(&cues, &[0, 5000]), 8000);
        // A single cue uses 2.5 words/s, at least one second.
        assert_eq!(estimate_last_end(&[raw(1000, "one")], &[1000]), 2000);
    }

    #[test]
    fn clock_format() {
        assert_eq!(clock(4_000), "0:04");
        assert_eq!(clock(241_500), "4:01");
        assert_eq!(clock(3_723_000), "1:02:03");
    }
}
