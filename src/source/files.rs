//! Files named in `module.toml`: resolved inside the module folder (links followed, see
//! [`super::confined`]), bounded by [`super::limits`], read as UTF-8 text or checked as
//! media, each failure a diagnostic pointing at the key that named the file.

use super::confined::{Checked, Refusal, Root};
use super::limits;
use crate::diagnostic::{Diagnostic, Report};
use crate::model::LocalFile;
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

/// What the loader knows while it resolves one `module.toml`.
pub(crate) struct Ctx<'a> {
    /// The module folder, as the user named it.
    pub(crate) dir: &'a Path,
    /// `module.toml` inside it.
    pub(crate) toml_path: PathBuf,
    /// Where findings go.
    pub(crate) report: &'a mut Report,
    /// The module folder, resolved: every file read must be inside it.
    pub(crate) root: Root,
    /// Bytes of transcripts and prompts read so far (see [`limits::TEXT_BYTES`]).
    pub(crate) text_bytes: u64,
}

impl Ctx<'_> {
    /// An error pointing at a value of `module.toml`.
    pub(crate) fn error_at<T>(
        &mut self,
        value: &Spanned<T>,
        message: String,
        help: impl Into<String>,
    ) {
        self.push_at(Diagnostic::error(message), value, help.into());
    }

    /// A warning pointing at a value of `module.toml`.
    pub(crate) fn warn_at<T>(
        &mut self,
        value: &Spanned<T>,
        message: String,
        help: impl Into<String>,
    ) {
        self.push_at(Diagnostic::warning(message), value, help.into());
    }

    fn push_at<T>(&mut self, d: Diagnostic, value: &Spanned<T>, help: String) {
        let d = d.at(&self.toml_path, value.span()).with_help(help);
        self.report.push(d);
    }

    /// Checks that `rel` names a regular file inside the module folder (links followed), at
    /// most `limit` bytes.
    ///
    /// Returns the path to show in messages, the checked file to open and the forward-slash
    /// relative name, or reports why not.
    pub(crate) fn existing_file(
        &mut self,
        rel: &Spanned<String>,
        what: &str,
        limit: u64,
    ) -> Option<(PathBuf, Checked, String)> {
        let name = rel.get_ref().trim();
        if name.is_empty() {
            self.error_at(
                rel,
                format!("{what} path is empty"),
                "name a file relative to the folder holding `module.toml`",
            );
            return None;
        }
        let relative = name.replace('\\', "/");
        let inside = Path::new(&relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !inside {
            self.error_at(
                rel,
                format!("{what} `{name}` is outside the module folder"),
                "keep every file inside the folder holding `module.toml` and name it relative to that folder, without `..` or a leading `/`",
            );
            return None;
        }
        let path = self.dir.join(&relative);
        match self.root.check(&path, limit) {
            Ok(checked) => Some((path, checked, relative.trim_start_matches("./").to_string())),
            Err(refusal) => {
                let (message, help) = refusal.explain(what, name);
                let help = match refusal {
                    Refusal::NotFound => format!("looked for `{}`; {help}", path.display()),
                    _ => help,
                };
                self.error_at(rel, message, help);
                None
            }
        }
    }

    /// Reads the file `rel` names as UTF-8 text (at most `limit` bytes, and within what is
    /// left of the module's text budget), remembering it for diagnostics.
    ///
    /// Returns the path as shown in messages and the text.
    pub(crate) fn read_text(
        &mut self,
        rel: &Spanned<String>,
        what: &str,
        limit: u64,
    ) -> Option<(PathBuf, String)> {
        let (path, checked, _) = self.existing_file(rel, what, limit)?;
        if self.text_bytes + checked.size > limits::TEXT_BYTES {
            self.error_at(
                rel,
                format!(
                    "the transcripts and prompts of this module add up to more than {}",
                    crate::output::human_size(limits::TEXT_BYTES)
                ),
                "no real module comes near this limit: split the module, or check that each lesson names its own files",
            );
            return None;
        }
        let bytes = match self.root.read(&checked.path, limit) {
            Ok(bytes) => bytes,
            Err(refusal) => {
                let (message, help) = refusal.explain(what, rel.get_ref());
                self.error_at(rel, message, help);
                return None;
            }
        };
        self.text_bytes += bytes.len() as u64;
        self.report.sources.insert(&path, bytes.clone());
        match String::from_utf8(bytes) {
            Ok(text) => Some((path, text)),
            Err(err) => {
                let at = err.utf8_error().valid_up_to();
                self.report.push(
                    Diagnostic::error(format!("{what} `{}` is not UTF-8 text", rel.get_ref()))
                        .at(&path, at..at + 1)
                        .with_help("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")"),
                );
                None
            }
        }
    }

    /// Checks a local file to bundle and measures it: it is streamed into the package from
    /// its resolved path when the package is written.
    pub(crate) fn local_file(&mut self, rel: &Spanned<String>, what: &str) -> Option<LocalFile> {
        let (_, checked, relative) = self.existing_file(rel, what, limits::MEDIA_BYTES)?;
        if let Err(err) = std::fs::File::open(&checked.path) {
            self.error_at(
                rel,
                format!("cannot open {what} `{}`: {err}", rel.get_ref()),
                "check the file's permissions",
            );
            return None;
        }
        Some(LocalFile {
            path: checked.path,
            relative,
            size: checked.size,
            kind: None,
        })
    }
}
