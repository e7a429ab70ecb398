//! Files named in `module.toml`: resolved inside the module folder, read as UTF-8 text or
//! checked as media, each failure a diagnostic pointing at the key that named the file.

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

    /// Checks that `rel` names an existing file inside the module folder.
    ///
    /// Returns the path to open, the forward-slash relative name and the file's size, or
    /// reports why not.
    pub(crate) fn existing_file(
        &mut self,
        rel: &Spanned<String>,
        what: &str,
    ) -> Option<(PathBuf, String, u64)> {
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
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                self.error_at(
                    rel,
                    format!("{what} `{name}` is a folder, not a file"),
                    format!("name the file inside `{}`", path.display()),
                );
                None
            }
            Ok(meta) => Some((
                path,
                relative.trim_start_matches("./").to_string(),
                meta.len(),
            )),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                self.error_at(
                    rel,
                    format!("{what} `{name}` not found"),
                    format!(
                        "looked for `{}`; paths are relative to the folder holding `module.toml`",
                        path.display()
                    ),
                );
                None
            }
            Err(err) => {
                self.error_at(
                    rel,
                    format!("cannot read {what} `{name}`: {err}"),
                    "check the file's permissions",
                );
                None
            }
        }
    }

    /// Reads the file `rel` names as UTF-8 text, remembering it for diagnostics.
    ///
    /// Returns the path as shown in messages and the text.
    pub(crate) fn read_text(
        &mut self,
        rel: &Spanned<String>,
        what: &str,
    ) -> Option<(PathBuf, String)> {
        let (path, ..) = self.existing_file(rel, what)?;
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.error_at(
                    rel,
                    format!("cannot read {what} `{}`: {err}", rel.get_ref()),
                    "check the file's permissions",
                );
                return None;
            }
        };
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

    /// Checks a local file to bundle and measures it.
    pub(crate) fn local_file(&mut self, rel: &Spanned<String>, what: &str) -> Option<LocalFile> {
        let (path, relative, size) = self.existing_file(rel, what)?;
        if let Err(err) = std::fs::File::open(&path) {
            self.error_at(
                rel,
                format!("cannot open {what} `{}`: {err}", rel.get_ref()),
                "check the file's permissions",
            );
            return None;
        }
        Some(LocalFile {
            path,
            relative,
            size,
            kind: None,
        })
    }
}
