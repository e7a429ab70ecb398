//! The build pipeline for one target: render the pages, write the manifest, list the files
//! of the package, and hand them to the package stage.
//!
//! `build`, `watch` and `preview` share it: [`Project::load`] reads a lesson source and
//! compiles its theme, [`package_files`] lists one target's files, [`write()`] writes them.

use crate::diagnostic::{Diagnostic, Report};
use crate::manifest::{self, CcVersion, Edition};
use crate::model::Module;
use crate::output::{OutputFile, Rendered};
use crate::package::{self, Progress, Written};
use crate::render::{self, Engine, Runtime, Theme};
use crate::source;
use anyhow::Context as _;
use std::path::Path;

/// A kind of package the tool writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// SCORM 1.2 zip.
    Scorm12,
    /// SCORM 2004 zip (4th edition unless told otherwise).
    Scorm2004,
    /// IMS Common Cartridge (`.imscc`): pages, discussion topics, web links, LTI links.
    Cc,
    /// cmi5 zip: `cmi5.xml` and the pages with the xAPI runtime.
    Cmi5,
    /// The plain lesson folder for any static host (and the LTI tool mode).
    Web,
}

impl Target {
    /// Every target, in build order.
    pub const ALL: [Target; 5] = [
        Target::Scorm12,
        Target::Scorm2004,
        Target::Cc,
        Target::Cmi5,
        Target::Web,
    ];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Target::Scorm12 => "scorm12",
            Target::Scorm2004 => "scorm2004",
            Target::Cc => "cc",
            Target::Cmi5 => "cmi5",
            Target::Web => "web",
        }
    }

    /// The target named `name` (as [`Target::name`] spells it).
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether the target is written as a folder rather than a zip archive.
    pub fn is_folder(self) -> bool {
        self == Target::Web
    }

    /// The package file (or folder) name for a module.
    pub fn file_name(self, module: &Module) -> String {
        match self {
            Target::Web => format!("{}-{}", module.id, self.name()),
            Target::Cc => format!("{}-{}.imscc", module.id, self.name()),
            _ => format!("{}-{}.zip", module.id, self.name()),
        }
    }
}

/// Settings that change what a target writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// SCORM 2004 edition.
    pub scorm2004_edition: Edition,
    /// Common Cartridge version.
    pub cc_version: CcVersion,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scorm2004_edition: Edition::Fourth,
            cc_version: CcVersion::V1_1,
        }
    }
}

/// Every file of `target`'s package for `module`, sorted by path.
pub fn package_files(
    target: Target,
    engine: &Engine,
    module: &Module,
    options: &Options,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut files = match target {
        Target::Scorm12 => {
            let rendered = render::render(engine, module, Runtime::Scorm12)?;
            let manifest = manifest::scorm12::write(module, &rendered);
            let mut files = manifest::schemas::scorm12();
            files.push(OutputFile::bytes(manifest::MANIFEST_PATH, manifest));
            files.extend(flatten(rendered));
            files
        }
        Target::Scorm2004 => {
            let edition = options.scorm2004_edition;
            let rendered = render::render(engine, module, Runtime::Scorm2004)?;
            let manifest = manifest::scorm2004::write(module, &rendered, edition);
            let mut files = manifest::schemas::scorm2004(edition);
            files.push(OutputFile::bytes(manifest::MANIFEST_PATH, manifest));
            files.extend(flatten(rendered));
            files
        }
        Target::Cc => {
            let rendered = render::render(engine, module, Runtime::Local)?;
            let mut files = manifest::cc::write(module, &rendered, options.cc_version);
            files.extend(flatten(rendered));
            files
        }
        Target::Cmi5 => {
            let rendered = render::render(engine, module, Runtime::Cmi5)?;
            let structure = manifest::cmi5::write(module, &rendered);
            let mut files = vec![OutputFile::bytes(
                manifest::cmi5::COURSE_STRUCTURE_PATH,
                structure,
            )];
            files.extend(flatten(rendered));
            files
        }
        Target::Web => {
            let mut files = flatten(render::render(engine, module, Runtime::Local)?);
            files.push(render::index(engine, module)?);
            files
        }
    };
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A lesson source loaded and ready to build: the lesson model and its compiled theme.
pub struct Project {
    /// The lesson model.
    pub module: Module,
    /// The theme's templates, compiled for the module's language.
    pub engine: Engine,
}

impl Project {
    /// Loads the lesson source in `dir` (`module.toml`, the files it names, `theme/`) and
    /// compiles its templates.
    ///
    /// Returns the project, `None` when the source has errors, beside every finding. `Err`
    /// means the folder could not be read at all.
    pub fn load(dir: &Path) -> anyhow::Result<(Option<Project>, Report)> {
        let loaded = source::load(dir)?;
        let mut report = loaded.report;
        let theme = Theme::load(dir, &mut report)?;
        let Some(module) = loaded.module.filter(|_| !report.has_errors()) else {
            return Ok((None, report));
        };
        match Engine::new(&theme, &module.language) {
            Ok((engine, warnings)) => {
                warnings.into_iter().for_each(|w| report.push(w));
                Ok((Some(Project { module, engine }), report))
            }
            Err(err) => {
                report.push(err);
                Ok((None, report))
            }
        }
    }

    /// Every file of `target`'s package (see [`package_files`]).
    pub fn files(&self, target: Target, options: &Options) -> Result<Vec<OutputFile>, Diagnostic> {
        package_files(target, &self.engine, &self.module, options)
    }
}

/// Writes one target's files at `dest` atomically: a folder for [`Target::is_folder`]
/// targets, a zip archive otherwise (`progress` is only called for archives).
pub fn write(
    target: Target,
    dest: &Path,
    files: &[OutputFile],
    progress: &dyn Fn(Progress),
) -> anyhow::Result<Written> {
    if target.is_folder() {
        package::write_dir(dest, files)
    } else {
        package::write_zip(dest, files, progress)
    }
    .with_context(|| format!("cannot write `{}`", dest.display()))
}

/// Refuses an output folder inside the lesson source folder: builds never write into the
/// source (and a watcher would see its own output as a change).
pub fn refuse_output_inside_source(source: &Path, output: &Path) -> anyhow::Result<()> {
    let source = std::fs::canonicalize(source)
        .with_context(|| format!("cannot read `{}`", source.display()))?;
    let mut probe = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir()?.join(output)
    };
    // The output folder may not exist yet: resolve its nearest existing ancestor.
    let mut rest = Vec::new();
    while !probe.exists() {
        match (probe.file_name(), probe.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                probe = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let resolved = rest
        .iter()
        .rev()
        .fold(std::fs::canonicalize(&probe)?, |p, n| p.join(n));
    anyhow::ensure!(
        !resolved.starts_with(&source),
        "the output folder `{}` is inside the lesson source folder `{}`; builds never write into the source: choose another `--output`",
        output.display(),
        source.display()
    );
    Ok(())
}

fn flatten(rendered: Rendered) -> Vec<OutputFile> {
    let Rendered { shared, lessons } = rendered;
    shared
        .into_iter()
        .chain(lessons.into_iter().flatten())
        .collect()
}
