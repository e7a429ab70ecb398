//! The serde mirror of `module.toml`, one struct per table, unknown keys refused.
//!
//! Values that later checks must point at are kept as [`Spanned`] so a diagnostic can name
//! their line and column. Cross-field checks live in `source::resolve`, not here.

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ModuleToml {
    /// Stable module id; the root of every identifier the tool writes.
    pub id: Spanned<String>,
    /// Module title.
    pub title: Spanned<String>,
    /// BCP 47 language tag of the content.
    pub language: Spanned<String>,
    /// Short description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Course the module belongs to.
    #[serde(default)]
    pub course: Option<String>,
    /// Institution or company providing the course.
    #[serde(default)]
    pub provider: Option<String>,
    /// Presenters of the lessons.
    #[serde(default)]
    pub presenters: Vec<PersonToml>,
    /// Licence of the content.
    #[serde(default)]
    pub licence: Option<String>,
    /// Content version; default `1.0`.
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The LTI tool that hosts these lessons (`[lti]`), for Common Cartridge links.
    #[serde(default)]
    pub lti: Option<LtiToml>,
    /// The lessons (`[[lessons]]` tables).
    pub lessons: Spanned<Vec<LessonToml>>,
}

/// `[lti]`: where `lessonpack serve` runs, so cartridges can link to it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LtiToml {
    /// The tool's LTI 1.3 launch URL, e.g. `https://lessons.example.org/lti/launch`.
    pub launch_url: Spanned<String>,
}

/// A presenter (`presenters = [{ name = "…", role = "…" }]`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PersonToml {
    /// Full name.
    pub name: Spanned<String>,
    /// Role or affiliation.
    #[serde(default)]
    pub role: Option<String>,
}

/// One `[[lessons]]` table.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LessonToml {
    /// Stable lesson id, unique in the module.
    pub id: Spanned<String>,
    /// Lesson title.
    pub title: Spanned<String>,
    /// Short description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Transcript file, relative to the module folder.
    pub transcript: Spanned<String>,
    /// Transcript syntax when detection should not guess.
    #[serde(default)]
    pub transcript_format: Option<Spanned<String>>,
    /// Discussion prompt file (Markdown), relative to the module folder.
    #[serde(default)]
    pub discussion: Option<Spanned<String>>,
    /// Title of the discussion topic; defaults to the lesson title.
    #[serde(default)]
    pub discussion_title: Option<String>,
    /// The video (`[lessons.video]`).
    #[serde(default)]
    pub video: Option<Spanned<VideoToml>>,
    /// The completion rule (`[lessons.completion]`).
    #[serde(default)]
    pub completion: Option<CompletionToml>,
}

/// `[lessons.video]`: exactly one of `url`, `youtube`, `vimeo`, `file`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct VideoToml {
    /// YouTube or Vimeo page URL, or a direct `.mp4`, `.webm` or `.m3u8` URL.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// A bare YouTube video id.
    #[serde(default)]
    pub youtube: Option<Spanned<String>>,
    /// A bare Vimeo video id.
    #[serde(default)]
    pub vimeo: Option<Spanned<String>>,
    /// A local video file to bundle, relative to the module folder.
    #[serde(default)]
    pub file: Option<Spanned<String>>,
    /// Poster image: a URL or a local file.
    #[serde(default)]
    pub poster: Option<Spanned<String>>,
    /// Duration as `[h:]mm:ss` or a number of seconds.
    #[serde(default)]
    pub duration: Option<Spanned<DurationToml>>,
}

/// A duration written as a string (`"4:31"`) or a number of seconds (`271`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum DurationToml {
    /// Seconds.
    Seconds(i64),
    /// `[h:]mm:ss[.mmm]`.
    Clock(String),
}

/// `[lessons.completion]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CompletionToml {
    /// Percent of the video's seconds that must be watched (1–100; default 90).
    #[serde(default)]
    pub watched_percent: Option<Spanned<i64>>,
    /// Whether a discussion response is also required (default false).
    #[serde(default)]
    pub require_response: Option<bool>,
    /// Whether completion reports a full score (default true).
    #[serde(default)]
    pub score: Option<bool>,
}
