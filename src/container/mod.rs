//! Reading a package without extracting it, shared by `diff` and `validate`: a `.zip`/`.imscc`
//! archive read in place, an extracted folder, a bare manifest file, or (for the build's
//! validation gate) the in-memory file list of a package about to be written
//! ([`Container::from_files`], read like a folder).
//!
//! Listing costs nothing: sizes and CRC-32s come from the zip central directory (folders are
//! fingerprinted only on request, streamed through a fixed buffer). Only the entries a caller
//! asks for are decompressed, each bounded by a size limit, a compression-ratio limit (zip
//! bombs) and a budget for the whole package, whatever the headers claim. Nothing is ever
//! written to disk and no symbolic link is followed: links are listed, marked and refused.
//!
//! Opening also finds what makes a package dangerous to extract or ambiguous to read
//! ([`Hazard`]: links, local headers that disagree with the central directory, names that
//! lie about their encoding, bombs by ratio, overlapping entries), from the zip's metadata
//! alone (`layout`) or the folder's (`folder`).

mod folder;
pub mod hazard;
mod layout;

use crate::output::{Content, OutputFile};
use crate::package::MARKER;
use anyhow::Context as _;
pub use hazard::{Hazard, Reach};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The most bytes decompressed from one package in total.
pub const MAX_TOTAL: u64 = 1024 * 1024 * 1024;
/// The largest uncompressed/compressed ratio accepted for an entry over [`RATIO_FLOOR`] bytes;
/// DEFLATE tops out near 1032:1, so more is a crafted entry.
pub const MAX_RATIO: u64 = 1000;
/// Entries up to this size are never refused for their ratio (a run of blanks compresses well).
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// What holds the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// A zip archive (`.zip`, `.imscc`), read in place.
    Zip,
    /// An extracted folder.
    Folder,
    /// A bare manifest file: the package has no other files.
    File,
}

/// One entry of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the package as stored (`/`-separated for folders; zip names as written).
    pub name: String,
    /// Uncompressed size.
    pub size: u64,
    /// Compressed size (the size itself for folders).
    pub compressed_size: u64,
    /// CRC-32 (from the central directory; for folders only when fingerprinted, else 0).
    pub crc32: u32,
    /// A directory entry.
    pub is_dir: bool,
    /// Encrypted (zip only).
    pub encrypted: bool,
    /// The stored name was not valid UTF-8 (it is shown lossily).
    pub bad_name: bool,
    /// A symbolic link (zip: Unix mode `S_IFLNK`; folder: a link on disk): never read.
    pub link: bool,
}

impl Entry {
    /// A plain file entry: `size` bytes, stored (compressed size = size), no CRC yet.
    pub(crate) fn file(name: String, size: u64) -> Entry {
        Entry {
            name,
            size,
            compressed_size: size,
            crc32: 0,
            is_dir: false,
            encrypted: false,
            bad_name: false,
            link: false,
        }
    }

    /// The same entry, marked as a symbolic link.
    pub(crate) fn linked(mut self) -> Entry {
        self.link = true;
        self
    }
}

/// Why an entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// No such entry.
    Missing,
    /// Larger than the caller's limit.
    TooBig(u64),
    /// Compressed more than [`MAX_RATIO`]:1.
    Ratio(u64),
    /// The package's decompression budget is spent.
    Budget,
    /// Encrypted.
    Encrypted,
    /// A symbolic link: not followed, not read.
    Link,
    /// An I/O or zip error.
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing => write!(f, "no such entry"),
            ReadError::TooBig(limit) => write!(f, "it is over {limit} bytes, the limit"),
            ReadError::Ratio(r) => {
                write!(f, "it expands {r}:1, more than {MAX_RATIO}:1 (a zip bomb)")
            }
            ReadError::Budget => write!(f, "the package expands past {MAX_TOTAL} bytes"),
            ReadError::Encrypted => write!(f, "it is encrypted"),
            ReadError::Link => write!(f, "it is a symbolic link, which is never followed"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// An opened package.
#[derive(Debug)]
pub struct Container {
    /// The path as given.
    pub path: PathBuf,
    /// Zip, folder or bare file.
    pub kind: ContainerKind,
    /// Every entry, in stored order (zip) or sorted (folder).
    pub entries: Vec<Entry>,
    /// The zip's central directory names a path twice.
    pub duplicate_names: bool,
    /// What makes the package dangerous to extract or ambiguous to read, found on opening.
    pub hazards: Vec<Hazard>,
    zip: Option<zip::ZipArchive<File>>,
    /// The files of an in-memory package, parallel to `entries`.
    memory: Option<Vec<Content>>,
    spent: u64,
    /// File names → index in `entries`, exact and lowercased; built on first lookup.
    index: std::sync::OnceLock<NameIndex>,
}

/// Lookups by name in constant time: a 10,000-file package makes 10,000 of them.
#[derive(Debug, Default)]
struct NameIndex {
    exact: std::collections::HashMap<String, usize>,
    lower: std::collections::HashMap<String, usize>,
}

impl Container {
    /// Opens `path`: a folder, a zip archive, or (when `bare_name` says how to call it) any
    /// other file as a bare manifest. `fingerprint` computes folder files' CRC-32s.
    ///
    /// # Errors
    ///
    /// When the path cannot be read or is a file that is not a zip and no bare name is given.
    pub fn open(path: &Path, fingerprint: bool, bare_name: Option<&str>) -> anyhow::Result<Self> {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        let mut container = Container {
            path: path.to_path_buf(),
            kind: ContainerKind::Folder,
            entries: Vec::new(),
            duplicate_names: false,
            hazards: Vec::new(),
            zip: None,
            memory: None,
            spent: 0,
            index: std::sync::OnceLock::new(),
        };
        if meta.is_dir() {
            (container.entries, container.hazards) = folder::entries(path, fingerprint)?;
            return Ok(container);
        }
        if let Some(name) = bare_name {
            container.kind = ContainerKind::File;
            container
                .entries
                .push(Entry::file(name.to_string(), meta.len()));
            return Ok(container);
        }
        let file = File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
        let mut archive = zip::ZipArchive::new(file).with_context(|| {
            format!("`{}` is neither a folder nor a zip archive", path.display())
        })?;
        container.kind = ContainerKind::Zip;
        container.duplicate_names = archive.has_duplicate_names();
        let mut records = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let entry = archive
                .by_index_data(i)
                .with_context(|| format!("cannot read the entries of `{}`", path.display()))?;
            let (name, bad_name) = match std::str::from_utf8(entry.name_raw()) {
                Ok(n) => (n.to_string(), false),
                Err(_) => (String::from_utf8_lossy(entry.name_raw()).into_owned(), true),
            };
            let record = layout::Record {
                raw: entry.name_raw().to_vec(),
                name: name.clone(),
                flags: entry.flags().as_u16(),
                external: entry.external_attributes(),
                header_start: entry.header_start(),
                central_start: entry.central_header_start(),
                size: entry.size(),
                compressed: entry.compressed_size(),
            };
            container.entries.push(Entry {
                name,
                size: entry.size(),
                compressed_size: entry.compressed_size(),
                crc32: entry.crc32(),
                is_dir: entry.is_dir() && !record.is_link(),
                encrypted: entry.encrypted(),
                bad_name,
                link: record.is_link(),
            });
            records.push(record);
        }
        let targets = link_targets(&mut archive, &container.entries);
        let file = File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
        container.hazards = layout::check(file, &records, &targets);
        container.zip = Some(archive);
        Ok(container)
    }

    /// Refuses a package with hazards, naming them (for `diff` and `inspect`, which show a
    /// package rather than judge it: what they would show is not what an LMS extracts).
    ///
    /// # Errors
    ///
    /// When there is any hazard.
    pub fn refuse_hazards(&self) -> anyhow::Result<()> {
        let Some(first) = self.hazards.first() else {
            return Ok(());
        };
        // One of each kind first: the error says every different thing that is wrong.
        let mut kinds = Vec::new();
        let mut shown: Vec<&Hazard> = vec![first];
        kinds.push(std::mem::discriminant(first));
        for h in &self.hazards {
            if !kinds.contains(&std::mem::discriminant(h)) {
                kinds.push(std::mem::discriminant(h));
                shown.push(h);
            }
        }
        let mut text = format!("`{}` is unsafe to read: {first}", self.path.display());
        for h in &shown[1..] {
            text.push_str(&format!("\n  also: {h}"));
        }
        if self.hazards.len() > shown.len() {
            text.push_str(&format!(
                "\n  and {} more like these",
                self.hazards.len() - shown.len()
            ));
        }
        text.push_str(&format!(
            "\n  run `lessonpack validate {}` for every finding",
            self.path.display()
        ));
        Err(anyhow::anyhow!(text))
    }

    /// A package that is not written yet: `files` as a build lists them, read like a folder
    /// at `path` (which need not exist). Generated bytes are copied; bundled files are only
    /// `stat`ed now and read from disk (bounded) when asked for.
    pub fn from_files(path: &Path, files: &[OutputFile]) -> Self {
        let mut entries = Vec::with_capacity(files.len());
        let mut memory = Vec::with_capacity(files.len());
        for f in files {
            let size = match &f.content {
                Content::Bytes(b) => b.len() as u64,
                Content::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            };
            entries.push(Entry::file(f.path.clone(), size));
            memory.push(f.content.clone());
        }
        let mut names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        let duplicate_names = names.windows(2).any(|w| w[0] == w[1]);
        Container {
            path: path.to_path_buf(),
            kind: ContainerKind::Folder,
            entries,
            duplicate_names,
            hazards: Vec::new(),
            zip: None,
            memory: Some(memory),
            spent: 0,
            index: std::sync::OnceLock::new(),
        }
    }

    /// The file entries (no directories).
    pub fn files(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| !e.is_dir)
    }

    /// The entry called exactly `name`.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.names().exact.get(name).map(|&i| &self.entries[i])
    }

    /// The first file entry whose name equals `name` ignoring ASCII case.
    pub fn entry_ignoring_case(&self, name: &str) -> Option<&Entry> {
        let key = name.to_ascii_lowercase();
        self.names().lower.get(&key).map(|&i| &self.entries[i])
    }

    fn names(&self) -> &NameIndex {
        self.index.get_or_init(|| {
            let mut index = NameIndex::default();
            for (i, e) in self.entries.iter().enumerate().filter(|(_, e)| !e.is_dir) {
                index.exact.entry(e.name.clone()).or_insert(i);
                index.lower.entry(e.name.to_ascii_lowercase()).or_insert(i);
            }
            index
        })
    }

    /// Reads entry `name` whole, refusing more than `limit` bytes, a ratio over
    /// [`MAX_RATIO`]:1 and anything past the package budget, whatever the headers claim.
    ///
    /// # Errors
    ///
    /// See [`ReadError`].
    pub fn read(&mut self, name: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
        let entry = self.entry(name).ok_or(ReadError::Missing)?.clone();
        if entry.encrypted {
            return Err(ReadError::Encrypted);
        }
        if entry.link {
            return Err(ReadError::Link);
        }
        // A bomb is a bomb whatever the caller's limit: the ratio is judged first.
        let ratio = entry.size / entry.compressed_size.max(1);
        if entry.size > RATIO_FLOOR && ratio > MAX_RATIO {
            return Err(ReadError::Ratio(ratio));
        }
        if entry.size > limit {
            return Err(ReadError::TooBig(limit));
        }
        let limit = limit.min(MAX_TOTAL.saturating_sub(self.spent));
        let io = |e: std::io::Error| ReadError::Io(e.to_string());
        let in_memory = self.memory.as_ref().and_then(|m| {
            let i = self.entries.iter().position(|e| e.name == name)?;
            m.get(i)
        });
        let bytes = match (in_memory, &mut self.zip, self.kind) {
            (Some(Content::Bytes(b)), _, _) => bounded(b.as_slice(), limit).map_err(io)?,
            (Some(Content::File(p)), _, _) => {
                bounded(File::open(p).map_err(io)?, limit).map_err(io)?
            }
            (None, Some(zip), _) => {
                let file = zip
                    .by_name(name)
                    .map_err(|e| ReadError::Io(e.to_string()))?;
                bounded(file, limit).map_err(io)?
            }
            (None, None, ContainerKind::File) => {
                bounded(File::open(&self.path).map_err(io)?, limit).map_err(io)?
            }
            (None, None, _) => {
                bounded(folder::open(&self.path, name).map_err(io)?, limit).map_err(io)?
            }
        };
        let len = bytes.len() as u64;
        if len > limit {
            return Err(if self.spent + len > MAX_TOTAL {
                ReadError::Budget
            } else {
                ReadError::TooBig(limit)
            });
        }
        // A header that understated the size must not dodge the ratio limit.
        if len > RATIO_FLOOR && len / entry.compressed_size.max(1) > MAX_RATIO {
            return Err(ReadError::Ratio(len / entry.compressed_size.max(1)));
        }
        self.spent += len;
        Ok(bytes)
    }
}

/// At most `limit + 1` bytes of `reader` (one more than allowed tells the caller it is over).
fn bounded(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What each link entry of a zip points at: its data, at most [`hazard::MAX_LINK_TARGET`]
/// bytes, read only to show it (a link is never followed; an encrypted one is not read).
fn link_targets(
    archive: &mut zip::ZipArchive<File>,
    entries: &[Entry],
) -> BTreeMap<usize, Option<String>> {
    let mut out = BTreeMap::new();
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.link) {
        let target = (!e.encrypted)
            .then(|| archive.by_index(i).ok())
            .flatten()
            .and_then(|f| bounded(f, hazard::MAX_LINK_TARGET).ok())
            .filter(|b| b.len() as u64 <= hazard::MAX_LINK_TARGET)
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        out.insert(i, target);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_fingerprinted_like_zip_entries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/c.txt"), "hello").unwrap();
        std::fs::write(dir.path().join(MARKER), "marker").unwrap();
        let mut c = Container::open(dir.path(), true, None).unwrap();
        let names: Vec<_> = c.files().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a/b/c.txt"]);
        // CRC-32 of "hello", as a zip central directory records it.
        assert_eq!((c.entries[0].size, c.entries[0].crc32), (5, 0x3610_a686));
        assert_eq!(c.read("a/b/c.txt", 5).unwrap(), b"hello");
        assert_eq!(c.read("a/b/c.txt", 4), Err(ReadError::TooBig(4)));
        assert_eq!(c.read("nope", 4), Err(ReadError::Missing));
    }

    #[test]
    fn zip_bombs_are_refused_by_ratio() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.zip");
        let mut w = zip::ZipWriter::new(File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("imsmanifest.xml", opts).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..8 {
            w.write_all(&zeros).unwrap();
        }
        w.finish().unwrap();
        let mut c = Container::open(&path, false, None).unwrap();
        assert!(matches!(
            c.read("imsmanifest.xml", u64::MAX),
            Err(ReadError::Ratio(_))
        ));
    }

    /// Opens `path` as every caller does and reads every file entry, bounded.
    fn open_and_read_all(path: &Path) {
        let Ok(mut c) = Container::open(path, false, None) else {
            return;
        };
        let names: Vec<String> = c.files().map(|e| e.name.clone()).collect();
        for name in names {
            let _ = c.read(&name, 1024 * 1024);
        }
    }

    /// A zip holding `entries`, written with the `zip` crate (names it refuses are skipped).
    fn zip_of(path: &Path, entries: &[(String, Vec<u8>, bool)]) {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, bytes, deflate) in entries {
            let method = if *deflate {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            };
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            if w.start_file(name.as_str(), opts).is_ok() {
                let _ = w.write_all(bytes);
            }
        }
        let _ = w.finish();
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn arbitrary_bytes_as_a_zip_never_panic(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048),
            // Often start like a zip so the parser gets past the signature.
            header in proptest::bool::ANY,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.zip");
            let mut data = if header { b"PK\x03\x04".to_vec() } else { Vec::new() };
            data.extend_from_slice(&bytes);
            std::fs::write(&path, &data).unwrap();
            let started = std::time::Instant::now();
            open_and_read_all(&path);
            let _ = crate::validate::validate(&path, &crate::validate::Options::default());
            proptest::prop_assert!(started.elapsed() < std::time::Duration::from_secs(5));
        }

        #[test]
        fn corrupted_zips_never_panic(
            flips in proptest::collection::vec((0usize..4096, proptest::num::u8::ANY), 1..6),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.zip");
            zip_of(&path, &[
                ("imsmanifest.xml".into(), b"<manifest xmlns='http://www.imsproject.org/xsd/imscp_rootv1p1p2'/>".to_vec(), true),
                ("a/index.html".into(), vec![b'x'; 300], true),
            ]);
            let mut data = std::fs::read(&path).unwrap();
            for (at, byte) in flips {
                let i = at % data.len();
                data[i] = byte;
            }
            std::fs::write(&path, &data).unwrap();
            open_and_read_all(&path);
            let _ = crate::validate::validate(&path, &crate::validate::Options::default());
        }

        #[test]
        fn arbitrary_entry_names_never_panic(
            names in proptest::collection::vec("\\PC{0,40}|[./\\\\:A-Za-z]{0,12}|\\.\\./[a-z]{1,5}|/[a-z]{1,5}", 1..8),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.zip");
            let mut entries: Vec<(String, Vec<u8>, bool)> = names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), format!("entry {i}").into_bytes(), i % 2 == 0))
                .collect();
            entries.push(("imsmanifest.xml".into(), b"<manifest/>".to_vec(), false));
            zip_of(&path, &entries);
            open_and_read_all(&path);
            let v = crate::validate::validate(&path, &crate::validate::Options::default());
            proptest::prop_assert!(v.is_ok());
            // The same names as an in-memory package (the build gate's reader).
            let files: Vec<OutputFile> = names
                .iter()
                .map(|n| OutputFile::bytes(n.clone(), n.as_bytes().to_vec()))
                .collect();
            let mut c = Container::from_files(&dir.path().join("mem"), &files);
            for n in &names {
                proptest::prop_assert_eq!(c.read(n, 1024).ok(), Some(n.as_bytes().to_vec()));
            }
            let _ = crate::validate::validate_files(&dir.path().join("mem"), &files, &crate::validate::Options::default());
        }
    }
}
