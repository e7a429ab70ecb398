//! Shared quick-xml writing helpers for the manifest writers: an indented UTF-8 document
//! builder, text clean-up for titles, and the `<resources>` block both SCORM versions share.

use super::{MANIFEST_PATH, ids};
use crate::model::Module;
use crate::output::Rendered;
use quick_xml::Writer;
use quick_xml::events::{BytesCData, BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// An XML document being written: declaration `<?xml version="1.0" encoding="UTF-8"?>`, then
/// elements indented by two spaces, one per line (text-only elements stay on their line).
pub(super) struct Doc {
    writer: Writer<Vec<u8>>,
}

impl Doc {
    /// A document holding only the XML declaration.
    pub(super) fn new() -> Doc {
        let mut doc = Doc {
            writer: Writer::new_with_indent(Vec::new(), b' ', 2),
        };
        doc.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        doc
    }

    /// Opens `<name attrs…>`; close it with [`Doc::close`].
    pub(super) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(start(name, attrs)));
    }

    /// Closes the element opened last with this `name`.
    pub(super) fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// Writes an empty element `<name attrs…/>`.
    pub(super) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(start(name, attrs)));
    }

    /// Writes `<name attrs…>text</name>` on one line, in a shape every LMS's parser keeps
    /// whole: text that needs no escaping as it is; text holding `&`, `<` or `]]>` as a CDATA
    /// section. Escaped, it would come apart in Moodle's SCORM parser, which takes the text
    /// between entity references as separate pieces and drops the ones that trim to nothing
    /// or to `0` (`Q&amp;A &lt;Intro&gt; &quot;x&quot;` is stored as `Q&A <Intro>"x"`,
    /// `Score &lt; 0` as `Score <`; `lms-processing.md` §4).
    pub(super) fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        if text.contains(['&', '<']) || text.contains("]]>") {
            // `]]>` cannot stand in a CDATA section: end it after `]]` and open another.
            let parts: Vec<&str> = text.split("]]>").collect();
            for (i, part) in parts.iter().enumerate() {
                let open = if i > 0 { ">" } else { "" };
                let close = if i + 1 < parts.len() { "]]" } else { "" };
                let section = format!("{open}{part}{close}");
                self.event(Event::CData(BytesCData::new(section)));
            }
        } else {
            self.event(Event::Text(BytesText::from_escaped(text)));
        }
        self.close(name);
    }

    /// The finished document, ending in a newline.
    pub(super) fn finish(self) -> String {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        String::from_utf8(bytes).expect("the writer only receives UTF-8 strings")
    }

    fn event(&mut self, event: Event<'_>) {
        self.writer
            .write_event(event)
            .expect("writing to a Vec<u8> cannot fail");
    }
}

fn start<'a>(name: &'a str, attrs: &[(&'a str, &'a str)]) -> BytesStart<'a> {
    // quick-xml escapes `<`, `>`, `&`, `"` and `'` in attribute values.
    BytesStart::new(name).with_attributes(attrs.iter().copied())
}

/// Text for a title or a metadata string: characters XML 1.0 cannot carry (C0 controls other
/// than whitespace, lone surrogates cannot occur in `str`, U+FFFE/U+FFFF) removed, whitespace
/// runs (newlines included) collapsed to one space, ends trimmed.
pub(super) fn clean(text: &str) -> String {
    valid_chars(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` without the characters XML 1.0 cannot carry (C0 controls other than tab, newline and
/// carriage return; U+FFFE, U+FFFF), whitespace kept as it is: for longer text such as HTML.
pub(super) fn valid_chars(text: &str) -> String {
    let forbidden = |c: &char| {
        matches!(
            c,
            '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'
        )
    };
    text.chars().filter(|c| !forbidden(c)).collect()
}

/// A `<title>`: [`clean`]ed, cut to `max` characters when given, and never empty (Open edX
/// and Moodle need a non-empty title on every organization and item, `lms-import.md` §A 11).
pub(super) fn title(text: &str, max: Option<usize>) -> String {
    let cleaned = clean(text);
    let cut = match max {
        Some(max) => truncate(&cleaned, max),
        None => cleaned,
    };
    if cut.is_empty() {
        "Untitled".to_string()
    } else {
        cut
    }
}

/// `text` cut to at most `max` characters (XSD lengths count characters), ending in `…` when
/// it was cut.
pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The `xsi:schemaLocation` value: namespace and file pairs separated by single spaces.
pub(super) fn schema_location(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(ns, file)| format!("{ns} {file}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes `<resources>`: one SCO resource per lesson in module order (lesson 1's first, so
/// Open edX launches it, `lms-import.md` §A 8), each with its launch page as `href` and every
/// file of the lesson listed, depending on the shared-files resource; then the shared files
/// ([`ids::SHARED_RESOURCE`], omitted when there are none); then the schema files
/// ([`ids::SCHEMAS_RESOURCE`]). `scorm_type` is the attribute name (`adlcp:scormtype` in 1.2,
/// `adlcp:scormType` in 2004).
///
/// # Panics
///
/// When `rendered` does not hold one non-empty file list per lesson.
pub(super) fn resources(
    doc: &mut Doc,
    module: &Module,
    rendered: &Rendered,
    scorm_type: &str,
    schema_paths: &[&str],
) {
    assert_eq!(
        rendered.lessons.len(),
        module.lessons.len(),
        "rendered files are needed for every lesson"
    );
    let listed = |path: &&str| *path != MANIFEST_PATH;
    doc.open("resources", &[]);
    for (lesson, files) in module.lessons.iter().zip(&rendered.lessons) {
        let launch = files
            .first()
            .unwrap_or_else(|| panic!("lesson `{}` has no launch page", lesson.id));
        let id = ids::resource(lesson);
        let attrs = [
            ("identifier", id.as_str()),
            ("type", "webcontent"),
            (scorm_type, "sco"),
            ("href", launch.path.as_str()),
        ];
        doc.open("resource", &attrs);
        for path in files.iter().map(|f| f.path.as_str()).filter(listed) {
            doc.empty("file", &[("href", path)]);
        }
        if !rendered.shared.is_empty() {
            doc.empty("dependency", &[("identifierref", ids::SHARED_RESOURCE)]);
        }
        doc.close("resource");
    }
    let shared: Vec<&str> = rendered.shared.iter().map(|f| f.path.as_str()).collect();
    for (id, paths) in [
        (ids::SHARED_RESOURCE, shared.as_slice()),
        (ids::SCHEMAS_RESOURCE, schema_paths),
    ] {
        if paths.is_empty() {
            continue;
        }
        let attrs = [
            ("identifier", id),
            ("type", "webcontent"),
            (scorm_type, "asset"),
        ];
        doc.open("resource", &attrs);
        for path in paths.iter().copied().filter(listed) {
            doc.empty("file", &[("href", path)]);
        }
        doc.close("resource");
    }
    doc.close("resources");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_shape() {
        let mut doc = Doc::new();
        doc.open("a", &[("x", "1 < 2 & \"3\"")]);
        doc.text("b", &[], "Fish & <chips>");
        doc.empty("c", &[("href", "d/e.html")]);
        doc.close("a");
        assert_eq!(
            doc.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <a x=\"1 &lt; 2 &amp; &quot;3&quot;\">\n  \
             <b><![CDATA[Fish & <chips>]]></b>\n  \
             <c href=\"d/e.html\"/>\n\
             </a>\n"
        );
    }

    #[test]
    fn text_is_written_in_a_shape_every_parser_keeps() {
        let mut doc = Doc::new();
        doc.text("a", &[], "Q&A <Intro> \"quoted\"");
        doc.text("b", &[], "Plain > 'text'");
        doc.text("c", &[], "x]]>y & ]]>");
        let xml = doc.finish();
        assert!(
            xml.contains("<a><![CDATA[Q&A <Intro> \"quoted\"]]></a>"),
            "{xml}"
        );
        assert!(xml.contains("<b>Plain > 'text'</b>"), "{xml}");
        assert!(
            xml.contains("<c><![CDATA[x]]]]><![CDATA[>y & ]]]]><![CDATA[>]]></c>"),
            "{xml}"
        );
        // What an XML parser reads back is the text as given.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut texts = Vec::new();
        let mut current = String::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(_) => current.clear(),
                quick_xml::events::Event::CData(t) => current.push_str(&t.into_inner()),
                quick_xml::events::Event::Text(t) => current.push_str(&t.into_inner()),
                quick_xml::events::Event::GeneralRef(r) => current.push_str(
                    quick_xml::escape::resolve_predefined_entity(&r.into_inner()).unwrap(),
                ),
                quick_xml::events::Event::End(_) => texts.push(std::mem::take(&mut current)),
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(
            texts,
            ["Q&A <Intro> \"quoted\"", "Plain > 'text'", "x]]>y & ]]>"]
        );
    }

    #[test]
    fn clean_collapses_whitespace_and_drops_invalid_characters() {
        assert_eq!(clean("  A\n\tlong \u{7}title\u{ffff} "), "A long title");
        assert_eq!(clean("Ünïcödé – ok"), "Ünïcödé – ok");
        assert_eq!(clean(" \u{0} "), "");
        assert_eq!(valid_chars("<p>a\u{1}\n b</p>\n"), "<p>a\n b</p>\n");
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("ab cd", 4), "ab…");
        assert_eq!(truncate("äöüß", 3).chars().count(), 3);
    }

    #[test]
    fn schema_location_pairs() {
        assert_eq!(
            schema_location(&[("n1", "a.xsd"), ("n2", "b.xsd")]),
            "n1 a.xsd n2 b.xsd"
        );
    }
}
