//! The completion scan (`LMS017`, `lms-import.md` §A 17): whether any `.js`, `.html`, `.xml`,
//! `.json` or `.txt` file of a SCORM package mentions the data-model element that reports
//! completion, as Open edX's `PackageScan` looks for it. Reads stay within a byte budget.

use crate::container::{Container, ContainerKind};
use crate::validate::detect::Format;

/// How many bytes the scan reads from the whole package at most.
pub(crate) const BUDGET: u64 = 64 * 1024 * 1024;
/// How many bytes of one file the scan reads at most (larger files are skipped).
pub(crate) const MAX_FILE: u64 = 16 * 1024 * 1024;
/// The extensions Open edX scans.
const EXTENSIONS: [&str; 5] = [".js", ".html", ".xml", ".json", ".txt"];

/// What the scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A file mentions one of the tokens.
    Found {
        /// The package path.
        file: String,
        /// The token found.
        token: &'static str,
    },
    /// Every scannable file was read and none mentions a token.
    NotFound {
        /// How many files were read.
        files: usize,
    },
    /// The budget ran out (or a file was too large or unreadable) before a token was found:
    /// no verdict.
    Undecided,
}

/// The tokens that count for `format`, or `None` when the format is not SCORM.
pub(crate) fn tokens(format: Format) -> Option<&'static [&'static str]> {
    match format {
        Format::Scorm12 => Some(&["lesson_status"]),
        Format::Scorm2004(_) => Some(&["completion_status", "progress_measure"]),
        _ => None,
    }
}

/// Scans the package; `None` for a bare manifest or a format without tokens.
pub(crate) fn scan(container: &mut Container, format: Format) -> Option<Scan> {
    let tokens = tokens(format)?;
    if container.kind == ContainerKind::File {
        return None;
    }
    let mut names: Vec<(String, u64)> = container
        .files()
        .filter(|e| !e.encrypted && !e.bad_name)
        .filter(|e| {
            let lower = e.name.to_ascii_lowercase();
            EXTENSIONS.iter().any(|x| lower.ends_with(x)) && lower != "imsmanifest.xml"
        })
        .map(|e| (e.name.clone(), e.size))
        .collect();
    // Scripts first: that is where the runtime calls live.
    names.sort_by_key(|(n, _)| !n.to_ascii_lowercase().ends_with(".js"));
    let mut spent = 0u64;
    let mut undecided = false;
    let mut files = 0;
    for (name, size) in names {
        if size > MAX_FILE || spent + size > BUDGET {
            undecided = true;
            continue;
        }
        let Ok(bytes) = container.read(&name, MAX_FILE) else {
            undecided = true;
            continue;
        };
        spent += bytes.len() as u64;
        files += 1;
        if let Some(token) = tokens
            .iter()
            .find(|t| bytes.windows(t.len()).any(|w| w == t.as_bytes()))
        {
            return Some(Scan::Found { file: name, token });
        }
    }
    Some(if undecided {
        Scan::Undecided
    } else {
        Scan::NotFound { files }
    })
}
