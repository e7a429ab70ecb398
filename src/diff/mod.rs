//! What changed between two versions of a package, and what each LMS does with its learners'
//! records when the new version replaces the old one.
//!
//! ```text
//! OLD, NEW ──read::open──▶ Package ──compare──▶ Diff ──report::{human, json}──▶ text
//! ```
//!
//! - [`read`] opens a `.zip`/`.imscc` in place or an extracted folder, fingerprints every file
//!   (size + CRC-32) and reads `imsmanifest.xml` (SCORM 1.2, SCORM 2004, Common Cartridge) or
//!   `cmi5.xml` into the [`model`];
//! - [`compare`] (the one entry point) matches items and resources by identifier, pairs
//!   renames by title or launch, compares files and launch, mastery and completion settings,
//!   and asks `verdict` what each LMS keeps (`lms-import.md` §A 13–14, §B): Moodle keeps a
//!   SCO's tracks only for an item identifier that matches under PHP's loose `==` and deletes
//!   the rest with their tracks; Open edX keeps state on the block; Canvas and cartridge
//!   imports make new content; cmi5 LMSs key records on AU ids;
//! - [`report`] renders a [`Diff`] for people or as JSON.

mod compare;
mod lms;
pub mod model;
mod parse;
pub(crate) mod php;
pub mod read;
pub mod report;
use crate::xmltree as tree;
mod verdict;

#[cfg(test)]
mod tests;

pub use lms::{Lms, Outcome, Record, Route, Status, Verdict};
pub use model::Package;
pub use read::open;

/// The course id and the AUs of a `cmi5.xml` text, blocks flattened, in document order (the
/// preview launches them as an LMS does); `Err` says why the text is no cmi5 course structure.
#[cfg(feature = "preview")]
pub(crate) fn cmi5_aus(xml: &str) -> Result<(String, Vec<model::Item>), String> {
    let root = tree::parse(xml)?;
    let parsed = parse::cmi5(&root)?;
    let course = parsed
        .items
        .iter()
        .find(|i| i.kind == model::ItemKind::Course)
        .map(|i| i.identifier.clone())
        .unwrap_or_default();
    let aus = parsed.items.into_iter();
    Ok((
        course,
        aus.filter(|i| i.kind == model::ItemKind::Au).collect(),
    ))
}

use model::{Container, FileInfo, Format, ItemKind};
use std::path::PathBuf;

/// Everything that differs between two packages, and the learner-record verdicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// The old package.
    pub old: Side,
    /// The new package.
    pub new: Side,
    /// Whether the format (or SCORM version) differs: said prominently.
    pub format_changed: bool,
    /// Items (organizations, items, cmi5 courses, blocks, AUs) added, removed, renamed,
    /// re-titled or moved, in new-document order (removed ones last).
    pub items: Vec<ItemChange>,
    /// Resources added, removed or renamed.
    pub resources: Vec<ResourceChange>,
    /// Files added, removed or changed, by path.
    pub files: Vec<FileChange>,
    /// Launch, mastery and completion settings that differ.
    pub settings: Vec<SettingChange>,
    /// What each LMS does with learner records.
    pub records: Vec<Verdict>,
    /// Things to know: format changes, identifier hazards, oddities in either manifest.
    pub warnings: Vec<String>,
}

impl Diff {
    /// Whether replacing the old package with the new one would drop learner records in some
    /// LMS (a verdict is [`Outcome::Lost`]): the command then exits 1.
    pub fn drops_records(&self) -> bool {
        self.records.iter().any(|v| v.outcome == Outcome::Lost)
    }

    /// Whether nothing at all differs.
    pub fn is_empty(&self) -> bool {
        !self.format_changed
            && self.items.is_empty()
            && self.resources.is_empty()
            && self.files.is_empty()
            && self.settings.is_empty()
    }
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// The path as given.
    pub path: PathBuf,
    /// Zip or folder.
    pub container: Container,
    /// The detected format.
    pub format: Format,
    /// "SCORM 1.2", "Common Cartridge 1.1.0", …
    pub label: String,
    /// `<schemaversion>`, trimmed.
    pub schemaversion: Option<String>,
    /// Number of files.
    pub files: usize,
    /// Total uncompressed size of the files.
    pub bytes: u64,
}

/// How something changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Only in the new package.
    Added,
    /// Only in the old package.
    Removed,
    /// A different identifier for what looks like the same thing (same title or launch).
    Renamed,
    /// Same identifier, different title.
    Retitled,
    /// Same identifier, different parent.
    Moved,
    /// Same path, different content (files).
    Changed,
}

impl Change {
    /// The name used in JSON and output.
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Renamed => "renamed",
            Change::Retitled => "retitled",
            Change::Moved => "moved",
            Change::Changed => "changed",
        }
    }
}

/// An item as a change shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    /// Organization, item, course, block or AU.
    pub kind: ItemKind,
    /// Its identifier.
    pub identifier: String,
    /// Its title.
    pub title: String,
    /// The enclosing item's identifier.
    pub parent: Option<String>,
}

/// A structural change to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemChange {
    /// What happened.
    pub change: Change,
    /// The item in the old package (`None` when added).
    pub old: Option<ItemRef>,
    /// The item in the new package (`None` when removed).
    pub new: Option<ItemRef>,
}

/// A resource as a change shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    /// Its identifier.
    pub identifier: String,
    /// Its `type`.
    pub kind: String,
    /// Its `href`.
    pub href: Option<String>,
}

/// A structural change to a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChange {
    /// Added, removed or renamed.
    pub change: Change,
    /// The resource in the old package.
    pub old: Option<ResourceRef>,
    /// The resource in the new package.
    pub new: Option<ResourceRef>,
}

/// A file added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Added, removed or changed.
    pub change: Change,
    /// The package path.
    pub path: String,
    /// Size and fingerprint in the old package.
    pub old: Option<FileInfo>,
    /// Size and fingerprint in the new package.
    pub new: Option<FileInfo>,
}

/// What a setting belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The whole package (`schemaversion`, the launch each LMS picks).
    Package,
    /// An item or AU.
    Item,
    /// A resource.
    Resource,
}

impl Scope {
    /// The name used in JSON and output.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Package => "package",
            Scope::Item => "item",
            Scope::Resource => "resource",
        }
    }
}

/// A launch, mastery or completion setting whose value differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange {
    /// What it belongs to.
    pub scope: Scope,
    /// The item's or resource's identifier in the new package (`None` for the package).
    pub identifier: Option<String>,
    /// The setting (`adlcp:masteryscore`, `completionThreshold@minProgressMeasure`, `href`,
    /// `moodle_launch`, `openedx_launch`, …).
    pub name: String,
    /// The old value (`None` when absent).
    pub old: Option<String>,
    /// The new value (`None` when absent).
    pub new: Option<String>,
}

/// Compares two packages: structure, files, settings, and the learner-record verdicts.
pub fn compare(old: &Package, new: &Package) -> Diff {
    let structure = compare::structure(old, new);
    let mut warnings = compare::format_warnings(old, new);
    for (side, package) in [("old", old), ("new", new)] {
        for w in &package.warnings {
            warnings.push(format!("{side} package: {w}"));
        }
    }
    let records = verdict::records(old, new, &structure.renames);
    Diff {
        old: side(old),
        new: side(new),
        format_changed: compare::format_changed(old, new),
        items: structure.items,
        resources: structure.resources,
        files: compare::files(old, new),
        settings: structure.settings,
        records,
        warnings,
    }
}

fn side(package: &Package) -> Side {
    Side {
        path: package.path.clone(),
        container: package.container,
        format: package.format,
        label: package.format_label(),
        schemaversion: package.schemaversion.clone(),
        files: package.files.len(),
        bytes: package.files.values().map(|f| f.size).sum(),
    }
}
