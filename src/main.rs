//! The `lessonpack` binary: parse arguments, run, print the error chain, exit 0, 1 or 2.

use clap::Parser;
use lessonpack::cli::{self, Cli, ExitStatus};
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run(Cli::parse()) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitStatus::Error.into()
        }
    }
}
