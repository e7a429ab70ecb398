//! The command line: the `Cli` and its subcommands (one file each), and exit statuses.

pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod import;
pub mod init;
pub mod inspect;
#[cfg(feature = "lti")]
pub mod lti;
#[cfg(feature = "preview")]
pub mod preview;
#[cfg(feature = "lti")]
pub mod serve;
pub mod validate;
#[cfg(feature = "watch")]
pub mod watch;

use crate::diagnostic::{Report, Severity};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// How a command ended, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done, nothing wrong (warnings allowed).
    Success,
    /// 1: the input has errors; they were reported.
    Failure,
    /// 2: the tool could not do its job (unreadable path, usage, I/O).
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Package a video lesson (video, timed transcript, discussion prompt) for every LMS.
///
/// Exit status: 0 done, 1 the input has errors (reported with file:line:col),
/// 2 the tool could not run (bad usage, unreadable path, I/O failure).
#[derive(Debug, Parser)]
#[command(name = "lessonpack", version, about, long_about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a lesson source folder to start from.
    Init(init::InitArgs),
    /// Turn a saved course-step page into a lesson source folder.
    Import(import::ImportArgs),
    /// Load and validate a lesson source folder and print a summary.
    Check(check::CheckArgs),
    /// Build the packages (SCORM 1.2, SCORM 2004, Common Cartridge, cmi5, web folder) into `dist/`.
    Build(build::BuildArgs),
    /// Compare two versions of a package and say which learner records each LMS keeps.
    ///
    /// Exit status: 0 no LMS drops learner records (changes are fine), 1 replacing the old
    /// package with the new one would drop records in some LMS, 2 a package cannot be read.
    Diff(diff::DiffArgs),
    /// Build, then rebuild the packages on every change to the lesson source (Ctrl-C stops).
    ///
    /// Only packages whose files changed are written; the others keep their bytes and times.
    /// One line per rebuild, starting with the time of day (UTC). Editors' scratch files
    /// (`*.swp`, `*~`, `.#*`, `4913`, `*.tmp`), `.git/` and the output folder are ignored.
    /// Errors in the source are shown and the watch goes on.
    #[cfg(feature = "watch")]
    Watch(build::BuildArgs),
    /// Serve the lesson in an LMS-like page on 127.0.0.1, with a SCORM API call log and
    /// live reload (Ctrl-C stops).
    ///
    /// Builds into a temporary folder (removed on exit) and prints `preview: http://127.0.0.1:PORT/`.
    /// The page launches the lesson as an LMS does, against scorm-again's SCORM runtime, logs
    /// every API call with its arguments, return value and error code, and shows the CMI data.
    /// Every change to the source rebuilds and reloads the lesson, keeping the log.
    #[cfg(feature = "preview")]
    Preview(preview::PreviewArgs),
    /// Run the LTI 1.3 tool: the web build of each lesson source folder under `/lessons/`,
    /// launched from Moodle or Canvas (OIDC login, launch validation, Deep Linking, Dynamic
    /// Registration), with completion posted to the gradebook (Ctrl-C stops).
    ///
    /// Endpoints: `/lti/login`, `/lti/launch` (also the Deep Linking URL), `/lti/register`,
    /// `/lti/jwks`, `/lti/score`. Platforms come from `--config lti.toml` or Dynamic
    /// Registration (approved with `lessonpack lti approve`). Completion grades (1 of 1) are
    /// queued in the database and retried until the platform takes them.
    #[cfg(feature = "lti")]
    Serve(serve::ServeArgs),
    /// Administer the LTI tool: list, approve, suspend and remove platform registrations;
    /// rotate and list the tool's signing keys.
    ///
    /// Works on the database `serve` uses (`--config lti.toml`, or `lti.sqlite` in the
    /// working directory); a running `serve` sees every change at once.
    ///
    /// Exit status: 0 done, 1 no registration has the id given, 2 bad usage, an unreadable
    /// or invalid config, or no database.
    #[cfg(feature = "lti")]
    Lti(lti::LtiArgs),
    /// Check SCORM, Common Cartridge and cmi5 packages (any producer's) offline, per LMS.
    ///
    /// Every path is reported, an unreadable one too. `--allow`/`--warn`/`--deny` (and the
    /// same lists under `[validate]` in a `lessonpack.toml` in the current folder) change how
    /// a rule's findings count.
    ///
    /// Exit status: 0 no errors (warnings allowed unless `--deny warnings`), 1 errors found,
    /// 2 a path could not be read or bad usage (the worst of the paths given).
    Validate(validate::ValidateArgs),
    /// Explain a validation rule by code (`PKG002`), or list all rules.
    Explain(explain::ExplainArgs),
    /// Show a package's format, structure, the launch each LMS picks, and its files.
    Inspect(inspect::InspectArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Import(args) => import::run(args),
        Command::Check(args) => check::run(args),
        Command::Build(args) => build::run(args),
        Command::Diff(args) => diff::run(args),
        #[cfg(feature = "watch")]
        Command::Watch(args) => watch::run(args),
        #[cfg(feature = "preview")]
        Command::Preview(args) => preview::run(args),
        #[cfg(feature = "lti")]
        Command::Serve(args) => serve::run(args),
        #[cfg(feature = "lti")]
        Command::Lti(args) => lti::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Inspect(args) => inspect::run(args),
    }
}

/// Writes `text` to stdout. A reader that has gone away (`lessonpack validate … | head -1`:
/// a closed pipe, `EPIPE`) is not an error: the rest of the output is dropped quietly and the
/// command ends with its normal exit status, as `print!` would not (it panics).
///
/// # Errors
///
/// When stdout fails otherwise (a full disk behind a redirection).
pub fn out(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write to stdout"))
        }
        _ => Ok(()),
    }
}

/// Prints a report's findings and a count line to stderr (nothing when it is empty).
pub fn print_report(report: &Report) {
    if report.diagnostics.is_empty() {
        return;
    }
    eprint!("{}", report.render());
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    eprintln!(
        "{errors} error{}, {warnings} warning{}",
        plural(errors),
        plural(warnings)
    );
}

#[cfg(feature = "watch")]
/// The time of day in UTC, `HH:MM:SS`, for console lines only (never in any output).
pub(crate) fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day / 60 % 60, day % 60)
}
