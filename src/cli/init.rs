//! `lessonpack init`: writes a minimal, commented lesson source folder to start from.

use crate::cli::ExitStatus;
use crate::cli::import::check_id;
use crate::source::scaffold::{self, Scaffold, ScaffoldLesson};
use anyhow::Context as _;
use std::path::PathBuf;

/// Create a lesson source folder to start from: a commented module.toml, an example
/// transcript.txt and an example discussion.md.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create.
    #[arg(value_name = "DIR", default_value = "module")]
    pub dir: PathBuf,
    /// Module id, the root of every identifier in the packages: lowercase letters, digits and
    /// hyphens, starting with a letter [default: made from the folder name].
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Replace the folder if it exists and is not empty.
    #[arg(long)]
    pub force: bool,
}

const TRANSCRIPT: &str = "\
Skip to 0 minutes and 0 seconds Replace these paragraphs with the video's transcript. Each \
paragraph starts with the time in the video where it begins, in the words course pages use, \
as this one and the next do.

Skip to 0 minutes and 12 seconds Leave a blank line between paragraphs. A WebVTT (.vtt) or \
SubRip (.srt) file works too: name it as the transcript in module.toml.
";

const DISCUSSION: &str = "\
Replace this with the discussion prompt, in Markdown. For example: now that you have watched \
the video, which example was closest to your own work, and why? Share it in the comments below.
";

/// The scaffold `init` writes.
fn starter(id: String) -> Scaffold {
    Scaffold {
        id,
        title: "Untitled module".to_owned(),
        language: "en".to_owned(),
        summary: None,
        course: None,
        provider: None,
        presenters: Vec::new(),
        lessons: vec![ScaffoldLesson {
            id: "lesson-1".to_owned(),
            title: "Untitled lesson".to_owned(),
            summary: None,
            transcript_file: "transcript.txt".to_owned(),
            transcript: TRANSCRIPT.to_owned(),
            discussion_file: Some("discussion.md".to_owned()),
            discussion: Some(DISCUSSION.to_owned()),
        }],
    }
}

/// Runs `lessonpack init`.
pub fn run(args: InitArgs) -> anyhow::Result<ExitStatus> {
    let id = match args.id {
        Some(id) => {
            check_id("--id", &id)?;
            id
        }
        None => scaffold::id_for_dir(&args.dir).with_context(|| {
            format!(
                "cannot make a module id from the folder name `{}`; use `--id`",
                args.dir.display()
            )
        })?,
    };
    let written = scaffold::write(&args.dir, &starter(id), args.force)?;
    eprintln!("wrote:");
    for path in &written {
        eprintln!("  {}", path.display());
    }
    eprintln!(
        "next: edit `{}`, then run `lessonpack check {}`",
        args.dir.join("module.toml").display(),
        args.dir.display()
    );
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::module_toml::ModuleToml;

    #[test]
    fn the_starter_parses() {
        let text = scaffold::module_toml(&starter("module".to_owned()));
        let parsed: ModuleToml = toml::from_str(&text).unwrap();
        assert_eq!(parsed.title.get_ref(), "Untitled module");
        assert_eq!(parsed.lessons.get_ref()[0].id.get_ref(), "lesson-1");
    }

    #[test]
    fn the_example_transcript_has_two_skip_to_paragraphs() {
        let paras: Vec<&str> = TRANSCRIPT.trim_end().split("\n\n").collect();
        assert_eq!(paras.len(), 2);
        assert!(
            paras
                .iter()
                .all(|p| p.starts_with("Skip to 0 minutes and "))
        );
    }
}
