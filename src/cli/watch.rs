//! `lessonpack watch [DIR]`: build, then rebuild on every change to the lesson source,
//! writing only the packages whose files changed; errors are shown and the watch goes on.

use super::build::BuildArgs;
use super::{ExitStatus, print_report};
use crate::build::{self, Target};
use crate::watch::Watcher;
use crate::watch::rebuild::{Layout, Outcome, Rebuilder, Step};

/// Builds, then watches until interrupted (Ctrl-C); returns only when the watch cannot go on.
pub fn run(args: BuildArgs) -> anyhow::Result<ExitStatus> {
    build::refuse_output_inside_source(&args.dir, &args.output)?;
    let targets = args.packages.targets();
    let layout = Layout::Packages(args.output.clone());
    let mut rebuilder = Rebuilder::new(&args.dir, layout, args.packages.options());
    // Watch first, so that a change made during the first build is not missed.
    let watcher = Watcher::new(&args.dir, std::slice::from_ref(&args.output))?;
    rebuild(&mut rebuilder, &targets, true);
    println!(
        "watching `{}` for changes; packages go to `{}` (Ctrl-C stops)",
        args.dir.display(),
        args.output.display()
    );
    while let Some(batch) = watcher.next() {
        match batch {
            Ok(_changes) => rebuild(&mut rebuilder, &targets, false),
            Err(err) => eprintln!("error: {err:#}"),
        }
    }
    anyhow::bail!("the file-system watcher stopped")
}

/// Rebuilds and prints the findings (stderr) and one line (stdout); never fails.
fn rebuild(rebuilder: &mut Rebuilder, targets: &[Target], first: bool) {
    match rebuilder.rebuild(targets) {
        Ok(outcome) => {
            let report = match &outcome {
                Outcome::Failed(report) | Outcome::Built { report, .. } => report,
            };
            print_report(report);
            if let Outcome::Built { targets, .. } = &outcome {
                for t in targets {
                    match &t.step {
                        Step::Failed(err) => eprintln!("error: {err:#}"),
                        Step::Written { files, bytes, .. } if first => println!(
                            "wrote {} ({}, {files} files)",
                            t.path.display(),
                            crate::output::human_size(*bytes)
                        ),
                        _ => {}
                    }
                }
            }
            println!("{} {}", super::clock(), outcome.summary());
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            println!(
                "{} build failed; the packages stay as they were",
                super::clock()
            );
        }
    }
}
