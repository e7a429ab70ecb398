//! Opening a file of the lesson source as an untrusted input: lesson sources are often shared
//! repositories that a CI job builds and uploads. A file must resolve — symbolic links
//! followed — inside the source folder, be a regular file (a named pipe would hang the
//! build, a device never ends), and fit its size limit; it is then opened by its resolved
//! path, so what was checked is what is read.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file of the source is not read.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Nothing there (or a link to nothing).
    NotFound,
    /// It resolves outside the source folder, to this path.
    Outside(PathBuf),
    /// A folder.
    Folder,
    /// Not a regular file: what it is.
    NotRegular(&'static str),
    /// Larger than the limit for its kind.
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The operating system refused.
    Io(std::io::Error),
}

/// A file that passed the checks: the path to open and its size.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    /// The resolved path (links followed), inside the source folder.
    pub(crate) path: PathBuf,
    /// Its size in bytes.
    pub(crate) size: u64,
}

/// The source folder, resolved once.
#[derive(Debug, Clone)]
pub(crate) struct Root(PathBuf);

impl Root {
    /// The folder `dir`, with links resolved.
    pub(crate) fn new(dir: &Path) -> std::io::Result<Self> {
        Ok(Root(std::fs::canonicalize(dir)?))
    }

    /// Checks that `path` is a regular file inside the folder, at most `limit` bytes.
    pub(crate) fn check(&self, path: &Path, limit: u64) -> Result<Checked, Refusal> {
        let resolved = std::fs::canonicalize(path).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => Refusal::NotFound,
            _ => Refusal::Io(err),
        })?;
        if !resolved.starts_with(&self.0) {
            return Err(Refusal::Outside(resolved));
        }
        let meta = std::fs::metadata(&resolved).map_err(Refusal::Io)?;
        let kind = meta.file_type();
        if kind.is_dir() {
            return Err(Refusal::Folder);
        }
        if !kind.is_file() {
            return Err(Refusal::NotRegular(special_kind(&kind)));
        }
        if meta.len() > limit {
            return Err(Refusal::TooLarge {
                size: meta.len(),
                limit,
            });
        }
        Ok(Checked {
            path: resolved,
            size: meta.len(),
        })
    }

    /// Reads `path` whole after [`Root::check`]; never more than `limit` bytes, even if the
    /// file grows between the check and the read.
    pub(crate) fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
        let checked = self.check(path, limit)?;
        let file = std::fs::File::open(&checked.path).map_err(Refusal::Io)?;
        let mut bytes = Vec::with_capacity(checked.size as usize);
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(Refusal::Io)?;
        if bytes.len() as u64 > limit {
            return Err(Refusal::TooLarge {
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes)
    }
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

impl Refusal {
    /// What went wrong with `what` `name`, and what to do: (message, help).
    pub(crate) fn explain(&self, what: &str, name: &str) -> (String, String) {
        match self {
            Refusal::NotFound => (
                format!("{what} `{name}` not found"),
                "paths are relative to the folder holding `module.toml`".to_string(),
            ),
            Refusal::Outside(to) => (
                format!(
                    "{what} `{name}` leads outside the lesson folder (to `{}`)",
                    to.display()
                ),
                "copy the file into the folder holding `module.toml` instead of linking to it: \
                 lessonpack reads only files inside the lesson folder"
                    .to_string(),
            ),
            Refusal::Folder => (
                format!("{what} `{name}` is a folder, not a file"),
                "name a file inside it".to_string(),
            ),
            Refusal::NotRegular(kind) => (
                format!("{what} `{name}` is {kind}, not a regular file"),
                "name an ordinary file; lessonpack does not read pipes, devices or sockets"
                    .to_string(),
            ),
            Refusal::TooLarge { size, limit } => (
                format!(
                    "{what} `{name}` is {}, more than the {} a {what} may be",
                    crate::output::human_size(*size),
                    crate::output::human_size(*limit)
                ),
                "no real lesson comes near this limit: check that the right file is named \
                 (the limits are listed in the README, \"Untrusted input\")"
                    .to_string(),
            ),
            Refusal::Io(err) => (
                format!("cannot read {what} `{name}`: {err}"),
                "check the file's permissions".to_string(),
            ),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_out_of_the_folder_pipes_and_oversized_files_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("ok.txt"), "text").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), d.join("link")).unwrap();
        std::os::unix::fs::symlink(d.join("ok.txt"), d.join("inner-link")).unwrap();
        std::os::unix::fs::symlink(d.join("missing"), d.join("dangling")).unwrap();
        let fifo = d.join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        std::fs::create_dir(d.join("sub")).unwrap();
        let root = Root::new(d).unwrap();
        assert_eq!(root.read(&d.join("ok.txt"), 10).unwrap(), b"text");
        assert_eq!(root.read(&d.join("inner-link"), 10).unwrap(), b"text");
        assert!(matches!(
            root.read(&d.join("link"), 10),
            Err(Refusal::Outside(_))
        ));
        assert!(matches!(
            root.read(&d.join("dangling"), 10),
            Err(Refusal::NotFound)
        ));
        assert!(matches!(
            root.read(&fifo, 10),
            Err(Refusal::NotRegular("a named pipe"))
        ));
        assert!(matches!(
            root.read(&d.join("sub"), 10),
            Err(Refusal::Folder)
        ));
        assert!(matches!(
            root.read(&d.join("ok.txt"), 3),
            Err(Refusal::TooLarge { size: 4, limit: 3 })
        ));
        assert!(matches!(
            root.read(
                &d.join("../")
                    .join(outside.path().file_name().unwrap())
                    .join("secret"),
                10
            ),
            Err(Refusal::Outside(_)) | Err(Refusal::NotFound)
        ));
    }
}
