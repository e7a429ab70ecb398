//! Rendering: what the learner sees, made from the lesson model — lesson pages (Tera
//! templates), the stylesheet and scripts, captions, and the bundled media.
//!
//! [`render`] is the stage's entry point: it hands the manifest and package stages a
//! [`Rendered`] set of files and reads nothing from disk but the media it bundles (streamed
//! later by the package stage).

pub mod captions;
pub mod i18n;
pub(crate) mod markdown;
mod page;
pub mod theme;

use crate::diagnostic::Diagnostic;
use crate::model::{Asset, Module, VideoSource};
use crate::output::{OutputFile, Rendered};
use page::LessonPaths;
use rayon::prelude::*;
pub use theme::Theme;

/// The built-in page script.
const PAGE_SCRIPT: &str = include_str!("assets/lessonpack.js");
/// The built-in SCORM runtime.
const SCORM_SCRIPT: &str = include_str!("assets/scorm.js");
/// The built-in cmi5 runtime (xAPI client for the launching LMS).
const CMI5_SCRIPT: &str = include_str!("assets/cmi5.js");
/// The LTI runtime (completion reported to `lessonpack serve`).
const LTI_SCRIPT: &str = include_str!("assets/lti.js");

/// Which tracking the pages carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// SCORM 1.2 (`API`).
    Scorm12,
    /// SCORM 2004 (`API_1484_11`).
    Scorm2004,
    /// cmi5: xAPI statements and state to the LMS named in the launch URL.
    Cmi5,
    /// No LMS tracking: progress is kept in the browser only (web, Common Cartridge).
    Local,
    /// Hosted by `lessonpack serve`: progress in the browser, completion reported to the
    /// server, which posts it to the launching platform's gradebook (LTI AGS).
    Lti,
}

impl Runtime {
    /// The `standard` the page script is told.
    fn standard(self) -> &'static str {
        match self {
            Runtime::Scorm12 => "scorm12",
            Runtime::Scorm2004 => "scorm2004",
            Runtime::Cmi5 => "cmi5",
            Runtime::Local => "none",
            Runtime::Lti => "lti",
        }
    }

    /// Scripts the pages load, in order.
    fn scripts(self) -> Vec<&'static str> {
        match self {
            Runtime::Scorm12 | Runtime::Scorm2004 => vec!["scorm.js", "lessonpack.js"],
            Runtime::Cmi5 => vec!["cmi5.js", "lessonpack.js"],
            Runtime::Local => vec!["lessonpack.js"],
            Runtime::Lti => vec!["lti.js", "lessonpack.js"],
        }
    }
}

/// Templates compiled once, with the language's strings resolved.
pub struct Engine {
    tera: tera::Tera,
    strings: i18n::Strings,
    stylesheet: String,
}

impl Engine {
    /// The interface strings of the module's language (English where the table lacks one).
    pub fn strings(&self) -> &i18n::Strings {
        &self.strings
    }

    /// Compiles the theme's templates for a module in `language`.
    ///
    /// Errors are problems in the user's theme; warnings (a language without a strings table)
    /// are returned beside the engine.
    pub fn new(theme: &Theme, language: &str) -> Result<(Engine, Vec<Diagnostic>), Diagnostic> {
        let mut tera = tera::Tera::default();
        let templates: Vec<(&str, &str)> = theme
            .templates
            .iter()
            .map(|(n, (t, _))| (n.as_str(), t.as_str()))
            .collect();
        tera.add_raw_templates(templates)
            .map_err(|err| template_error(theme, &err))?;
        let mut warnings = Vec::new();
        let strings = i18n::for_language(language, &theme.strings).unwrap_or_else(|| {
            let primary = language.split('-').next().unwrap_or(language);
            warnings.push(
                Diagnostic::warning(format!("no interface strings for `{language}`; the pages use English labels"))
                    .with_help(format!("add `module/theme/strings/{primary}.toml` with the keys of the English table (see the README)")),
            );
            i18n::english()
        });
        Ok((
            Engine {
                tera,
                strings,
                stylesheet: theme.stylesheet.clone(),
            },
            warnings,
        ))
    }

    fn render(
        &self,
        template: &str,
        context: &impl serde::Serialize,
    ) -> Result<String, Diagnostic> {
        let context = tera::Context::from_serialize(context).map_err(|e| {
            Diagnostic::error(format!("cannot pass page data to `{template}`: {e}"))
        })?;
        self.tera.render(template, &context).map_err(|err| {
            Diagnostic::error(format!(
                "template `{template}` failed: {}",
                error_chain(&err)
            ))
            .with_help(
                "check the template in `module/theme/` against the variables the README lists",
            )
        })
    }
}

/// Renders every lesson of `module` for one runtime.
pub fn render(engine: &Engine, module: &Module, runtime: Runtime) -> Result<Rendered, Diagnostic> {
    let mut shared = vec![
        OutputFile::bytes("assets/lessonpack.css", engine.stylesheet.as_bytes()),
        OutputFile::bytes("assets/lessonpack.js", PAGE_SCRIPT),
    ];
    match runtime {
        Runtime::Scorm12 | Runtime::Scorm2004 => {
            shared.push(OutputFile::bytes("assets/scorm.js", SCORM_SCRIPT));
        }
        Runtime::Cmi5 => shared.push(OutputFile::bytes("assets/cmi5.js", CMI5_SCRIPT)),
        Runtime::Lti => shared.push(OutputFile::bytes("assets/lti.js", LTI_SCRIPT)),
        Runtime::Local => {}
    }
    shared.sort_by(|a, b| a.path.cmp(&b.path));
    // Lessons render independently; an indexed parallel collect keeps their order.
    let lessons = (0..module.lessons.len())
        .into_par_iter()
        .map(|index| {
            let (paths, mut files) = lesson_files(module, index);
            let page = page::lesson_page(module, index, &engine.strings, runtime, &paths);
            let html = engine.render("lesson.html", &page)?;
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files.insert(
                0,
                OutputFile::bytes(format!("{}index.html", paths.page_dir), html),
            );
            Ok(files)
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    Ok(Rendered { shared, lessons })
}

/// The web target's `index.html`: the module and a link to each lesson page.
pub fn index(engine: &Engine, module: &Module) -> Result<OutputFile, Diagnostic> {
    let page_dirs: Vec<String> = module.lessons.iter().map(|l| page_dir(&l.id)).collect();
    let page = page::index_page(module, &engine.strings, &page_dirs);
    Ok(OutputFile::bytes(
        "index.html",
        engine.render("index.html", &page)?,
    ))
}

/// The folder of a lesson's page (`lessons/<lesson id>/`) inside every package.
pub fn page_dir(lesson_id: &str) -> String {
    format!("lessons/{lesson_id}/")
}

/// A lesson's paths in the package and its files other than the page.
fn lesson_files(module: &Module, index: usize) -> (LessonPaths, Vec<OutputFile>) {
    let lesson = &module.lessons[index];
    let mut files = Vec::new();
    let media_dir = format!("media/{}/", lesson.id);
    let mut video = None;
    let mut poster = None;
    if let Some(v) = &lesson.video {
        if let VideoSource::Local(file) = &v.source {
            let path = format!("{media_dir}{}", safe_name(&file.relative));
            files.push(OutputFile::file(&path, &file.path));
            video = Some(path);
        }
        if let Some(Asset::Local(file)) = &v.poster {
            let mut path = format!("{media_dir}{}", safe_name(&file.relative));
            if video.as_ref() == Some(&path) {
                path = format!("{media_dir}poster-{}", safe_name(&file.relative));
            }
            files.push(OutputFile::file(&path, &file.path));
            poster = Some(path);
        }
    }
    // Captions go with a `<video>` track; iframe players show the transcript's cue instead.
    let plays_in_video_element = lesson.video.as_ref().is_some_and(|v| {
        matches!(
            v.source,
            VideoSource::Local(_) | VideoSource::File { .. } | VideoSource::Hls { .. }
        )
    });
    let captions = (plays_in_video_element && !lesson.transcript.cues().is_empty()).then(|| {
        let path = format!("captions/{}.vtt", lesson.id);
        let vtt = captions::to_webvtt(&captions::captions(lesson.transcript.cues()));
        files.push(OutputFile::bytes(&path, vtt));
        path
    });
    let paths = LessonPaths {
        page_dir: page_dir(&lesson.id),
        video,
        poster,
        captions,
    };
    (paths, files)
}

/// The file name of `relative`, reduced to characters every LMS accepts (`A–Z a–z 0–9 . _ -`).
fn safe_name(relative: &str) -> String {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim_start_matches(['.', '-']).to_string();
    if safe.is_empty() {
        "media".to_string()
    } else {
        safe
    }
}

fn template_error(theme: &Theme, err: &tera::Error) -> Diagnostic {
    let overridden: Vec<String> = theme
        .templates
        .values()
        .filter_map(|(_, path)| path.as_ref().map(|p| format!("`{}`", p.display())))
        .collect();
    let help = if overridden.is_empty() {
        "this is a bug in lessonpack's built-in templates; please report it".to_string()
    } else {
        format!("fix the template syntax in {}", overridden.join(", "))
    };
    Diagnostic::error(format!(
        "a theme template does not compile: {}",
        error_chain(err)
    ))
    .with_help(help)
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn media_names_are_safe() {
        assert_eq!(
            safe_name("media/My Lecture (final).mp4"),
            "My-Lecture--final-.mp4"
        );
        assert_eq!(safe_name("vidéo.webm"), "vid-o.webm");
        assert_eq!(safe_name(".hidden.mp4"), "hidden.mp4");
    }
}
