//! The data each template receives: plain serde structs made from the lesson model.

use super::Runtime;
use super::i18n::{self, Strings};
use super::{captions, markdown};
use crate::manifest::ids;
use crate::model::{Asset, Lesson, Module, Transcript, VideoSource};
use crate::source::clock;
use serde::Serialize;
use std::collections::BTreeMap;

/// What `lesson.html` receives.
#[derive(Debug, Serialize)]
pub(super) struct LessonPage<'a> {
    pub lang: &'a str,
    pub dir: &'a str,
    pub root: &'static str,
    pub strings: &'a Strings,
    pub module: ModuleView<'a>,
    pub lesson: LessonView<'a>,
    pub video: VideoView,
    pub captions: Option<CaptionsView>,
    pub cues: Vec<CueView<'a>>,
    pub paragraphs: Vec<&'a str>,
    pub discussion: Option<DiscussionView<'a>>,
    pub config_json: String,
    pub scripts: Vec<&'static str>,
}

/// The module as templates see it.
#[derive(Debug, Serialize)]
pub(super) struct ModuleView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub course: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub presenters: Vec<PersonView<'a>>,
    pub licence: Option<&'a str>,
    pub version: &'a str,
}

/// A presenter.
#[derive(Debug, Serialize)]
pub(super) struct PersonView<'a> {
    pub name: &'a str,
    pub role: Option<&'a str>,
}

/// The lesson's own fields.
#[derive(Debug, Serialize)]
pub(super) struct LessonView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub index: usize,
    pub count: usize,
    pub position: String,
}

/// The player: `kind` is `html5`, `hls`, `youtube`, `vimeo` or `none`.
#[derive(Debug, Serialize)]
pub(super) struct VideoView {
    pub kind: &'static str,
    pub src: String,
    pub mime: &'static str,
    pub poster: Option<String>,
    pub title: String,
}

/// The captions track.
#[derive(Debug, Serialize)]
pub(super) struct CaptionsView {
    pub src: String,
}

/// One transcript cue; times in seconds.
#[derive(Debug, Serialize)]
pub(super) struct CueView<'a> {
    pub start: String,
    pub end: String,
    pub clock: String,
    pub speaker: Option<&'a str>,
    pub text: &'a str,
}

/// The discussion prompt.
#[derive(Debug, Serialize)]
pub(super) struct DiscussionView<'a> {
    /// The topic's own title, when the source gives one (themes may show it).
    pub title: Option<&'a str>,
    pub prompt_html: String,
}

/// The page script's settings, written as JSON into the page.
#[derive(Debug, Serialize)]
struct Config<'a> {
    module: &'a str,
    lesson: &'a str,
    standard: &'static str,
    interaction: String,
    completion: CompletionConfig,
    video: VideoConfig,
    timed: bool,
    /// Reading-sized captions `[start, end, text]` (seconds; lines joined by `\n`) for the
    /// caption line under players that take no `<track>`.
    captions: Vec<(f64, f64, String)>,
    strings: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cmi5: Option<Cmi5Config>,
}

/// The cmi5 runtime's identifiers (`manifest::ids`): the course and the lesson's AU as in
/// `cmi5.xml`, and the activity the discussion response is recorded against.
#[derive(Debug, Serialize)]
struct Cmi5Config {
    course: String,
    au: String,
    response: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CompletionConfig {
    watched_percent: u8,
    require_response: bool,
    score: bool,
}

#[derive(Debug, Serialize)]
struct VideoConfig {
    kind: &'static str,
    duration: Option<f64>,
    start: u64,
}

/// What `index.html` receives: the module and a link to each lesson.
#[derive(Debug, Serialize)]
pub(super) struct IndexPage<'a> {
    pub lang: &'a str,
    pub dir: &'a str,
    pub root: &'static str,
    pub strings: &'a Strings,
    pub module: ModuleView<'a>,
    pub lessons: Vec<IndexEntry<'a>>,
}

/// One lesson in the index.
#[derive(Debug, Serialize)]
pub(super) struct IndexEntry<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub href: String,
}

/// Everything `index.html` needs; `page_dirs` are the lessons' page folders.
pub(super) fn index_page<'a>(
    module: &'a Module,
    strings: &'a Strings,
    page_dirs: &[String],
) -> IndexPage<'a> {
    IndexPage {
        lang: &module.language,
        dir: i18n::direction(&module.language),
        root: "",
        strings,
        module: module_view(module),
        lessons: module
            .lessons
            .iter()
            .zip(page_dirs)
            .map(|(lesson, dir)| IndexEntry {
                title: &lesson.title,
                summary: lesson.summary.as_deref(),
                href: format!("{dir}index.html"),
            })
            .collect(),
    }
}

/// Paths of a lesson's files inside a package.
pub(super) struct LessonPaths {
    /// The folder of the lesson page, e.g. `lessons/intro/`.
    pub page_dir: String,
    /// Bundled video, if any, package-relative.
    pub video: Option<String>,
    /// Bundled poster, if any, package-relative.
    pub poster: Option<String>,
    /// Captions file, when the transcript is timed.
    pub captions: Option<String>,
}

/// Path from a lesson page back to the package root.
pub(super) const ROOT: &str = "../../";

pub(super) fn module_view(module: &Module) -> ModuleView<'_> {
    ModuleView {
        id: &module.id,
        title: &module.title,
        summary: module.summary.as_deref(),
        course: module.course.as_deref(),
        provider: module.provider.as_deref(),
        presenters: module
            .presenters
            .iter()
            .map(|p| PersonView {
                name: &p.name,
                role: p.role.as_deref(),
            })
            .collect(),
        licence: module.licence.as_deref(),
        version: &module.version,
    }
}

/// Everything `lesson.html` needs for lesson `index` (0-based).
pub(super) fn lesson_page<'a>(
    module: &'a Module,
    index: usize,
    strings: &'a Strings,
    runtime: Runtime,
    paths: &LessonPaths,
) -> LessonPage<'a> {
    let lesson = &module.lessons[index];
    let count = module.lessons.len();
    let video = video_view(lesson, strings, paths);
    let cues = lesson
        .transcript
        .cues()
        .iter()
        .map(|c| CueView {
            start: seconds(c.start_ms),
            end: seconds(c.end_ms),
            clock: clock(c.start_ms),
            speaker: c.speaker.as_deref(),
            text: &c.text,
        })
        .collect();
    let paragraphs = match &lesson.transcript {
        Transcript::Untimed(paras) => paras.iter().map(String::as_str).collect(),
        Transcript::Timed(_) => Vec::new(),
    };
    let position = strings["lesson-of"]
        .replace("{index}", &(index + 1).to_string())
        .replace("{count}", &count.to_string());
    LessonPage {
        lang: &module.language,
        dir: i18n::direction(&module.language),
        root: ROOT,
        strings,
        module: module_view(module),
        lesson: LessonView {
            id: &lesson.id,
            title: &lesson.title,
            summary: lesson.summary.as_deref(),
            index: index + 1,
            count,
            position,
        },
        captions: paths.captions.as_ref().map(|c| CaptionsView {
            src: format!("{ROOT}{c}"),
        }),
        cues,
        paragraphs,
        discussion: lesson.discussion.as_ref().map(|d| DiscussionView {
            title: d.title.as_deref(),
            prompt_html: markdown::to_html(&d.prompt_markdown),
        }),
        config_json: config_json(module, lesson, runtime, &video, strings),
        scripts: runtime.scripts(),
        video,
    }
}

fn video_view(lesson: &Lesson, strings: &Strings, paths: &LessonPaths) -> VideoView {
    let title = strings["video-title"].replace("{title}", &lesson.title);
    let poster = lesson.video.as_ref().and_then(|v| match &v.poster {
        Some(Asset::Url(url)) => Some(url.clone()),
        Some(Asset::Local(_)) => paths.poster.as_ref().map(|p| format!("{ROOT}{p}")),
        None => None,
    });
    let view = |kind, src: String, mime| VideoView {
        kind,
        src,
        mime,
        poster: poster.clone(),
        title: title.clone(),
    };
    match lesson.video.as_ref().map(|v| &v.source) {
        None => view("none", String::new(), ""),
        Some(VideoSource::YouTube { id, start_s }) => {
            let start = start_s.map(|s| format!("&start={s}")).unwrap_or_default();
            view(
                "youtube",
                format!(
                    "https://www.youtube-nocookie.com/embed/{id}?enablejsapi=1&playsinline=1&rel=0{start}"
                ),
                "",
            )
        }
        Some(VideoSource::Vimeo { id, hash }) => {
            let hash = hash.as_ref().map(|h| format!("h={h}&")).unwrap_or_default();
            view(
                "vimeo",
                format!("https://player.vimeo.com/video/{id}?{hash}dnt=1"),
                "",
            )
        }
        Some(VideoSource::File { url, kind }) => view("html5", url.clone(), kind.mime()),
        Some(VideoSource::Hls { url }) => view("hls", url.clone(), "application/vnd.apple.mpegurl"),
        Some(VideoSource::Local(file)) => {
            let src = paths
                .video
                .as_ref()
                .map(|v| format!("{ROOT}{v}"))
                .unwrap_or_default();
            view("html5", src, file.kind.map_or("video/mp4", |k| k.mime()))
        }
    }
}

fn config_json(
    module: &Module,
    lesson: &Lesson,
    runtime: Runtime,
    video: &VideoView,
    strings: &Strings,
) -> String {
    let start = match lesson.video.as_ref().map(|v| &v.source) {
        Some(VideoSource::YouTube {
            start_s: Some(s), ..
        }) => *s,
        _ => 0,
    };
    let config = Config {
        module: &module.id,
        lesson: &lesson.id,
        standard: runtime.standard(),
        interaction: ids::interaction(lesson),
        completion: CompletionConfig {
            watched_percent: lesson.completion.watched_percent,
            require_response: lesson.completion.require_response,
            score: lesson.completion.score,
        },
        video: VideoConfig {
            kind: video.kind,
            duration: lesson
                .video
                .as_ref()
                .and_then(|v| v.duration_ms)
                .map(|ms| ms as f64 / 1000.0),
            start,
        },
        timed: matches!(lesson.transcript, Transcript::Timed(_)),
        // Only a player needs the caption line; a page without video shows none.
        captions: match video.kind {
            "none" => Vec::new(),
            _ => captions::captions(lesson.transcript.cues())
                .into_iter()
                .map(|c| {
                    (
                        c.start_ms as f64 / 1000.0,
                        c.end_ms as f64 / 1000.0,
                        c.lines.join("\n"),
                    )
                })
                .collect(),
        },
        strings: i18n::script_strings(strings),
        cmi5: (runtime == Runtime::Cmi5).then(|| Cmi5Config {
            course: ids::cmi5_course(module),
            au: ids::cmi5_au(module, lesson),
            response: ids::cmi5_response(module, lesson),
        }),
    };
    // `</` inside a script element would end it early; JSON allows `<\/` for `</`.
    serde_json::to_string(&config)
        .expect("the page config serialises")
        .replace("</", "<\\/")
}

/// Milliseconds as seconds for `data-start`: `4`, `4.5`, `4.125`.
fn seconds(ms: u64) -> String {
    match ms % 1000 {
        0 => (ms / 1000).to_string(),
        frac => format!(
            "{}.{}",
            ms / 1000,
            format!("{frac:03}").trim_end_matches('0')
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn seconds_are_short() {
        assert_eq!(seconds(4000), "4");
        assert_eq!(seconds(4500), "4.5");
        assert_eq!(seconds(4125), "4.125");
        assert_eq!(seconds(4010), "4.01");
    }
}
