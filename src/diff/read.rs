//! Opening a package for comparison: a `.zip`/`.imscc` archive read in place (nothing is
//! extracted) or an extracted folder; its file list with fingerprints, and its manifest.
//!
//! Fingerprints are size plus CRC-32 — from the zip central directory (nothing decompressed),
//! or streamed through a fixed buffer for folder files — so a folder compares with a zip. The
//! manifest is the only entry read whole, and one over [`MAX_MANIFEST`] bytes is refused.

use super::model::{Container, FileInfo, Package};
use super::{parse, tree};
use crate::package::MARKER;
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest manifest read, uncompressed.
pub const MAX_MANIFEST: u64 = 200 * 1024 * 1024;

/// The SCORM and cartridge manifest's path.
const IMS_MANIFEST: &str = "imsmanifest.xml";
/// The cmi5 course structure's path.
const CMI5_MANIFEST: &str = "cmi5.xml";

/// Reads the package at `path` (a zip archive or a folder).
///
/// # Errors
///
/// When the path cannot be read, is neither a zip archive nor a folder, has no manifest at
/// its root, or the manifest is malformed or of no supported format.
pub fn open(path: &Path) -> anyhow::Result<Package> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let (container, files, manifest) = if meta.is_dir() {
        let files = folder_files(path)?;
        let (name, text) = match pick_manifest(&files) {
            Some(name) => (name, read_folder_manifest(&path.join(name))?),
            None => return Err(no_manifest(path, &files)),
        };
        (Container::Folder, files, (name, text))
    } else {
        let file = File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
        let mut archive = zip::ZipArchive::new(file).with_context(|| {
            format!("`{}` is neither a folder nor a zip archive", path.display())
        })?;
        let files = zip_files(&archive)
            .with_context(|| format!("cannot read the entries of `{}`", path.display()))?;
        let Some(name) = pick_manifest(&files) else {
            return Err(no_manifest(path, &files));
        };
        let text = read_zip_manifest(&mut archive, name)
            .with_context(|| format!("cannot read `{name}` in `{}`", path.display()))?;
        (Container::Zip, files, (name, text))
    };
    let (name, text) = manifest;
    let root = tree::parse(&text)
        .map_err(|e| anyhow::anyhow!("cannot read `{name}` in `{}`: {e}", path.display()))?;
    let parsed = if name == CMI5_MANIFEST {
        parse::cmi5(&root)
    } else {
        parse::ims_manifest(&root)
    }
    .map_err(|e| {
        anyhow::anyhow!(
            "`{name}` in `{}` is of no supported format: {e}",
            path.display()
        )
    })?;
    let mut warnings = parsed.warnings;
    if name == IMS_MANIFEST && files.contains_key(CMI5_MANIFEST) {
        warnings.push(format!(
            "`{}` also has a `cmi5.xml`; it was compared by its `imsmanifest.xml`",
            path.display()
        ));
    }
    Ok(Package {
        path: path.to_path_buf(),
        container,
        format: parsed.format.expect("a parsed manifest has a format"),
        schemaversion: parsed.schemaversion,
        files,
        items: parsed.items,
        resources: parsed.resources,
        default_organization: parsed.default_organization,
        warnings,
    })
}

/// The manifest at the root: `imsmanifest.xml`, else `cmi5.xml`.
fn pick_manifest(files: &BTreeMap<String, FileInfo>) -> Option<&'static str> {
    [IMS_MANIFEST, CMI5_MANIFEST]
        .into_iter()
        .find(|name| files.contains_key(*name))
}

/// The error for a package without a root manifest, naming a nested one when there is one.
fn no_manifest(path: &Path, files: &BTreeMap<String, FileInfo>) -> anyhow::Error {
    let nested = files.keys().find(|p| {
        let name = p.rsplit('/').next().unwrap_or(p);
        name == IMS_MANIFEST || name == CMI5_MANIFEST
    });
    match nested {
        Some(nested) => anyhow::anyhow!(
            "`{}` has no `{IMS_MANIFEST}` or `{CMI5_MANIFEST}` at its root (found `{nested}`; LMSs need it at the root)",
            path.display()
        ),
        None => anyhow::anyhow!(
            "`{}` has no `{IMS_MANIFEST}` or `{CMI5_MANIFEST}`: it is not a SCORM package, cartridge or cmi5 package",
            path.display()
        ),
    }
}

/// Every file entry of the archive with its size and CRC-32, from the central directory.
fn zip_files(archive: &zip::ZipArchive<File>) -> anyhow::Result<BTreeMap<String, FileInfo>> {
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_data(i)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.into_owned();
        let info = FileInfo {
            size: entry.size(),
            crc32: entry.crc32(),
        };
        files.insert(name, info);
    }
    Ok(files)
}

/// The manifest entry as text, refusing one over [`MAX_MANIFEST`] bytes whatever its header
/// claims.
fn read_zip_manifest(archive: &mut zip::ZipArchive<File>, name: &str) -> anyhow::Result<String> {
    let entry = archive.by_name(name)?;
    anyhow::ensure!(
        entry.size() <= MAX_MANIFEST,
        "{}",
        too_big(Some(entry.size()), MAX_MANIFEST)
    );
    bounded_text(entry, MAX_MANIFEST)
}

/// A folder's manifest as text, with the same bound.
fn read_folder_manifest(path: &Path) -> anyhow::Result<String> {
    let file = File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
    bounded_text(file, MAX_MANIFEST).with_context(|| format!("cannot read `{}`", path.display()))
}

/// At most `limit` bytes of UTF-8 text; more is an error, whatever a header claimed.
fn bounded_text(reader: impl Read, limit: u64) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    let len = bytes.len() as u64;
    anyhow::ensure!(len <= limit, "{}", too_big(None, limit));
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "it is not UTF-8 (byte {}); LMSs expect a UTF-8 manifest",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The refusal of a manifest over `limit` bytes; `size` is what the zip header says.
fn too_big(size: Option<u64>, limit: u64) -> String {
    let size = size.map_or(format!("over {limit}"), |s| s.to_string());
    format!("it is {size} bytes; manifests over {limit} bytes are refused")
}

/// Every regular file under `root` (symbolic links are not followed; lessonpack's folder
/// marker is left out), with sizes and streamed CRC-32s.
fn folder_files(root: &Path) -> anyhow::Result<BTreeMap<String, FileInfo>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    let mut buf = vec![0u8; 64 * 1024];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel == MARKER {
                continue;
            }
            let info = fingerprint(&path, &mut buf)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            files.insert(rel, info);
        }
    }
    Ok(files)
}

/// Size and CRC-32 of a file, streamed through `buf`.
fn fingerprint(path: &Path, buf: &mut [u8]) -> std::io::Result<FileInfo> {
    let mut file = File::open(path)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut size = 0u64;
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok(FileInfo {
        size,
        crc32: hasher.finalize(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_read_up_to_the_limit_only() {
        assert_eq!(bounded_text(&b"<a/>"[..], 4).unwrap(), "<a/>");
        let err = bounded_text(&b"<a></a>"[..], 4).unwrap_err().to_string();
        assert!(err.contains("over 4 bytes"), "{err}");
        let err = bounded_text(&b"<a>\xff</a>"[..], 100)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not UTF-8 (byte 3)"), "{err}");
    }

    #[test]
    fn folders_are_fingerprinted_like_zip_entries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/c.txt"), "hello").unwrap();
        std::fs::write(dir.path().join(MARKER), "marker").unwrap();
        let files = folder_files(dir.path()).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["a/b/c.txt"]);
        // CRC-32 of "hello", as a zip central directory records it.
        assert_eq!(
            files["a/b/c.txt"],
            FileInfo {
                size: 5,
                crc32: 0x3610_a686
            }
        );
    }
}
