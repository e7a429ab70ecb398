//! `lessonpack check [DIR]`: load and validate a lesson source, print a summary.

use super::{ExitStatus, print_report};
use crate::model::{Lesson, Module, Transcript, VideoSource};
use crate::render::captions;
use crate::source::{self, clock};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The lesson source folder (the one holding `module.toml`).
    #[arg(default_value = "module")]
    pub dir: PathBuf,
}

/// Loads the source, prints its findings to stderr and a summary to stdout.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitStatus> {
    let loaded = source::load(&args.dir)?;
    print_report(&loaded.report);
    match loaded.module {
        Some(module) if !loaded.report.has_errors() => {
            print!("{}", summary(&module));
            Ok(ExitStatus::Success)
        }
        _ => Ok(ExitStatus::Failure),
    }
}

/// A few lines a person can read to see that the source says what they meant.
pub fn summary(module: &Module) -> String {
    let mut out = String::new();
    let lessons = module.lessons.len();
    let plural = if lessons == 1 { "" } else { "s" };
    let _ = writeln!(
        out,
        "module `{}`: {} ({}), {lessons} lesson{plural}",
        module.id, module.title, module.language
    );
    for lesson in &module.lessons {
        out.push_str(&lesson_summary(lesson));
    }
    out
}

fn lesson_summary(lesson: &Lesson) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  lesson `{}`: {}", lesson.id, lesson.title);
    let video = match lesson.video.as_ref().map(|v| &v.source) {
        None => "none".to_string(),
        Some(VideoSource::YouTube { id, .. }) => format!("YouTube `{id}`"),
        Some(VideoSource::Vimeo { id, .. }) => format!("Vimeo `{id}`"),
        Some(VideoSource::File { url, kind }) => format!("{} {url}", kind.mime()),
        Some(VideoSource::Hls { url }) => format!("HLS {url}"),
        Some(VideoSource::Local(file)) => {
            format!("{} ({} bytes, bundled)", file.relative, file.size)
        }
    };
    let _ = writeln!(out, "    video:      {video}");
    let words: usize = lesson
        .transcript
        .paragraphs()
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    let transcript = match &lesson.transcript {
        Transcript::Timed(cues) => {
            let (first, last) = (cues[0].start_ms, cues[cues.len() - 1].end_ms);
            let count = captions::captions(cues).len();
            format!(
                "{} cues, {}–{}, {words} words, {count} captions",
                cues.len(),
                clock(first),
                clock(last)
            )
        }
        Transcript::Untimed(paras) => format!(
            "{} paragraphs without times, {words} words, no captions",
            paras.len()
        ),
    };
    let _ = writeln!(out, "    transcript: {transcript}");
    if let Some(discussion) = &lesson.discussion {
        let chars = discussion.prompt_markdown.chars().count();
        match &discussion.title {
            Some(title) => {
                let _ = writeln!(out, "    discussion: \"{title}\", {chars} characters");
            }
            None => {
                let _ = writeln!(out, "    discussion: {chars} characters");
            }
        }
    }
    let rule = &lesson.completion;
    let response = if rule.require_response {
        " and a response"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "    completion: {} % watched{response}",
        rule.watched_percent
    );
    out
}
