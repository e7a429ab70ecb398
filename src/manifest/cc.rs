//! The IMS Common Cartridge writer: `imsmanifest.xml` plus the discussion topic, web link and
//! LTI link documents, for CC 1.1 (Moodle and Canvas) or CC 1.3 (Canvas).
//!
//! Shape (`lms-import.md` §A 21–27, §C; `lti-cc-cmi5.md` §3):
//!
//! - the root `<manifest>` declares the version's CP namespace as its default namespace in its
//!   first attribute, so the declaration sits in the first bytes of the file, where Moodle's
//!   `detect_format()` looks (its first 1,024 bytes); the LOM profile namespace is prefixed
//!   `lomimscc`; no comment, DOCTYPE or `<authorizations>`;
//! - `<metadata>`: `IMS Common Cartridge`, `1.1.0`/`1.3.0`, then the LOM record both profiles
//!   require: module title, language, summary, keywords, licence;
//! - one organization (`rooted-hierarchy`) with one untitled root item; under it one titled
//!   module item per lesson (a Canvas module, a Moodle section), whose items point at the
//!   lesson's resources, in this order: the page, the discussion topic, the video's web link,
//!   the LTI link — each only when the lesson has it;
//! - resources per lesson ([`CcPart`]): the page as `webcontent` (`href` = launch page, every
//!   file of the lesson listed, a dependency on the shared files); the discussion prompt as a
//!   discussion topic; the video's page as a web link when the video is a URL; an LTI link to
//!   the module's tool when it names one. The three descriptor resources list their one XML
//!   file and carry no `href` (the CP profiles' Schematron rules 1c/2c). Last, the shared files
//!   as one `webcontent` resource no item points at ([`ids::CC_SHARED_RESOURCE`]);
//! - descriptor files: `discussions/<lesson>.xml`, `weblinks/<lesson>.xml`, `lti/<lesson>.xml`.
//!
//! Cartridges ship no XSD files: Moodle validates with its own copies, Canvas not at all.
//!
//! CC 1.3 spells the LTI link resource `imsbasiclti_xmlv1p3` with an `imslticc_v1p3` document:
//! the 1.3 profile's resource-type enumeration has no `imsbasiclti_xmlv1p0`. Canvas (the only
//! LMS here that imports 1.3) takes every `imsbasiclti…` type alike.

use super::ids::{self, CcPart};
use super::{MANIFEST_PATH, cc_resources, lom, scorm2004, xml};
use crate::model::{Lesson, Module};
use crate::output::{OutputFile, Rendered};
use std::collections::BTreeMap;

/// The Common Cartridge version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CcVersion {
    /// IMS CC 1.1: the newest version Moodle restores (and Canvas imports).
    V1_1,
    /// IMS CC 1.3: Canvas imports it; Moodle does not.
    V1_3,
}

/// The titles a cartridge gives a lesson's parts, from the module's interface strings (keys
/// `cc-page`, `cc-page-transcript`, `cc-discussion`, `cc-video`, `cc-lti`; `{title}` is the
/// lesson's title, `{site}` where the video is). The lesson itself is a module (Canvas) or
/// section (Moodle) named by its title; each part says what it is, so no two read the same.
#[derive(Debug, Clone)]
pub struct Labels {
    page: String,
    page_transcript: String,
    discussion: String,
    video: String,
    lti: String,
}

impl Labels {
    /// The labels of a strings table (`render::Engine::strings`), English where it lacks one.
    pub fn from_strings(strings: &BTreeMap<String, String>) -> Labels {
        let english = crate::render::i18n::english();
        let get = |key: &str| {
            strings
                .get(key)
                .or_else(|| english.get(key))
                .cloned()
                .unwrap_or_else(|| "{title}".to_string())
        };
        Labels {
            page: get("cc-page"),
            page_transcript: get("cc-page-transcript"),
            discussion: get("cc-discussion"),
            video: get("cc-video"),
            lti: get("cc-lti"),
        }
    }

    /// The built-in English labels.
    pub fn english() -> Labels {
        Labels::from_strings(&crate::render::i18n::english())
    }
}

/// `template` with `{title}` and `{site}` filled in.
fn fill(template: &str, title: &str, site: &str) -> String {
    template.replace("{title}", title).replace("{site}", site)
}

/// The cartridge's files besides the rendered pages: `imsmanifest.xml` first, then the
/// discussion topic, web link and LTI link XML files, lesson by lesson.
///
/// `rendered` is what `render::render(engine, module, Runtime::Local)` makes: the shared files
/// and, per lesson in module order, its files with the launch page first.
///
/// # Panics
///
/// When `rendered` does not hold one non-empty file list per lesson.
pub fn write(
    module: &Module,
    rendered: &Rendered,
    version: CcVersion,
    labels: &Labels,
) -> Vec<OutputFile> {
    assert_eq!(
        rendered.lessons.len(),
        module.lessons.len(),
        "rendered files are needed for every lesson"
    );
    let shared = !rendered.shared.is_empty();
    let mut documents = Vec::new();
    let lessons: Vec<Vec<Part>> = module
        .lessons
        .iter()
        .zip(&rendered.lessons)
        .map(|(lesson, files)| {
            parts(
                module,
                lesson,
                files,
                shared,
                version,
                labels,
                &mut documents,
            )
        })
        .collect();
    let manifest = manifest(module, rendered, version, &lessons);
    let mut out = vec![OutputFile::bytes(MANIFEST_PATH, manifest)];
    out.extend(documents);
    out
}

/// One part of a lesson as the manifest lists it.
struct Part {
    part: CcPart,
    item: String,
    resource: String,
    title: String,
    href: Option<String>,
    files: Vec<String>,
    depends_on_shared: bool,
}

impl Part {
    /// A descriptor part: one XML file at `<dir>/<lesson>.xml`, pushed onto `documents`.
    fn document(
        part: CcPart,
        lesson: &Lesson,
        title: String,
        (dir, xml): (&str, String),
        documents: &mut Vec<OutputFile>,
    ) -> Part {
        let path = format!("{dir}/{}.xml", lesson.id);
        documents.push(OutputFile::bytes(&path, xml));
        Part {
            part,
            item: ids::cc_item(lesson, part),
            resource: ids::cc_resource(lesson, part),
            title,
            href: None,
            files: vec![path],
            depends_on_shared: false,
        }
    }
}

/// The parts of one lesson, in item order; their documents are pushed onto `documents`.
fn parts(
    module: &Module,
    lesson: &Lesson,
    files: &[OutputFile],
    shared: bool,
    version: CcVersion,
    labels: &Labels,
    documents: &mut Vec<OutputFile>,
) -> Vec<Part> {
    let launch = files
        .first()
        .unwrap_or_else(|| panic!("lesson `{}` has no launch page", lesson.id));
    let title = xml::title(&lesson.title, None);
    let page = if lesson.video.is_some() {
        &labels.page
    } else {
        &labels.page_transcript
    };
    let mut parts = vec![Part {
        part: CcPart::Page,
        item: ids::cc_item(lesson, CcPart::Page),
        resource: ids::cc_resource(lesson, CcPart::Page),
        title: xml::title(&fill(page, &title, ""), None),
        href: Some(launch.path.clone()),
        files: files
            .iter()
            .map(|f| f.path.clone())
            .filter(|p| p != MANIFEST_PATH)
            .collect(),
        depends_on_shared: shared,
    }];
    if let Some(discussion) = &lesson.discussion {
        let topic_title = match &discussion.title {
            Some(given) => xml::title(given, None),
            None => xml::title(&fill(&labels.discussion, &title, ""), None),
        };
        let doc = cc_resources::topic(&topic_title, discussion, version);
        let part = Part::document(
            CcPart::Discussion,
            lesson,
            topic_title,
            ("discussions", doc),
            documents,
        );
        parts.push(part);
    }
    if let Some((url, label)) = lesson.video.as_ref().and_then(cc_resources::video_link) {
        let link_title = xml::title(&fill(&labels.video, &title, label), None);
        let doc = cc_resources::web_link(&link_title, &url, version);
        let part = Part::document(
            CcPart::WebLink,
            lesson,
            link_title,
            ("weblinks", doc),
            documents,
        );
        parts.push(part);
    }
    if let Some(launch_url) = module.lti_launch_url.as_deref() {
        let lti_title = xml::title(&fill(&labels.lti, &title, ""), None);
        let doc = cc_resources::lti_link(lesson, &lti_title, launch_url, version);
        let part = Part::document(CcPart::Lti, lesson, lti_title, ("lti", doc), documents);
        parts.push(part);
    }
    parts
}

/// The whole `imsmanifest.xml`.
fn manifest(
    module: &Module,
    rendered: &Rendered,
    version: CcVersion,
    lessons: &[Vec<Part>],
) -> String {
    let s = version.spelling();
    let mut doc = xml::Doc::new();
    let manifest_id = ids::cc_manifest(module);
    let location = xml::schema_location(&[s.cp, s.lom]);
    // The default namespace first: Moodle looks for it in the file's first 1,024 bytes.
    doc.open(
        "manifest",
        &[
            ("xmlns", s.cp.0),
            ("identifier", manifest_id.as_str()),
            ("xmlns:lomimscc", s.lom.0),
            ("xmlns:xsi", scorm2004::NS_XSI),
            ("xsi:schemaLocation", location.as_str()),
        ],
    );
    doc.open("metadata", &[]);
    doc.text("schema", &[], "IMS Common Cartridge");
    doc.text("schemaversion", &[], s.schemaversion);
    lom::write(&mut doc, module, LOM);
    doc.close("metadata");

    let (org, root) = (ids::cc_organization(module), ids::cc_root_item(module));
    doc.open("organizations", &[]);
    let org_attrs = [
        ("identifier", org.as_str()),
        ("structure", "rooted-hierarchy"),
    ];
    doc.open("organization", &org_attrs);
    doc.open("item", &[("identifier", root.as_str())]);
    for (lesson, parts) in module.lessons.iter().zip(lessons) {
        doc.open(
            "item",
            &[("identifier", ids::cc_module_item(lesson).as_str())],
        );
        doc.text("title", &[], &xml::title(&lesson.title, None));
        for part in parts {
            let attrs = [
                ("identifier", part.item.as_str()),
                ("identifierref", &part.resource),
            ];
            doc.open("item", &attrs);
            doc.text("title", &[], &part.title);
            doc.close("item");
        }
        doc.close("item");
    }
    doc.close("item");
    doc.close("organization");
    doc.close("organizations");

    doc.open("resources", &[]);
    for part in lessons.iter().flatten() {
        let kind = version.resource_type(part.part);
        let mut attrs = vec![("identifier", part.resource.as_str()), ("type", kind)];
        if let Some(href) = &part.href {
            attrs.push(("href", href.as_str()));
        }
        doc.open("resource", &attrs);
        for file in &part.files {
            doc.empty("file", &[("href", file.as_str())]);
        }
        if part.depends_on_shared {
            doc.empty("dependency", &[("identifierref", ids::CC_SHARED_RESOURCE)]);
        }
        doc.close("resource");
    }
    if !rendered.shared.is_empty() {
        let attrs = [
            ("identifier", ids::CC_SHARED_RESOURCE),
            ("type", "webcontent"),
        ];
        doc.open("resource", &attrs);
        for file in rendered.shared.iter().filter(|f| f.path != MANIFEST_PATH) {
            doc.empty("file", &[("href", file.path.as_str())]);
        }
        doc.close("resource");
    }
    doc.close("resources");
    doc.close("manifest");
    doc.finish()
}

/// The manifest's LOM record (`<lomimscc:lom>`, required by both CC profiles): title,
/// language, summary and keywords in `general`, the licence in `rights`. The CC 1.1 profile
/// allows only `value` in `copyrightAndOtherRestrictions` and only `contribute` in
/// `lifeCycle`, so the version is not written.
const LOM: lom::Profile = lom::Profile {
    prefix: "lomimscc",
    life_cycle_version: false,
    rights_source: false,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::testkit::{self, El};
    use crate::model::{Discussion, Video, VideoSource};

    /// `testkit::module(n)` with a discussion and a YouTube video on lesson 1 and an LTI tool.
    fn module(n: usize) -> Module {
        let mut module = testkit::module(n);
        module.lti_launch_url = Some("https://lti.example.org/launch".into());
        let first = &mut module.lessons[0];
        first.discussion = Some(Discussion {
            title: Some("Discuss".into()),
            prompt_markdown: "Why?".into(),
        });
        first.video = Some(Video {
            source: VideoSource::YouTube {
                id: "dQw4w9WgXcQ".into(),
                start_s: None,
            },
            poster: None,
            duration_ms: None,
        });
        module
    }

    fn types(root: &El) -> Vec<String> {
        let resources = root.one("resources").all("resource");
        let kinds = resources.iter().map(|r| {
            let id = r.attr("identifier").unwrap();
            format!("{id} {}", r.attr("type").unwrap())
        });
        kinds.collect()
    }

    #[test]
    fn resources_per_lesson_in_part_order_then_the_shared_files() {
        let module = module(2);
        let rendered = testkit::rendered(&module);
        for (version, suffix, lti) in [(CcVersion::V1_1, "1", "0"), (CcVersion::V1_3, "3", "3")] {
            let files = write(&module, &rendered, version, &Labels::english());
            let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            let expected = [
                "imsmanifest.xml",
                "discussions/lesson-1.xml",
                "weblinks/lesson-1.xml",
                "lti/lesson-1.xml",
                "lti/lesson-2.xml",
            ];
            assert_eq!(paths, expected);
            let crate::output::Content::Bytes(xml) = &files[0].content else {
                panic!("generated")
            };
            let root = testkit::parse(std::str::from_utf8(xml).unwrap());
            assert_eq!(root.attrs[0], ("xmlns".into(), version.namespace().into()));
            assert_eq!(
                types(&root),
                [
                    "WEB-lesson-1 webcontent".to_string(),
                    format!("TOPIC-lesson-1 imsdt_xmlv1p{suffix}"),
                    format!("LINK-lesson-1 imswl_xmlv1p{suffix}"),
                    format!("LTI-lesson-1 imsbasiclti_xmlv1p{lti}"),
                    "WEB-lesson-2 webcontent".to_string(),
                    format!("LTI-lesson-2 imsbasiclti_xmlv1p{lti}"),
                    "WEB-SHARED webcontent".to_string(),
                ]
            );
        }
    }

    #[test]
    fn without_shared_files_there_is_no_shared_resource_or_dependency() {
        let module = testkit::module(1);
        let mut rendered = testkit::rendered(&module);
        rendered.shared.clear();
        let files = write(&module, &rendered, CcVersion::V1_1, &Labels::english());
        let crate::output::Content::Bytes(xml) = &files[0].content else {
            panic!("generated")
        };
        let xml = std::str::from_utf8(xml).unwrap();
        assert!(!xml.contains("WEB-SHARED") && !xml.contains("<dependency"));
        assert_eq!(
            files.len(),
            1,
            "no discussion, video or LTI tool: the manifest only"
        );
    }

    #[test]
    #[should_panic(expected = "rendered files are needed for every lesson")]
    fn rendered_files_must_match_the_lessons() {
        let module = testkit::module(2);
        let rendered = testkit::rendered(&testkit::module(1));
        write(&module, &rendered, CcVersion::V1_3, &Labels::english());
    }
}
