//! What `diff` knows of one package: its files with fingerprints, its format, and the
//! structure and settings its manifest gives each LMS, read from any package (not only ours).
//!
//! SCORM and cartridge manifests and `cmi5.xml` are mapped onto one shape, so that comparing
//! them is one job: organizations, items, cmi5 courses, blocks and AUs are all [`Item`]s (with a
//! [`ItemKind`]); SCORM and cartridge resources are [`Resource`]s (cmi5 has none).

use std::collections::BTreeMap;
use std::path::PathBuf;

/// A package read for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The path as the user gave it.
    pub path: PathBuf,
    /// Zip archive or folder.
    pub container: Container,
    /// The format its manifest declares.
    pub format: Format,
    /// The manifest's `<schemaversion>` text, trimmed (`None` when absent, and for cmi5).
    pub schemaversion: Option<String>,
    /// Every file by package path (folders and, for folders, lessonpack's marker left out).
    pub files: BTreeMap<String, FileInfo>,
    /// Organizations, items, cmi5 courses, blocks and AUs in document order.
    pub items: Vec<Item>,
    /// Resources in document order.
    pub resources: Vec<Resource>,
    /// `<organizations default>` (SCORM and cartridges).
    pub default_organization: Option<String>,
    /// Things noticed while reading that the user should know (duplicate identifiers, …).
    pub warnings: Vec<String>,
}

/// Where a package's files live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A `.zip`/`.imscc` archive, read in place.
    Zip,
    /// An extracted package folder.
    Folder,
}

/// The packaging standard a manifest follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// SCORM 1.2.
    Scorm12,
    /// SCORM 2004 (any edition).
    Scorm2004,
    /// IMS Common Cartridge (any version).
    Cc,
    /// cmi5 (`cmi5.xml`).
    Cmi5,
}

impl Format {
    /// The name used in JSON and on the command line (the build target names).
    pub fn name(self) -> &'static str {
        match self {
            Format::Scorm12 => "scorm12",
            Format::Scorm2004 => "scorm2004",
            Format::Cc => "cc",
            Format::Cmi5 => "cmi5",
        }
    }

    /// Whether this is SCORM 1.2 or 2004.
    pub fn is_scorm(self) -> bool {
        matches!(self, Format::Scorm12 | Format::Scorm2004)
    }
}

/// Size and content fingerprint of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileInfo {
    /// Uncompressed size in bytes.
    pub size: u64,
    /// CRC-32 of the content: from the zip central directory, or computed for a folder.
    pub crc32: u32,
}

/// What an [`Item`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    /// A SCORM/cartridge `<organization>`.
    Organization,
    /// A SCORM/cartridge `<item>`.
    Item,
    /// The cmi5 `<course>`.
    Course,
    /// A cmi5 `<block>`.
    Block,
    /// A cmi5 `<au>` (assignable unit).
    Au,
}

impl ItemKind {
    /// The name used in messages and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Organization => "organization",
            ItemKind::Item => "item",
            ItemKind::Course => "course",
            ItemKind::Block => "block",
            ItemKind::Au => "au",
        }
    }
}

/// An organization, item, cmi5 course, block or AU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// `identifier` (SCORM, cartridges) or `id` (cmi5 IRIs).
    pub identifier: String,
    /// The title text, whitespace collapsed (the first `langstring` in cmi5).
    pub title: String,
    /// The identifier of the enclosing item or organization (`None` at the top).
    pub parent: Option<String>,
    /// `identifierref`, when the item points at a resource.
    pub identifierref: Option<String>,
    /// What it launches: the resource's `href` (with its `xml:base`; for cartridges the first
    /// file when there is no `href`), or a cmi5 AU's `url`. `None` for folders.
    pub launch: Option<String>,
    /// Launch, mastery and completion settings by name (`adlcp:masteryscore`,
    /// `completionThreshold@minProgressMeasure`, `moveOn`, …), as written.
    pub settings: BTreeMap<String, String>,
}

/// A SCORM or cartridge `<resource>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// `identifier`.
    pub identifier: String,
    /// `type` (`webcontent`, `imsdt_xmlv1p1`, …).
    pub kind: String,
    /// `adlcp:scormtype`/`adlcp:scormType` (any case), when given.
    pub scorm_type: Option<String>,
    /// `href` with the resource's own `xml:base` in front, when given.
    pub href: Option<String>,
    /// `<file href>` values in order.
    pub files: Vec<String>,
}

impl Package {
    /// The item with this identifier.
    pub fn item(&self, identifier: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.identifier == identifier)
    }

    /// The resource with this identifier.
    pub fn resource(&self, identifier: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.identifier == identifier)
    }

    /// Items a learner launches and an LMS keeps records for: SCORM/cartridge items with a
    /// launch, and cmi5 AUs.
    pub fn launchable(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| match i.kind {
            ItemKind::Item => i.launch.is_some(),
            ItemKind::Au => true,
            _ => false,
        })
    }

    /// The item Moodle starts at: the first launchable item of the default organization (the
    /// first organization when the default names none), `lms-import.md` §A 8 and 12.
    pub fn moodle_launch(&self) -> Option<&Item> {
        let orgs: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Organization)
            .collect();
        let org = self
            .default_organization
            .as_deref()
            .and_then(|d| orgs.iter().find(|o| o.identifier == d))
            .or(orgs.first())?;
        self.launchable()
            .find(|i| self.organization_of(i) == Some(org.identifier.as_str()))
    }

    /// The page Open edX launches: the first resource with an `href` in document order (§A 8);
    /// for cmi5, the first AU's `url` (§A 19).
    pub fn openedx_launch(&self) -> Option<&str> {
        if self.format == Format::Cmi5 {
            let au = self.items.iter().find(|i| i.kind == ItemKind::Au)?;
            return au.launch.as_deref();
        }
        self.resources.iter().find_map(|r| r.href.as_deref())
    }

    /// The organization an item belongs to, following parents.
    pub fn organization_of<'a>(&'a self, item: &'a Item) -> Option<&'a str> {
        let mut current = item;
        // Bounded by the number of items: a parent cycle cannot loop forever.
        for _ in 0..=self.items.len() {
            if current.kind == ItemKind::Organization {
                return Some(&current.identifier);
            }
            current = self.item(current.parent.as_deref()?)?;
        }
        None
    }

    /// "SCORM 1.2", "SCORM 2004 4th Edition", "Common Cartridge 1.1.0", "cmi5".
    pub fn format_label(&self) -> String {
        let version = self.schemaversion.as_deref().filter(|v| !v.is_empty());
        match (self.format, version) {
            (Format::Scorm12, _) => "SCORM 1.2".into(),
            (Format::Scorm2004, Some(v)) if v.starts_with("2004") => format!("SCORM {v}"),
            (Format::Scorm2004, Some(v)) => format!("SCORM 2004 ({v})"),
            (Format::Scorm2004, None) => "SCORM 2004".into(),
            (Format::Cc, Some(v)) => format!("Common Cartridge {v}"),
            (Format::Cc, None) => "Common Cartridge".into(),
            (Format::Cmi5, _) => "cmi5".into(),
        }
    }
}
