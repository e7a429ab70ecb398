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
use crate::validate;
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
    /// Web pages report completion to the `lessonpack serve` hosting them (LTI launches)
    /// instead of keeping it in the browser only.
    pub lti_pages: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scorm2004_edition: Edition::Fourth,
            cc_version: CcVersion::V1_1,
            lti_pages: false,
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
            let labels = manifest::cc::Labels::from_strings(engine.strings());
            let mut files = manifest::cc::write(module, &rendered, options.cc_version, &labels);
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
            let runtime = if options.lti_pages {
                Runtime::Lti
            } else {
                Runtime::Local
            };
            let mut files = flatten(render::render(engine, module, runtime)?);
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
///
/// Every package with a manifest passes [`gate`] first: an invalid one is never written.
pub fn write(
    target: Target,
    dest: &Path,
    files: &[OutputFile],
    progress: &dyn Fn(Progress),
) -> anyhow::Result<Written> {
    gate(target, dest, files)?;
    if target.is_folder() {
        package::write_dir(dest, files)
    } else {
        package::write_zip(dest, files, progress)
    }
    .with_context(|| format!("cannot write `{}`", dest.display()))
}

/// The validation gate: runs `validate`'s whole rule set (the same engine as
/// `lessonpack validate`) on `target`'s files in memory, before anything is written, and
/// refuses the package when any finding is an error. The web target has no manifest and
/// is not checked. Warnings pass.
///
/// The lesson source was checked when it loaded, so an invalid package is a bug in
/// lessonpack's writers, not in the input: the error says so and lists the findings (the CLI
/// exits 2). The schema sets compile once per process; a rebuild pays for one validation.
///
/// # Errors
///
/// When the package has error-severity findings.
pub fn gate(target: Target, dest: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    if target == Target::Web {
        return Ok(());
    }
    let validation = validate::validate_files(dest, files, &validate::Options::default());
    let mut errors = validation.report;
    errors
        .diagnostics
        .retain(|d| d.severity == crate::diagnostic::Severity::Error);
    if errors.diagnostics.is_empty() {
        return Ok(());
    }
    let n = errors.diagnostics.len();
    // Too large is the lesson's size, not a writer's mistake.
    if errors.diagnostics.iter().all(|d| d.code == Some("PKG012")) {
        anyhow::bail!(
            "the {} manifest would be too large for LMSs, so `{}` was not written: shorten \
             the longest texts in `module.toml` (keywords, summaries) or split the module \
             into several\n\n{}",
            target.name(),
            dest.display(),
            errors.render().trim_end()
        );
    }
    anyhow::bail!(
        "lessonpack wrote an invalid {} package, so `{}` was not written ({n} error{} from \
         the same checks as `lessonpack validate`); this is a bug in lessonpack, not in your \
         lesson: please report it with these findings\n\n{}",
        target.name(),
        dest.display(),
        if n == 1 { "" } else { "s" },
        errors.render().trim_end()
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Content;

    /// The sample lesson's SCORM 1.2 files.
    fn scorm12_files() -> Vec<OutputFile> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("module");
        let (project, report) = Project::load(&dir).unwrap();
        let project = project.unwrap_or_else(|| panic!("{}", report.render()));
        project.files(Target::Scorm12, &Options::default()).unwrap()
    }

    #[test]
    fn the_gate_refuses_a_dangling_identifierref_and_writes_nothing() {
        let mut files = scorm12_files();
        let manifest = files
            .iter_mut()
            .find(|f| f.path == manifest::MANIFEST_PATH)
            .unwrap();
        let Content::Bytes(bytes) = &mut manifest.content else {
            panic!("generated manifest")
        };
        let text = String::from_utf8(bytes.clone()).unwrap();
        let (head, tail) = text.split_once("identifierref=\"").unwrap();
        *bytes = format!("{head}identifierref=\"nowhere-{tail}").into_bytes();

        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("broken-scorm12.zip");
        let err = write(Target::Scorm12, &dest, &files, &|_| {}).unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("REF002"), "{message}");
        assert!(message.contains("please report it"), "{message}");
        assert!(!dest.exists());
        // Nothing was written at all: no temporary sibling either.
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }

    #[test]
    fn the_gate_passes_our_packages_and_skips_the_web_target() {
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("ok-scorm12.zip");
        write(Target::Scorm12, &dest, &scorm12_files(), &|_| {}).unwrap();
        assert!(dest.is_file());
        // The web target has no manifest: nothing to validate.
        let page = vec![OutputFile::bytes("index.html", "<p>hi</p>")];
        gate(Target::Web, &out.path().join("web"), &page).unwrap();
        // Any other target without a manifest is refused (PKG001).
        let err = gate(Target::Cmi5, &out.path().join("x.zip"), &page).unwrap_err();
        assert!(err.to_string().contains("PKG001"), "{err}");
    }
}
