//! Packages as plain folders: written into a temporary sibling folder, then renamed into place.
//!
//! A folder lessonpack wrote carries a [`MARKER`] file; only such a folder (or an empty one) is
//! ever replaced, so a mistyped `-o` cannot delete someone's documents. Replacing moves the
//! old folder aside, renames the new one into place (moving the old one back if that fails)
//! and then deletes the old one, so for a moment neither is at `dest`; an interrupted or failed
//! build otherwise leaves the old folder as it was. Files are not fsynced one by one (a package
//! has hundreds): the renames protect against failed and interrupted builds, not power loss.

use super::{Entry, Source, Written, atomic};
use anyhow::Context as _;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;

/// Name of the file that marks a folder as written (and replaceable) by lessonpack.
pub const MARKER: &str = ".lessonpack";

/// What the marker file says.
const MARKER_TEXT: &str = "This folder was written by lessonpack. Each build deletes and rewrites \
the whole folder;\ndelete this file to keep lessonpack from replacing it.\n";

/// What is at the destination now.
enum Existing {
    /// Nothing.
    None,
    /// An empty folder or one lessonpack wrote: replace it.
    Replaceable,
}

/// Classifies `dest`; refuses anything but nothing, an empty folder or a marked folder.
fn existing(dest: &Path) -> anyhow::Result<Existing> {
    let meta = match std::fs::symlink_metadata(dest) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::None),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", dest.display())),
    };
    anyhow::ensure!(
        meta.is_dir(),
        "cannot write the package folder `{}`: something else of that name exists",
        dest.display()
    );
    if std::fs::symlink_metadata(dest.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return Ok(Existing::Replaceable);
    }
    let mut children =
        std::fs::read_dir(dest).with_context(|| format!("cannot read `{}`", dest.display()))?;
    anyhow::ensure!(
        children.next().is_none(),
        "refusing to replace the folder `{}`: lessonpack did not write it (it has no `{MARKER}` \
         file); choose another output folder, or delete this one first",
        dest.display()
    );
    Ok(Existing::Replaceable)
}

/// Writes one entry below `root`.
fn write_entry(root: &Path, entry: &Entry<'_>) -> anyhow::Result<()> {
    let target = root.join(entry.path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    let mut out = File::create_new(&target)
        .with_context(|| format!("cannot create `{}`", target.display()))?;
    match entry.source {
        Source::Bytes(bytes) => out
            .write_all(bytes)
            .with_context(|| format!("cannot write `{}`", target.display())),
        Source::File { path, len } => {
            let mut source = super::open_source(path, len)?;
            // File to file: std lets the kernel copy (copy_file_range/sendfile) where it can.
            let copied = std::io::copy(&mut source, &mut out).with_context(|| {
                format!("cannot copy `{}` to `{}`", path.display(), target.display())
            })?;
            super::check_copied(path, len, copied)
        }
    }
}

/// See [`super::write_dir`].
pub(super) fn write(dest: &Path, files: &[crate::output::OutputFile]) -> anyhow::Result<Written> {
    let entries = super::entries(files)?;
    if let Some(entry) = entries.iter().find(|e| e.path.eq_ignore_ascii_case(MARKER)) {
        anyhow::bail!(
            "cannot write the package folder: `{}` is lessonpack's own marker file name",
            entry.path
        );
    }
    let (dir, name) = atomic::split_dest(dest)?;
    let existing = existing(dest)?;
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the folder `{}`", dir.display()))?;

    let temp = atomic::Temp::new(atomic::sibling(&dir, &name, "tmp"));
    std::fs::create_dir(temp.path())
        .with_context(|| format!("cannot create `{}`", temp.path().display()))?;
    std::fs::write(temp.path().join(MARKER), MARKER_TEXT)
        .with_context(|| format!("cannot write in `{}`", temp.path().display()))?;
    for entry in &entries {
        write_entry(temp.path(), entry)?;
    }

    match existing {
        Existing::None => std::fs::rename(temp.path(), dest)
            .with_context(|| format!("cannot create `{}`", dest.display()))?,
        Existing::Replaceable => {
            let old = atomic::Temp::new(atomic::sibling(&dir, &name, "old"));
            std::fs::rename(dest, old.path())
                .with_context(|| format!("cannot move the old `{}` aside", dest.display()))?;
            if let Err(e) = std::fs::rename(temp.path(), dest) {
                let restored = std::fs::rename(old.path(), dest);
                let old_path = old.path().to_path_buf();
                old.keep();
                if restored.is_err() {
                    anyhow::bail!(
                        "cannot replace `{}` ({e}), and cannot move the old folder back from `{}`",
                        dest.display(),
                        old_path.display()
                    );
                }
                return Err(e).with_context(|| format!("cannot replace `{}`", dest.display()));
            }
            drop(old); // deletes the old folder
        }
    }
    temp.keep();
    atomic::sync_dir(&dir);
    Ok(Written {
        path: dest.to_path_buf(),
        files: entries.len(),
        bytes: entries.iter().map(Entry::len).sum(),
    })
}
