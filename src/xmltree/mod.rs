//! The hardened reader every XML document of a package goes through, shared by `diff` and
//! `validate`: bytes to text ([`encoding`]: byte order marks, UTF-16, the declared encoding
//! checked against the bytes), well-formedness ([`wellformed`]: the XML 1.0 grammar as Expat
//! and libxml2 enforce it), and a small element tree read with quick-xml — names as written,
//! attributes, text, each element's namespace, and byte ranges of every start tag, attribute
//! and text run, so findings can point at `line:col`.
//!
//! No DTD is ever processed: no entity is expanded and nothing is fetched. A DOCTYPE is only
//! recorded ([`Doctype`]: the entities it declares, the external DTD or entities it names),
//! and references to its entities stay as written. Nesting is bounded by [`MAX_DEPTH`], so
//! hostile input cannot make it recurse or allocate without bound beyond the document's own
//! size.

pub(crate) mod encoding;
pub(crate) mod wellformed;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use std::ops::Range;

/// The deepest nesting accepted; real manifests nest a few levels per item.
pub(crate) const MAX_DEPTH: usize = 256;

/// One element.
#[derive(Debug, Default, Clone)]
pub(crate) struct El {
    /// The name as written, with its prefix (`adlcp:masteryscore`).
    pub(crate) name: String,
    /// The namespace the name's prefix (or the default namespace) is bound to.
    pub(crate) ns: Option<String>,
    /// Attributes as written, values unescaped.
    pub(crate) attrs: Vec<(String, String)>,
    /// Byte range of each attribute (`name="value"`), parallel to `attrs`.
    pub(crate) attr_spans: Vec<Range<usize>>,
    /// Child elements in order.
    pub(crate) children: Vec<El>,
    /// The element's own text (not its children's), unescaped.
    pub(crate) text: String,
    /// Byte range of the start tag (`<name …>`).
    pub(crate) span: Range<usize>,
    /// Byte range from the first to the end of the last of the element's own text runs.
    pub(crate) text_span: Option<Range<usize>>,
}

/// Why a document could not be read into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    /// What went wrong.
    pub(crate) kind: XmlErrorKind,
    /// Where, as a byte offset.
    pub(crate) offset: usize,
    /// The parser's words.
    pub(crate) message: String,
}

/// The kinds of [`XmlError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlErrorKind {
    /// Not well-formed.
    Malformed,
    /// Deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The bytes are not in the encoding the document declares or its first bytes announce,
    /// or it names an encoding no XML parser knows ([`encoding`]).
    Encoding,
}

/// A whole document: its root and what was noticed on the way.
#[derive(Debug, Default, Clone)]
pub(crate) struct Doc {
    /// The root element.
    pub(crate) root: El,
    /// The document type declaration, when there is one.
    pub(crate) doctype: Option<Doctype>,
    /// Offsets of `&` not starting a reference (Moodle repairs them; Python's parser refuses),
    /// in text and attribute values.
    pub(crate) dangling_amps: Vec<usize>,
    /// References to entities that are neither predefined, character references nor declared
    /// by the DOCTYPE (those are [`Doctype::references`]).
    pub(crate) unknown_entities: Vec<(String, Range<usize>)>,
    /// Byte offset of the root element's start tag.
    pub(crate) root_offset: usize,
}

/// What a DOCTYPE declares or names; never processed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Doctype {
    /// Byte range of the whole declaration.
    pub(crate) span: Range<usize>,
    /// Names of the general entities its internal subset declares.
    pub(crate) entities: std::collections::HashSet<String>,
    /// How many parameter entities (`<!ENTITY % …>`) it declares.
    pub(crate) parameter_entities: usize,
    /// The system identifier of the external DTD or of the first external entity it names
    /// (`SYSTEM`/`PUBLIC`), if any.
    pub(crate) external: Option<String>,
    /// References in the document to the entities it declares (left unexpanded).
    pub(crate) references: usize,
}

impl Doctype {
    /// Whether expanding or loading it could do harm: it declares entities (billion laughs,
    /// quadratic blow-up) or names something outside the document (XXE, fetching).
    pub(crate) fn is_hostile(&self) -> bool {
        !self.entities.is_empty() || self.parameter_entities > 0 || self.external.is_some()
    }

    /// Its facts from the text between `<!DOCTYPE` and the closing `>`, found by a scan that
    /// skips quoted literals and comments (a literal may contain `<!ENTITY` as text).
    fn scan(span: Range<usize>, text: &str) -> Doctype {
        let mut facts = Doctype {
            span,
            ..Doctype::default()
        };
        let b = text.as_bytes();
        let at = |i: usize, word: &[u8]| b.get(i..i + word.len()) == Some(word);
        let name_char = |c: u8| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':') || c >= 0x80
        };
        let mut i = 0;
        while i < b.len() {
            if at(i, b"<!--") {
                i = text[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            } else if matches!(b[i], b'"' | b'\'') {
                let quote = b[i];
                let end = b[i + 1..].iter().position(|&c| c == quote);
                let literal = end.map_or(&text[i + 1..], |e| &text[i + 1..i + 1 + e]);
                if facts.external.as_deref() == Some("") {
                    facts.external = Some(literal.to_string());
                }
                i = end.map_or(b.len(), |e| i + e + 2);
            } else if at(i, b"<!ENTITY") {
                i += 8;
                while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                if b.get(i) == Some(&b'%') {
                    facts.parameter_entities += 1;
                } else {
                    let start = i;
                    while b.get(i).copied().is_some_and(name_char) {
                        i += 1;
                    }
                    facts.entities.insert(text[start..i].to_string());
                }
            } else if (at(i, b"SYSTEM") || at(i, b"PUBLIC"))
                && (i == 0 || !name_char(b[i - 1]))
                && !b.get(i + 6).copied().is_some_and(name_char)
            {
                // The literal that follows names it (the public identifier for `PUBLIC`).
                if facts.external.is_none() {
                    facts.external = Some(String::new());
                }
                i += 6;
            } else {
                i += 1;
            }
        }
        if facts.external.as_deref() == Some("") {
            facts.external = Some("(no system identifier)".into());
        }
        facts
    }
}

/// A document read from its bytes by the hardened reader.
#[derive(Debug, Clone)]
pub(crate) struct Read {
    /// The decoded text (findings point into it).
    pub(crate) text: String,
    /// How the bytes were encoded.
    pub(crate) encoding: encoding::Encoding,
    /// The tree, or the first reason there is none.
    pub(crate) doc: Result<Doc, XmlError>,
}

/// Reads a document from its bytes: decoded ([`encoding`]), checked for well-formedness
/// ([`wellformed`]) and made into a tree. The first problem wins: bytes before markup.
pub(crate) fn read(bytes: &[u8]) -> Read {
    let decoded = encoding::decode(bytes);
    let doc = match decoded.problem {
        Some(problem) => Err(problem),
        None => parse_doc(&decoded.text),
    };
    Read {
        text: decoded.text,
        encoding: decoded.encoding,
        doc,
    }
}

impl El {
    /// The name without its prefix.
    pub(crate) fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// The prefix of the name (`""` when unprefixed).
    pub(crate) fn prefix(&self) -> &str {
        self.name.split_once(':').map_or("", |(p, _)| p)
    }

    /// The element's namespace.
    pub(crate) fn namespace(&self) -> Option<&str> {
        self.ns.as_deref()
    }

    /// The value of attribute `name` (exact name, prefix included).
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        let found = self.attrs.iter().find(|(k, _)| k == name);
        found.map(|(_, v)| v.as_str())
    }

    /// The byte range of attribute `name`, else of the start tag.
    pub(crate) fn attr_span(&self, name: &str) -> Range<usize> {
        self.attrs
            .iter()
            .position(|(k, _)| k == name)
            .and_then(|i| self.attr_spans.get(i).cloned())
            .unwrap_or_else(|| self.span.clone())
    }

    /// The first child with this local name.
    pub(crate) fn child(&self, local: &str) -> Option<&El> {
        self.children.iter().find(|c| c.local() == local)
    }

    /// Every child with this local name.
    pub(crate) fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a El> {
        self.children.iter().filter(move |c| c.local() == local)
    }

    /// The text with whitespace runs collapsed and the ends trimmed.
    pub(crate) fn text_trimmed(&self) -> String {
        self.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text's range, else the start tag's.
    pub(crate) fn text_or_tag_span(&self) -> Range<usize> {
        self.text_span.clone().unwrap_or_else(|| self.span.clone())
    }

    /// This element and every descendant, depth first, in document order.
    pub(crate) fn descendants(&self) -> Vec<&El> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(el) = stack.pop() {
            out.push(el);
            stack.extend(el.children.iter().rev());
        }
        out
    }
}

/// Parses a whole document into its root element, refusing what the hardened reader
/// refuses and a DOCTYPE that declares entities or names anything external (callers that
/// need no findings, such as `diff`, must not work on a document whose entities are left
/// unexpanded); `Err` says what is wrong, with the byte offset.
pub(crate) fn parse(xml: &str) -> Result<El, String> {
    let doc = parse_doc(xml).map_err(|e| match e.kind {
        XmlErrorKind::Malformed | XmlErrorKind::Encoding => {
            format!("malformed XML near byte {}: {}", e.offset, e.message)
        }
        XmlErrorKind::TooDeep => e.message,
    })?;
    if let Some(d) = doc.doctype.as_ref().filter(|d| d.is_hostile()) {
        return Err(format!(
            "the DOCTYPE near byte {} declares entities or names an external DTD; lessonpack never expands or fetches them",
            d.span.start
        ));
    }
    Ok(doc.root)
}

/// Parses decoded text, keeping byte ranges and what was noticed on the way: the tree pass
/// (quick-xml) and the well-formedness pass ([`wellformed::check`]) both run, and the
/// earlier of their first errors is the answer.
pub(crate) fn parse_doc(xml: &str) -> Result<Doc, XmlError> {
    let mut seen = Seen::default();
    let tree = tree(xml, &mut seen);
    // What the tree pass records and reports itself (a dangling `&`: XML005; an undefined
    // or DTD-declared entity: XML001/XML003) is neutralised, byte for byte, so the
    // well-formedness pass goes on past it and offsets stay the same.
    let checked = if seen.neutralise.is_empty() {
        wellformed::check(xml)
    } else {
        let mut bytes = xml.as_bytes().to_vec();
        for &at in &seen.neutralise {
            bytes[at] = b'_';
        }
        // Only ASCII `&` bytes were replaced by an ASCII byte: still UTF-8.
        wellformed::check(&String::from_utf8_lossy(&bytes))
    };
    let checked = checked.map_err(|e| XmlError {
        kind: XmlErrorKind::Malformed,
        offset: e.offset,
        message: e.message,
    });
    match (tree, checked) {
        (Ok(doc), Ok(())) => Ok(doc),
        (Ok(_), Err(e)) => Err(e),
        (Err(t), Ok(())) => Err(t),
        (Err(t), Err(w)) => Err(if w.offset <= t.offset { w } else { t }),
    }
}

/// What the tree pass saw that the well-formedness pass must not stop at.
#[derive(Debug, Default)]
struct Seen {
    /// Offsets of `&` bytes to replace before the well-formedness pass.
    neutralise: Vec<usize>,
}

/// The tree pass: quick-xml events into elements, references classified.
fn tree(xml: &str, seen: &mut Seen) -> Result<Doc, XmlError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    // Moodle repairs a bare `&` before parsing (`lms-import.md` §A 3); so does this reader,
    // and records where it did.
    reader.config_mut().allow_dangling_amp = true;
    let mut doc = Doc::default();
    let mut stack: Vec<El> = vec![El::default()];
    let mut scopes: Vec<Vec<(String, String)>> = Vec::new();
    let malformed = |offset: usize, message: String| XmlError {
        kind: XmlErrorKind::Malformed,
        offset,
        message,
    };
    // quick-xml skips a UTF-8 BOM and counts positions after it.
    let shift = if xml.starts_with('\u{feff}') { 3 } else { 0 };
    loop {
        let at = reader.buffer_position() as usize + shift;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                return Err(malformed(
                    reader.error_position() as usize + shift,
                    e.to_string(),
                ));
            }
        };
        let end = reader.buffer_position() as usize + shift;
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(XmlError {
                        kind: XmlErrorKind::TooDeep,
                        offset: at,
                        message: format!("elements nest deeper than {MAX_DEPTH} levels"),
                    });
                }
                let start = offset_in(xml, e.name().as_ref()).map_or(at, |o| o.saturating_sub(1));
                let (mut el, scope) = element(xml, &e, &scopes, &mut doc, seen);
                el.span = start..end;
                if stack.len() == 1 && stack[0].children.is_empty() {
                    doc.root_offset = start;
                }
                scopes.push(scope);
                stack.push(el);
                if is_empty {
                    close(&mut stack, &mut scopes);
                }
            }
            Event::End(_) => close(&mut stack, &mut scopes),
            Event::Text(t) => {
                let range = offset_in(xml, &t).map_or(at..end, |o| o..o + t.len());
                for (i, _) in t.match_indices('&') {
                    doc.dangling_amps.push(range.start + i);
                    seen.neutralise.push(range.start + i);
                }
                let text = t.xml_content(XmlVersion::Explicit1_0);
                push_text(&mut stack, &text, range);
            }
            Event::CData(t) => {
                let range = offset_in(xml, &t).map_or(at..end, |o| o..o + t.len());
                push_text(&mut stack, &t.xml_content(XmlVersion::Explicit1_0), range);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_string(),
                        None => {
                            entity(&mut doc, seen, &r, at..end);
                            format!("&{};", &*r)
                        }
                    },
                };
                push_text(&mut stack, &resolved, at..end);
            }
            Event::DocType(t) => {
                let body = offset_in(xml, &t).map_or("", |o| &xml[o..o + t.len()]);
                doc.doctype = Some(Doctype::scan(at..end, body));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        let open = &stack[stack.len() - 1];
        return Err(malformed(
            open.span.start,
            format!("the element `<{}>` is never closed", open.name),
        ));
    }
    let mut top = stack.pop().unwrap_or_default();
    match top.children.len() {
        1 => {
            doc.root = top.children.pop().unwrap_or_default();
            Ok(doc)
        }
        0 => Err(malformed(xml.len(), "it has no root element".into())),
        _ => Err(malformed(
            top.children[1].span.start,
            "it has more than one root element".into(),
        )),
    }
}

/// Records a reference to entity `name` (not predefined, not a character reference) at
/// `range`: one the DOCTYPE declares is counted there, any other is undefined.
fn entity(doc: &mut Doc, seen: &mut Seen, name: &str, range: Range<usize>) {
    seen.neutralise.push(range.start);
    match doc.doctype.as_mut().filter(|d| d.entities.contains(name)) {
        Some(d) => d.references += 1,
        None => doc.unknown_entities.push((name.to_string(), range)),
    }
}

/// Classifies every `&` of a raw attribute value starting at byte `base`: references to
/// undefined or DTD-declared entities and dangling `&` are recorded like those in text
/// (character references and the predefined entities are fine; the well-formedness pass
/// judges what a character reference names).
fn attribute_refs(raw: &str, base: usize, doc: &mut Doc, seen: &mut Seen) {
    for (i, _) in raw.match_indices('&') {
        let rest = &raw[i + 1..];
        let name_len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '#')))
            .unwrap_or(rest.len());
        let closed = rest[name_len..].starts_with(';') && name_len > 0;
        let name = &rest[..name_len];
        if !closed {
            doc.dangling_amps.push(base + i);
            seen.neutralise.push(base + i);
        } else if !name.starts_with('#')
            && quick_xml::escape::resolve_predefined_entity(name).is_none()
        {
            entity(doc, seen, name, base + i..base + i + name_len + 2);
        }
    }
}

/// Where `part` (a slice borrowed from `base`) starts in `base`.
fn offset_in(base: &str, part: &str) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(base.as_ptr() as usize)?;
    (start + part.len() <= base.len()).then_some(start)
}

/// An element from its start tag, with the namespace scope it opens.
fn element(
    xml: &str,
    e: &BytesStart<'_>,
    scopes: &[Vec<(String, String)>],
    doc: &mut Doc,
    seen: &mut Seen,
) -> (El, Vec<(String, String)>) {
    let name = e.name().as_ref().to_string();
    let mut attrs = Vec::new();
    let mut attr_spans = Vec::new();
    let mut scope = Vec::new();
    for attr in e.attributes().flatten() {
        let key = attr.key.as_ref().to_string();
        let value = match attr.normalized_value(XmlVersion::Explicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => attr.value.to_string(),
        };
        if let Some(v) = offset_in(xml, &attr.value) {
            attribute_refs(&xml[v..v + attr.value.len()], v, doc, seen);
        }
        let span = match (
            offset_in(xml, attr.key.as_ref()),
            offset_in(xml, &attr.value),
        ) {
            // The value's closing quote is one byte past its content.
            (Some(k), Some(v)) => k..v + attr.value.len() + 1,
            _ => 0..0,
        };
        if key == "xmlns" {
            scope.push((String::new(), value.clone()));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            scope.push((prefix.to_string(), value.clone()));
        }
        attrs.push((key, value));
        attr_spans.push(span);
    }
    let prefix = name.split_once(':').map(|(p, _)| p).unwrap_or("");
    let ns = std::iter::once(&scope)
        .chain(scopes.iter().rev())
        .flat_map(|s| s.iter().rev())
        .find(|(p, _)| p == prefix)
        .map(|(_, uri)| uri.clone())
        .filter(|uri| !uri.is_empty());
    let el = El {
        name,
        ns,
        attrs,
        attr_spans,
        ..El::default()
    };
    (el, scope)
}

fn close(stack: &mut Vec<El>, scopes: &mut Vec<Vec<(String, String)>>) {
    scopes.pop();
    if stack.len() > 1
        && let Some(done) = stack.pop()
        && let Some(parent) = stack.last_mut()
    {
        parent.children.push(done);
    }
}

fn push_text(stack: &mut [El], text: &str, range: Range<usize>) {
    if let Some(el) = stack.last_mut() {
        el.text.push_str(text);
        if !text.trim().is_empty() || el.text_span.is_some() {
            el.text_span = Some(match &el.text_span {
                Some(old) => old.start..range.end,
                None => range,
            });
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_namespaces_text_and_attributes() {
        let root = parse(
            "\u{feff}<?xml version=\"1.0\"?><m xmlns=\"urn:a\" xmlns:p=\"urn:p\" id=\"x &amp; y\">\
             <p:t>A &amp; B &#233; &nbsp; C & D</p:t><e/></m>",
        )
        .unwrap();
        assert_eq!(root.namespace(), Some("urn:a"));
        assert_eq!(root.attr("id"), Some("x & y"));
        let t = root.child("t").unwrap();
        assert_eq!((t.name.as_str(), t.namespace()), ("p:t", Some("urn:p")));
        assert_eq!(t.text_trimmed(), "A & B é &nbsp; C & D");
        assert_eq!(root.child("e").unwrap().namespace(), Some("urn:a"));
    }

    #[test]
    fn refuses_malformed_documents() {
        for (xml, why) in [
            ("<a><b></a>", "malformed"),
            ("<a>", "never closed"),
            ("", "no root"),
            ("<a/><b/>", "second element after the root"),
            ("text<a/>", "near byte 0"),
            ("<a>\u{1}</a>", "near byte 3"),
            ("<a>&#1;</a>", "near byte 3"),
            ("<a><!-- x </a>", "near byte 3"),
        ] {
            let err = parse(xml).unwrap_err();
            assert!(err.contains(why), "{xml}: {err}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 2) + &"</a>".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).unwrap_err().contains("nest deeper"));
    }

    #[test]
    fn what_the_tree_reports_itself_does_not_hide_a_later_error() {
        // A bare `&` and an undefined entity are recorded (XML005, XML001) and neutralised
        // for the well-formedness pass, which then finds the NUL after them.
        let xml = "<a t='x & y &nbsp;'>a & b &nbsp; c\u{0}</a>";
        let err = parse_doc(xml).unwrap_err();
        assert_eq!(
            (err.kind, err.offset),
            (XmlErrorKind::Malformed, xml.find('\0').unwrap())
        );
        let doc = parse_doc("<a t='x & y &nbsp;'>a & b &nbsp; c</a>").unwrap();
        assert_eq!(doc.dangling_amps, [8, 22]);
        let names: Vec<&str> = doc
            .unknown_entities
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(names, ["nbsp", "nbsp"]);
    }

    #[test]
    fn a_doctype_is_recorded_never_processed() {
        let laughs = "<!DOCTYPE t [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\"><!-- <!ENTITY no 'x'> -->\
                      <!ATTLIST t a CDATA \"<!ENTITY no2 'x'>\">]><t>&lol2;&lol2;&undefined;</t>";
        let doc = parse_doc(laughs).unwrap();
        let d = doc.doctype.as_ref().unwrap();
        let mut names: Vec<&String> = d.entities.iter().collect();
        names.sort();
        assert_eq!(names, ["lol", "lol2"]);
        assert_eq!((d.references, d.external.as_deref()), (2, None));
        assert!(d.is_hostile());
        // Left as written: nothing expanded.
        assert_eq!(doc.root.text, "&lol2;&lol2;&undefined;");
        assert_eq!(doc.unknown_entities.len(), 1);
        assert!(
            parse(laughs)
                .unwrap_err()
                .contains("never expands or fetches")
        );
        let xxe = parse_doc("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")
            .unwrap();
        let d = xxe.doctype.unwrap();
        assert_eq!(d.external.as_deref(), Some("file:///etc/passwd"));
        let external =
            parse_doc("<!DOCTYPE x PUBLIC \"-//X//EN\" \"http://e.org/x.dtd\"><x/>").unwrap();
        assert!(external.doctype.unwrap().is_hostile());
        let plain = parse_doc("<!DOCTYPE x [<!ELEMENT x ANY>]><x/>").unwrap();
        assert!(!plain.doctype.unwrap().is_hostile());
    }

    #[test]
    fn read_reports_encoding_before_markup() {
        let r = read(b"<a>caf\xe9</a");
        let err = r.doc.unwrap_err();
        assert_eq!((err.kind, err.offset), (XmlErrorKind::Encoding, 6));
        let r = read(b"\xef\xbb\xbf<a/>");
        assert_eq!(r.encoding, encoding::Encoding::Utf8Bom);
        assert!(r.doc.is_ok());
    }

    #[test]
    fn a_million_entity_references_cost_linear_time() {
        let xml = format!(
            "<!DOCTYPE m [<!ENTITY a \"{}\">]><m>{}</m>",
            "x".repeat(100),
            "&a;".repeat(200_000)
        );
        let started = std::time::Instant::now();
        let doc = parse_doc(&xml).unwrap();
        assert_eq!(doc.doctype.unwrap().references, 200_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    /// Every range the tree keeps lies inside the document.
    fn ranges_in_bounds(doc: &Doc, len: usize) -> bool {
        doc.root.descendants().iter().all(|el| {
            el.span.end <= len
                && el.span.start <= el.span.end
                && el.attr_spans.iter().all(|r| r.end <= len)
                && el.text_span.as_ref().is_none_or(|r| r.end <= len)
        })
    }

    /// A real manifest to mutate.
    const MANIFEST: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/corpus/rustici-golf-scorm2004-4th-posttestrollup.xml"
    ));

    /// Ways to break a document: insert, delete or replace at a position.
    fn edit(text: &str, edits: &[(usize, u8, char)]) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for &(pos, op, c) in edits {
            let i = pos % (chars.len() + 1);
            match op % 3 {
                0 => chars.insert(i, c),
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                _ if i < chars.len() => chars[i] = c,
                _ => {}
            }
        }
        chars.into_iter().collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        #[test]
        fn arbitrary_text_never_panics(xml in "\\PC{0,400}") {
            if let Ok(doc) = parse_doc(&xml) {
                proptest::prop_assert!(ranges_in_bounds(&doc, xml.len()));
            }
        }

        #[test]
        fn markup_soup_never_panics(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("<a>"), proptest::strategy::Just("</a>"),
                    proptest::strategy::Just("<b x='1' y=\"&amp;\">"), proptest::strategy::Just("</b>"),
                    proptest::strategy::Just("<p:c xmlns:p='urn:p'/>"), proptest::strategy::Just("&"),
                    proptest::strategy::Just("&#x0;"), proptest::strategy::Just("&ent;"),
                    proptest::strategy::Just("<![CDATA[x]]>"), proptest::strategy::Just("<!--c-->"),
                    proptest::strategy::Just("<!DOCTYPE a [<!ENTITY e 'x'>]>"),
                    proptest::strategy::Just("<?pi x?>"), proptest::strategy::Just("\u{feff}"),
                    proptest::strategy::Just("text é"), proptest::strategy::Just("<"), proptest::strategy::Just(">"),
                ],
                0..60,
            )
        ) {
            let xml = parts.concat();
            if let Ok(doc) = parse_doc(&xml) {
                proptest::prop_assert!(ranges_in_bounds(&doc, xml.len()));
            }
        }

        #[test]
        fn mutated_manifests_never_panic(
            edits in proptest::collection::vec((0usize..100_000, 0u8..3, proptest::char::any()), 1..8)
        ) {
            let xml = edit(MANIFEST, &edits);
            let started = std::time::Instant::now();
            if let Ok(doc) = parse_doc(&xml) {
                proptest::prop_assert!(ranges_in_bounds(&doc, xml.len()));
            }
            proptest::prop_assert!(started.elapsed() < std::time::Duration::from_secs(2));
        }
    }

    #[test]
    fn ten_thousand_levels_are_refused_quickly() {
        let started = std::time::Instant::now();
        for xml in [
            "<a>".repeat(10_000) + &"</a>".repeat(10_000),
            "<a>".repeat(10_000),
            "<a><b x='1'>".repeat(5_000) + "<c/>",
        ] {
            let err = parse_doc(&xml).unwrap_err();
            assert_eq!(err.kind, XmlErrorKind::TooDeep, "{}", err.message);
        }
        // Just inside the limit still parses.
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse_doc(&ok).is_ok());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
