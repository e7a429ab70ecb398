//! A small element tree read with quick-xml, shared by `diff` and `validate`: names as
//! written, attributes, text, each element's namespace, and byte ranges of every start tag,
//! attribute and text run, so findings can point at `line:col`.
//!
//! No DTD is ever processed and no entity is expanded (a DOCTYPE is only recorded, with
//! whether it declares entities); nesting is bounded by [`MAX_DEPTH`], so hostile input
//! cannot make it recurse or allocate without bound beyond the document's own size.

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
}

/// A whole document: its root and what was noticed on the way.
#[derive(Debug, Default, Clone)]
pub(crate) struct Doc {
    /// The root element.
    pub(crate) root: El,
    /// The DOCTYPE's byte range, and whether it declares entities.
    pub(crate) doctype: Option<(Range<usize>, bool)>,
    /// Offsets of `&` not starting a reference (Moodle repairs them; Python's parser refuses).
    pub(crate) dangling_amps: Vec<usize>,
    /// References to entities that are neither predefined nor character references.
    pub(crate) unknown_entities: Vec<(String, Range<usize>)>,
    /// Byte offset of the root element's start tag.
    pub(crate) root_offset: usize,
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

/// Parses a whole document into its root element; `Err` says what is malformed, with the
/// byte offset.
pub(crate) fn parse(xml: &str) -> Result<El, String> {
    parse_doc(xml)
        .map(|doc| doc.root)
        .map_err(|e| match e.kind {
            XmlErrorKind::Malformed => {
                format!("malformed XML near byte {}: {}", e.offset, e.message)
            }
            XmlErrorKind::TooDeep => e.message,
        })
}

/// Parses a whole document, keeping byte ranges and what was noticed on the way.
pub(crate) fn parse_doc(xml: &str) -> Result<Doc, XmlError> {
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
                let (mut el, scope) = element(xml, &e, &scopes);
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
                if let Some(i) = t.find('&') {
                    doc.dangling_amps.push(range.start + i);
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
                            doc.unknown_entities.push((r.to_string(), at..end));
                            format!("&{};", &*r)
                        }
                    },
                };
                push_text(&mut stack, &resolved, at..end);
            }
            Event::DocType(t) => {
                let declares = t.contains("<!ENTITY");
                doc.doctype = Some((at..end, declares));
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
            ("<a/><b/>", "more than one root"),
        ] {
            let err = parse(xml).unwrap_err();
            assert!(err.contains(why), "{xml}: {err}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 2) + &"</a>".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).unwrap_err().contains("nest deeper"));
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
