//! From the `module.toml` mirror to the lesson model: every cross-field and file check.

use super::files::Ctx;
use super::limits;
use super::module_toml::{CompletionToml, DurationToml, LessonToml, ModuleToml, VideoToml};
use super::names::{id_problem, language_problem, slug};
use super::{lesson_transcript, video};
use crate::model::{Asset, Completion, Discussion, Lesson, Module, Person, Video, VideoSource};
use std::collections::BTreeMap;
use toml::Spanned;

/// Resolves the whole module; `None` when an error was reported.
pub(crate) fn module(ctx: &mut Ctx<'_>, raw: ModuleToml) -> Option<Module> {
    let errors_before = ctx.report.count(crate::diagnostic::Severity::Error);
    check_id(ctx, &raw.id, "module");
    if let Some(problem) = language_problem(raw.language.get_ref()) {
        let help = match raw.language.get_ref().replace('_', "-") {
            fixed if language_problem(&fixed).is_none() => format!("write `{fixed}`"),
            _ => "use a language tag such as `en`, `en-GB`, `zh-Hans` or `ar`".to_string(),
        };
        ctx.error_at(&raw.language, problem, help);
    }
    non_empty(ctx, &raw.title, "module title");
    let version = match &raw.version {
        Some(v) if v.get_ref().trim().is_empty() => {
            ctx.error_at(
                v,
                "version is empty".into(),
                "write a version such as `\"1.0\"`, or remove the key",
            );
            String::new()
        }
        Some(v) => v.get_ref().trim().to_string(),
        None => "1.0".to_string(),
    };
    let presenters = raw
        .presenters
        .iter()
        .filter(|p| non_empty(ctx, &p.name, "presenter name"))
        .map(|p| Person {
            name: p.name.get_ref().trim().to_string(),
            role: text(&p.role),
        })
        .collect();
    if raw.lessons.get_ref().is_empty() {
        ctx.error_at(
            &raw.lessons,
            "the module has no lessons".into(),
            "add a `[[lessons]]` table with `id`, `title` and `transcript`",
        );
    }
    if raw.lessons.get_ref().len() > limits::LESSONS {
        ctx.error_at(
            &raw.lessons,
            format!(
                "the module has {} lessons, more than the {} a module may have",
                raw.lessons.get_ref().len(),
                limits::LESSONS
            ),
            "split it into several modules (each builds its own packages)",
        );
        return None;
    }
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    let mut lessons = Vec::new();
    for lesson in raw.lessons.into_inner() {
        if seen.insert(lesson.id.get_ref().clone(), ()).is_some() {
            ctx.error_at(
                &lesson.id,
                format!("lesson id `{}` is used twice", lesson.id.get_ref()),
                "every lesson needs its own id; ids name the lesson's records in the LMS, so keep the published one",
            );
        }
        if let Some(resolved) = self::lesson(ctx, lesson) {
            lessons.push(resolved);
        }
    }
    let lti_launch_url = raw.lti.as_ref().and_then(|lti| {
        let url = lti.launch_url.get_ref().trim();
        let ok = url.strip_prefix("https://").is_some_and(|rest| rest.len() > 2 && !rest.contains(char::is_whitespace));
        if !ok {
            ctx.error_at(
                &lti.launch_url,
                format!("`{url}` is not an https launch URL"),
                "write the launch URL of `lessonpack serve` as LMSs see it, e.g. `https://lessons.example.org/lti/launch`; LTI 1.3 requires https",
            );
        }
        ok.then(|| url.to_string())
    });
    let keywords = raw
        .keywords
        .iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    if ctx.report.count(crate::diagnostic::Severity::Error) > errors_before {
        return None;
    }
    Some(Module {
        id: raw.id.into_inner(),
        title: raw.title.get_ref().trim().to_string(),
        language: raw.language.into_inner(),
        summary: text(&raw.summary),
        course: text(&raw.course),
        provider: text(&raw.provider),
        presenters,
        licence: text(&raw.licence),
        version,
        keywords,
        lti_launch_url,
        lessons,
    })
}

fn lesson(ctx: &mut Ctx<'_>, raw: LessonToml) -> Option<Lesson> {
    check_id(ctx, &raw.id, "lesson");
    non_empty(ctx, &raw.title, "lesson title");
    let video = raw.video.as_ref().and_then(|v| self::video(ctx, v));
    if raw.video.is_none() {
        ctx.warn_at(
            &raw.id,
            format!("lesson `{}` names no video", raw.id.get_ref()),
            "the page will show the transcript and the prompt only; add `[lessons.video]` with `url`, `youtube`, `vimeo` or `file`",
        );
    }
    let duration = video.as_ref().and_then(|v| v.duration_ms);
    let transcript = lesson_transcript::load(ctx, &raw, duration);
    let discussion = raw.discussion.as_ref().and_then(|file| {
        let (path, prompt) = ctx.read_text(file, "discussion prompt", limits::DISCUSSION_BYTES)?;
        if prompt.trim().is_empty() {
            ctx.report.push(
                crate::diagnostic::Diagnostic::error(format!(
                    "discussion prompt `{}` is empty",
                    file.get_ref()
                ))
                .at(path, 0..0)
                .with_help(
                    "write the question learners should answer, or remove the `discussion` key",
                ),
            );
            return None;
        }
        Some(Discussion {
            title: text(&raw.discussion_title),
            prompt_markdown: prompt.trim_start_matches('\u{feff}').trim().to_string(),
        })
    });
    let completion = completion(ctx, raw.completion.as_ref());
    if completion.require_response && raw.discussion.is_none() {
        ctx.error_at(
            &raw.id,
            format!(
                "lesson `{}` requires a response but has no discussion prompt",
                raw.id.get_ref()
            ),
            "add `discussion = \"discussion.md\"` or set `require-response = false`",
        );
    }
    Some(Lesson {
        id: raw.id.get_ref().clone(),
        title: raw.title.get_ref().trim().to_string(),
        summary: text(&raw.summary),
        video,
        transcript: transcript?,
        discussion,
        completion,
    })
}

fn video(ctx: &mut Ctx<'_>, raw: &Spanned<VideoToml>) -> Option<Video> {
    let v = raw.get_ref();
    let given: Vec<(&str, &Spanned<String>)> = [
        ("url", &v.url),
        ("youtube", &v.youtube),
        ("vimeo", &v.vimeo),
        ("file", &v.file),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.as_ref().map(|value| (key, value)))
    .collect();
    let source = match given.as_slice() {
        [] => {
            ctx.error_at(raw, "the video names no source".into(), "give exactly one of `url`, `youtube`, `vimeo` or `file`, or remove `[lessons.video]`");
            None
        }
        [(key, value)] => source(ctx, key, value),
        [_, (key, value), ..] => {
            ctx.error_at(
                *value,
                format!("`{key}` given as well as `{}`", given[0].0),
                "a video has one source: keep one of `url`, `youtube`, `vimeo` or `file`",
            );
            None
        }
    };
    let poster = v.poster.as_ref().and_then(|p| poster(ctx, p));
    let duration_ms = v.duration.as_ref().and_then(|d| duration(ctx, d));
    Some(Video {
        source: source?,
        poster,
        duration_ms,
    })
}

fn source(ctx: &mut Ctx<'_>, key: &str, value: &Spanned<String>) -> Option<VideoSource> {
    let raw = value.get_ref().trim();
    let parsed = match key {
        "url" => video::parse_url(raw),
        "youtube" => video::parse_youtube(raw),
        "vimeo" => video::parse_vimeo(raw),
        _ => return local_video(ctx, value),
    };
    match parsed {
        Ok(source) => {
            if raw.starts_with("http://") {
                ctx.warn_at(
                    value,
                    "the video address uses `http://`".into(),
                    "LMS pages are served over https and browsers block http media there; use `https://`",
                );
            }
            Some(source)
        }
        Err(err) => {
            ctx.error_at(value, err.message, err.help);
            None
        }
    }
}

fn local_video(ctx: &mut Ctx<'_>, value: &Spanned<String>) -> Option<VideoSource> {
    let raw = value.get_ref().trim();
    let Some(kind) = video::media_kind(raw) else {
        ctx.error_at(
            value,
            format!("`{raw}` is not an MP4 or WebM file"),
            "browsers play `.mp4` (H.264/AAC) and `.webm` files; convert the video to one of them",
        );
        return None;
    };
    let mut file = ctx.local_file(value, "video file")?;
    file.kind = Some(kind);
    Some(VideoSource::Local(file))
}

fn poster(ctx: &mut Ctx<'_>, value: &Spanned<String>) -> Option<Asset> {
    let raw = value.get_ref().trim();
    if raw.starts_with("https://") || raw.starts_with("http://") {
        return Some(Asset::Url(raw.to_string()));
    }
    let lower = raw.to_ascii_lowercase();
    let image = [".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif", ".svg"];
    if !image.iter().any(|ext| lower.ends_with(ext)) {
        ctx.error_at(value, format!("poster `{raw}` is not an image file"), "use a `.jpg`, `.png`, `.webp`, `.gif`, `.avif` or `.svg` file, or an `https://` address");
        return None;
    }
    ctx.local_file(value, "poster").map(Asset::Local)
}

/// `"4:31"`, `"1:02:03.5"` or `271` → milliseconds.
fn duration(ctx: &mut Ctx<'_>, value: &Spanned<DurationToml>) -> Option<u64> {
    let ms = match value.get_ref() {
        DurationToml::Seconds(s) if *s > 0 => {
            u64::try_from(*s).ok().and_then(|s| s.checked_mul(1000))
        }
        DurationToml::Seconds(_) => None,
        DurationToml::Clock(text) => clock_ms(text),
    };
    if ms.is_none() {
        ctx.error_at(
            value,
            "the duration is not a positive time".into(),
            "write `duration = \"m:ss\"`, `\"h:mm:ss\"` or a number of seconds, e.g. `\"4:31\"`",
        );
    }
    ms
}

fn clock_ms(text: &str) -> Option<u64> {
    let (clock, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.len() < 2
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut total: u64 = 0;
    for (i, part) in parts.iter().enumerate() {
        let n: u64 = part.parse().ok()?;
        if i > 0 && n >= 60 {
            return None;
        }
        total = total.checked_mul(60)?.checked_add(n)?;
    }
    let millis = match fraction {
        "" => 0,
        f if f.len() <= 3 && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<3}").parse().ok()?
        }
        _ => return None,
    };
    let ms = total.checked_mul(1000)?.checked_add(millis)?;
    (ms > 0).then_some(ms)
}

fn completion(ctx: &mut Ctx<'_>, raw: Option<&CompletionToml>) -> Completion {
    let mut rule = Completion::default();
    let Some(raw) = raw else { return rule };
    if let Some(percent) = &raw.watched_percent {
        match u8::try_from(*percent.get_ref()) {
            Ok(p) if (1..=100).contains(&p) => rule.watched_percent = p,
            _ => ctx.error_at(
                percent,
                format!(
                    "`watched-percent` is {}, outside 1 to 100",
                    percent.get_ref()
                ),
                "write a whole number from 1 to 100; 90 is usual",
            ),
        }
    }
    rule.require_response = raw.require_response.unwrap_or(false);
    rule.score = raw.score.unwrap_or(true);
    rule
}

fn check_id(ctx: &mut Ctx<'_>, id: &Spanned<String>, what: &str) {
    if let Some(problem) = id_problem(id.get_ref()) {
        let rule = "ids use lowercase letters, digits and single hyphens, starting with a letter";
        let help = match slug(id.get_ref()) {
            Some(suggestion) => format!("{what} {rule}, e.g. `{suggestion}`"),
            None => format!("{what} {rule}"),
        };
        ctx.error_at(id, format!("{what} {problem}"), help);
    }
}

fn non_empty(ctx: &mut Ctx<'_>, value: &Spanned<String>, what: &str) -> bool {
    let ok = !value.get_ref().trim().is_empty();
    if !ok {
        ctx.error_at(
            value,
            format!("{what} is empty"),
            format!("write the {what} between the quotes"),
        );
    }
    ok
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::clock_ms;

    #[test]
    fn clock_durations() {
        assert_eq!(clock_ms("4:31"), Some(271_000));
        assert_eq!(clock_ms("1:02:03.5"), Some(3_723_500));
        assert_eq!(clock_ms("0:00"), None);
        assert_eq!(clock_ms("4:61"), None);
        assert_eq!(clock_ms("four"), None);
        assert_eq!(clock_ms("271"), None);
    }
}
