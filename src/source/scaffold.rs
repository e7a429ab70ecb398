//! Writing a new lesson source folder (`init`, `import`): `module.toml` and the files beside it.
//!
//! [`module_toml`] renders a commented `module.toml`; [`write`] puts it and the transcript and
//! discussion files into a folder, all at once: everything is written into a temporary sibling
//! folder first and renamed into place, so an interrupted run never leaves a half-written source.

use crate::model::Person;
use anyhow::{Context as _, bail};
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

/// Everything a new lesson source folder holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaffold {
    /// Module id (`[a-z][a-z0-9-]*`), the root of every identifier in the packages.
    pub id: String,
    /// Module title.
    pub title: String,
    /// BCP 47 language tag.
    pub language: String,
    /// Short description of the module.
    pub summary: Option<String>,
    /// The course the module belongs to.
    pub course: Option<String>,
    /// The institution or company that provides the course.
    pub provider: Option<String>,
    /// The people who present the lessons.
    pub presenters: Vec<Person>,
    /// The lessons, in order.
    pub lessons: Vec<ScaffoldLesson>,
}

/// One lesson of a [`Scaffold`], with the contents of its files.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaffoldLesson {
    /// Lesson id, unique in the module.
    pub id: String,
    /// Lesson title.
    pub title: String,
    /// Short description of the lesson.
    pub summary: Option<String>,
    /// Transcript file name, relative to the module folder.
    pub transcript_file: String,
    /// The transcript file's text.
    pub transcript: String,
    /// Discussion prompt file name, relative to the module folder.
    pub discussion_file: Option<String>,
    /// The discussion prompt file's text (Markdown).
    pub discussion: Option<String>,
}

const HEADER: &str = "\
# lessonpack lesson source: one module (one package) and its lessons.
# Check it with `lessonpack check <this folder>`.
#
# `id` is the root of every identifier in the packages (SCORM, Common Cartridge, cmi5, LTI).
# Choose it once and keep it after learners have used a package: an LMS takes a package with
# another id for a different course, and learners' progress and grades do not carry over.
";

const VIDEO_EXAMPLE: &str = "\
# The video: uncomment `[lessons.video]` and exactly one of `url`, `youtube`, `vimeo`, `file`.
# The page works without a video too: the transcript and the discussion prompt are still shown.
# [lessons.video]
# url = \"https://www.youtube.com/watch?v=…\"  # a YouTube or Vimeo page, or a .mp4, .webm or .m3u8 URL
# youtube = \"ID\"                              # a bare YouTube video id
# vimeo = \"ID\"                                # a bare Vimeo video id
# file = \"media/lesson.mp4\"                   # a video file in this folder, bundled into the package
# poster = \"media/poster.jpg\"                 # optional: an image shown before playback (URL or file)
# duration = \"4:31\"                           # optional: [h:]mm:ss, or a number of seconds
";

const COMPLETION: &str = "\
# The lesson counts as completed once this share of the video's seconds has been watched
# (1 to 100). Add `require-response = true` to also require a reply to the discussion prompt.
# Completion reports a full score (100 %) so LMSs that grade from the score do not show 0;
# add `score = false` to report completion alone.
[lessons.completion]
watched-percent = 90
";

/// Renders `module.toml` for `s`: a commented file that `source::module_toml` reads back.
pub fn module_toml(s: &Scaffold) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    key(&mut out, "id", &s.id);
    key(&mut out, "title", &s.title);
    let _ = writeln!(
        out,
        "language = {}  # BCP 47 tag, e.g. \"en-GB\"",
        toml_string(&s.language)
    );
    optional(
        &mut out,
        "summary",
        s.summary.as_deref(),
        "One or two sentences",
    );
    optional(&mut out, "course", s.course.as_deref(), "Course name");
    optional(
        &mut out,
        "provider",
        s.provider.as_deref(),
        "University or company",
    );
    match s.presenters.as_slice() {
        [] => out.push_str("# presenters = [{ name = \"Full Name\", role = \"Lecturer\" }]\n"),
        [one] => {
            let _ = writeln!(out, "presenters = [{}]", person(one));
        }
        many => {
            out.push_str("presenters = [\n");
            for p in many {
                let _ = writeln!(out, "    {},", person(p));
            }
            out.push_str("]\n");
        }
    }
    out.push_str("version = \"1.0\"\n");
    out.push_str("keywords = []\n");
    for lesson in &s.lessons {
        out.push_str("\n[[lessons]]\n");
        key(&mut out, "id", &lesson.id);
        key(&mut out, "title", &lesson.title);
        optional(
            &mut out,
            "summary",
            lesson.summary.as_deref(),
            "One or two sentences",
        );
        let _ = writeln!(
            out,
            "transcript = {}  # \"Skip to\" paragraphs, WebVTT (.vtt), SRT (.srt) or plain paragraphs",
            toml_string(&lesson.transcript_file)
        );
        match &lesson.discussion_file {
            Some(file) => {
                let _ = writeln!(
                    out,
                    "discussion = {}  # the discussion prompt, in Markdown",
                    toml_string(file)
                );
            }
            None => out.push_str(
                "# discussion = \"discussion.md\"  # the discussion prompt, in Markdown\n",
            ),
        }
        out.push('\n');
        out.push_str(VIDEO_EXAMPLE);
        out.push('\n');
        out.push_str(COMPLETION);
    }
    out
}

fn key(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "{name} = {}", toml_string(value));
}

fn optional(out: &mut String, name: &str, value: Option<&str>, placeholder: &str) {
    match value {
        Some(v) => key(out, name, v),
        None => {
            let _ = writeln!(out, "# {name} = {}", toml_string(placeholder));
        }
    }
}

fn person(p: &Person) -> String {
    match &p.role {
        Some(role) => format!(
            "{{ name = {}, role = {} }}",
            toml_string(&p.name),
            toml_string(role)
        ),
        None => format!("{{ name = {} }}", toml_string(&p.name)),
    }
}

/// A TOML basic string: quotes, backslashes and control characters escaped, the rest as is.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The default module id for a folder: the [`slug`] of its final name (`.` is resolved).
pub fn id_for_dir(dir: &Path) -> Option<String> {
    let target = target_path(dir).ok()?;
    crate::source::names::slug(&target.file_name()?.to_string_lossy())
}

/// Writes the lesson source `s` into `dir` and returns the files written.
///
/// Refuses a `dir` that exists and is not empty unless `force`; with `force`, replaces it only
/// when it is lesson source (holds a `module.toml`) and does not hold the current folder. The
/// files are written into `.{name}.tmp-lessonpack` beside `dir` and then renamed into place.
pub fn write(dir: &Path, s: &Scaffold, force: bool) -> anyhow::Result<Vec<PathBuf>> {
    let files = contents(s)?;
    let target = target_path(dir)?;
    let shown = dir.display();
    let existing = match fs::symlink_metadata(&target) {
        Ok(meta) if meta.is_dir() => Some(
            fs::read_dir(&target)
                .with_context(|| format!("could not read `{shown}`"))?
                .next()
                .is_none(),
        ),
        Ok(_) => bail!("`{shown}` exists and is not a folder; choose another output folder"),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(err).with_context(|| format!("could not read `{shown}`")),
    };
    if existing == Some(false) {
        if !force {
            bail!("`{shown}` already exists and is not empty; use `--force` to replace it");
        }
        if !target.join("module.toml").is_file() {
            bail!(
                "`{shown}` is not empty and holds no `module.toml`; `--force` replaces only \
                 lesson source folders, so choose another output folder"
            );
        }
        if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize)
            && let Ok(canonical) = fs::canonicalize(&target)
            && cwd.starts_with(&canonical)
        {
            bail!("`{shown}` holds the current folder and cannot be replaced; run from elsewhere");
        }
    }

    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .with_context(|| format!("`{shown}` has no folder name"))?
        .to_string_lossy()
        .into_owned();
    if !parent.as_os_str().is_empty() && !parent.is_dir() {
        fs::create_dir_all(parent)
            .with_context(|| format!("could not create `{}`", parent.display()))?;
    }
    let tmp = parent.join(format!(".{name}.tmp-lessonpack"));
    remove_if_present(&tmp)?;
    if let Err(err) = write_all(&tmp, &files) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(err);
    }

    match existing {
        None => fs::rename(&tmp, &target)
            .with_context(|| format!("could not move `{}` to `{shown}`", tmp.display()))?,
        Some(true) => {
            // An empty folder is kept (its permissions, and a shell that may be inside it); each
            // finished file is renamed into it.
            for (rel, _) in &files {
                let to = target.join(rel);
                if let Some(p) = to.parent() {
                    fs::create_dir_all(p)
                        .with_context(|| format!("could not create `{}`", p.display()))?;
                }
                fs::rename(tmp.join(rel), &to)
                    .with_context(|| format!("could not write `{}`", to.display()))?;
            }
            fs::remove_dir_all(&tmp)
                .with_context(|| format!("could not remove `{}`", tmp.display()))?;
        }
        Some(false) => {
            let old = parent.join(format!(".{name}.old-lessonpack"));
            remove_if_present(&old)?;
            fs::rename(&target, &old)
                .with_context(|| format!("could not move the old `{shown}` aside"))?;
            if let Err(err) = fs::rename(&tmp, &target) {
                let _ = fs::rename(&old, &target);
                return Err(err)
                    .with_context(|| format!("could not move `{}` to `{shown}`", tmp.display()));
            }
            fs::remove_dir_all(&old).with_context(|| {
                format!(
                    "wrote `{shown}` but could not remove the old copy at `{}`",
                    old.display()
                )
            })?;
        }
    }
    Ok(files.iter().map(|(rel, _)| dir.join(rel)).collect())
}

/// The files of `s`, each a relative path and its text ending with a newline.
fn contents(s: &Scaffold) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut files = vec![(PathBuf::from("module.toml"), module_toml(s))];
    for lesson in &s.lessons {
        files.push((
            relative(&lesson.transcript_file)?,
            with_newline(&lesson.transcript),
        ));
        if let Some(file) = &lesson.discussion_file {
            let text = lesson.discussion.as_deref().unwrap_or_default();
            files.push((relative(file)?, with_newline(text)));
        }
    }
    for (i, (path, _)) in files.iter().enumerate() {
        if files[..i].iter().any(|(p, _)| p == path) {
            bail!("`{}` would be written twice", path.display());
        }
    }
    Ok(files)
}

fn relative(file: &str) -> anyhow::Result<PathBuf> {
    let path = PathBuf::from(file);
    if file.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("`{file}` is not a plain relative file name");
    }
    Ok(path)
}

fn with_newline(text: &str) -> String {
    let mut text = text.trim_end_matches(['\n', '\r']).to_owned();
    text.push('\n');
    text
}

/// `dir` with a final folder name: `.`, `..` and the like are resolved to the real folder.
fn target_path(dir: &Path) -> anyhow::Result<PathBuf> {
    if matches!(dir.components().next_back(), Some(Component::Normal(_))) {
        return Ok(dir.to_path_buf());
    }
    fs::canonicalize(dir).with_context(|| format!("could not find `{}`", dir.display()))
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => return Ok(()),
    }
    .with_context(|| format!("could not remove the stale `{}`", path.display()))
}

fn write_all(tmp: &Path, files: &[(PathBuf, String)]) -> anyhow::Result<()> {
    fs::create_dir(tmp).with_context(|| format!("could not create `{}`", tmp.display()))?;
    for (rel, text) in files {
        let path = tmp.join(rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).with_context(|| format!("could not create `{}`", p.display()))?;
        }
        let mut file = fs::File::create(&path)
            .with_context(|| format!("could not create `{}`", path.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("could not write `{}`", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::module_toml::ModuleToml;

    fn sample() -> Scaffold {
        Scaffold {
            id: "digital-leadership".into(),
            title: "The \"Internet Plus\" plan: C:\\path, Zürich, 中国\ttab".into(),
            language: "en-GB".into(),
            summary: Some("Line one.\nLine two with a \u{7} bell.".into()),
            course: Some("Digital Leadership: Creating Value Through Technology".into()),
            provider: Some("University of Reading".into()),
            presenters: vec![
                Person {
                    name: "Vicky Weizi Li".into(),
                    role: None,
                },
                Person {
                    name: "José \"Pepe\" Núñez".into(),
                    role: Some("Lecturer".into()),
                },
            ],
            lessons: vec![ScaffoldLesson {
                id: "lesson-1".into(),
                title: "An international perspective".into(),
                summary: None,
                transcript_file: "transcript.txt".into(),
                transcript: "Skip to 0 minutes and 4 seconds Hello.".into(),
                discussion_file: Some("discussion.md".into()),
                discussion: Some("What do you think?".into()),
            }],
        }
    }

    #[test]
    fn module_toml_round_trips() {
        let s = sample();
        let text = module_toml(&s);
        let parsed: ModuleToml = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(parsed.id.get_ref(), &s.id);
        assert_eq!(parsed.title.get_ref(), &s.title);
        assert_eq!(parsed.language.get_ref(), "en-GB");
        assert_eq!(parsed.summary, s.summary);
        assert_eq!(parsed.course, s.course);
        assert_eq!(parsed.provider, s.provider);
        let people: Vec<(String, Option<String>)> = parsed
            .presenters
            .iter()
            .map(|p| (p.name.get_ref().clone(), p.role.clone()))
            .collect();
        let expected: Vec<(String, Option<String>)> = s
            .presenters
            .iter()
            .map(|p| (p.name.clone(), p.role.clone()))
            .collect();
        assert_eq!(people, expected);
        assert_eq!(
            parsed.version.as_ref().map(|v| v.get_ref().as_str()),
            Some("1.0")
        );
        assert!(parsed.keywords.is_empty());
        let lessons = parsed.lessons.get_ref();
        assert_eq!(lessons.len(), 1);
        let l = &lessons[0];
        assert_eq!(l.id.get_ref(), "lesson-1");
        assert_eq!(l.title.get_ref(), "An international perspective");
        assert_eq!(l.summary, None);
        assert_eq!(l.transcript.get_ref(), "transcript.txt");
        assert_eq!(
            l.discussion.as_ref().map(|d| d.get_ref().as_str()),
            Some("discussion.md")
        );
        assert!(l.video.is_none());
        let completion = l.completion.as_ref().unwrap();
        assert_eq!(
            completion.watched_percent.as_ref().map(|p| *p.get_ref()),
            Some(90)
        );
    }

    #[test]
    fn module_toml_is_commented_and_ordered() {
        let text = module_toml(&sample());
        assert!(text.starts_with("# lessonpack lesson source"));
        assert!(text.contains("Choose it once and keep it"));
        assert!(text.contains("presenters = [\n    { name = \"Vicky Weizi Li\" },\n"));
        let order = [
            "\nid = ",
            "\ntitle = ",
            "\nlanguage = ",
            "\nsummary = ",
            "\ncourse = ",
            "\nprovider = ",
            "\npresenters = ",
            "\nversion = ",
            "\nkeywords = ",
            "\n[[lessons]]",
            "\n# [lessons.video]",
            "\n# youtube = ",
            "\n# vimeo = ",
            "\n# file = ",
            "\n# duration = \"4:31\"",
            "\n[lessons.completion]",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|k| {
                text.find(k)
                    .unwrap_or_else(|| panic!("{k:?} missing:\n{text}"))
            })
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    #[test]
    fn uncommenting_the_video_example_parses() {
        let text = module_toml(&sample())
            .replace("# [lessons.video]", "[lessons.video]")
            .replace("# youtube = \"ID\"", "youtube = \"ID\"");
        let parsed: ModuleToml = toml::from_str(&text).unwrap();
        let lesson = &parsed.lessons.get_ref()[0];
        let video = lesson.video.as_ref().unwrap().get_ref();
        assert_eq!(video.youtube.as_ref().unwrap().get_ref(), "ID");
        assert!(lesson.completion.is_some());
    }

    #[test]
    fn module_toml_without_optional_values_parses() {
        let mut s = sample();
        s.summary = None;
        s.course = None;
        s.provider = None;
        s.presenters.clear();
        s.lessons[0].discussion_file = None;
        let parsed: ModuleToml = toml::from_str(&module_toml(&s)).unwrap();
        assert!(parsed.summary.is_none() && parsed.course.is_none() && parsed.provider.is_none());
        assert!(parsed.presenters.is_empty());
        assert!(parsed.lessons.get_ref()[0].discussion.is_none());
    }

    #[test]
    fn toml_string_escapes() {
        assert_eq!(toml_string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    #[test]
    fn write_refuses_then_replaces_with_force() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("lesson");
        let written = write(&dir, &sample(), false).unwrap();
        assert_eq!(
            written,
            ["module.toml", "transcript.txt", "discussion.md"]
                .map(|f| dir.join(f))
                .to_vec()
        );
        assert_eq!(
            fs::read_to_string(dir.join("discussion.md")).unwrap(),
            "What do you think?\n"
        );
        fs::write(dir.join("extra.txt"), "keep").unwrap();

        let err = write(&dir, &sample(), false).unwrap_err().to_string();
        assert!(err.contains("use `--force` to replace it"), "{err}");
        assert!(dir.join("extra.txt").exists());

        write(&dir, &sample(), true).unwrap();
        assert!(!dir.join("extra.txt").exists());
        assert!(dir.join("module.toml").exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["lesson"], "no temporary folders left behind");
    }

    #[test]
    fn write_fills_an_empty_folder_and_clears_a_stale_temporary_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("lesson");
        fs::create_dir(&dir).unwrap();
        let stale = tmp.path().join(".lesson.tmp-lessonpack");
        fs::create_dir(&stale).unwrap();
        fs::write(stale.join("junk"), "x").unwrap();
        write(&dir, &sample(), false).unwrap();
        assert!(dir.join("transcript.txt").is_file());
        assert!(!stale.exists());
    }

    #[test]
    fn force_replaces_only_lesson_source() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let err = write(tmp.path(), &sample(), true).unwrap_err().to_string();
        assert!(err.contains("holds no `module.toml`"), "{err}");
        assert!(tmp.path().join("notes.txt").exists());
    }
}
