//! `validate`: checks a third-party (or our own) SCORM 1.2/2004, Common Cartridge or cmi5
//! package offline, strict about what breaks an import, honest about what is only a
//! deviation, and naming the LMSs each finding affects.
//!
//! ```text
//! PATH ──reader::open──▶ Container ──reader::locate──▶ manifest bytes ──xml::read──▶ Doc
//!      ──detect──▶ Format ──rules::RULES (container, xml, refs, lms)──▶ Report (findings as values)
//!      every other `.xml` entry ──documents::read_all (the same reader)──▶ Document
//! ```
//!
//! Findings are [`Diagnostic`]s with a rule code, a byte range in the manifest (shown as
//! `line:col`) and the LMSs they affect; `Err` is kept for "could not run" (exit 2).

pub(crate) mod completion;
pub mod detect;
pub(crate) mod documents;
pub(crate) mod links;
pub(crate) mod params;
pub mod reader;
pub(crate) mod refcheck;
pub mod report;
pub mod rules;
pub(crate) mod scan;
pub mod schema;
pub(crate) mod sequencing;
pub mod xml;

use crate::container::{Container, ContainerKind, ReadError};
use crate::diagnostic::{Diagnostic, Report};
use crate::lms::Lms;
use crate::output::OutputFile;
use crate::xmltree::{Doc, El, XmlError};
use detect::Format;
use reader::Placement;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The most findings one rule reports about one package (then one more saying how many were
/// left out).
pub const MAX_PER_RULE: usize = 100;
/// The most findings of one package in all.
pub const MAX_FINDINGS: usize = 1000;

/// What to check for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Keep only findings that concern these LMSs (findings about the standard itself are
    /// always kept).
    pub lms: Vec<Lms>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lms: Lms::ALL.to_vec(),
        }
    }
}

/// The result of validating one package.
#[derive(Debug, Clone)]
pub struct Validation {
    /// The path as given.
    pub path: PathBuf,
    /// The detected format (`Unknown` when there is no readable manifest).
    pub format: Format,
    /// The manifest's path inside the package, when found.
    pub manifest: Option<String>,
    /// The findings, with the manifest text for snippets.
    pub report: Report,
}

/// The manifest as read.
#[derive(Debug)]
pub(crate) struct Manifest {
    /// The entry name in the package.
    pub(crate) name: String,
    /// How findings name it.
    pub(crate) label: PathBuf,
    /// The decoded text.
    pub(crate) text: String,
    /// How it was encoded.
    pub(crate) encoding: xml::Encoding,
    /// The tree, or why there is none.
    pub(crate) doc: Result<Doc, XmlError>,
    /// The detected format.
    pub(crate) format: Format,
}

/// A cartridge's topic, web link or LTI document, read because a resource names it.
#[derive(Debug)]
pub(crate) struct Inner {
    /// How findings name it.
    pub(crate) label: PathBuf,
    /// The decoded text (registered in the report's sources, so findings show `line:col`).
    pub(crate) text: String,
    /// The tree, or why there is none.
    pub(crate) doc: Result<Doc, XmlError>,
}

/// What every rule sees.
#[derive(Debug)]
pub(crate) struct Cx<'a> {
    /// The package.
    pub(crate) container: &'a Container,
    /// Where the manifest was found.
    pub(crate) placement: &'a Placement,
    /// The manifest, when it could be read.
    pub(crate) manifest: Option<&'a Manifest>,
    /// Why the manifest could not be read (size, ratio, encryption).
    pub(crate) read_error: Option<&'a ReadError>,
    /// Cartridge documents by package path, when present and readable.
    pub(crate) inner: &'a BTreeMap<String, Result<Inner, ReadError>>,
    /// Every XML document of the package but the manifest (cartridge documents included),
    /// as the same reader found it.
    pub(crate) documents: &'a BTreeMap<String, documents::Checked>,
    /// The schema layer's result, when the format has a bundled set and the manifest parsed.
    pub(crate) schema: Option<&'a schema::Outcome>,
    /// The completion scan of a SCORM package's files (`None`: a bare manifest, not SCORM).
    pub(crate) completion: Option<&'a completion::Scan>,
}

impl Cx<'_> {
    /// The manifest's root element, when it parsed.
    pub(crate) fn root(&self) -> Option<&El> {
        self.doc().map(|d| &d.root)
    }

    /// The parsed manifest document.
    pub(crate) fn doc(&self) -> Option<&Doc> {
        self.manifest.and_then(|m| m.doc.as_ref().ok())
    }

    /// The detected format.
    pub(crate) fn format(&self) -> Format {
        self.manifest.map_or(Format::Unknown, |m| m.format)
    }

    /// Points `d` at `range` in the manifest.
    pub(crate) fn at(&self, d: Diagnostic, range: Range<usize>) -> Diagnostic {
        match self.manifest {
            Some(m) => d.at(m.label.clone(), range),
            None => d,
        }
    }

    /// Points `d` at where `link` is written.
    pub(crate) fn at_link(&self, d: Diagnostic, link: &links::Link) -> Diagnostic {
        match &link.site {
            links::Site::Manifest(range) => self.at(d, range.clone()),
            links::Site::Document(label, range) => d.at(label.clone(), range.clone()),
        }
    }

    /// How findings name package entry `name`.
    pub(crate) fn entry_label(&self, name: &str) -> PathBuf {
        entry_label(self.container, name)
    }

    /// The package path a manifest `href` names: relative to the manifest's folder, query and
    /// fragment dropped, `%XX` decoded. `None` for absolute URLs.
    pub(crate) fn package_path(&self, href: &str) -> Option<String> {
        scan::package_path(self.placement.base(), href)
    }

    /// Whether the package's files are known (a bare manifest has none).
    pub(crate) fn has_files(&self) -> bool {
        self.container.kind != ContainerKind::File
    }
}

fn entry_label(container: &Container, name: &str) -> PathBuf {
    match container.kind {
        ContainerKind::File => container.path.clone(),
        ContainerKind::Folder => container.path.join(name),
        ContainerKind::Zip => PathBuf::from(format!("{}/{name}", container.path.display())),
    }
}

/// Validates the package at `path`.
///
/// # Errors
///
/// When the path cannot be read at all (missing, unreadable, neither folder, zip nor XML).
pub fn validate(path: &Path, options: &Options) -> anyhow::Result<Validation> {
    let container = reader::open(path)?;
    Ok(validate_container(path, container, options))
}

/// Validates a package that is not written yet — the files a build listed — as if it were
/// an extracted folder at `path` (findings name `path/<entry>`). The build's gate
/// ([`crate::build::write`]) runs every package through it before writing.
pub fn validate_files(path: &Path, files: &[OutputFile], options: &Options) -> Validation {
    validate_container(path, Container::from_files(path, files), options)
}

fn validate_container(path: &Path, mut container: Container, options: &Options) -> Validation {
    let placement = reader::locate(&container);
    let (manifest, read_error) = match read_manifest(&mut container, &placement) {
        Ok(manifest) => (manifest, None),
        Err(e) => (None, Some(e)),
    };
    let inner = read_inner(&mut container, &placement, manifest.as_ref());
    let documents = documents::read_all(&mut container, &placement, &inner);
    let schema = manifest.as_ref().and_then(schema_check);
    let completion = manifest
        .as_ref()
        .filter(|m| m.doc.is_ok())
        .and_then(|m| completion::scan(&mut container, m.format));
    let cx = Cx {
        container: &container,
        placement: &placement,
        manifest: manifest.as_ref(),
        read_error: read_error.as_ref(),
        inner: &inner,
        documents: &documents,
        schema: schema.as_ref(),
        completion: completion.as_ref(),
    };
    let mut report = Report::default();
    let mut found = Vec::new();
    for rule in rules::RULES {
        // Each rule's findings, bounded whatever the package holds (most rules count their
        // repeats themselves; this catches any that does not).
        let mut mine = Vec::new();
        (rule.check)(&cx, &mut mine);
        let left = mine.len().saturating_sub(MAX_PER_RULE);
        mine.truncate(MAX_PER_RULE);
        found.extend(mine);
        if left > 0 {
            found.push(rule.finding(format!(
                "{left} more `{}` findings (only the first {MAX_PER_RULE} are shown)",
                rule.code
            )));
        }
        if found.len() >= MAX_FINDINGS {
            found.truncate(MAX_FINDINGS);
            found.push(Diagnostic::warning(format!(
                "the report stops at {MAX_FINDINGS} findings; fix these and validate again"
            )));
            break;
        }
    }
    for mut d in found {
        if !d.lms.is_empty() {
            d.lms = d.lms.iter().filter(|l| options.lms.contains(l)).collect();
            if d.lms.is_empty() {
                continue;
            }
        }
        report.push(d);
    }
    if let Some(m) = &manifest {
        report
            .sources
            .insert(m.label.clone(), m.text.clone().into_bytes());
    }
    // Cartridge documents are sources too: findings inside them show `line:col`; so are the
    // other documents a finding points into.
    for inner in inner.values().filter_map(|r| r.as_ref().ok()) {
        report
            .sources
            .insert(inner.label.clone(), inner.text.clone().into_bytes());
    }
    for (label, text) in documents
        .into_values()
        .filter_map(documents::Checked::source)
    {
        report.sources.insert(label, text.into_bytes());
    }
    Validation {
        path: path.to_path_buf(),
        format: manifest.as_ref().map_or(Format::Unknown, |m| m.format),
        manifest: manifest.map(|m| m.name),
        report,
    }
}

/// The detected format of the package's manifest (`Unknown` when there is none or it does not
/// parse), without running any rule: what `inspect` names.
pub fn detect_format(container: &mut Container) -> Format {
    let placement = reader::locate(container);
    read_manifest(container, &placement)
        .ok()
        .flatten()
        .map_or(Format::Unknown, |m| m.format)
}

/// Reads, decodes and parses the manifest `placement` names (`Ok(None)`: there is none).
fn read_manifest(
    container: &mut Container,
    placement: &Placement,
) -> Result<Option<Manifest>, ReadError> {
    let Some(name) = placement.name() else {
        return Ok(None);
    };
    let bytes = container.read(name, reader::MAX_MANIFEST)?;
    let xml::Read {
        text,
        encoding,
        doc,
    } = xml::read(&bytes);
    drop(bytes);
    let format = doc
        .as_ref()
        .map_or(Format::Unknown, |d| detect::detect(&d.root));
    Ok(Some(Manifest {
        name: name.to_string(),
        label: entry_label(container, name),
        text,
        encoding,
        doc,
        format,
    }))
}

/// Runs the schema layer on a manifest that parsed and whose format has a bundled set. A
/// DOCTYPE that declares entities or names anything external (`XML003`) is not
/// schema-checked: no DTD is handed to any other reader, expanding or loading it is what
/// must not happen (the validator's reader would refuse its entity references anyway).
fn schema_check(m: &Manifest) -> Option<schema::Outcome> {
    let doc = m.doc.as_ref().ok()?;
    if doc.doctype.as_ref().is_some_and(|d| d.is_hostile()) {
        return None;
    }
    schema::check(m.format, &m.text)
}

/// Reads the topic, web link and LTI documents a cartridge's resources name (their first
/// `<file href>`), each bounded by [`reader::MAX_INNER`].
fn read_inner(
    container: &mut Container,
    placement: &Placement,
    manifest: Option<&Manifest>,
) -> BTreeMap<String, Result<Inner, ReadError>> {
    let mut out = BTreeMap::new();
    let Some(m) = manifest.filter(|m| m.format.is_cc()) else {
        return out;
    };
    let Ok(doc) = &m.doc else { return out };
    for res in scan::resources(&doc.root) {
        if scan::inner_kind(res.attr("type").unwrap_or_default()).is_none() {
            continue;
        }
        let Some(href) = res.child("file").and_then(|f| f.attr("href")) else {
            continue;
        };
        let Some(path) = scan::package_path(placement.base(), href) else {
            continue;
        };
        if out.contains_key(&path) || container.entry(&path).is_none() {
            continue;
        }
        let read = container.read(&path, reader::MAX_INNER).map(|bytes| {
            let xml::Read { text, doc, .. } = xml::read(&bytes);
            Inner {
                label: entry_label(container, &path),
                doc,
                text,
            }
        });
        out.insert(path, read);
    }
    out
}
