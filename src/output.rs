//! Files of a package before they are written: a package-relative path and where the bytes
//! come from. Render and manifest stages make them; the package stage writes them.

use std::path::PathBuf;

/// One file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the package: forward slashes, no leading `/`, no `..`, ASCII.
    pub path: String,
    /// The content.
    pub content: Content,
}

/// Where a file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Generated text or embedded bytes, compressed in the package.
    Bytes(Vec<u8>),
    /// A file on disk (bundled media), streamed and stored without re-compression.
    File(PathBuf),
}

impl OutputFile {
    /// A generated file.
    pub fn bytes(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            content: Content::Bytes(bytes.into()),
        }
    }

    /// A file copied from disk.
    pub fn file(path: impl Into<String>, source: impl Into<PathBuf>) -> Self {
        OutputFile {
            path: path.into(),
            content: Content::File(source.into()),
        }
    }
}

/// What the render stage made for one target: shared files and each lesson's own files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    /// Files every lesson uses (stylesheet, scripts), sorted by path.
    pub shared: Vec<OutputFile>,
    /// Per lesson, in module order: its files, the launch page first, the rest sorted by path.
    pub lessons: Vec<Vec<OutputFile>>,
}

/// A size for people: `812 B`, `12.3 KiB`, `4.5 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
