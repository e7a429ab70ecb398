//! Opening a package for comparison: a `.zip`/`.imscc` archive read in place (nothing is
//! extracted) or an extracted folder; its file list with fingerprints, and its manifest.
//!
//! Fingerprints are size plus CRC-32 — from the zip central directory (nothing decompressed),
//! or streamed through a fixed buffer for folder files — so a folder compares with a zip. The
//! manifest is the only entry read whole, and one over [`MAX_MANIFEST`] bytes is refused.
//!
//! A package `validate` would call hostile is refused, not compared: one with container
//! hazards (symbolic links, local headers that disagree with the central directory, bombs,
//! overlapping entries: what would be compared is not what an LMS extracts), or whose
//! manifest the shared reader refuses (bytes not in their encoding, not well-formed, a
//! DOCTYPE with entities or an external DTD, which are never expanded or fetched).

use super::model::{Container as Container_, FileInfo, Package};
use super::{parse, tree};
use crate::container::{Container, ContainerKind, ReadError};
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::Path;

/// The largest manifest read, uncompressed: `validate`'s cap, so every reader of a package
/// bounds its tree the same way.
pub const MAX_MANIFEST: u64 = crate::validate::reader::MAX_MANIFEST;

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
    // A bare manifest file stands for a package holding only that manifest.
    let bare = (path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml")))
    .then(|| match path.file_name() {
        Some(n) if n == CMI5_MANIFEST => CMI5_MANIFEST,
        _ => IMS_MANIFEST,
    });
    let mut opened = Container::open(path, true, bare)?;
    opened.refuse_hazards()?;
    let container = match opened.kind {
        ContainerKind::Zip => Container_::Zip,
        _ => Container_::Folder,
    };
    let files: BTreeMap<String, FileInfo> = opened
        .files()
        .map(|e| {
            let info = FileInfo {
                size: e.size,
                crc32: e.crc32,
            };
            (e.name.clone(), info)
        })
        .collect();
    let Some(name) = pick_manifest(&files) else {
        return Err(no_manifest(path, &files));
    };
    let text = opened
        .read(name, MAX_MANIFEST)
        .map_err(|e| {
            anyhow::anyhow!(
                "{}",
                match e {
                    ReadError::TooBig(limit) => too_big(files.get(name).map(|f| f.size), limit),
                    e => e.to_string(),
                }
            )
        })
        .and_then(text)
        .with_context(|| format!("cannot read `{name}` in `{}`", path.display()))?;
    let root = tree::parse(&text)
        .map_err(|e| anyhow::anyhow!("cannot read `{name}` in `{}`: {e}", path.display()))?;
    // A bare manifest file under another name is a cmi5 course structure by its root.
    let cmi5 = name == CMI5_MANIFEST || (bare.is_some() && root.local() == "courseStructure");
    let parsed = if cmi5 {
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

/// The manifest's bytes as text, decoded as the shared reader decodes them (UTF-8, UTF-16,
/// a declared legacy encoding); bytes that contradict their encoding are refused.
fn text(bytes: Vec<u8>) -> anyhow::Result<String> {
    let decoded = tree::encoding::decode(&bytes);
    match decoded.problem {
        Some(p) => Err(anyhow::anyhow!("{} (byte {})", p.message, p.offset)),
        None => Ok(decoded.text),
    }
}

/// The refusal of a manifest over `limit` bytes; `size` is what the zip header says.
fn too_big(size: Option<u64>, limit: u64) -> String {
    let size = size.map_or(format!("over {limit}"), |s| s.to_string());
    format!("it is {size} bytes; manifests over {limit} bytes are refused")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_must_be_in_their_encoding_and_bounded() {
        assert_eq!(text(b"<a/>".to_vec()).unwrap(), "<a/>");
        let err = text(b"<a>\xff</a>".to_vec()).unwrap_err().to_string();
        assert!(
            err.contains("is not UTF-8") && err.contains("(byte 3)"),
            "{err}"
        );
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("<a/>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(utf16).unwrap(), "<a/>");
        assert!(too_big(None, 4).contains("over 4 bytes"));
    }
}
