//! The build pipeline for one target: render the pages, write the manifest, list the files
//! of the package. Writing them is the package stage's job.

use crate::diagnostic::Diagnostic;
use crate::manifest::{self, Edition};
use crate::model::Module;
use crate::output::{OutputFile, Rendered};
use crate::render::{self, Engine, Runtime};

/// A kind of package the tool writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// SCORM 1.2 zip.
    Scorm12,
    /// SCORM 2004 zip (4th edition unless told otherwise).
    Scorm2004,
}

impl Target {
    /// Every target, in build order.
    pub const ALL: [Target; 2] = [Target::Scorm12, Target::Scorm2004];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Target::Scorm12 => "scorm12",
            Target::Scorm2004 => "scorm2004",
        }
    }

    /// The package file name for a module.
    pub fn file_name(self, module: &Module) -> String {
        format!("{}-{}.zip", module.id, self.name())
    }
}

/// Settings that change what a target writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// SCORM 2004 edition.
    pub scorm2004_edition: Edition,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scorm2004_edition: Edition::Fourth,
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
    let (rendered, manifest, schemas) = match target {
        Target::Scorm12 => {
            let rendered = render::render(engine, module, Runtime::Scorm12)?;
            let manifest = manifest::scorm12::write(module, &rendered);
            (rendered, manifest, manifest::schemas::scorm12())
        }
        Target::Scorm2004 => {
            let edition = options.scorm2004_edition;
            let rendered = render::render(engine, module, Runtime::Scorm2004)?;
            let manifest = manifest::scorm2004::write(module, &rendered, edition);
            (rendered, manifest, manifest::schemas::scorm2004(edition))
        }
    };
    let Rendered { shared, lessons } = rendered;
    let mut files: Vec<OutputFile> = shared
        .into_iter()
        .chain(lessons.into_iter().flatten())
        .collect();
    files.extend(schemas);
    files.push(OutputFile::bytes("imsmanifest.xml", manifest));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
