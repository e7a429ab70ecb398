//! Turning a document's bytes into text as XML 1.0 §4.3.3 and Appendix F say, before any
//! markup is read: a byte order mark or the first bytes decide the family (UTF-8, UTF-16 with
//! or without a mark), the XML declaration's `encoding` must agree with it, and the bytes
//! must be what the encoding says.
//!
//! Expat (Moodle's parser, Python's for Open edX) and libxml2 refuse a document whose bytes
//! are not UTF-8 when it declares no encoding, one that names an encoding they do not know,
//! and one labelled UTF-16 whose bytes are 8-bit; so does this reader, with the offset of the
//! first byte at fault. Legacy 8-bit encodings (`ISO-8859-1`, `windows-1252`, …) are decoded
//! byte by byte — exact for ISO-8859-1, the markup exact for the others — and reported as
//! what they are (`XML004`), not refused.

use super::{XmlError, XmlErrorKind};
use std::ops::Range;

/// How a document's bytes were encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte order mark (or US-ASCII, its subset).
    Utf8,
    /// UTF-8 with a byte order mark (harmless; noted).
    Utf8Bom,
    /// UTF-16, little or big endian, with or without a byte order mark (decoded; positions
    /// then refer to the decoded text).
    Utf16,
    /// A legacy 8-bit encoding the XML declaration names, decoded byte by byte.
    Other {
        /// The declared encoding, as written.
        declared: String,
    },
}

/// A document's text, how it was encoded, and why its bytes do not match their encoding.
#[derive(Debug, Clone)]
pub(crate) struct Decoded {
    /// The text (lossy where the bytes were wrong; a UTF-8 byte order mark is kept, so byte
    /// offsets of UTF-8 documents match the file).
    pub(crate) text: String,
    /// The encoding found.
    pub(crate) encoding: Encoding,
    /// The first problem, at a byte offset of `text`: an [`XmlErrorKind::Encoding`] (bytes,
    /// an unknown or contradicted encoding) or an [`XmlErrorKind::Malformed`] encoding name.
    pub(crate) problem: Option<XmlError>,
}

/// The family the first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// No byte order mark, ASCII-compatible: UTF-8 or what the declaration names.
    Bytes,
    /// A UTF-8 byte order mark.
    Utf8Bom,
    /// UTF-16; `bom` when a byte order mark says so, else sniffed from `<?` (Appendix F).
    Utf16 { little: bool, bom: bool },
}

/// What the declaration's `encoding` names, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    Utf8,
    Utf16,
    Ascii,
    Latin1,
    /// Another 8-bit or multi-byte legacy encoding LMS parsers know (decoded byte by byte).
    Legacy,
    Unknown,
}

/// Encoding names, upper case with `-`, `_`, `.` and spaces removed.
const UTF8: &[&str] = &["UTF8"];
const UTF16: &[&str] = &["UTF16", "UTF16LE", "UTF16BE", "UCS2", "ISO10646UCS2"];
const ASCII: &[&str] = &["USASCII", "ASCII", "ANSIX341968", "ISO646US", "US"];
const LATIN1: &[&str] = &[
    "ISO88591",
    "LATIN1",
    "L1",
    "ISOIR100",
    "CP819",
    "IBM819",
    "ISO8859119871",
];
/// Legacy encodings whose bytes never hide `<`, `&`, quotes or controls in the ASCII range,
/// so decoding them byte by byte keeps the markup exact.
const LEGACY: &[&str] = &[
    "ISO88592",
    "ISO88593",
    "ISO88594",
    "ISO88595",
    "ISO88596",
    "ISO88597",
    "ISO88598",
    "ISO88599",
    "ISO885910",
    "ISO885911",
    "ISO885913",
    "ISO885914",
    "ISO885915",
    "ISO885916",
    "LATIN2",
    "LATIN3",
    "LATIN4",
    "LATIN5",
    "LATIN6",
    "LATIN9",
    "WINDOWS1250",
    "WINDOWS1251",
    "WINDOWS1252",
    "WINDOWS1253",
    "WINDOWS1254",
    "WINDOWS1255",
    "WINDOWS1256",
    "WINDOWS1257",
    "WINDOWS1258",
    "WINDOWS874",
    "CP1250",
    "CP1251",
    "CP1252",
    "CP1253",
    "CP1254",
    "CP1255",
    "CP1256",
    "CP1257",
    "CP1258",
    "KOI8R",
    "KOI8U",
    "SHIFTJIS",
    "SJIS",
    "EUCJP",
    "EUCKR",
    "GB2312",
    "GBK",
    "GB18030",
    "BIG5",
    "MACINTOSH",
    "MACROMAN",
    "IBM437",
    "CP437",
    "IBM850",
    "CP850",
    "IBM866",
    "CP866",
    "TIS620",
];

fn named(name: &str) -> Named {
    let key: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let key = key.as_str();
    if UTF8.contains(&key) {
        Named::Utf8
    } else if UTF16.contains(&key) {
        Named::Utf16
    } else if ASCII.contains(&key) {
        Named::Ascii
    } else if LATIN1.contains(&key) {
        Named::Latin1
    } else if LEGACY.contains(&key) {
        Named::Legacy
    } else {
        Named::Unknown
    }
}

/// Decodes a document's bytes, noting the first way they contradict their encoding.
pub(crate) fn decode(bytes: &[u8]) -> Decoded {
    let family = match bytes {
        [0xef, 0xbb, 0xbf, ..] => Family::Utf8Bom,
        [0xff, 0xfe, ..] => Family::Utf16 {
            little: true,
            bom: true,
        },
        [0xfe, 0xff, ..] => Family::Utf16 {
            little: false,
            bom: true,
        },
        [0x3c, 0x00, 0x3f, 0x00, ..] => Family::Utf16 {
            little: true,
            bom: false,
        },
        [0x00, 0x3c, 0x00, 0x3f, ..] => Family::Utf16 {
            little: false,
            bom: false,
        },
        _ => Family::Bytes,
    };
    match family {
        Family::Utf16 { little, bom } => utf16(bytes, little, bom),
        Family::Utf8Bom => utf8_with_bom(bytes),
        Family::Bytes => eight_bit(bytes),
    }
}

fn problem(kind: XmlErrorKind, offset: usize, message: String) -> Option<XmlError> {
    Some(XmlError {
        kind,
        offset,
        message,
    })
}

/// UTF-16: the declaration, if any, must name UTF-16; without a byte order mark it must be
/// there (XML 1.0 §4.3.3: "Entities encoded in UTF-16 MUST … begin with the Byte Order
/// Mark" unless the declaration says so).
fn utf16(bytes: &[u8], little: bool, bom: bool) -> Decoded {
    let body = if bom { &bytes[2..] } else { bytes };
    let units = body.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut first_bad = None;
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(e) => {
                first_bad.get_or_insert((text.len(), e.unpaired_surrogate(), i));
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    let mut found = None;
    if let Some((at, unit, _)) = first_bad {
        found = problem(
            XmlErrorKind::Encoding,
            at,
            format!("the UTF-16 text has an unpaired surrogate 0x{unit:04X}"),
        );
    } else if body.len() % 2 == 1 {
        found = problem(
            XmlErrorKind::Encoding,
            text.len(),
            "the UTF-16 text ends with half a character (an odd number of bytes)".into(),
        );
    }
    let declared = declaration(text.as_bytes());
    match declared
        .as_ref()
        .map(|(name, range)| (named(name), name, range))
    {
        Some((Named::Utf16, _, _)) => {}
        Some((_, name, range)) if valid_name(name) => {
            found = problem(
                XmlErrorKind::Encoding,
                range.start,
                format!("the document declares `{name}` but its bytes are UTF-16"),
            );
        }
        Some((_, name, range)) => found = bad_name(name, range),
        None if !bom => {
            found = problem(
                XmlErrorKind::Encoding,
                0,
                "the bytes are UTF-16 without a byte order mark and the XML declaration does not say so".into(),
            );
        }
        None => {}
    }
    Decoded {
        text,
        encoding: Encoding::Utf16,
        problem: found,
    }
}

/// UTF-8 with a byte order mark. A UTF-16 declaration contradicts it; so do non-ASCII bytes
/// under a US-ASCII one (libxml2 and Expat refuse both). Under another 8-bit declaration the
/// document is well-formed for both, but Expat reads the bytes as the declaration says
/// (`é` becomes `Ã©`): decoded as UTF-8 here and reported as the declared encoding
/// (`XML004`).
fn utf8_with_bom(bytes: &[u8]) -> Decoded {
    let (text, mut found) = utf8(bytes, "it starts with a UTF-8 byte order mark");
    let mut encoding = Encoding::Utf8Bom;
    if let Some((name, range)) = declaration(&bytes[3..]) {
        let range = range.start + 3..range.end + 3;
        match named(&name) {
            _ if !valid_name(&name) => found = bad_name(&name, &range).or(found),
            Named::Utf16 => {
                found = problem(
                    XmlErrorKind::Encoding,
                    range.start,
                    format!(
                        "the document declares `{name}` but starts with a UTF-8 byte order mark"
                    ),
                )
                .or(found);
            }
            Named::Unknown => found = unknown(&name, &range).or(found),
            Named::Ascii => {
                found = not_ascii(bytes, 3, &name).or(found);
            }
            Named::Latin1 | Named::Legacy => encoding = Encoding::Other { declared: name },
            Named::Utf8 => {}
        }
    }
    Decoded {
        text,
        encoding,
        problem: found,
    }
}

/// The first byte of `bytes` from `from` on that is not ASCII, under a US-ASCII declaration.
fn not_ascii(bytes: &[u8], from: usize, name: &str) -> Option<XmlError> {
    let at = from + bytes[from..].iter().position(|b| !b.is_ascii())?;
    problem(
        XmlErrorKind::Encoding,
        at,
        format!(
            "byte 0x{:02X} is not ASCII, but the document declares `{name}`",
            bytes[at]
        ),
    )
}

/// No byte order mark: UTF-8 unless the declaration names an 8-bit encoding.
fn eight_bit(bytes: &[u8]) -> Decoded {
    let Some((name, range)) = declaration(bytes) else {
        let (text, found) = utf8(bytes, "it declares no encoding");
        return Decoded {
            text,
            encoding: Encoding::Utf8,
            problem: found,
        };
    };
    if !valid_name(&name) {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: Encoding::Utf8,
            problem: bad_name(&name, &range),
        };
    }
    let latin = || bytes.iter().map(|&b| char::from(b)).collect::<String>();
    let (text, encoding, found) = match named(&name) {
        Named::Utf8 => {
            let (text, found) = utf8(bytes, &format!("it declares `{name}`"));
            (text, Encoding::Utf8, found)
        }
        Named::Ascii => (
            String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Utf8,
            not_ascii(bytes, 0, &name),
        ),
        Named::Utf16 => (
            String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Utf8,
            problem(
                XmlErrorKind::Encoding,
                range.start,
                format!(
                    "the document declares `{name}` but its bytes are 8-bit (UTF-16 needs a byte order mark or 16-bit characters)"
                ),
            ),
        ),
        Named::Latin1 | Named::Legacy => (
            latin(),
            Encoding::Other {
                declared: name.clone(),
            },
            None,
        ),
        Named::Unknown => (
            String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Other {
                declared: name.clone(),
            },
            unknown(&name, &range),
        ),
    };
    Decoded {
        text,
        encoding,
        problem: found,
    }
}

/// The bytes as UTF-8 text (lossy after the first invalid sequence) and the problem there.
fn utf8(bytes: &[u8], why: &str) -> (String, Option<XmlError>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(e) => {
            let at = e.valid_up_to();
            let found = problem(
                XmlErrorKind::Encoding,
                at,
                format!(
                    "byte 0x{:02X} is not UTF-8, and {why}",
                    bytes.get(at).copied().unwrap_or_default()
                ),
            );
            (String::from_utf8_lossy(bytes).into_owned(), found)
        }
    }
}

fn unknown(name: &str, range: &Range<usize>) -> Option<XmlError> {
    problem(
        XmlErrorKind::Encoding,
        range.start,
        format!("`{name}` is not an encoding XML parsers know; the document cannot be read"),
    )
}

fn bad_name(name: &str, range: &Range<usize>) -> Option<XmlError> {
    problem(
        XmlErrorKind::Malformed,
        range.start,
        format!("`{name}` is not an encoding name (XML 1.0 §4.3.3 [81] EncName)"),
    )
}

/// XML 1.0 [81] `EncName ::= [A-Za-z] ([A-Za-z0-9._] | '-')*`.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The `encoding` of an XML declaration at the very start of `bytes`, with the byte range of
/// its value. Tolerant: the well-formedness layer judges the declaration's grammar.
fn declaration(bytes: &[u8]) -> Option<(String, Range<usize>)> {
    let rest = bytes.strip_prefix(b"<?xml")?;
    if !rest.first().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    // A declaration is short; a missing `?>` is the well-formedness layer's to report.
    let end = bytes.windows(2).take(1024).position(|w| w == b"?>")?;
    let decl = &bytes[..end];
    let mut i = 5;
    while i < decl.len() {
        while decl.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let name_start = i;
        while decl.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
        }
        let name = &decl[name_start..i];
        while decl.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if decl.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while decl.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let quote = *decl.get(i).filter(|q| matches!(q, b'"' | b'\''))?;
        let value_start = i + 1;
        let value_end = value_start + decl[value_start..].iter().position(|&b| b == quote)?;
        if name == b"encoding" {
            let value = String::from_utf8_lossy(&decl[value_start..value_end]).into_owned();
            return Some((value, value_start..value_end));
        }
        i = value_end + 1;
    }
    None
}

/// The `encoding` of the XML declaration of decoded text, if any.
pub fn declared_encoding(text: &str) -> Option<String> {
    declaration(text.trim_start_matches('\u{feff}').as_bytes()).map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(bytes: &[u8]) -> Option<XmlErrorKind> {
        decode(bytes).problem.map(|p| p.kind)
    }

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xff, 0xfe] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn boms_and_utf16_are_decoded() {
        let d = decode(b"<a/>");
        assert_eq!((d.text.as_str(), d.encoding), ("<a/>", Encoding::Utf8));
        assert_eq!(decode(b"\xef\xbb\xbf<a/>").encoding, Encoding::Utf8Bom);
        assert_eq!(decode(b"\xef\xbb\xbf<a/>").text, "\u{feff}<a/>");
        let d = decode(&utf16le("<a/>", true));
        assert_eq!((d.text.as_str(), d.encoding), ("<a/>", Encoding::Utf16));
        let latin = decode(b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9</a>");
        assert_eq!(
            latin.encoding,
            Encoding::Other {
                declared: "ISO-8859-1".into()
            }
        );
        assert!(latin.text.contains("<a>é</a>"), "{}", latin.text);
        assert!(latin.problem.is_none());
    }

    #[test]
    fn bytes_must_match_the_encoding_they_claim() {
        // As libxml2 and Expat judge them (`tests/fixtures/validate/DIFFERENTIAL.md`).
        let bad = decode(b"<a>caf\xe9</a>").problem.unwrap();
        assert_eq!((bad.kind, bad.offset), (XmlErrorKind::Encoding, 6));
        assert!(bad.message.contains("0xE9"), "{}", bad.message);
        assert_eq!(
            kind(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xe9</a>"),
            Some(XmlErrorKind::Encoding)
        );
        assert_eq!(
            kind(b"<?xml version=\"1.0\" encoding=\"x-bogus\"?><a/>"),
            Some(XmlErrorKind::Encoding)
        );
        assert_eq!(
            kind(b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>"),
            Some(XmlErrorKind::Encoding)
        );
        assert_eq!(
            kind(b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>"),
            Some(XmlErrorKind::Encoding)
        );
        assert_eq!(
            kind(b"<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>\x80</a>"),
            Some(XmlErrorKind::Encoding)
        );
        assert_eq!(
            kind(b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>\xc3\xa9</a>"),
            Some(XmlErrorKind::Encoding)
        );
        assert_eq!(
            kind(b"<?xml version=\"1.0\" encoding=\"1UTF\"?><a/>"),
            Some(XmlErrorKind::Malformed)
        );
        assert_eq!(
            kind(b"<?xml version=\"1.0\" encoding=\"\"?><a/>"),
            Some(XmlErrorKind::Malformed)
        );
        // UTF-16 declared over a byte order mark or sniffed from `<?xml` is fine; a UTF-8
        // declaration over UTF-16 bytes is not (Expat refuses it).
        let decl16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>";
        assert_eq!(kind(&utf16le(decl16, true)), None);
        assert_eq!(kind(&utf16le(decl16, false)), None);
        assert_eq!(decode(&utf16le(decl16, false)).text, decl16);
        let decl8 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>";
        assert_eq!(kind(&utf16le(decl8, true)), Some(XmlErrorKind::Encoding));
        assert_eq!(kind(&utf16le(decl8, false)), Some(XmlErrorKind::Encoding));
        let mut odd = utf16le("<a/>", true);
        odd.push(b'x');
        assert_eq!(kind(&odd), Some(XmlErrorKind::Encoding));
        let mut lone = vec![0xff, 0xfe];
        lone.extend([0x3c, 0, 0x00, 0xd8, 0x3e, 0]);
        assert_eq!(kind(&lone), Some(XmlErrorKind::Encoding));
        // Accepted: names in any case and spelling LMS parsers accept.
        for ok in [
            &b"<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>"[..],
            b"<?xml version=\"1.0\" encoding=\"UTF8\"?><a/>",
            b"<?xml version='1.0' encoding='windows-1252'?><a>\x93</a>",
            b"<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>e</a>",
            b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xc3\xa9</a>",
        ] {
            assert_eq!(kind(ok), None, "{}", String::from_utf8_lossy(ok));
        }
        // Well-formed, but Expat reads it as the declaration says: reported as declared.
        let bom_latin = decode(b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>");
        assert_eq!(
            bom_latin.encoding,
            Encoding::Other {
                declared: "ISO-8859-1".into()
            }
        );
    }

    #[test]
    fn the_declared_encoding_is_found_with_its_position() {
        let text = "<?xml version='1.0' standalone='no' encoding = \"latin1\" ?><a/>";
        let (name, range) = declaration(text.as_bytes()).unwrap();
        assert_eq!((name.as_str(), &text[range]), ("latin1", "latin1"));
        assert_eq!(declared_encoding("\u{feff}<?xml version='1.0'?><a/>"), None);
        assert_eq!(declaration(b" <?xml version='1.0' encoding='x'?>"), None);
    }
}
