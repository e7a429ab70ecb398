//! An extracted folder as a package: its regular files listed without following any link,
//! its links reported (never followed: a link in an extracted package may point anywhere on
//! the machine), and files opened only after checking that no part of their path is a link
//! and that what was opened is the regular file that was checked.

use super::hazard::{Hazard, Reach};
use super::{Entry, MARKER};
use anyhow::Context as _;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Every regular file and every link under `root`, sorted (links are listed, marked, and not
/// followed; lessonpack's folder marker is left out), with sizes and, when asked, streamed
/// CRC-32s; and a [`Hazard::Link`] per link.
pub(crate) fn entries(root: &Path, fingerprint: bool) -> anyhow::Result<(Vec<Entry>, Vec<Hazard>)> {
    let mut files = Vec::new();
    let mut hazards = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    let mut buf = vec![0u8; 64 * 1024];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
            let path = entry.path();
            // The type of the entry itself: `DirEntry::file_type` does not follow links.
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if kind.is_symlink() {
                let target = std::fs::read_link(&path)
                    .ok()
                    .map(|t| t.to_string_lossy().into_owned());
                let reach = target
                    .as_deref()
                    .map_or(Reach::Unknown, |t| Reach::of(&rel, t));
                hazards.push(Hazard::Link {
                    name: rel.clone(),
                    target,
                    reach,
                });
                files.push(Entry::file(rel, 0).linked());
                continue;
            }
            // Sockets, pipes and devices are not content, and opening a pipe would block.
            if !kind.is_file() || rel == MARKER {
                continue;
            }
            let (size, crc32) = if fingerprint {
                crc(&path, &mut buf).with_context(|| format!("cannot read `{}`", path.display()))?
            } else {
                let meta = entry
                    .metadata()
                    .with_context(|| format!("cannot read `{}`", path.display()))?;
                (meta.len(), 0)
            };
            let mut file = Entry::file(rel, size);
            file.crc32 = crc32;
            files.push(file);
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    hazards.sort_by(|a, b| a.entry().cmp(&b.entry()));
    Ok((files, hazards))
}

/// Opens the regular file `name` (a `/`-separated package path) under `root`, refusing a
/// path with an empty, `.` or `..` segment or with a link anywhere below `root`, and
/// anything but a regular file (a pipe would block the read).
///
/// # Errors
///
/// When the path is refused or cannot be opened.
pub(crate) fn open(root: &Path, name: &str) -> std::io::Result<File> {
    let refuse = |why: &str| {
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("`{name}` {why}; it was not opened"),
        )
    };
    let mut path = root.to_path_buf();
    let mut last = None;
    for part in name.split('/') {
        if matches!(part, "" | "." | "..") {
            return Err(refuse("is not a plain relative path"));
        }
        path.push(part);
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            return Err(refuse("goes through a symbolic link"));
        }
        last = Some(meta);
    }
    match last {
        Some(meta) if meta.is_file() => open_checked(&path, &meta),
        _ => Err(refuse("is not a regular file")),
    }
}

/// Opens `path` and checks it is still the file `meta` describes (not swapped for a link or
/// another file since it was checked).
fn open_checked(path: &Path, meta: &std::fs::Metadata) -> std::io::Result<File> {
    let file = File::open(path)?;
    let opened = file.metadata()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if (opened.dev(), opened.ino()) != (meta.dev(), meta.ino()) {
            return Err(std::io::Error::other(format!(
                "`{}` changed while it was opened",
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    if !opened.is_file() {
        return Err(std::io::Error::other(format!(
            "`{}` is not a regular file",
            path.display()
        )));
    }
    Ok(file)
}

/// Size and CRC-32 of a regular file, streamed through `buf`.
fn crc(path: &Path, buf: &mut [u8]) -> std::io::Result<(u64, u32)> {
    let meta = std::fs::symlink_metadata(path)?;
    let mut file = open_checked(path, &meta)?;
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
    Ok((size, hasher.finalize()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_are_listed_and_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("pkg");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), "secret").unwrap();
        std::fs::write(root.join("a/page.html"), "page").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("a/docs")).unwrap();
        std::os::unix::fs::symlink("../../outside/secret.txt", root.join("a/s.txt")).unwrap();
        let (files, hazards) = entries(&root, true).unwrap();
        let names: Vec<(&str, bool)> = files.iter().map(|e| (e.name.as_str(), e.link)).collect();
        assert_eq!(
            names,
            [("a/docs", true), ("a/page.html", false), ("a/s.txt", true)]
        );
        assert!(matches!(
            &hazards[0],
            Hazard::Link {
                reach: Reach::Absolute,
                ..
            }
        ));
        assert!(matches!(
            &hazards[1],
            Hazard::Link {
                reach: Reach::Outside,
                ..
            }
        ));
        // Nothing under the linked folder was listed, and nothing through a link opens.
        assert!(open(&root, "a/page.html").is_ok());
        for refused in [
            "a/docs/secret.txt",
            "a/s.txt",
            "../outside/secret.txt",
            "a//page.html",
        ] {
            assert!(open(&root, refused).is_err(), "{refused}");
        }
    }
}
