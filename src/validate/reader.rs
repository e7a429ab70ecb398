//! Opening what the user named — a `.zip`/`.imscc`, a folder, or a bare `imsmanifest.xml` /
//! `cmi5.xml` — through the shared [`Container`] reader (nothing extracted, every read
//! bounded), and finding the manifest the way the LMSs do (`lms-import.md` §A 1, §B).

use crate::container::{Container, ContainerKind};
use std::path::Path;

/// The largest manifest read, uncompressed (32 MiB): above it the manifest is not read at
/// all (`PKG012`), so a 100 MB manifest costs no memory; at the cap the tree takes a few
/// hundred MB at most (`benches/README.md`).
pub const MAX_MANIFEST: u64 = 32 * 1024 * 1024;
/// The largest cartridge topic/web link/LTI document (or any other XML document) read.
pub const MAX_INNER: u64 = 16 * 1024 * 1024;
/// The most bytes of XML documents besides the manifest read from one package (16 MiB, a
/// few seconds of reading): documents past it are reported as not checked (`XML008`), so a
/// package of a thousand highly compressed XML files costs bounded time. Real packages hold
/// far less (a Canvas export with a hundred quizzes: about 2 MB of QTI).
pub const MAX_DOCUMENTS: u64 = 16 * 1024 * 1024;

/// Where the manifest was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `imsmanifest.xml` or `cmi5.xml` at the root.
    Root(String),
    /// At the root, but named with other letter case (`IMSManifest.xml`).
    WrongCase(String),
    /// Only inside a folder (the first one in stored order, as Open edX takes it).
    Nested(String),
    /// The user named the manifest file itself.
    Bare(String),
    /// No manifest at all.
    Missing,
}

impl Placement {
    /// The entry to read, if any.
    pub fn name(&self) -> Option<&str> {
        match self {
            Placement::Root(n)
            | Placement::WrongCase(n)
            | Placement::Nested(n)
            | Placement::Bare(n) => Some(n),
            Placement::Missing => None,
        }
    }

    /// The folder (with a trailing `/`) manifest-relative paths resolve against.
    pub fn base(&self) -> &str {
        match self {
            Placement::Nested(n) => n.rfind('/').map_or("", |i| &n[..=i]),
            _ => "",
        }
    }
}

/// Opens `path`; a file that is not a zip archive and ends in `.xml` is a bare manifest.
///
/// # Errors
///
/// When the path cannot be read or is neither a folder, a zip archive nor an XML file.
pub fn open(path: &Path) -> anyhow::Result<Container> {
    let is_xml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    let bare = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|_| is_xml && path.is_file());
    Container::open(path, false, bare.as_deref())
}

/// Finds the manifest: `imsmanifest.xml`, else `cmi5.xml`, at the root; else either in any
/// letter case at the root; else the first one in a folder.
pub fn locate(container: &Container) -> Placement {
    if container.kind == ContainerKind::File {
        return container
            .files()
            .next()
            .map_or(Placement::Missing, |e| Placement::Bare(e.name.clone()));
    }
    const NAMES: [&str; 2] = ["imsmanifest.xml", "cmi5.xml"];
    for name in NAMES {
        if container.entry(name).is_some() {
            return Placement::Root(name.to_string());
        }
    }
    let root_files = || container.files().filter(|e| !e.name.contains('/'));
    if let Some(e) = root_files().find(|e| NAMES.iter().any(|n| e.name.eq_ignore_ascii_case(n))) {
        return Placement::WrongCase(e.name.clone());
    }
    let nested = container.files().find(|e| {
        let file = e.name.rsplit(['/', '\\']).next().unwrap_or(&e.name);
        NAMES.contains(&file)
    });
    nested.map_or(Placement::Missing, |e| Placement::Nested(e.name.clone()))
}
