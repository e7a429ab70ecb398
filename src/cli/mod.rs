//! The command line: the `Cli` and its subcommands (one file each), and exit statuses.

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

/// Package a video lesson for every LMS.
#[derive(Debug, Parser)]
#[command(name = "lessonpack", version, about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {}
}
