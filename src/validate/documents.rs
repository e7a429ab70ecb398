//! Every XML document of a package besides the manifest — cartridge topics, web links and LTI
//! links, QTI, metadata, any `.xml` entry — read by the same hardened reader as the manifest
//! ([`crate::xmltree::read`]): LMSs parse them with the same parsers, so a billion-laughs
//! topic or an external entity in a QTI file is as hostile as one in the manifest. Their
//! entities are never expanded and nothing they name is fetched; only what the rules report
//! is kept (no trees, the text only when a finding points into it).

use super::reader::{self, Placement};
use super::{Inner, entry_label, xml};
use crate::container::{Container, ReadError};
use crate::xmltree::{Doctype, XmlError};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One document as the reader found it.
#[derive(Debug)]
pub(crate) enum Checked {
    /// Read: what is wrong with it, if anything.
    Read(Document),
    /// Could not be read (too large, corrupt, past the budget): the reason, for people.
    Unread(String),
    /// Not read, or not this rule's to report: the reason is another rule's finding
    /// (encrypted, a compression bomb, a symbolic link, an unreadable cartridge document).
    Skipped,
}

/// What the rules need of a document that was read.
#[derive(Debug)]
pub(crate) struct Document {
    /// How findings name it.
    pub(crate) label: PathBuf,
    /// Why it is not well-formed or not in its encoding, if so.
    pub(crate) error: Option<XmlError>,
    /// Its DOCTYPE, when it declares entities or names something external.
    pub(crate) doctype: Option<Doctype>,
    /// A cartridge document a resource names (its well-formedness is `REF013`'s).
    pub(crate) cartridge: bool,
    /// The text, kept only when a finding points into it (cartridge documents are kept by
    /// the caller already).
    text: Option<String>,
}

impl Checked {
    /// The label and text to register as a source, when a finding points into it.
    pub(crate) fn source(self) -> Option<(PathBuf, String)> {
        match self {
            Checked::Read(d) => d.text.map(|t| (d.label, t)),
            _ => None,
        }
    }
}

/// Whether a package path names an XML document to check: `.xml` in any case, not the
/// operating system's metadata (`__MACOSX/`, AppleDouble `._` files, `PKG005`'s).
fn is_document(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    name.to_ascii_lowercase().ends_with(".xml")
        && !file.starts_with("._")
        && !name.starts_with("__MACOSX/")
        && !name.contains("/__MACOSX/")
}

/// Reads every XML document but the manifest, in stored order, within
/// [`reader::MAX_DOCUMENTS`] bytes in all; cartridge documents already read (`inner`) are
/// not read again.
pub(crate) fn read_all(
    container: &mut Container,
    placement: &Placement,
    inner: &BTreeMap<String, Result<Inner, ReadError>>,
) -> BTreeMap<String, Checked> {
    let mut out = BTreeMap::new();
    for (path, read) in inner {
        let checked = match read {
            Ok(i) => Checked::Read(Document {
                label: i.label.clone(),
                error: i.doc.as_ref().err().cloned(),
                doctype: hostile(i.doc.as_ref().ok().and_then(|d| d.doctype.as_ref())),
                cartridge: true,
                text: None,
            }),
            // `REF013` reports a cartridge document that cannot be read.
            Err(_) => Checked::Skipped,
        };
        out.insert(path.clone(), checked);
    }
    let names: Vec<(String, u64, bool)> = container
        .files()
        .filter(|e| is_document(&e.name) && Some(e.name.as_str()) != placement.name())
        .filter(|e| !out.contains_key(&e.name))
        .map(|e| (e.name.clone(), e.size, e.encrypted || e.link))
        .collect();
    let mut spent = 0u64;
    for (name, size, skip) in names {
        if skip {
            out.insert(name, Checked::Skipped);
            continue;
        }
        if spent.saturating_add(size.min(reader::MAX_INNER)) > reader::MAX_DOCUMENTS {
            out.insert(
                name,
                Checked::Unread(format!(
                    "the package's XML documents exceed the {} MiB the validator reads",
                    reader::MAX_DOCUMENTS / (1024 * 1024)
                )),
            );
            continue;
        }
        let checked = match container.read(&name, reader::MAX_INNER) {
            Ok(bytes) => {
                spent += bytes.len() as u64;
                let read = xml::read(&bytes);
                drop(bytes);
                let doctype = hostile(read.doc.as_ref().ok().and_then(|d| d.doctype.as_ref()));
                let error = read.doc.err();
                let text = (error.is_some() || doctype.is_some()).then_some(read.text);
                Checked::Read(Document {
                    label: entry_label(container, &name),
                    error,
                    doctype,
                    cartridge: false,
                    text,
                })
            }
            Err(e) => unread(&e),
        };
        out.insert(name, checked);
    }
    out
}

fn hostile(doctype: Option<&Doctype>) -> Option<Doctype> {
    doctype.filter(|d| d.is_hostile()).cloned()
}

/// A read error as the rules show it; those another rule reports are skipped.
fn unread(e: &ReadError) -> Checked {
    match e {
        ReadError::Encrypted | ReadError::Ratio(_) | ReadError::Link | ReadError::Missing => {
            Checked::Skipped
        }
        ReadError::TooBig(_) | ReadError::Budget | ReadError::Io(_) => {
            Checked::Unread(format!("it could not be read ({e}), so it was not checked"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_documents_are_named_by_extension_without_os_metadata() {
        assert!(is_document("quiz/assessment.xml"));
        assert!(is_document("topic.XML"));
        assert!(!is_document("__MACOSX/topic.xml"));
        assert!(!is_document("a/__MACOSX/topic.xml"));
        assert!(!is_document("a/._topic.xml"));
        assert!(!is_document("schema.xsd"));
    }
}
