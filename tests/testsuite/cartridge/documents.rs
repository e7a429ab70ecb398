//! What the descriptor documents carry: the discussion topic's title and prompt, the web
//! link's video URL, the LTI link's launch URL and lesson id (`lms-import.md` §A 25).

use super::{Cartridge, VERSIONS, basic, rich, sample};
use crate::support::El;
use lessonpack::manifest::CcVersion;
use lessonpack::manifest::ids::{self, CcPart};

/// The text content of an HTML fragment: tags removed, entities decoded, whitespace collapsed.
fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parsed descriptor document of `part` for lesson `lesson`, if the cartridge has one.
fn document(cartridge: &Cartridge, part: CcPart, lesson: &str) -> Option<El> {
    let lesson = cartridge
        .module
        .lessons
        .iter()
        .find(|l| l.id == lesson)
        .unwrap();
    let id = ids::cc_resource(lesson, part);
    let found = cartridge
        .documents(part)
        .into_iter()
        .find(|(r, _)| *r == id);
    found.map(|(_, path)| El::parse(&cartridge.read(&path)))
}

#[test]
fn discussion_topics_carry_the_title_and_the_prompt() {
    for version in VERSIONS {
        let basic = Cartridge::build(&basic(), version);
        let topic = document(&basic, CcPart::Discussion, "first-lesson").unwrap();
        assert_eq!(
            topic.attr("xmlns"),
            version.document_namespace(CcPart::Discussion)
        );
        // No `discussion-title`: named from the lesson's title, distinct from the lesson.
        let discussion = basic.module.lessons[0].discussion.as_ref().unwrap();
        assert_eq!(discussion.title, None);
        assert_eq!(topic.one("title").text, "Discuss: First lesson");
        let text = topic.one("text");
        assert_eq!(text.attr("texttype"), Some("text/html"));
        let prompt =
            std::fs::read_to_string(super::fixtures().join("basic/discussion.md")).unwrap();
        assert_eq!(
            html_text(&text.text),
            prompt.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        assert!(
            text.text.starts_with("<p>"),
            "HTML, entity-escaped in the file"
        );

        let rich = Cartridge::build(&rich(), version);
        let topic = document(&rich, CcPart::Discussion, "second").unwrap();
        assert_eq!(
            topic.one("title").text,
            "Discuss: Second: <costs> & \"benefits\"",
            "named from the lesson title"
        );
        let expected = "Your turn Name one cost & one <b>benefit</b>. first second";
        assert_eq!(
            html_text(&topic.one("text").text),
            expected,
            "raw HTML shown as text"
        );
        assert!(
            document(&rich, CcPart::Discussion, "third").is_none(),
            "no prompt, no topic"
        );
        let items = rich.parsed();
        let titles: Vec<String> = items
            .walk()
            .iter()
            .filter(|i| i.attr("identifierref") == Some("TOPIC-second"))
            .map(|i| i.one("title").text.clone())
            .collect();
        assert_eq!(titles, ["Discuss: Second: <costs> & \"benefits\""]);
    }
}

#[test]
fn web_links_point_at_the_video_page() {
    let expected = [
        (
            "first-lesson",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "YouTube",
        ),
        ("second", "https://vimeo.com/76979871/8272103f6e", "Vimeo"),
        (
            "third",
            "https://cdn.example.org/talks/third.mp4?sig=a&b=c",
            "MP4",
        ),
        ("fourth", "https://cdn.example.org/live/master.m3u8", "HLS"),
    ];
    for version in VERSIONS {
        let rich = Cartridge::build(&rich(), version);
        for (lesson, url, label) in expected {
            let link = document(&rich, CcPart::WebLink, lesson).unwrap();
            assert_eq!(
                link.attr("xmlns"),
                version.document_namespace(CcPart::WebLink)
            );
            assert_eq!(link.one("url").attr("href"), Some(url), "{lesson}");
            assert_eq!(link.one("url").attr("target"), Some("_blank"));
            let title = &rich
                .module
                .lessons
                .iter()
                .find(|l| l.id == lesson)
                .unwrap()
                .title;
            assert_eq!(link.one("title").text, format!("{title}: video ({label})"));
        }
        let sample = Cartridge::build(&sample(), version);
        assert!(
            sample.documents(CcPart::WebLink).is_empty(),
            "no video, no web link"
        );
        assert!(!sample.root().join("weblinks").exists());
    }
}

#[test]
fn lti_links_exist_only_with_a_launch_url_and_carry_the_lesson_id() {
    for version in VERSIONS {
        let basic = Cartridge::build(&basic(), version);
        assert!(basic.module.lti_launch_url.is_none());
        assert!(basic.documents(CcPart::Lti).is_empty());
        assert!(!basic.root().join("lti").exists());
        assert!(!basic.manifest().contains("imsbasiclti"));

        let rich = Cartridge::build(&rich(), version);
        let types = rich.parsed();
        let lti_type = version.resource_type(CcPart::Lti);
        let expected_type = match version {
            CcVersion::V1_1 => "imsbasiclti_xmlv1p0",
            CcVersion::V1_3 => "imsbasiclti_xmlv1p3",
        };
        assert_eq!(lti_type, expected_type);
        assert_eq!(rich.documents(CcPart::Lti).len(), rich.module.lessons.len());
        assert!(
            types
                .walk()
                .iter()
                .any(|r| r.attr("type") == Some(lti_type))
        );
        for lesson in &rich.module.lessons {
            let link = document(&rich, CcPart::Lti, &lesson.id).unwrap();
            assert_eq!(link.name, "cartridge_basiclti_link");
            assert_eq!(link.attr("xmlns"), version.document_namespace(CcPart::Lti));
            assert_eq!(
                link.one("blti:title").text,
                format!("{}: interactive lesson", lesson.title)
            );
            let url = "https://lessons.example.org/lti/launch";
            assert_eq!(link.one("blti:launch_url").text, url);
            assert_eq!(link.one("blti:secure_launch_url").text, url);
            let property = link.one("blti:custom").one("lticm:property");
            assert_eq!(property.attr("name"), Some("lesson_id"));
            assert_eq!(property.text, lesson.id);
        }
    }
}
