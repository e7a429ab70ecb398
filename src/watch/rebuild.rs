//! One rebuild after a change: load the source again, list every chosen target's files in
//! memory, and write only the targets whose files differ from the last build's.
//!
//! A target's [`Fingerprint`] is a SHA-256 over the tool's version and its files: each path,
//! the bytes of generated files, and the source path, size and modification time of bundled
//! media (never read here: a 1 GiB video costs one `stat`). Equal fingerprints mean equal
//! packages, because packages are byte-identical for identical input; so a skipped target's
//! output stays exactly as it was, down to its modification time.

use crate::build::{self, Options, Project, Target};
use crate::diagnostic::{Diagnostic, Report};
use crate::model::Module;
use crate::output::{Content, OutputFile};
use crate::package;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where a rebuild writes each target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// `<folder>/<module id>-<target>.zip` (a folder for the web target), as `build -o` writes.
    Packages(PathBuf),
    /// `<folder>/<target name>/`: every target as a plain folder (what `preview` serves).
    Folders(PathBuf),
}

impl Layout {
    /// The folder everything is written under.
    pub fn root(&self) -> &Path {
        match self {
            Layout::Packages(root) | Layout::Folders(root) => root,
        }
    }

    /// Where `target`'s package for `module` goes.
    pub fn dest(&self, target: Target, module: &Module) -> PathBuf {
        match self {
            Layout::Packages(root) => root.join(target.file_name(module)),
            Layout::Folders(root) => root.join(target.name()),
        }
    }
}

/// A digest of one target's files (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

/// The fingerprint of a package's files.
pub fn fingerprint(files: &[OutputFile]) -> Fingerprint {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    for file in files {
        field(file.path.as_bytes());
        match &file.content {
            Content::Bytes(bytes) => {
                field(b"bytes");
                field(bytes);
            }
            Content::File(source) => {
                field(b"file");
                field(source.as_os_str().as_encoded_bytes());
                let meta = std::fs::metadata(source).ok();
                let len = meta.as_ref().map_or(u64::MAX, |m| m.len());
                let modified = meta
                    .and_then(|m| m.modified().ok())
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(u128::MAX, |d| d.as_nanos());
                field(&len.to_le_bytes());
                field(&modified.to_le_bytes());
            }
        }
    }
    Fingerprint(hash.finalize().into())
}

/// What happened to one target in a rebuild.
#[derive(Debug)]
pub enum Step {
    /// Its files changed (or it was never written): written anew.
    Written {
        /// Files in the package.
        files: usize,
        /// Bytes written.
        bytes: u64,
        /// Time taken to list and write its files.
        took: Duration,
    },
    /// Same files as last time: not written, the output is untouched.
    Unchanged,
    /// It could not be written; the previous package is left as it was.
    Failed(anyhow::Error),
}

/// One target's result.
#[derive(Debug)]
pub struct TargetOutcome {
    /// The target.
    pub target: Target,
    /// Its package (zip file or folder).
    pub path: PathBuf,
    /// What happened.
    pub step: Step,
}

/// The result of a rebuild.
#[derive(Debug)]
pub enum Outcome {
    /// The source has errors (in the report): nothing was written, the last packages stay.
    Failed(Report),
    /// The source loaded; each target was written or left unchanged.
    Built {
        /// Warnings found while loading.
        report: Report,
        /// The lesson model that was built.
        module: Box<Module>,
        /// Per target, in build order.
        targets: Vec<TargetOutcome>,
    },
}

impl Outcome {
    /// One line for the console: `rebuilt scorm12 (0.21 s); scorm2004, cc, web unchanged`,
    /// or `build failed (2 errors); the packages stay as they were`.
    pub fn summary(&self) -> String {
        let targets = match self {
            Outcome::Failed(report) => {
                let n = report.count(crate::diagnostic::Severity::Error);
                let s = if n == 1 { "" } else { "s" };
                return format!("build failed ({n} error{s}); the packages stay as they were");
            }
            Outcome::Built { targets, .. } => targets,
        };
        let mut written = Vec::new();
        let mut unchanged = Vec::new();
        let mut failed = Vec::new();
        for t in targets {
            match &t.step {
                Step::Written { took, .. } => {
                    written.push(format!("{} ({:.2} s)", t.target.name(), took.as_secs_f64()))
                }
                Step::Unchanged => unchanged.push(t.target.name()),
                Step::Failed(_) => failed.push(t.target.name()),
            }
        }
        let mut parts = Vec::new();
        if !written.is_empty() {
            parts.push(format!("rebuilt {}", written.join(", ")));
        }
        if !unchanged.is_empty() {
            parts.push(format!("{} unchanged", unchanged.join(", ")));
        }
        if !failed.is_empty() {
            parts.push(format!("{} not written (error)", failed.join(", ")));
        }
        parts.join("; ")
    }
}

/// Rebuilds a lesson source again and again, remembering what each target last wrote.
#[derive(Debug)]
pub struct Rebuilder {
    dir: PathBuf,
    layout: Layout,
    options: Options,
    last: BTreeMap<Target, (PathBuf, Fingerprint)>,
}

impl Rebuilder {
    /// A rebuilder for the lesson source in `dir`, writing as `layout` says. Its first
    /// rebuild writes every target.
    pub fn new(dir: impl Into<PathBuf>, layout: Layout, options: Options) -> Self {
        Rebuilder {
            dir: dir.into(),
            layout,
            options,
            last: BTreeMap::new(),
        }
    }

    /// Where the rebuilder writes.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Loads the source and writes each of `targets` whose files changed since this
    /// rebuilder last wrote it (or whose output is gone).
    ///
    /// Every target's files are listed before any is written, so a template error writes
    /// nothing. `Err` means the source folder could not be read at all.
    pub fn rebuild(&mut self, targets: &[Target]) -> anyhow::Result<Outcome> {
        let (project, report) = Project::load(&self.dir)?;
        let Some(project) = project else {
            return Ok(Outcome::Failed(report));
        };
        let mut listed = Vec::with_capacity(targets.len());
        for &target in targets {
            let started = Instant::now();
            match project.files(target, &self.options) {
                Ok(files) => listed.push((target, files, started.elapsed())),
                Err(err) => return Ok(Outcome::Failed(with(report, err))),
            }
        }
        let mut outcomes = Vec::with_capacity(listed.len());
        for (target, files, listing) in listed {
            let started = Instant::now();
            let dest = self.layout.dest(target, &project.module);
            let print = fingerprint(&files);
            let same = self.last.get(&target) == Some(&(dest.clone(), print));
            let step = if same && dest.exists() {
                Step::Unchanged
            } else {
                self.last.remove(&target);
                match self.write(target, &dest, &files) {
                    Ok(written) => {
                        self.last.insert(target, (dest.clone(), print));
                        Step::Written {
                            files: written.files,
                            bytes: written.bytes,
                            took: listing + started.elapsed(),
                        }
                    }
                    Err(err) => Step::Failed(err),
                }
            };
            outcomes.push(TargetOutcome {
                target,
                path: dest,
                step,
            });
        }
        Ok(Outcome::Built {
            report,
            module: Box::new(project.module),
            targets: outcomes,
        })
    }

    fn write(
        &self,
        target: Target,
        dest: &Path,
        files: &[OutputFile],
    ) -> anyhow::Result<package::Written> {
        match self.layout {
            Layout::Packages(_) => build::write(target, dest, files, &|_| {}),
            Layout::Folders(_) => {
                build::gate(target, dest, files)?;
                package::write_dir(dest, files)
            }
        }
    }
}

fn with(mut report: Report, err: Diagnostic) -> Report {
    report.push(err);
    report
}

#[cfg(test)]
#[path = "rebuild_tests.rs"]
mod tests;
