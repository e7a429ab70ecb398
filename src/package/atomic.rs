//! Temporary siblings that become the destination by `rename`, and are removed on any error.
//!
//! A temporary is named `.<dest-name>.tmp-<pid>-<n>` in the destination's own folder (so the
//! rename never crosses file systems); `n` counts within the process, so two writes running at
//! once in one process never share a name. A build killed outright (SIGKILL, power loss)
//! can leave such a file behind, never a half-written destination.

use anyhow::Context as _;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The folder `dest` is in and its file name; `dest` must name a file or folder.
pub(super) fn split_dest(dest: &Path) -> anyhow::Result<(PathBuf, OsString)> {
    let name = dest
        .file_name()
        .with_context(|| format!("`{}` does not name a file or folder", dest.display()))?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name.to_os_string()))
}

/// A sibling of `name` in `dir`, unused by any other write in this process.
pub(super) fn sibling(dir: &Path, name: &OsString, kind: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut temp = OsString::from(".");
    temp.push(name);
    temp.push(format!(".{kind}-{}-{n}", std::process::id()));
    dir.join(temp)
}

/// A temporary path removed (file or whole folder) when dropped, unless [`Temp::keep`] was
/// called.
pub(super) struct Temp {
    path: PathBuf,
    armed: bool,
}

impl Temp {
    /// Takes charge of `path`, which the caller is about to create.
    pub(super) fn new(path: PathBuf) -> Self {
        Temp { path, armed: true }
    }

    /// The temporary path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Leaves the path alone from now on (it was renamed away).
    pub(super) fn keep(mut self) {
        self.armed = false;
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        match std::fs::symlink_metadata(&self.path) {
            Ok(meta) if meta.is_dir() => {
                let _ = std::fs::remove_dir_all(&self.path);
            }
            Ok(_) => {
                let _ = std::fs::remove_file(&self.path);
            }
            Err(_) => {}
        }
    }
}

/// Flushes a rename in `dir` to disk (best effort: not every platform can open a folder).
pub(super) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_destinations() {
        let (dir, name) = split_dest(Path::new("out/pkg.zip")).unwrap();
        assert_eq!(
            (dir.as_path(), name.to_str()),
            (Path::new("out"), Some("pkg.zip"))
        );
        let (dir, name) = split_dest(Path::new("pkg.zip")).unwrap();
        assert_eq!(
            (dir.as_path(), name.to_str()),
            (Path::new("."), Some("pkg.zip"))
        );
        assert!(split_dest(Path::new("/")).is_err());
        assert!(split_dest(Path::new("out/..")).is_err());
    }

    #[test]
    fn siblings_are_hidden_and_unique() {
        let name = OsString::from("pkg.zip");
        let a = sibling(Path::new("out"), &name, "tmp");
        let b = sibling(Path::new("out"), &name, "tmp");
        assert_ne!(a, b);
        let prefix = format!(".pkg.zip.tmp-{}-", std::process::id());
        let file = a.file_name().unwrap().to_str().unwrap();
        assert!(file.starts_with(&prefix), "{file}");
        assert_eq!(a.parent(), Some(Path::new("out")));
    }

    #[test]
    fn removes_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        drop(Temp::new(file.clone()));
        assert!(!file.exists());
        let folder = dir.path().join("d");
        std::fs::create_dir_all(folder.join("sub")).unwrap();
        std::fs::write(folder.join("sub/f"), "x").unwrap();
        drop(Temp::new(folder.clone()));
        assert!(!folder.exists());
        std::fs::write(&file, "x").unwrap();
        Temp::new(file.clone()).keep();
        assert!(file.exists());
    }
}
