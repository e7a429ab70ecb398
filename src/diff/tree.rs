//! A small element tree read with quick-xml: names as written, attributes, text, and each
//! element's namespace. No DTDs or external entities are ever read, and nesting is bounded.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

/// The deepest nesting accepted; real manifests nest a few levels per item.
const MAX_DEPTH: usize = 256;

/// One element.
#[derive(Debug, Default, Clone)]
pub(super) struct El {
    /// The name as written, with its prefix (`adlcp:masteryscore`).
    pub(super) name: String,
    /// The namespace the name's prefix (or the default namespace) is bound to.
    pub(super) ns: Option<String>,
    /// Attributes as written, values unescaped.
    pub(super) attrs: Vec<(String, String)>,
    /// Child elements in order.
    pub(super) children: Vec<El>,
    /// The element's own text (not its children's), unescaped.
    pub(super) text: String,
}

impl El {
    /// The name without its prefix.
    pub(super) fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// The element's namespace.
    pub(super) fn namespace(&self) -> Option<&str> {
        self.ns.as_deref()
    }

    /// The value of attribute `name` (exact name, prefix included).
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        let found = self.attrs.iter().find(|(k, _)| k == name);
        found.map(|(_, v)| v.as_str())
    }

    /// The first child with this local name.
    pub(super) fn child(&self, local: &str) -> Option<&El> {
        self.children.iter().find(|c| c.local() == local)
    }

    /// Every child with this local name.
    pub(super) fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a El> {
        self.children.iter().filter(move |c| c.local() == local)
    }

    /// The text with whitespace runs collapsed and the ends trimmed.
    pub(super) fn text_trimmed(&self) -> String {
        self.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Parses a whole document into its root element; `Err` says what is malformed, with the
/// byte offset.
pub(super) fn parse(xml: &str) -> Result<El, String> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let mut reader = quick_xml::Reader::from_str(xml);
    // Moodle repairs a bare `&` before parsing (`lms-import.md` §A 3); so does this reader.
    reader.config_mut().allow_dangling_amp = true;
    let mut stack: Vec<El> = vec![El::default()];
    let mut scopes: Vec<Vec<(String, String)>> = Vec::new();
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML near byte {at}: {e}"))?;
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(format!("elements nest deeper than {MAX_DEPTH} levels"));
                }
                let (el, scope) = element(&e, &scopes);
                scopes.push(scope);
                stack.push(el);
                if is_empty {
                    close(&mut stack, &mut scopes);
                }
            }
            Event::End(_) => close(&mut stack, &mut scopes),
            Event::Text(t) => push_text(&mut stack, &t),
            Event::CData(t) => push_text(&mut stack, &t.xml_content(XmlVersion::Explicit1_0)),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_string(),
                        None => format!("&{};", &*r),
                    },
                };
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(format!(
            "the element `<{}>` is never closed",
            stack[stack.len() - 1].name
        ));
    }
    let mut doc = stack.pop().unwrap_or_default();
    match doc.children.len() {
        1 => Ok(doc.children.pop().unwrap_or_default()),
        0 => Err("it has no root element".into()),
        _ => Err("it has more than one root element".into()),
    }
}

/// An element from its start tag, with the namespace scope it opens.
fn element(e: &BytesStart<'_>, scopes: &[Vec<(String, String)>]) -> (El, Vec<(String, String)>) {
    let name = e.name().as_ref().to_string();
    let mut attrs = Vec::new();
    let mut scope = Vec::new();
    for attr in e.attributes().flatten() {
        let key = attr.key.as_ref().to_string();
        let value = match attr.normalized_value(XmlVersion::Explicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => attr.value.to_string(),
        };
        if key == "xmlns" {
            scope.push((String::new(), value.clone()));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            scope.push((prefix.to_string(), value.clone()));
        }
        attrs.push((key, value));
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

fn push_text(stack: &mut [El], text: &str) {
    if let Some(el) = stack.last_mut() {
        el.text.push_str(text);
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
}
