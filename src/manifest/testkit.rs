//! Test support for the manifest writers: sample modules, fake rendered files, a small
//! element tree read back with quick-xml, and the structural checks both SCORM versions share.

use super::{MANIFEST_PATH, ids};
use crate::model::{Completion, Lesson, Module, Transcript};
use crate::output::{OutputFile, Rendered};
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use std::collections::BTreeSet;

/// A module with `n` lessons `lesson-1` … `lesson-n` and awkward titles.
pub(super) fn module(n: usize) -> Module {
    let lessons = (1..=n)
        .map(|i| Lesson {
            id: format!("lesson-{i}"),
            title: format!("Lesson {i}: <Costs> & \"benefits\""),
            summary: None,
            video: None,
            transcript: Transcript::Untimed(vec!["Text.".into()]),
            discussion: None,
            completion: Completion {
                watched_percent: [90, 95, 100][(i - 1) % 3],
                require_response: i == 3,
                score: i != 2,
            },
        })
        .collect();
    Module {
        id: "bi-101".into(),
        title: "Business & Informatics — «Intro»".into(),
        language: "en-GB".into(),
        summary: Some("What a  business\nrequires.".into()),
        course: None,
        provider: None,
        presenters: vec![],
        licence: Some("CC BY-SA 4.0".into()),
        version: "1.2.0".into(),
        keywords: vec!["ERP".into(), "processes & data".into()],
        lti_launch_url: None,
        lessons,
    }
}

/// Fake rendered files: page, captions and poster per lesson; stylesheet and scripts shared.
pub(super) fn rendered(module: &Module) -> Rendered {
    let lessons = module
        .lessons
        .iter()
        .map(|l| {
            vec![
                OutputFile::bytes(format!("lessons/{}/index.html", l.id), "<html>"),
                OutputFile::bytes(format!("captions/{}.vtt", l.id), "WEBVTT\n"),
                OutputFile::bytes(format!("lessons/{}/poster.jpg", l.id), "jpg"),
            ]
        })
        .collect();
    let shared = [
        "assets/lessonpack.css",
        "assets/lessonpack.js",
        "assets/scorm.js",
    ];
    Rendered {
        shared: shared.iter().map(|p| OutputFile::bytes(*p, "x")).collect(),
        lessons,
    }
}

/// An element read back: name as written (with prefix), attributes, children, text.
#[derive(Debug, Default)]
pub(super) struct El {
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) children: Vec<El>,
    pub(super) text: String,
}

impl El {
    /// The value of attribute `name`.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        let found = self.attrs.iter().find(|(k, _)| k == name);
        found.map(|(_, v)| v.as_str())
    }

    /// The children named `name`.
    pub(super) fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    /// The only child named `name`.
    pub(super) fn one(&self, name: &str) -> &El {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "<{}> needs one <{name}>", self.name);
        found[0]
    }

    /// This element and every element below it, in document order.
    pub(super) fn walk(&self) -> Vec<&El> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

/// Parses a whole document into its root element (panics on malformed XML).
pub(super) fn parse(xml: &str) -> El {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![El::default()];
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e.attributes().map(|a| {
                    let a = a.expect("attribute");
                    let v = a.normalized_value(XmlVersion::Explicit1_0).expect("value");
                    (a.key.as_ref().to_string(), v.into_owned())
                });
                let el = El {
                    name: e.name().as_ref().to_string(),
                    attrs: attrs.collect(),
                    ..El::default()
                };
                stack.push(el);
                if is_empty {
                    let done = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(done);
                }
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text += &t,
            Event::CData(t) => stack.last_mut().unwrap().text += &t.into_inner(),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .expect("predefined entity")
                        .to_string(),
                };
                stack.last_mut().unwrap().text += &resolved;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap()
}

/// What differs between the SCORM versions in the shared checks.
pub(super) struct Expect<'a> {
    /// The CP namespace (the default namespace).
    pub(super) ns_cp: &'a str,
    /// Allowed prefixes and their namespaces.
    pub(super) prefixes: &'a [(&'a str, &'a str)],
    /// The exact `<schemaversion>`.
    pub(super) schemaversion: &'a str,
    /// `adlcp:scormtype` or `adlcp:scormType`.
    pub(super) scorm_type: &'a str,
    /// The schema files at the package root.
    pub(super) schema_paths: Vec<&'a str>,
}

/// Checks the rules of `lms-import.md` §A 5–13 and the layout decisions on a written manifest;
/// returns the parsed root for version-specific checks.
pub(super) fn check(xml: &str, module: &Module, rendered: &Rendered, want: &Expect<'_>) -> El {
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest "));
    assert!(xml.ends_with("</manifest>\n") && !xml.ends_with("\n\n"));
    assert!(!xml.contains('\r') && !xml.contains('\t'));
    for line in xml.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        assert!(indent.is_multiple_of(2) && !line.ends_with(' '), "{line:?}");
    }
    let root = parse(xml);
    // §A 5/6: default-namespace CP elements, declared first; exactly the expected prefixes.
    assert_eq!(root.name, "manifest");
    let decls: Vec<&(String, String)> = root
        .attrs
        .iter()
        .filter(|(k, _)| k.starts_with("xmlns"))
        .collect();
    assert_eq!(decls[0], &("xmlns".to_string(), want.ns_cp.to_string()));
    let mut expected: Vec<(String, String)> = want
        .prefixes
        .iter()
        .map(|(p, ns)| (format!("xmlns:{p}"), ns.to_string()))
        .collect();
    expected.push((
        "xmlns:xsi".into(),
        "http://www.w3.org/2001/XMLSchema-instance".into(),
    ));
    assert_eq!(
        decls[1..].iter().map(|d| (*d).clone()).collect::<Vec<_>>(),
        expected
    );
    for el in root.walk() {
        if let Some((prefix, _)) = el.name.split_once(':') {
            assert!(
                want.prefixes.iter().any(|(p, _)| *p == prefix),
                "<{}>",
                el.name
            );
        }
        for (k, _) in &el.attrs {
            assert!(k != "xml:base", "xml:base on <{}>", el.name);
            if let Some((prefix, _)) = k.split_once(':') {
                let known = ["xmlns", "xsi"].contains(&prefix)
                    || want.prefixes.iter().any(|(p, _)| *p == prefix);
                assert!(known, "attribute {k}");
            }
        }
    }
    // xsi:schemaLocation names existing schema files at the root.
    let location = root.attr("xsi:schemaLocation").unwrap();
    let parts: Vec<&str> = location.split(' ').collect();
    assert!(parts.len().is_multiple_of(2) && parts.iter().all(|p| !p.is_empty()));
    for pair in parts.chunks(2) {
        assert!(want.schema_paths.contains(&pair[1]), "{pair:?}");
    }
    // §A 7: metadata first, exact schema and version text.
    assert_eq!(root.children[0].name, "metadata");
    let metadata = &root.children[0];
    assert_eq!(metadata.children[0].name, "schema");
    assert_eq!(metadata.children[0].text, "ADL SCORM");
    assert_eq!(metadata.children[1].name, "schemaversion");
    assert_eq!(metadata.children[1].text, want.schemaversion);
    // §A 11/12: one organization, the default, titled; one titled item per lesson, in order.
    let orgs = root.one("organizations");
    let org = orgs.one("organization");
    assert_eq!(orgs.attr("default"), org.attr("identifier"));
    assert_eq!(
        org.attr("identifier"),
        Some(ids::organization(module).as_str())
    );
    assert_eq!(org.children[0].name, "title");
    assert!(!org.children[0].text.is_empty());
    let items = org.all("item");
    assert_eq!(items.len(), module.lessons.len());
    let resources = root.one("resources");
    let res_ids: Vec<&str> = resources
        .all("resource")
        .iter()
        .filter_map(|r| r.attr("identifier"))
        .collect();
    for (item, lesson) in items.iter().zip(&module.lessons) {
        assert_eq!(item.attr("identifier"), Some(ids::item(lesson).as_str()));
        assert_eq!(
            item.attr("identifierref"),
            Some(ids::resource(lesson).as_str())
        );
        assert_eq!(item.attr("isvisible"), Some("true"));
        assert_eq!(item.children[0].name, "title");
        assert!(!item.children[0].text.is_empty());
        assert!(item.attr("adlcp:masteryscore").is_none());
    }
    // Every identifierref (items and dependencies) resolves.
    for el in root.walk() {
        if let Some(target) = el.attr("identifierref") {
            assert!(res_ids.contains(&target), "dangling {target}");
        }
    }
    // §A 8/9/10: SCOs first, in lesson order, full href to the launch page, then the assets.
    let all = resources.all("resource");
    for (i, lesson) in module.lessons.iter().enumerate() {
        let r = all[i];
        assert_eq!(r.attr("identifier"), Some(ids::resource(lesson).as_str()));
        assert_eq!(r.attr("type"), Some("webcontent"));
        assert_eq!(r.attr(want.scorm_type), Some("sco"));
        assert_eq!(r.attr("href"), Some(rendered.lessons[i][0].path.as_str()));
        let files: Vec<&str> = r
            .all("file")
            .iter()
            .map(|f| f.attr("href").unwrap())
            .collect();
        let own: Vec<&str> = rendered.lessons[i]
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(files, own);
        let deps: Vec<&str> = r
            .all("dependency")
            .iter()
            .map(|d| d.attr("identifierref").unwrap())
            .collect();
        assert_eq!(deps, [ids::SHARED_RESOURCE]);
    }
    let assets: Vec<(&str, Option<&str>, Option<&str>)> = all[module.lessons.len()..]
        .iter()
        .map(|r| {
            (
                r.attr("identifier").unwrap(),
                r.attr(want.scorm_type),
                r.attr("href"),
            )
        })
        .collect();
    assert_eq!(
        assets,
        [
            (ids::SHARED_RESOURCE, Some("asset"), None),
            (ids::SCHEMAS_RESOURCE, Some("asset"), None)
        ]
    );
    // Every shipped file listed exactly once, the manifest itself never.
    let listed: Vec<&str> = root
        .walk()
        .into_iter()
        .filter(|e| e.name == "file")
        .map(|f| f.attr("href").unwrap())
        .collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "a file is listed twice");
    let mut shipped: BTreeSet<&str> = want.schema_paths.iter().copied().collect();
    shipped.extend(rendered.shared.iter().map(|f| f.path.as_str()));
    shipped.extend(rendered.lessons.iter().flatten().map(|f| f.path.as_str()));
    assert_eq!(unique, shipped);
    assert!(!unique.contains(MANIFEST_PATH));
    // §A 13: identifiers safe and unique across the manifest.
    let idents: Vec<&str> = root
        .walk()
        .iter()
        .filter_map(|e| e.attr("identifier"))
        .collect();
    assert_eq!(idents.iter().collect::<BTreeSet<_>>().len(), idents.len());
    assert!(idents.iter().all(|id| ids::is_safe(id)), "{idents:?}");
    root
}

/// Every `identifier`, `identifierref` and `default` attribute value, in document order.
pub(super) fn identifier_attrs(xml: &str) -> Vec<(String, String)> {
    let root = parse(xml);
    let keys = ["identifier", "identifierref", "default", "objectiveID"];
    let walk = root.walk();
    let attrs = walk.iter().flat_map(|e| e.attrs.iter());
    attrs
        .filter(|(k, _)| keys.contains(&k.as_str()))
        .cloned()
        .collect()
}
