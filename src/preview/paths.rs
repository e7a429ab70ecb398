//! Request paths under `/package/` mapped to files inside the build folder. Everything that
//! could name a file outside it is refused before the file system is asked: `..` and `.`
//! segments (also percent-encoded), backslashes, empty segments (`//`), absolute paths, NUL,
//! drive letters; and a path that resolves outside the folder through a symlink is not found.

use super::query::percent_decode;
use std::path::{Path, PathBuf};

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A path that could leave the folder, or is malformed (400).
    BadRequest,
    /// No such file inside the folder (404).
    NotFound,
}

/// Resolves `raw`, the still percent-encoded request path after `/package/`, to a file inside
/// `root`. An empty path or one ending in `/` means its `index.html`.
pub(crate) fn resolve(root: &Path, raw: &str) -> Result<PathBuf, Refusal> {
    let decoded = percent_decode(raw).ok_or(Refusal::BadRequest)?;
    let mut relative = String::from_utf8(decoded).map_err(|_| Refusal::BadRequest)?;
    if relative.is_empty() || relative.ends_with('/') {
        relative.push_str("index.html");
    }
    if relative.starts_with('/') || relative.contains(['\\', '\0', ':']) {
        return Err(Refusal::BadRequest);
    }
    if relative
        .split('/')
        .any(|segment| matches!(segment, "" | "." | ".."))
    {
        return Err(Refusal::BadRequest);
    }
    let root = std::fs::canonicalize(root).map_err(|_| Refusal::NotFound)?;
    // Symlinks are followed, and whatever they lead to must still be inside the folder.
    let file = std::fs::canonicalize(root.join(&relative)).map_err(|_| Refusal::NotFound)?;
    if !file.starts_with(&root) || !file.is_file() {
        return Err(Refusal::NotFound);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("build");
        std::fs::create_dir_all(root.join("lessons/one")).unwrap();
        std::fs::write(root.join("index.html"), "index").unwrap();
        std::fs::write(root.join("lessons/one/index.html"), "page").unwrap();
        std::fs::write(root.join("a b.txt"), "space").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        (dir, root)
    }

    #[test]
    fn serves_files_inside_the_folder() {
        let (_dir, root) = folder();
        let root_real = std::fs::canonicalize(&root).unwrap();
        let ok =
            |raw: &str| resolve(&root, raw).map(|p| p.strip_prefix(&root_real).unwrap().to_owned());
        assert_eq!(ok(""), Ok(PathBuf::from("index.html")));
        assert_eq!(
            ok("lessons/one/"),
            Ok(PathBuf::from("lessons/one/index.html"))
        );
        assert_eq!(
            ok("lessons/one/index.html"),
            Ok(PathBuf::from("lessons/one/index.html"))
        );
        assert_eq!(
            ok("lessons%2Fone%2Findex.html"),
            Ok(PathBuf::from("lessons/one/index.html"))
        );
        assert_eq!(ok("a%20b.txt"), Ok(PathBuf::from("a b.txt")));
        assert_eq!(ok("missing.html"), Err(Refusal::NotFound));
        assert_eq!(ok("lessons"), Err(Refusal::NotFound));
    }

    #[test]
    fn refuses_paths_that_could_leave_the_folder() {
        let (_dir, root) = folder();
        for raw in [
            "../secret.txt",
            "..",
            "lessons/../../secret.txt",
            "%2e%2e/secret.txt",
            "%2E%2E%2Fsecret.txt",
            ".%2e/secret.txt",
            "lessons/%2e%2e/%2e%2e/secret.txt",
            "..%5csecret.txt",
            "..\\secret.txt",
            "/etc/passwd",
            "%2Fetc%2Fpasswd",
            "lessons//one/index.html",
            "./index.html",
            "C:/Windows/win.ini",
            "index.html%00.txt",
            "%zz",
            "%2",
            "%ff%fe",
        ] {
            assert_eq!(resolve(&root, raw), Err(Refusal::BadRequest), "{raw}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_leaving_the_folder_is_not_found() {
        let (dir, root) = folder();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        assert_eq!(resolve(&root, "link.txt"), Err(Refusal::NotFound));
        assert_eq!(resolve(&root, "up/secret.txt"), Err(Refusal::NotFound));
        std::os::unix::fs::symlink(root.join("index.html"), root.join("inside.html")).unwrap();
        assert!(resolve(&root, "inside.html").is_ok());
    }
}
