//! `lessonpack build [DIR]`: load, render, write manifests, package every target atomically.

use super::{ExitStatus, print_report};
use crate::build::{self, Options, Project, Target};
use crate::diagnostic::Report;
use crate::manifest::{CcVersion, Edition};
use crate::output::human_size;
use crate::package;
use std::io::IsTerminal as _;
use std::path::PathBuf;

/// Arguments of `build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The lesson source folder (the one holding `module.toml`).
    #[arg(default_value = "module")]
    pub dir: PathBuf,
    /// Folder the packages are written to (never inside the lesson source folder).
    #[arg(short, long, value_name = "DIR", default_value = "dist")]
    pub output: PathBuf,
    /// Which packages, and their versions.
    #[command(flatten)]
    pub packages: PackageArgs,
}

/// The choice of targets and versions, shared by `build` and `watch`.
#[derive(Debug, clap::Args)]
pub struct PackageArgs {
    /// Targets to build, comma-separated [default: all].
    #[arg(long, value_delimiter = ',', value_enum, value_name = "TARGET")]
    pub target: Vec<TargetArg>,
    /// SCORM 2004 edition to write.
    #[arg(long, value_enum, default_value = "4th", value_name = "EDITION")]
    pub scorm2004_edition: EditionArg,
    /// Common Cartridge version to write (1.1 is the only one Moodle restores).
    #[arg(long, value_enum, default_value = "1.1", value_name = "VERSION")]
    pub cc_version: CcVersionArg,
}

impl PackageArgs {
    /// The chosen targets in build order, each once (every target when none was chosen).
    pub fn targets(&self) -> Vec<Target> {
        if self.target.is_empty() {
            return Target::ALL.to_vec();
        }
        let mut targets: Vec<Target> = self.target.iter().map(|t| t.target()).collect();
        targets.sort();
        targets.dedup();
        targets
    }

    /// The build options the flags ask for.
    pub fn options(&self) -> Options {
        Options {
            scorm2004_edition: match self.scorm2004_edition {
                EditionArg::Third => Edition::Third,
                EditionArg::Fourth => Edition::Fourth,
            },
            cc_version: match self.cc_version {
                CcVersionArg::V1_1 => CcVersion::V1_1,
                CcVersionArg::V1_3 => CcVersion::V1_3,
            },
            lti_pages: false,
        }
    }
}

/// `--target` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetArg {
    /// SCORM 1.2 (`<id>-scorm12.zip`).
    Scorm12,
    /// SCORM 2004 (`<id>-scorm2004.zip`).
    Scorm2004,
    /// IMS Common Cartridge (`<id>-cc.imscc`).
    Cc,
    /// cmi5 (`<id>-cmi5.zip`).
    Cmi5,
    /// The plain lesson folder (`<id>-web/`).
    Web,
}

impl TargetArg {
    /// The build target.
    pub fn target(self) -> Target {
        match self {
            TargetArg::Scorm12 => Target::Scorm12,
            TargetArg::Scorm2004 => Target::Scorm2004,
            TargetArg::Cc => Target::Cc,
            TargetArg::Cmi5 => Target::Cmi5,
            TargetArg::Web => Target::Web,
        }
    }
}

/// `--cc-version` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CcVersionArg {
    /// Common Cartridge 1.1 (Moodle course restore, Canvas).
    #[value(name = "1.1")]
    V1_1,
    /// Common Cartridge 1.3 (Canvas).
    #[value(name = "1.3")]
    V1_3,
}

/// `--scorm2004-edition` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EditionArg {
    /// SCORM 2004 3rd Edition.
    #[value(name = "3rd")]
    Third,
    /// SCORM 2004 4th Edition.
    #[value(name = "4th")]
    Fourth,
}

/// Builds the chosen targets; exit 1 when the source has errors.
pub fn run(args: BuildArgs) -> anyhow::Result<ExitStatus> {
    let (project, report) = Project::load(&args.dir)?;
    let Some(project) = project else {
        print_report(&report);
        return Ok(ExitStatus::Failure);
    };
    build::refuse_output_inside_source(&args.dir, &args.output)?;
    print_report(&report);
    let options = args.packages.options();
    for target in args.packages.targets() {
        let files = match project.files(target, &options) {
            Ok(files) => files,
            Err(err) => return Ok(failed(Report::default(), err)),
        };
        let dest = args.output.join(target.file_name(&project.module));
        let bar = progress_bar(&files).filter(|_| !target.is_folder());
        let written = build::write(target, &dest, &files, &|p: package::Progress| {
            if let Some(bar) = &bar {
                bar.set_length(p.total);
                bar.set_position(p.done);
            }
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let written = written?;
        println!(
            "wrote {} ({}, {} files)",
            written.path.display(),
            human_size(written.bytes),
            written.files
        );
    }
    Ok(ExitStatus::Success)
}

fn failed(mut report: Report, err: crate::diagnostic::Diagnostic) -> ExitStatus {
    report.push(err);
    print_report(&report);
    ExitStatus::Failure
}

/// A progress bar on a terminal when the package bundles more than 50 MB of media.
fn progress_bar(files: &[crate::output::OutputFile]) -> Option<indicatif::ProgressBar> {
    let media: u64 = files
        .iter()
        .filter_map(|f| match &f.content {
            crate::output::Content::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            crate::output::Content::Bytes(_) => None,
        })
        .sum();
    if media < 50_000_000 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(media);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {wide_bar} {eta}")
            .expect("a valid progress template"),
    );
    Some(bar)
}
