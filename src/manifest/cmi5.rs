//! The cmi5 course structure, `cmi5.xml` (cmi5 Quartz §13, XSD
//! `https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd`).
//!
//! Shape: one `<course>` (the module) and one `<au>` per lesson, in lesson order, no blocks and
//! no objectives. A lesson is complete when watched (and, if the lesson asks, answered), which
//! the page reports with a "completed" statement and, for a lesson that reports a score
//! (`[lessons.completion] score`, on by default), a "passed" statement with a full score right
//! after it: such an AU is `moveOn="CompletedAndPassed"`, any other `moveOn="Completed"` (the
//! default `NotApplicable` would count the AU satisfied on enrolment). No `masteryScore`: the
//! one score a lesson reports is full marks, so there is nothing for it to judge.
//! `launchMethod="AnyWindow"`: the page works in a frame, a new window or a redirect alike.
//! The `<url>` is the lesson page's path relative to the package root (§14.1), written without
//! surrounding whitespace (Open edX takes the text as is, `lms-import.md` §A 19). Titles and
//! descriptions are one `langstring` in the module's language; a missing summary falls back to
//! the title (descriptions are required). Identifiers come from [`ids::cmi5_course`] and
//! [`ids::cmi5_au`].
//!
//! The package ships no XSD: cmi5 §14 asks only for `cmi5.xml` at the zip root.

use super::{ids, xml};
use crate::model::{Lesson, Module};
use crate::output::Rendered;

/// The cmi5 course structure namespace (the document's default namespace).
pub const NS_CMI5: &str = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";

/// The course structure's path inside the package (cmi5 §13.2, §14.1: named `cmi5.xml`, at
/// the root).
pub const COURSE_STRUCTURE_PATH: &str = "cmi5.xml";

/// Writes `cmi5.xml` for `module`, each AU launching its lesson's page in `rendered`.
///
/// # Panics
///
/// When `rendered` does not hold one non-empty file list (page first) per lesson.
pub fn write(module: &Module, rendered: &Rendered) -> String {
    assert_eq!(
        rendered.lessons.len(),
        module.lessons.len(),
        "rendered files are needed for every lesson"
    );
    let lang = module.language.as_str();
    let mut doc = xml::Doc::new();
    doc.open("courseStructure", &[("xmlns", NS_CMI5)]);

    let course = ids::cmi5_course(module);
    doc.open("course", &[("id", course.as_str())]);
    langstring(&mut doc, "title", lang, &xml::title(&module.title, None));
    let summary = module.summary.as_deref().unwrap_or(&module.title);
    langstring(&mut doc, "description", lang, &description(summary));
    doc.close("course");

    for (lesson, files) in module.lessons.iter().zip(&rendered.lessons) {
        let page = files
            .first()
            .unwrap_or_else(|| panic!("lesson `{}` has no launch page", lesson.id));
        let au = ids::cmi5_au(module, lesson);
        let attrs = [
            ("id", au.as_str()),
            ("moveOn", move_on(lesson)),
            ("launchMethod", "AnyWindow"),
        ];
        doc.open("au", &attrs);
        langstring(&mut doc, "title", lang, &xml::title(&lesson.title, None));
        let summary = lesson.summary.as_deref().unwrap_or(&lesson.title);
        langstring(&mut doc, "description", lang, &description(summary));
        doc.text("url", &[], &page.path);
        doc.close("au");
    }
    doc.close("courseStructure");
    doc.finish()
}

/// The AU's `moveOn` (cmi5 §13.1.4): what the lesson's page reports must all arrive before the
/// LMS counts it done, so a lesson that sends "passed" asks for it too.
fn move_on(lesson: &Lesson) -> &'static str {
    if lesson.completion.score {
        "CompletedAndPassed"
    } else {
        "Completed"
    }
}

/// `<name><langstring lang="…">text</langstring></name>` (cmi5 §13.1 "langstring").
fn langstring(doc: &mut xml::Doc, name: &str, lang: &str, text: &str) {
    doc.open(name, &[]);
    doc.text("langstring", &[("lang", lang)], text);
    doc.close(name);
}

/// A description: cleaned, and like a title never empty.
fn description(text: &str) -> String {
    xml::title(text, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::testkit;

    #[test]
    fn one_au_per_lesson_in_order() {
        for n in [1, 3] {
            let module = testkit::module(n);
            let rendered = testkit::rendered(&module);
            let xml = write(&module, &rendered);
            assert!(xml.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<courseStructure xmlns=\""
            ));
            let root = testkit::parse(&xml);
            assert_eq!(root.name, "courseStructure");
            assert_eq!(root.attrs, [("xmlns".to_string(), NS_CMI5.to_string())]);
            let course = root.one("course");
            assert_eq!(course.attr("id"), Some("urn:lessonpack:bi-101"));
            let title = course.one("title").one("langstring");
            assert_eq!(title.attr("lang"), Some("en-GB"));
            assert_eq!(title.text, module.title);
            let description = course.one("description").one("langstring");
            assert_eq!(description.text, "What a business requires.");
            let aus = root.all("au");
            assert_eq!(aus.len(), n);
            for (i, au) in aus.iter().enumerate() {
                let id = format!("urn:lessonpack:bi-101:lesson-{}", i + 1);
                assert_eq!(au.attr("id"), Some(id.as_str()));
                // testkit: lesson 2 reports no score.
                let move_on = if i == 1 {
                    "Completed"
                } else {
                    "CompletedAndPassed"
                };
                assert_eq!(au.attr("moveOn"), Some(move_on), "lesson {}", i + 1);
                assert_eq!(au.attr("launchMethod"), Some("AnyWindow"));
                assert_eq!(
                    au.attr("masteryScore"),
                    None,
                    "full marks need no mastery score"
                );
                let names: Vec<&str> = au.children.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(names, ["title", "description", "url"], "XSD order");
                assert_eq!(
                    au.one("title").one("langstring").text,
                    module.lessons[i].title
                );
                let url = format!("lessons/lesson-{}/index.html", i + 1);
                assert_eq!(au.one("url").text, url, "no surrounding whitespace");
            }
            assert_eq!(xml, write(&module, &rendered), "deterministic");
        }
    }

    #[test]
    fn descriptions_fall_back_to_titles_and_text_is_escaped() {
        let mut module = testkit::module(1);
        module.summary = None;
        module.lessons[0].summary = Some("  Costs\n& benefits ".into());
        let xml = write(&module, &testkit::rendered(&module));
        assert!(
            xml.contains("<langstring lang=\"en-GB\"><![CDATA[Costs & benefits]]></langstring>")
        );
        let root = testkit::parse(&xml);
        let course = root.one("course");
        assert_eq!(
            course.one("description").one("langstring").text,
            module.title
        );
        module.lessons[0].title = " \n ".into();
        let root = testkit::parse(&write(&module, &testkit::rendered(&module)));
        let title = root.one("au").one("title").one("langstring");
        assert_eq!(title.text, "Untitled", "titles are never empty");
    }

    #[test]
    fn renaming_titles_keeps_every_iri() {
        let before = testkit::module(3);
        let mut after = before.clone();
        after.title = "Renamed".into();
        for l in &mut after.lessons {
            l.title = format!("Renamed {}", l.id);
        }
        let rendered = testkit::rendered(&before);
        let ids = |m: &Module| -> Vec<String> {
            let root = testkit::parse(&write(m, &rendered));
            root.walk()
                .iter()
                .filter_map(|e| e.attr("id").map(str::to_owned))
                .collect()
        };
        assert_eq!(ids(&before), ids(&after));
        assert_eq!(ids(&before).len(), 4);
    }

    #[test]
    #[should_panic(expected = "rendered files are needed for every lesson")]
    fn missing_rendered_lessons_panic() {
        let module = testkit::module(2);
        let mut rendered = testkit::rendered(&module);
        rendered.lessons.pop();
        write(&module, &rendered);
    }
}
