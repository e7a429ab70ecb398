//! The file-system watcher (feature `watch`): notify's debouncer on the lesson source folder,
//! recursive, batches of changes that [`super::classify`] keeps.

use super::{ChangeKind, DEBOUNCE, classify};
use anyhow::Context as _;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

/// One changed input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file (or folder) that changed.
    pub path: PathBuf,
    /// What kind of input it is.
    pub kind: ChangeKind,
}

/// A debounced, recursive watch on a lesson source folder.
pub struct Watcher {
    root: PathBuf,
    excluded: Vec<PathBuf>,
    events: Receiver<DebounceEventResult>,
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

impl Watcher {
    /// Watches `root` recursively, ignoring everything under `excluded` (output folders).
    ///
    /// Fails when the folder cannot be watched, e.g. when the system's limit on inotify watches
    /// (`fs.inotify.max_user_watches`) is reached: the failure is reported, never dropped.
    pub fn new(root: &Path, excluded: &[PathBuf]) -> anyhow::Result<Watcher> {
        let root = std::fs::canonicalize(root)
            .with_context(|| format!("cannot read `{}`", root.display()))?;
        let excluded = excluded
            .iter()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            .collect();
        let (tx, events) = channel();
        let mut debouncer =
            new_debouncer(DEBOUNCE, None, tx).context("cannot start the file-system watcher")?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch `{}`", root.display()))?;
        Ok(Watcher {
            root,
            excluded,
            events,
            _debouncer: debouncer,
        })
    }

    /// Blocks until the next batch of changes that matter; `None` once the watcher stopped.
    ///
    /// Reads and opens (notify reports them too) are not changes; neither are the files
    /// [`classify`] ignores. Watcher errors come back as `Err` and the watch goes on.
    pub fn next(&self) -> Option<anyhow::Result<Vec<Change>>> {
        loop {
            let batch = match self.events.recv().ok()? {
                Ok(batch) => batch,
                Err(errors) => {
                    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                    return Some(Err(anyhow::anyhow!(
                        "file-system watcher: {}",
                        text.join("; ")
                    )));
                }
            };
            let excluded: Vec<&Path> = self.excluded.iter().map(PathBuf::as_path).collect();
            let mut changes: Vec<Change> = Vec::new();
            for event in batch {
                if matches!(event.kind, EventKind::Access(_)) {
                    continue;
                }
                for path in &event.paths {
                    if let Some(kind) = classify(&self.root, &excluded, path)
                        && !changes.iter().any(|c| &c.path == path)
                    {
                        changes.push(Change {
                            path: path.clone(),
                            kind,
                        });
                    }
                }
            }
            if !changes.is_empty() {
                return Some(Ok(changes));
            }
        }
    }
}
