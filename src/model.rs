//! The lesson model: a validated, format-neutral description of a module and its lessons.
//!
//! `source::load` builds it from `module/`; the renderers and manifest writers read it. It knows
//! nothing of TOML, HTML, SCORM or zip files, and every value in it has already been checked.

use std::path::PathBuf;

/// A module: one package's worth of lessons, with the metadata every target needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The stable root of every identifier the tool writes (`[a-z][a-z0-9-]*`).
    pub id: String,
    /// Human title of the module.
    pub title: String,
    /// BCP 47 language tag, e.g. `en-GB`.
    pub language: String,
    /// Short description, plain text.
    pub summary: Option<String>,
    /// The course the module belongs to.
    pub course: Option<String>,
    /// The institution or company that provides the course.
    pub provider: Option<String>,
    /// The people who present the lessons.
    pub presenters: Vec<Person>,
    /// Licence of the content, e.g. `CC BY-SA 4.0` or `All rights reserved`.
    pub licence: Option<String>,
    /// Content version, written into the manifests.
    pub version: String,
    /// Keywords for the package metadata.
    pub keywords: Vec<String>,
    /// The LTI 1.3 launch URL of the tool hosting these lessons, if any (`https://`).
    pub lti_launch_url: Option<String>,
    /// The lessons, in order; never empty.
    pub lessons: Vec<Lesson>,
}

/// A presenter.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Full name as shown to learners.
    pub name: String,
    /// Role or affiliation, e.g. `Lecturer in Business Informatics`.
    pub role: Option<String>,
}

/// One lesson: a video, its transcript and a discussion prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Stable lesson id, unique in the module (`[a-z][a-z0-9-]*`).
    pub id: String,
    /// Lesson title.
    pub title: String,
    /// Short description, plain text.
    pub summary: Option<String>,
    /// The video, when the source names one.
    pub video: Option<Video>,
    /// The transcript, timed or not.
    pub transcript: Transcript,
    /// The discussion prompt, when the lesson has one.
    pub discussion: Option<Discussion>,
    /// When the lesson counts as completed.
    pub completion: Completion,
}

/// A video reference with optional poster and duration.
#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    /// Where the video comes from.
    pub source: VideoSource,
    /// A poster image shown before playback.
    pub poster: Option<Asset>,
    /// Duration in milliseconds, when known.
    pub duration_ms: Option<u64>,
}

/// Where a video is played from.
#[derive(Debug, Clone, PartialEq)]
pub enum VideoSource {
    /// A YouTube video by its 11-character id.
    YouTube {
        /// The video id, e.g. `dQw4w9WgXcQ`.
        id: String,
        /// Start offset in seconds taken from the URL (`t=` / `start=`), if any.
        start_s: Option<u64>,
    },
    /// A Vimeo video by its numeric id.
    Vimeo {
        /// The numeric video id.
        id: String,
        /// The privacy hash of an unlisted video (`h=` or the path segment after the id).
        hash: Option<String>,
    },
    /// A direct file URL that browsers play in `<video>`.
    File {
        /// Absolute `http(s)` URL.
        url: String,
        /// The container.
        kind: MediaKind,
    },
    /// An HLS playlist (`.m3u8`), played natively where the browser can.
    Hls {
        /// Absolute `http(s)` URL of the playlist.
        url: String,
    },
    /// A local file bundled into the package.
    Local(LocalFile),
}

/// Container formats of direct video files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// MPEG-4 (`video/mp4`).
    Mp4,
    /// WebM (`video/webm`).
    WebM,
}

impl MediaKind {
    /// The MIME type for a `<source type>` attribute.
    pub fn mime(self) -> &'static str {
        match self {
            MediaKind::Mp4 => "video/mp4",
            MediaKind::WebM => "video/webm",
        }
    }
}

/// A local file to bundle, already checked to exist.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalFile {
    /// Path on disk (the source folder joined with the path in `module.toml`).
    pub path: PathBuf,
    /// The path relative to the source folder, with forward slashes, as written in `module.toml`.
    pub relative: String,
    /// Size in bytes when the source was loaded.
    pub size: u64,
    /// Container of the video file (only for videos).
    pub kind: Option<MediaKind>,
}

/// An image or other file referenced either by URL or as a local file.
#[derive(Debug, Clone, PartialEq)]
pub enum Asset {
    /// An absolute `http(s)` URL.
    Url(String),
    /// A local file to bundle.
    Local(LocalFile),
}

/// A transcript: timed cues (captions can be made) or plain paragraphs (shown, not captioned).
#[derive(Debug, Clone, PartialEq)]
pub enum Transcript {
    /// Cues with start and end times, in order and not overlapping.
    Timed(Vec<Cue>),
    /// Paragraphs without times.
    Untimed(Vec<String>),
}

impl Transcript {
    /// The transcript's text, paragraph by paragraph.
    pub fn paragraphs(&self) -> Vec<&str> {
        match self {
            Transcript::Timed(cues) => cues.iter().map(|c| c.text.as_str()).collect(),
            Transcript::Untimed(paras) => paras.iter().map(String::as_str).collect(),
        }
    }

    /// The cues, when the transcript is timed.
    pub fn cues(&self) -> &[Cue] {
        match self {
            Transcript::Timed(cues) => cues,
            Transcript::Untimed(_) => &[],
        }
    }
}

/// One timed piece of transcript (a "Skip to" paragraph, a WebVTT or SRT cue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Start time in milliseconds.
    pub start_ms: u64,
    /// End time in milliseconds (greater than `start_ms`).
    pub end_ms: u64,
    /// The speaker, when the source names one (`<v Name>`).
    pub speaker: Option<String>,
    /// Plain text, whitespace collapsed to single spaces, no markup.
    pub text: String,
}

/// The discussion prompt of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Discussion {
    /// Title of the discussion topic, when the source gives one (`discussion-title`); else the
    /// cartridge names it from the lesson's title.
    pub title: Option<String>,
    /// The prompt as Markdown source.
    pub prompt_markdown: String,
}

/// When a lesson counts as completed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Completion {
    /// Share of the video's seconds that must be watched, 1 to 100.
    pub watched_percent: u8,
    /// Whether a discussion response is also required.
    pub require_response: bool,
    /// Whether completion also reports a full score (SCORM `score.raw` 100, cmi5 `passed`
    /// with `score.scaled` 1), so LMSs that grade from the score show 100 %, not 0.
    pub score: bool,
}

impl Default for Completion {
    fn default() -> Self {
        Completion {
            watched_percent: 90,
            require_response: false,
            score: true,
        }
    }
}
