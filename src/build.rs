//! The build pipeline for one target: render the pages, write the manifest, list the files
//! of the package. Writing them is the package stage's job.

use crate::diagnostic::Diagnostic;
use crate::manifest::{self, CcVersion, Edition};
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

fn flatten(rendered: Rendered) -> Vec<OutputFile> {
    let Rendered { shared, lessons } = rendered;
    shared
        .into_iter()
        .chain(lessons.into_iter().flatten())
        .collect()
}
