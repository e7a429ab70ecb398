//! A lesson source copied into a temporary folder, changed by a test, and checked for writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A copy of `tests/fixtures/<name>` in a fresh temporary folder.
pub(crate) struct Fixture {
    _root: tempfile::TempDir,
    /// The copied lesson source folder.
    pub(crate) dir: PathBuf,
}

impl Fixture {
    /// Copies the named fixture folder.
    pub(crate) fn copy(name: &str) -> Self {
        Fixture::copy_from(&fixtures().join(name))
    }

    /// Copies the lesson source folder `source` (e.g. the sample in `module/`).
    pub(crate) fn copy_from(source: &Path) -> Self {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("module");
        copy_dir(source, &dir);
        Fixture { _root: root, dir }
    }

    /// The folder that holds the copied source (and where outputs would appear).
    pub(crate) fn root(&self) -> &Path {
        self._root.path()
    }

    /// Path of a file in the source folder.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Reads a source file as text.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Writes a source file.
    pub(crate) fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Replaces `from` with `to` in a source file; panics if `from` is absent.
    pub(crate) fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "`{from}` not in {rel}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Every file under the temporary root with its content, to prove nothing was written.
    pub(crate) fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        walk(self.root(), self.root(), &mut files);
        files
    }
}

/// `tests/fixtures`.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap().to_path_buf();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            files.insert(rel, Vec::new());
            walk(root, &path, files);
        } else if kind.is_symlink() {
            // A link is recorded by where it points, never followed.
            let target = std::fs::read_link(&path).unwrap();
            files.insert(rel, target.to_string_lossy().into_owned().into_bytes());
        } else {
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}
