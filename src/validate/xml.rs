//! Reading a manifest's bytes as text: BOMs and UTF-16 handled, other declared encodings
//! noted; then the position-keeping tree ([`crate::xmltree`]), which refuses DTD processing.

use crate::xmltree::{self, Doc, XmlError};

/// How the manifest's bytes were encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (harmless; noted).
    Utf8Bom,
    /// UTF-16, little or big endian (decoded; positions then refer to the decoded text).
    Utf16,
    /// Not UTF-8 and no BOM: read lossily; `declared` is the XML declaration's `encoding`.
    Other {
        /// The declared encoding, if any.
        declared: Option<String>,
    },
}

/// Decodes a manifest's bytes into text.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf")
        && let Ok(text) = std::str::from_utf8(rest)
    {
        // Keep the BOM in the text so byte offsets match the file.
        return (format!("\u{feff}{text}"), Encoding::Utf8Bom);
    }
    let utf16 = |le: bool| {
        let units = bytes[2..].chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    match bytes {
        [0xff, 0xfe, ..] => return (utf16(true), Encoding::Utf16),
        [0xfe, 0xff, ..] => return (utf16(false), Encoding::Utf16),
        _ => {}
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let declared = declared_encoding(&text);
            (text, Encoding::Other { declared })
        }
    }
}

/// The `encoding` of the XML declaration, if any.
pub fn declared_encoding(text: &str) -> Option<String> {
    let decl = text.trim_start_matches('\u{feff}');
    let decl = decl.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// Parses decoded text into a tree.
pub(crate) fn parse(text: &str) -> Result<Doc, XmlError> {
    xmltree::parse_doc(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_utf16_are_decoded() {
        assert_eq!(decode(b"<a/>"), ("<a/>".into(), Encoding::Utf8));
        assert_eq!(decode(b"\xef\xbb\xbf<a/>").1, Encoding::Utf8Bom);
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("<a/>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le), ("<a/>".into(), Encoding::Utf16));
        let latin = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9</a>";
        assert_eq!(
            decode(latin).1,
            Encoding::Other {
                declared: Some("ISO-8859-1".into())
            }
        );
    }

    #[test]
    fn positions_survive_a_bom() {
        let (text, _) = decode(b"\xef\xbb\xbf<a><b x=\"1\"/></a>");
        let doc = parse(&text).unwrap();
        let b = &doc.root.children[0];
        assert_eq!(&text[b.span.clone()], "<b x=\"1\"/>");
        assert_eq!(&text[b.attr_span("x")], "x=\"1\"");
    }
}
