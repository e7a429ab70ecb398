//! Reading a manifest's bytes through the shared hardened reader ([`crate::xmltree`]):
//! encodings checked against the bytes, well-formedness, the position-keeping tree; no DTD is
//! ever processed.

use crate::xmltree::{self, Doc, XmlError};

pub(crate) use crate::xmltree::Read;
pub use crate::xmltree::encoding::{Encoding, declared_encoding};

/// Decodes a manifest's bytes into text (lossy where they contradict their encoding; the
/// reader reports that as an `XmlErrorKind::Encoding` error).
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let decoded = xmltree::encoding::decode(bytes);
    (decoded.text, decoded.encoding)
}

/// Reads a document's bytes: text, encoding and tree (or the first reason there is none).
pub(crate) fn read(bytes: &[u8]) -> xmltree::Read {
    xmltree::read(bytes)
}

/// Parses decoded text into a tree.
pub(crate) fn parse(text: &str) -> Result<Doc, XmlError> {
    xmltree::parse_doc(text)
}

/// Whether `bytes` are a well-formed document for the reader every package document goes
/// through — encoding, well-formedness, depth, no dangling `&` and no undefined entity —
/// and else the first reason, with its byte offset; the verdict the differential test
/// compares with `xmllint --noout` (`tests/fixtures/validate/DIFFERENTIAL.md`).
///
/// # Errors
///
/// The first problem: `(byte offset, message)`.
pub fn well_formed(bytes: &[u8]) -> Result<(), (usize, String)> {
    let read = read(bytes);
    let doc = read.doc.map_err(|e| (e.offset, e.message))?;
    if let Some(&at) = doc.dangling_amps.first() {
        return Err((at, "`&` does not start a reference".into()));
    }
    if let Some((name, range)) = doc.unknown_entities.first() {
        return Err((range.start, format!("the entity `&{name};` is not defined")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_survive_a_bom() {
        let (text, _) = decode(b"\xef\xbb\xbf<a><b x=\"1\"/></a>");
        let doc = parse(&text).unwrap();
        let b = &doc.root.children[0];
        assert_eq!(&text[b.span.clone()], "<b x=\"1\"/>");
        assert_eq!(&text[b.attr_span("x")], "x=\"1\"");
    }

    #[test]
    fn the_verdict_covers_what_the_tree_tolerates() {
        assert_eq!(well_formed(b"<a>x</a>"), Ok(()));
        assert_eq!(well_formed(b"<a>x & y</a>").unwrap_err().0, 5);
        assert_eq!(well_formed(b"<a b='x & y'/>").unwrap_err().0, 8);
        assert_eq!(well_formed(b"<a>&nbsp;</a>").unwrap_err().0, 3);
        assert_eq!(well_formed(b"<a t='&nbsp;'/>").unwrap_err().0, 6);
        assert_eq!(well_formed(b"<a>\xe9</a>").unwrap_err().0, 3);
        assert_eq!(well_formed(b"<a>&#1;</a>").unwrap_err().0, 3);
    }
}
