//! The theme: built-in templates, stylesheet and strings, each overridable by a same-named
//! file in `module/theme/` (`base.html`, `lesson.html`, `index.html`, `lessonpack.css`,
//! `strings/<language tag>.toml`), as zola and mdBook themes are.

use super::i18n::{self, Strings};
use crate::diagnostic::{Diagnostic, Report};
use crate::source::confined::Root;
use crate::source::limits::THEME_FILE_BYTES;
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Templates every page is made from, with their built-in text.
pub const TEMPLATES: [(&str, &str); 3] = [
    ("base.html", include_str!("templates/base.html")),
    ("lesson.html", include_str!("templates/lesson.html")),
    ("index.html", include_str!("templates/index.html")),
];

/// The built-in stylesheet.
pub const STYLESHEET: &str = include_str!("assets/lessonpack.css");

/// The folder inside the lesson source that holds overrides.
pub const THEME_DIR: &str = "theme";

/// Templates, stylesheet and string tables, after overrides.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Template name → (text, the file it came from when overridden).
    pub templates: BTreeMap<String, (String, Option<PathBuf>)>,
    /// The stylesheet.
    pub stylesheet: String,
    /// String tables from the theme, keyed by lowercase language tag.
    pub strings: BTreeMap<String, Strings>,
}

impl Theme {
    /// The built-in theme, no overrides.
    pub fn builtin() -> Self {
        Theme {
            templates: TEMPLATES
                .iter()
                .map(|(name, text)| (name.to_string(), (text.to_string(), None)))
                .collect(),
            stylesheet: STYLESHEET.to_string(),
            strings: BTreeMap::new(),
        }
    }

    /// The built-in theme with the overrides in `<module_dir>/theme/`, reporting unknown
    /// files and bad string tables into `report`.
    pub fn load(module_dir: &Path, report: &mut Report) -> anyhow::Result<Self> {
        let mut theme = Theme::builtin();
        let dir = module_dir.join(THEME_DIR);
        if !dir.is_dir() {
            return Ok(theme);
        }
        // Theme files are lesson source too: read only inside the lesson folder.
        let root = Root::new(module_dir)
            .with_context(|| format!("cannot read `{}`", module_dir.display()))?;
        for (name, path) in sorted_entries(&dir)? {
            if path.is_dir() && name == "strings" {
                theme.load_strings(&root, &path, report)?;
            } else if let Some(slot) = theme.templates.get_mut(&name) {
                if let Some(text) = read(&root, &path, report) {
                    *slot = (text, Some(path));
                }
            } else if name == "lessonpack.css" {
                if let Some(text) = read(&root, &path, report) {
                    theme.stylesheet = text;
                }
            } else {
                report.push(
                    Diagnostic::warning(format!("theme file `{}` is not used", path.display()))
                        .with_help("overridable names: `base.html`, `lesson.html`, `index.html`, `lessonpack.css`, `strings/<language tag>.toml`"),
                );
            }
        }
        Ok(theme)
    }

    fn load_strings(&mut self, root: &Root, dir: &Path, report: &mut Report) -> anyhow::Result<()> {
        let english = i18n::english();
        for (name, path) in sorted_entries(dir)? {
            let Some(tag) = name.strip_suffix(".toml") else {
                report.push(
                    Diagnostic::warning(format!("`{}` is not a strings table", path.display()))
                        .with_help("name string tables `<language tag>.toml`, e.g. `fr.toml` or `pt-BR.toml`"),
                );
                continue;
            };
            let Some(text) = read(root, &path, report) else {
                continue;
            };
            let table: BTreeMap<toml::Spanned<String>, String> = match toml::from_str(&text) {
                Ok(table) => table,
                Err(err) => {
                    report.push(
                        Diagnostic::error(format!("strings table: {}", err.message()))
                            .at(&path, err.span().unwrap_or(0..0))
                            .with_help("write one `key = \"text\"` line per string, as in the English table in the README"),
                    );
                    continue;
                }
            };
            let mut strings = Strings::new();
            for (key, value) in table {
                if english.contains_key(key.get_ref()) {
                    strings.insert(key.get_ref().clone(), value);
                } else {
                    let nearest = english
                        .keys()
                        .min_by_key(|k| strsim::damerau_levenshtein(k, key.get_ref()))
                        .cloned()
                        .unwrap_or_default();
                    report.push(
                        Diagnostic::error(format!("unknown string `{}`", key.get_ref()))
                            .at(&path, key.span())
                            .with_help(format!("did you mean `{nearest}`? the keys are those of the built-in English table")),
                    );
                }
            }
            self.strings.insert(tag.to_ascii_lowercase(), strings);
        }
        Ok(())
    }
}

fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut entries = Vec::new();
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?
    {
        let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            entries.push((name, entry.path()));
        }
    }
    entries.sort();
    Ok(entries)
}

/// The file as text, read inside the lesson folder; `None` after reporting why not.
fn read(root: &Root, path: &Path, report: &mut Report) -> Option<String> {
    let bytes = match root.read(path, THEME_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(refusal) => {
            let (message, help) = refusal.explain("theme file", &path.display().to_string());
            report.push(Diagnostic::error(message).with_help(help));
            return None;
        }
    };
    report.sources.insert(path, bytes.clone());
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            report.push(
                Diagnostic::error(format!("`{}` is not UTF-8 text", path.display()))
                    .at(path, at..at + 1)
                    .with_help("save the file as UTF-8"),
            );
            None
        }
    }
}
