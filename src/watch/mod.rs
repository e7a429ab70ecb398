//! Watching a lesson source: which file changes matter ([`classify`], [`ChangeKind`]), the
//! rebuild that follows them ([`rebuild::Rebuilder`]) and, with the `watch` feature, the
//! debounced file-system watcher itself ([`Watcher`]).
//!
//! Every change starts a full rebuild (mdBook's way; partial rebuilds wait for a profile
//! that asks for them), and the rebuild writes only the targets whose files changed. The
//! classification and the rebuild are plain functions, testable without a watcher.

#[cfg(feature = "watch")]
mod events;
pub mod rebuild;

#[cfg(feature = "watch")]
pub use events::{Change, Watcher};

use std::path::{Component, Path};

/// How long the watcher waits for a burst of events (an editor's save) to settle.
pub const DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(250);

/// What kind of input a changed file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// `module.toml` itself.
    ModuleToml,
    /// A file under `theme/` (templates, stylesheet, strings).
    Theme,
    /// A video or image (by extension): bundled media and posters.
    Media,
    /// Anything else in the folder: transcripts, discussion prompts, other named files.
    Content,
}

/// File extensions counted as [`ChangeKind::Media`].
const MEDIA: [&str; 11] = [
    "mp4", "m4v", "webm", "mov", "mp3", "jpg", "jpeg", "png", "gif", "webp", "avif",
];

/// Whether `name` is an editor's temporary or backup file: Vim swap files (`*.swp`, `*.swo`,
/// `*.swx`) and its `4913` write probe, `*~` backups, Emacs lock files (`.#*`), `*.tmp`.
pub fn is_scratch_file(name: &str) -> bool {
    name == "4913"
        || name.starts_with(".#")
        || name.ends_with('~')
        || [".swp", ".swo", ".swx", ".tmp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Classifies a changed `path` under the lesson source folder `root`; `None` when the change
/// is to be ignored: an editor's scratch file, anything in `.git/`, anything under one of the
/// `excluded` folders (the output), or a path outside `root`.
pub fn classify(root: &Path, excluded: &[&Path], path: &Path) -> Option<ChangeKind> {
    if excluded.iter().any(|e| path.starts_with(e)) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut names = rel.components().filter_map(|c| match c {
        Component::Normal(name) => Some(name.to_string_lossy()),
        _ => None,
    });
    let first = names.next();
    let all: Vec<_> = first.iter().cloned().chain(names).collect();
    if all.iter().any(|n| n == ".git") {
        return None;
    }
    let Some(name) = all.last() else {
        return Some(ChangeKind::Content); // the folder itself (moved, re-created)
    };
    if is_scratch_file(name) {
        return None;
    }
    if all.len() == 1 && name == crate::source::MODULE_FILE {
        return Some(ChangeKind::ModuleToml);
    }
    if first.as_deref() == Some(crate::render::theme::THEME_DIR) {
        return Some(ChangeKind::Theme);
    }
    let ext = Path::new(name.as_ref())
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if ext.is_some_and(|e| MEDIA.contains(&e.as_str())) {
        return Some(ChangeKind::Media);
    }
    Some(ChangeKind::Content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_inputs() {
        let root = Path::new("/l/module");
        let kind = |p: &str| classify(root, &[], &root.join(p));
        assert_eq!(kind("module.toml"), Some(ChangeKind::ModuleToml));
        assert_eq!(kind("theme/lesson.html"), Some(ChangeKind::Theme));
        assert_eq!(kind("theme/strings/fr.toml"), Some(ChangeKind::Theme));
        assert_eq!(kind("media/Lecture.MP4"), Some(ChangeKind::Media));
        assert_eq!(kind("poster.jpg"), Some(ChangeKind::Media));
        assert_eq!(kind("transcript.txt"), Some(ChangeKind::Content));
        assert_eq!(kind("lessons/two/module.toml"), Some(ChangeKind::Content));
        assert_eq!(classify(root, &[], root), Some(ChangeKind::Content));
    }

    #[test]
    fn ignores_scratch_files_git_and_output() {
        let root = Path::new("/l/module");
        let out = root.join("dist");
        let ignored = |p: &str| classify(root, &[out.as_path()], &root.join(p)).is_none();
        for name in [
            ".module.toml.swp",
            "transcript.txt.swo",
            "transcript.txt~",
            ".#transcript.txt",
            "4913",
            "theme/4913",
            "discussion.md.tmp",
            ".git/index",
            ".git/objects/ab/cdef",
            "dist/x-scorm12.zip",
        ] {
            assert!(ignored(name), "{name} should be ignored");
        }
        assert!(classify(root, &[], Path::new("/elsewhere/module.toml")).is_none());
        assert!(!ignored("notes.txt"));
    }
}
