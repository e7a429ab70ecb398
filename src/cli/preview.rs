//! `lessonpack preview [DIR]`: serve the lesson on 127.0.0.1 in an LMS-like page with a
//! SCORM API call log (for cmi5: a statement log, the preview being the LMS and LRS),
//! rebuilding and reloading on every change.

use super::ExitStatus;
use crate::build::Target;
use crate::preview::{self, Config};
use std::path::PathBuf;

/// Arguments of `preview`.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The lesson source folder (the one holding `module.toml`).
    #[arg(default_value = "module")]
    pub dir: PathBuf,
    /// The package to preview first (the page switches between them).
    #[arg(long, value_enum, default_value = "scorm2004", value_name = "TARGET")]
    pub target: PreviewTarget,
    /// Port on 127.0.0.1; 0 picks a free one (the address is printed either way).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub port: u16,
}

/// `--target` values of `preview`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PreviewTarget {
    /// SCORM 1.2: the page exposes `window.API`.
    Scorm12,
    /// SCORM 2004: the page exposes `window.API_1484_11`.
    Scorm2004,
    /// cmi5: the preview is the LMS and LRS (launch URL, fetch token, statements, State API).
    Cmi5,
    /// The plain web folder (no LMS API; progress kept in the browser).
    Web,
}

/// Runs the preview until it is stopped.
pub fn run(args: PreviewArgs) -> anyhow::Result<ExitStatus> {
    let target = match args.target {
        PreviewTarget::Scorm12 => Target::Scorm12,
        PreviewTarget::Scorm2004 => Target::Scorm2004,
        PreviewTarget::Cmi5 => Target::Cmi5,
        PreviewTarget::Web => Target::Web,
    };
    preview::run(Config {
        dir: args.dir,
        target,
        port: args.port,
    })?;
    Ok(ExitStatus::Success)
}
