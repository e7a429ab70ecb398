//! `lessonpack import`: turns a saved course-step page into a lesson source folder.

use crate::cli::ExitStatus;
use crate::diagnostic::LineIndex;
use crate::source::import::{self, ImportedPage};
use crate::source::{names, scaffold};
use anyhow::Context as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Turn a saved course-step page (text with "Skip to" transcript paragraphs) into a lesson
/// source folder: module.toml, transcript.txt and discussion.md.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The page, saved as UTF-8 text.
    #[arg(value_name = "PAGE.txt")]
    pub page: PathBuf,
    /// The folder to create [default: the page's file name without extension].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Module id, the root of every identifier in the packages: lowercase letters, digits and
    /// hyphens, starting with a letter [default: made from the folder name].
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Id of the lesson.
    #[arg(long, value_name = "ID", default_value = "lesson-1")]
    pub lesson_id: String,
    /// BCP 47 language tag of the content, e.g. `en-GB`.
    #[arg(long, value_name = "TAG", default_value = "en")]
    pub language: String,
    /// Replace the folder if it exists and is not empty.
    #[arg(long)]
    pub force: bool,
    /// Also list the lines of site chrome that were left out.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Runs `lessonpack import`.
pub fn run(args: ImportArgs) -> anyhow::Result<ExitStatus> {
    if let Some(id) = &args.id {
        check_id("--id", id)?;
    }
    check_id("--lesson-id", &args.lesson_id)?;
    check_language(&args.language)?;

    let shown = args.page.display();
    // A saved page is a few hundred KB; a pipe or a device would never end.
    let meta = fs::metadata(&args.page).with_context(|| format!("could not read `{shown}`"))?;
    anyhow::ensure!(
        meta.is_file(),
        "`{shown}` is not a regular file; give the saved page's file"
    );
    let limit = crate::source::limits::TRANSCRIPT_BYTES;
    let mut bytes = Vec::new();
    fs::File::open(&args.page)
        .and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, limit + 1), &mut bytes)
        })
        .with_context(|| format!("could not read `{shown}`"))?;
    anyhow::ensure!(
        bytes.len() as u64 <= limit,
        "`{shown}` is larger than {}, more than any course page; give the saved page of one step",
        crate::output::human_size(limit)
    );
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(err) => {
            let (line, col) = LineIndex::new(&bytes).line_col(&bytes, err.valid_up_to());
            eprintln!(
                "error: `{shown}` is not UTF-8 text: invalid byte at line {line}, column {col}"
            );
            eprintln!("  = help: save the page again as UTF-8 text");
            return Ok(ExitStatus::Failure);
        }
    };

    let dir = match &args.output {
        Some(dir) => dir.clone(),
        None => default_dir(&args.page)?,
    };
    let id = match &args.id {
        Some(id) => id.clone(),
        None => scaffold::id_for_dir(&dir).with_context(|| {
            format!(
                "cannot make a module id from the folder name `{}`; use `--id`",
                dir.display()
            )
        })?,
    };

    let page = import::read_page(text);
    report(&args, &page);
    if page.transcript.is_empty() {
        eprintln!("error: found no transcript text in `{shown}`");
        eprintln!(
            "  = help: a video step's transcript paragraphs start with \"Skip to\"; or start \
             from `lessonpack init` and paste the text into transcript.txt"
        );
        return Ok(ExitStatus::Failure);
    }

    let mut s = import::to_scaffold(&page, &id);
    s.language = args.language.clone();
    for lesson in &mut s.lessons {
        lesson.id = args.lesson_id.clone();
    }
    let written = scaffold::write(&dir, &s, args.force)?;
    eprintln!("wrote:");
    for path in &written {
        eprintln!("  {}", path.display());
    }
    eprintln!(
        "next: add the video to `{}`, then run `lessonpack check {}`",
        dir.join("module.toml").display(),
        dir.display()
    );
    Ok(ExitStatus::Success)
}

/// The page's file stem, as a folder in the current directory.
fn default_dir(page: &Path) -> anyhow::Result<PathBuf> {
    let stem = page
        .file_stem()
        .filter(|s| !s.is_empty())
        .with_context(|| {
            format!(
                "cannot name a folder after `{}`; use `-o DIR`",
                page.display()
            )
        })?;
    let dir = PathBuf::from(stem);
    anyhow::ensure!(
        dir != page,
        "the folder would have the page's own name `{}`; use `-o DIR`",
        page.display()
    );
    Ok(dir)
}

/// Refuses an id that is not `[a-z][a-z0-9-]*` (a usage error, exit 2).
pub(crate) fn check_id(flag: &str, id: &str) -> anyhow::Result<()> {
    match names::id_problem(id) {
        Some(problem) => anyhow::bail!(
            "`{flag}`: {problem}; use lowercase ASCII letters, digits and single hyphens, starting with a letter"
        ),
        None => Ok(()),
    }
}

/// Refuses a language that is not a well-formed BCP 47 tag (`en`, `en-GB`, `zh-Hans-CN`).
fn check_language(tag: &str) -> anyhow::Result<()> {
    match names::language_problem(tag) {
        Some(problem) => anyhow::bail!("`--language`: {problem}"),
        None => Ok(()),
    }
}

/// What was found, on stderr: one line per item, then every paragraph that was left out.
fn report(args: &ImportArgs, page: &ImportedPage) {
    let found = |v: &Option<String>| v.clone().unwrap_or_else(|| "not found".to_owned());
    eprintln!("read `{}`:", args.page.display());
    eprintln!("  course:     {}", found(&page.course));
    eprintln!("  provider:   {}", found(&page.provider));
    let title = match (&page.title, &page.course) {
        (Some(t), _) => t.clone(),
        (None, Some(c)) => format!("not found (using the course title `{c}`)"),
        (None, None) => "not found (using `Untitled lesson`)".to_owned(),
    };
    eprintln!("  title:      {title}");
    eprintln!("  presenter:  {}", found(&page.presenter));
    eprintln!("  summary:    {}", yes_no(page.summary.is_some()));
    let n = page.transcript.len();
    let plural = if n == 1 { "paragraph" } else { "paragraphs" };
    if page.has_markers() {
        let first = import::marker(&page.transcript[0]);
        let last = import::marker(&page.transcript[n - 1]);
        eprintln!("  transcript: {n} {plural}, from `{first}` to `{last}`");
    } else {
        eprintln!("  transcript: {n} {plural} of page text, untimed");
    }
    eprintln!("  prompt:     {}", yes_no(page.discussion.is_some()));
    if !page.dropped.is_empty() {
        let n = page.dropped.len();
        let lines = if n == 1 { "line" } else { "lines" };
        if args.verbose {
            eprintln!("  left out:   {n} {lines} of site chrome");
            for l in &page.dropped {
                eprintln!("dropped line {}: {}", l.line, l.text);
            }
        } else {
            eprintln!("  left out:   {n} {lines} of site chrome (`--verbose` lists them)");
        }
    }
    for l in &page.unclassified {
        eprintln!(
            "warning: line {}: could not classify: «{}» (left out; add it by hand if it belongs)",
            l.line,
            preview(&l.text)
        );
    }
    if !page.has_markers() && !page.transcript.is_empty() {
        eprintln!(
            "warning: no \"Skip to\" paragraphs found; the page text was imported as an untimed \
             transcript (no captions); check transcript.txt"
        );
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The first 60 characters of `text` on one line, with `…` when cut.
fn preview(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = flat.chars();
    let head: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_cut_at_60_characters() {
        assert_eq!(preview("short\ntext"), "short text");
        let long = "é".repeat(61);
        assert_eq!(preview(&long), format!("{}…", "é".repeat(60)));
        assert_eq!(preview(&"x".repeat(60)), "x".repeat(60));
    }

    #[test]
    fn languages() {
        for ok in ["en", "en-GB", "zh-Hans-CN", "es-419"] {
            assert!(check_language(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "e",
            "en_GB",
            "en-",
            "toolongprimary",
            "en-toolongsubtag",
        ] {
            assert!(check_language(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn default_dirs() {
        assert_eq!(
            default_dir(Path::new("pages/lesson-page.txt")).unwrap(),
            PathBuf::from("lesson-page")
        );
        assert!(default_dir(Path::new("lesson")).is_err());
    }
}
