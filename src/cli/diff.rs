//! `lessonpack diff OLD NEW`: what changed between two versions of a package, and which
//! learner records each LMS keeps when the new one replaces the old one.

use super::ExitStatus;
use crate::diff::{self, Outcome, report};
use std::path::PathBuf;

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The version learners have used: a `.zip`/`.imscc` package or an extracted folder.
    pub old: PathBuf,
    /// The version that would replace it.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human", value_name = "FORMAT")]
    pub format: FormatArg,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Grouped text: Structure, Files, Settings, Learner records.
    Human,
    /// One JSON document (`lessonpack-diff/1`, see the README).
    Json,
}

/// Compares the packages and prints the result; exit 1 when an upgrade would drop learner
/// records in some LMS.
pub fn run(args: DiffArgs) -> anyhow::Result<ExitStatus> {
    let old = diff::open(&args.old)?;
    let new = diff::open(&args.new)?;
    let result = diff::compare(&old, &new);
    match args.format {
        FormatArg::Json => super::out(&format!("{:#}\n", report::json(&result)))?,
        FormatArg::Human => {
            super::out(&report::human(&result))?;
            if result.drops_records() {
                eprint!("{}", conclusion(&result));
            }
        }
    }
    Ok(if result.drops_records() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The closing error and what to do, for a diff that drops records.
fn conclusion(result: &diff::Diff) -> String {
    let lost: Vec<&str> = result
        .records
        .iter()
        .filter(|v| v.outcome == Outcome::Lost)
        .map(|v| v.lms.label())
        .collect();
    let help = if result.format_changed {
        "keep the old format for learners who have started, or create a new activity for the new package"
    } else if lost.contains(&diff::Lms::Cmi5.label()) {
        "keep the course id and every AU id of a published course; change titles, not ids"
    } else {
        "keep item identifiers stable between versions and change only titles (with lessonpack: keep each lesson's `id` in `module.toml`)"
    };
    format!(
        "error: replacing `{}` with `{}` would drop learner records in {}\n  = help: {help}\n",
        result.old.path.display(),
        result.new.path.display(),
        lost.join(", ")
    )
}
