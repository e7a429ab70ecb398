//! Loading: reads a lesson source folder (`module.toml` and the files it names) into the
//! lesson model, reporting every problem with file, line and column.
//!
//! [`load`] is the stage's one entry point. It never writes anything.

pub(crate) mod confined;
mod files;
pub mod import;
mod lesson_transcript;
pub mod limits;
pub mod module_toml;
pub mod names;
mod resolve;
pub mod scaffold;
pub(crate) mod toml_error;
pub mod transcript;
pub mod video;

pub use lesson_transcript::clock;

use crate::diagnostic::{Diagnostic, Report};
use crate::model::Module;
use anyhow::Context as _;
use files::Ctx;
use std::path::Path;

/// The file every lesson source folder holds.
pub const MODULE_FILE: &str = "module.toml";

/// What loading a lesson source gave: the model when there was no error, and every finding.
#[derive(Debug)]
pub struct Loaded {
    /// The lesson model; `None` when the report holds an error.
    pub module: Option<Module>,
    /// Errors and warnings, with the text of the files they point into.
    pub report: Report,
}

/// Loads the lesson source in `dir`.
///
/// Problems in the source are diagnostics in the returned report; `Err` means the folder
/// itself could not be read (it does not exist, is not a folder, or an I/O error).
pub fn load(dir: &Path) -> anyhow::Result<Loaded> {
    let meta = std::fs::metadata(dir)
        .with_context(|| format!("cannot read lesson source folder `{}`", dir.display()))?;
    anyhow::ensure!(
        meta.is_dir(),
        "`{}` is not a folder; give the folder that holds `{MODULE_FILE}`",
        dir.display()
    );
    let toml_path = dir.join(MODULE_FILE);
    let mut report = Report::default();
    let root = confined::Root::new(dir)
        .with_context(|| format!("cannot read lesson source folder `{}`", dir.display()))?;
    let bytes = match root.read(&toml_path, limits::MODULE_TOML_BYTES) {
        Ok(bytes) => bytes,
        Err(confined::Refusal::NotFound) => {
            report.push(
                Diagnostic::error(format!("no `{MODULE_FILE}` in `{}`", dir.display()))
                    .with_help(format!("give the folder that holds `{MODULE_FILE}`, or create one with `lessonpack init {}`", dir.display())),
            );
            return Ok(Loaded {
                module: None,
                report,
            });
        }
        Err(refusal) => {
            let (message, help) = refusal.explain("lesson source", MODULE_FILE);
            report.push(Diagnostic::error(message).with_help(help));
            return Ok(Loaded {
                module: None,
                report,
            });
        }
    };
    report.sources.insert(&toml_path, bytes.clone());
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            report.push(
                Diagnostic::error(format!("`{MODULE_FILE}` is not UTF-8 text"))
                    .at(&toml_path, at..at + 1)
                    .with_help("save the file as UTF-8"),
            );
            return Ok(Loaded {
                module: None,
                report,
            });
        }
    };
    let raw = match toml::from_str(&text) {
        Ok(raw) => raw,
        Err(err) => {
            report.push(toml_error::diagnostic(&err, &toml_path));
            return Ok(Loaded {
                module: None,
                report,
            });
        }
    };
    let mut ctx = Ctx {
        dir,
        toml_path,
        report: &mut report,
        root,
        text_bytes: 0,
    };
    let module = resolve::module(&mut ctx, raw);
    Ok(Loaded { module, report })
}
