//! The XML documents a cartridge's descriptor resources point at: the discussion topic
//! (`imsdt`), the web link (`imswl`) and the LTI resource link (`imsbasiclti`), each with its
//! version's root namespace as default namespace (`lti-cc-cmi5.md` §3.3–3.5).

use super::cc::CcVersion;
use super::xml;
use crate::model::{Discussion, Lesson, MediaKind, Video, VideoSource};
use crate::render::markdown;

/// The Basic LTI link namespace (prefix `blti`), the same in every CC version.
const NS_BLTI: &str = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0";
/// The LTI common-messages namespace (prefix `lticm`).
const NS_LTICM: &str = "http://www.imsglobal.org/xsd/imslticm_v1p0";
/// The LTI common-profile namespace (prefix `lticp`).
const NS_LTICP: &str = "http://www.imsglobal.org/xsd/imslticp_v1p0";
/// Schema URLs of those three namespaces, as IMS publishes them.
const LTI_LOCATIONS: [(&str, &str); 3] = [
    (
        NS_BLTI,
        "http://www.imsglobal.org/xsd/lti/ltiv1p0/imsbasiclti_v1p0p1.xsd",
    ),
    (
        NS_LTICM,
        "http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticm_v1p0.xsd",
    ),
    (
        NS_LTICP,
        "http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticp_v1p0.xsd",
    ),
];
/// The XML Schema instance namespace (prefix `xsi`).
const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The custom parameter carrying the lesson id to the tool (`lti-cc-cmi5.md` §0.4).
pub(super) const LESSON_ID_PARAMETER: &str = "lesson_id";
/// The `lticp:code` of the tool vendor: the tool is `lessonpack serve`.
const VENDOR: &str = "lessonpack";

/// A root element's attributes: default namespace, `xsi`, schema location.
fn root_attrs<'a>(namespace: &'a str, location: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("xmlns", namespace),
        ("xmlns:xsi", NS_XSI),
        ("xsi:schemaLocation", location),
    ]
}

/// The discussion topic: its title, and the prompt rendered to HTML (as the lesson page shows
/// it, raw HTML in the source escaped) as `text/html` text, entity-escaped. Moodle makes a
/// forum of it, Canvas a discussion.
pub(super) fn topic(title: &str, discussion: &Discussion, version: CcVersion) -> String {
    let (namespace, schema) = version.spelling().topic;
    let location = xml::schema_location(&[(namespace, schema)]);
    let html = xml::valid_chars(&markdown::to_html(&discussion.prompt_markdown));
    let mut doc = xml::Doc::new();
    doc.open("topic", &root_attrs(namespace, &location));
    doc.text("title", &[], &xml::title(title, None));
    doc.text("text", &[("texttype", "text/html")], html.trim_end());
    doc.close("topic");
    doc.finish()
}

/// A web link opening `url` in a new window (video sites refuse to be framed).
pub(super) fn web_link(title: &str, url: &str, version: CcVersion) -> String {
    let (namespace, schema) = version.spelling().web_link;
    let location = xml::schema_location(&[(namespace, schema)]);
    let mut doc = xml::Doc::new();
    doc.open("webLink", &root_attrs(namespace, &location));
    doc.text("title", &[], &xml::title(title, None));
    doc.empty("url", &[("href", url), ("target", "_blank")]);
    doc.close("webLink");
    doc.finish()
}

/// An LTI resource link to `launch_url`, titled with the lesson, carrying the lesson id as the
/// custom parameter [`LESSON_ID_PARAMETER`]. Elements in the order the Basic LTI schema fixes:
/// title, description, custom, launch URLs, vendor. No keys: on import the LMS matches the URL
/// to the tool already installed (`lti-cc-cmi5.md` §3.5).
pub(super) fn lti_link(
    lesson: &Lesson,
    title: &str,
    launch_url: &str,
    version: CcVersion,
) -> String {
    let cc = version.spelling().lti;
    let mut pairs = vec![cc];
    pairs.extend(LTI_LOCATIONS);
    let location = xml::schema_location(&pairs);
    let url = launch_url.trim();
    let mut doc = xml::Doc::new();
    let attrs = [
        ("xmlns", cc.0),
        ("xmlns:blti", NS_BLTI),
        ("xmlns:lticm", NS_LTICM),
        ("xmlns:lticp", NS_LTICP),
        ("xmlns:xsi", NS_XSI),
        ("xsi:schemaLocation", location.as_str()),
    ];
    doc.open("cartridge_basiclti_link", &attrs);
    doc.text("blti:title", &[], title);
    if let Some(summary) = lesson.summary.as_deref().map(xml::clean)
        && !summary.is_empty()
    {
        doc.text("blti:description", &[], &summary);
    }
    doc.open("blti:custom", &[]);
    let name = [("name", LESSON_ID_PARAMETER)];
    doc.text("lticm:property", &name, &lesson.id);
    doc.close("blti:custom");
    doc.text("blti:launch_url", &[], url);
    if url.starts_with("https://") {
        doc.text("blti:secure_launch_url", &[], url);
    }
    doc.open("blti:vendor", &[]);
    doc.text("lticp:code", &[], VENDOR);
    doc.text("lticp:name", &[], VENDOR);
    doc.close("blti:vendor");
    doc.close("cartridge_basiclti_link");
    doc.finish()
}

/// Where a learner can watch the video outside the cartridge, and a short, language-neutral
/// label of the source: the canonical YouTube watch URL (with the start offset), the Vimeo page
/// (with the privacy hash of an unlisted video), or the file or HLS URL itself. `None` for a
/// bundled file: the lesson page already plays it.
pub(super) fn video_link(video: &Video) -> Option<(String, &'static str)> {
    match &video.source {
        VideoSource::YouTube { id, start_s } => {
            let start = match start_s {
                Some(s) if *s > 0 => format!("&t={s}s"),
                _ => String::new(),
            };
            Some((
                format!("https://www.youtube.com/watch?v={id}{start}"),
                "YouTube",
            ))
        }
        VideoSource::Vimeo { id, hash } => {
            let hash = hash.as_ref().map(|h| format!("/{h}")).unwrap_or_default();
            Some((format!("https://vimeo.com/{id}{hash}"), "Vimeo"))
        }
        VideoSource::File { url, kind } => Some((
            url.clone(),
            match kind {
                MediaKind::Mp4 => "MP4",
                MediaKind::WebM => "WebM",
            },
        )),
        VideoSource::Hls { url } => Some((url.clone(), "HLS")),
        VideoSource::Local(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::testkit;
    use crate::model::LocalFile;

    fn video(source: VideoSource) -> Video {
        Video {
            source,
            poster: None,
            duration_ms: None,
        }
    }

    #[test]
    fn video_links_use_canonical_page_urls() {
        let cases = [
            (
                VideoSource::YouTube {
                    id: "dQw4w9WgXcQ".into(),
                    start_s: None,
                },
                Some(("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube")),
            ),
            (
                VideoSource::YouTube {
                    id: "dQw4w9WgXcQ".into(),
                    start_s: Some(90),
                },
                Some((
                    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s",
                    "YouTube",
                )),
            ),
            (
                VideoSource::Vimeo {
                    id: "76979871".into(),
                    hash: None,
                },
                Some(("https://vimeo.com/76979871", "Vimeo")),
            ),
            (
                VideoSource::Vimeo {
                    id: "76979871".into(),
                    hash: Some("abc123".into()),
                },
                Some(("https://vimeo.com/76979871/abc123", "Vimeo")),
            ),
            (
                VideoSource::File {
                    url: "https://cdn.example.org/a.webm?x=1&y=2".into(),
                    kind: MediaKind::WebM,
                },
                Some(("https://cdn.example.org/a.webm?x=1&y=2", "WebM")),
            ),
            (
                VideoSource::Hls {
                    url: "https://cdn.example.org/a.m3u8".into(),
                },
                Some(("https://cdn.example.org/a.m3u8", "HLS")),
            ),
            (
                VideoSource::Local(LocalFile {
                    path: "media/a.mp4".into(),
                    relative: "media/a.mp4".into(),
                    size: 1,
                    kind: Some(MediaKind::Mp4),
                }),
                None,
            ),
        ];
        for (source, expected) in cases {
            let got = video_link(&video(source));
            let got = got.as_ref().map(|(u, l)| (u.as_str(), *l));
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn topic_holds_title_and_escaped_html() {
        let discussion = Discussion {
            title: Some(" Discuss:\n <costs> ".into()),
            prompt_markdown: "Name *one* cost & <b>one</b> benefit.".into(),
        };
        let xml = topic("Discuss: <costs>", &discussion, CcVersion::V1_1);
        let root = testkit::parse(&xml);
        assert_eq!(root.name, "topic");
        assert_eq!(
            root.attr("xmlns"),
            Some("http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1")
        );
        assert_eq!(root.one("title").text, "Discuss: <costs>");
        let text = root.one("text");
        assert_eq!(text.attr("texttype"), Some("text/html"));
        assert_eq!(
            text.text,
            "<p>Name <em>one</em> cost &amp; &lt;b&gt;one&lt;/b&gt; benefit.</p>"
        );
        assert!(
            xml.contains("<![CDATA[<p>Name <em>"),
            "in a CDATA section:\n{xml}"
        );
    }

    #[test]
    fn lti_link_follows_the_schema_order() {
        let module = testkit::module(1);
        let mut lesson = module.lessons[0].clone();
        lesson.summary = Some("Watch & discuss.".into());
        for (version, ns) in [
            (
                CcVersion::V1_1,
                "http://www.imsglobal.org/xsd/imslticc_v1p0",
            ),
            (
                CcVersion::V1_3,
                "http://www.imsglobal.org/xsd/imslticc_v1p3",
            ),
        ] {
            let xml = lti_link(
                &lesson,
                "Lesson: interactive lesson",
                " https://lti.example.org/launch?a=1&b=2 ",
                version,
            );
            let root = testkit::parse(&xml);
            assert_eq!(root.attr("xmlns"), Some(ns));
            let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    "blti:title",
                    "blti:description",
                    "blti:custom",
                    "blti:launch_url",
                    "blti:secure_launch_url",
                    "blti:vendor"
                ]
            );
            let property = root.one("blti:custom").one("lticm:property");
            assert_eq!(property.attr("name"), Some("lesson_id"));
            assert_eq!(property.text, "lesson-1");
            let url = "https://lti.example.org/launch?a=1&b=2";
            assert_eq!(root.one("blti:launch_url").text, url);
            assert_eq!(root.one("blti:title").text, "Lesson: interactive lesson");
        }
    }
}
