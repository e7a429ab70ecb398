//! Lesson pages: what the sample page holds, theme overrides, languages and writing direction.

use crate::fixture::Fixture;
use lessonpack::diagnostic::Report;
use lessonpack::output::{Content, Rendered};
use lessonpack::render::{Engine, Runtime, Theme};
use std::path::Path;

/// Loads and renders a lesson source; panics on errors.
fn render_dir(dir: &Path, runtime: Runtime) -> (Rendered, Report) {
    let (_, rendered, report) = crate::support::load_and_render(dir, runtime);
    (rendered, report)
}

fn text(rendered: &Rendered, lesson: usize, path_end: &str) -> String {
    let file = rendered.lessons[lesson]
        .iter()
        .find(|f| f.path.ends_with(path_end))
        .unwrap();
    match &file.content {
        Content::Bytes(bytes) => String::from_utf8(bytes.clone()).unwrap(),
        Content::File(path) => panic!("{} is a bundled file", path.display()),
    }
}

/// The JSON in `<script type="application/json" id="lp-config">`.
fn config(page: &str) -> serde_json::Value {
    let start = page.find("id=\"lp-config\">").unwrap() + "id=\"lp-config\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

#[test]
fn the_sample_page_holds_the_lesson() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("module");
    let (rendered, _) = render_dir(&dir, Runtime::Scorm2004);
    let shared: Vec<&str> = rendered.shared.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        shared,
        [
            "assets/lessonpack.css",
            "assets/lessonpack.js",
            "assets/scorm.js"
        ]
    );
    let files: Vec<&str> = rendered.lessons[0]
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        files,
        ["lessons/international-perspective/index.html"],
        "no video: no captions file"
    );
    let page = text(&rendered, 0, "index.html");
    assert!(page.contains("<html lang=\"en-GB\" dir=\"ltr\">"), "{page}");
    assert!(page.contains("<h1>An international perspective</h1>"));
    // The lesson and the module share a title: the page's title says it once.
    assert!(
        page.contains("<title>An international perspective</title>"),
        "{page}"
    );
    assert!(page.contains("Vicky Weizi Li, Lecturer in Business Informatics"));
    assert!(
        page.contains(
            "Digital Leadership: Creating Value Through Technology · University of Reading"
        )
    );
    assert_eq!(page.matches("class=\"lp-cue\"").count(), 6);
    assert!(
        page.contains("data-start=\"101\" data-end=\"152\""),
        "cue times in seconds"
    );
    assert!(page.contains("R&amp;D"), "text is escaped");
    assert!(
        !page.contains("id=\"lp-media\""),
        "no player without a video"
    );
    assert!(page.contains("This lesson has no video."));
    assert!(page.contains("<div class=\"lp-prompt\"><p>Now that you’ve heard more"));
    assert!(page.contains("<script src=\"../../assets/scorm.js\"></script>\n<script src=\"../../assets/lessonpack.js\"></script>"));
    // Nothing is fetched from the network: every href and src is package-relative.
    for attr in ["href=\"", "src=\""] {
        for part in page.split(attr).skip(1) {
            assert!(
                !part.starts_with("http") && !part.starts_with("//"),
                "external {attr}{}",
                &part[..40.min(part.len())]
            );
        }
    }
    let config = config(&page);
    assert_eq!(config["standard"], "scorm2004");
    assert_eq!(config["lesson"], "international-perspective");
    assert_eq!(config["interaction"], "response-international-perspective");
    assert_eq!(config["completion"]["watchedPercent"], 90);
    assert_eq!(config["video"]["kind"], "none");
    assert_eq!(
        config["strings"]["savedLocal"],
        "Response saved in this browser"
    );
}

#[test]
fn youtube_plays_in_an_iframe_with_its_own_privacy_domain() {
    let fixture = Fixture::copy("basic");
    let (rendered, _) = render_dir(&fixture.dir, Runtime::Local);
    let page = text(&rendered, 0, "index.html");
    assert!(page.contains("<iframe id=\"lp-media\" src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?enablejsapi=1&amp;playsinline=1&amp;rel=0\""), "{page}");
    assert!(page.contains("title=\"Video: First lesson\""));
    assert!(page.contains("<p id=\"lp-caption\" class=\"lp-caption\" hidden></p>"));
    assert!(
        !page.contains("scorm.js"),
        "no SCORM runtime outside SCORM packages"
    );
    assert_eq!(config(&page)["video"]["duration"], 90.0);
    assert_eq!(rendered.shared.len(), 2);
}

#[test]
fn right_to_left_lesson_with_bundled_video_and_its_own_strings() {
    let fixture = Fixture::copy("rtl");
    let (rendered, report) = render_dir(&fixture.dir, Runtime::Scorm12);
    assert!(report.diagnostics.is_empty(), "{}", report.render());
    let page = text(&rendered, 0, "index.html");
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(page.contains("<h2 id=\"lp-transcript-h\">النص</h2>"));
    assert!(page.contains("<label for=\"lp-response\">ردك</label>"));
    assert!(
        page.contains("<source src=\"../../media/first-lesson/lecture.webm\" type=\"video/webm\">")
    );
    assert!(page.contains("<track kind=\"captions\" src=\"../../captions/first-lesson.vtt\" srclang=\"ar\" label=\"العربية\" default>"));
    assert!(page.contains("<span class=\"lp-speaker\">المحاضرة:</span>"));
    // Keys the table lacks fall back to English.
    assert!(page.contains("Skip to the lesson"));
    let paths: Vec<&str> = rendered.lessons[0]
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "lessons/first-lesson/index.html",
            "captions/first-lesson.vtt",
            "media/first-lesson/lecture.webm"
        ]
    );
    assert!(
        matches!(rendered.lessons[0][2].content, Content::File(_)),
        "media is streamed from disk"
    );
}

#[test]
fn a_language_without_strings_warns_and_uses_english() {
    let fixture = Fixture::copy("basic");
    fixture.replace("module.toml", "\"en-GB\"", "\"fr\"");
    let (rendered, report) = render_dir(&fixture.dir, Runtime::Local);
    let warnings = report.render();
    assert!(
        warnings.contains("no interface strings for `fr`"),
        "{warnings}"
    );
    assert!(
        warnings.contains("module/theme/strings/fr.toml"),
        "{warnings}"
    );
    assert!(text(&rendered, 0, "index.html").contains("<html lang=\"fr\" dir=\"ltr\">"));
}

#[test]
fn theme_templates_and_stylesheet_override_by_name() {
    let fixture = Fixture::copy("basic");
    fixture.write("theme/base.html", "<!DOCTYPE html><html lang=\"{{ lang }}\"><title>{% block title %}{% endblock title %} (ours)</title>{% block body %}{% endblock body %}</html>");
    fixture.write("theme/lessonpack.css", "body { color: black; }");
    let (rendered, report) = render_dir(&fixture.dir, Runtime::Local);
    assert!(report.diagnostics.is_empty(), "{}", report.render());
    let page = text(&rendered, 0, "index.html");
    assert!(
        page.starts_with(
            "<!DOCTYPE html><html lang=\"en-GB\"><title>First lesson – Basic module (ours)</title>"
        ),
        "{page}"
    );
    assert!(
        page.contains("class=\"lp-cue\""),
        "lesson.html still extends the overridden base"
    );
    assert_eq!(
        rendered.shared[0].content,
        Content::Bytes(b"body { color: black; }".to_vec())
    );
}

#[test]
fn a_broken_theme_template_is_reported_with_its_file() {
    let fixture = Fixture::copy("basic");
    fixture.write(
        "theme/lesson.html",
        "{% extends \"base.html\" %}\n{% block body %}{{ lesson.title }{% endblock body %}\n",
    );
    let loaded = lessonpack::source::load(&fixture.dir).unwrap();
    let mut report = loaded.report;
    let theme = Theme::load(&fixture.dir, &mut report).unwrap();
    let err = Engine::new(&theme, "en")
        .err()
        .expect("the template does not compile");
    assert!(err.message.contains("lesson.html"), "{}", err.message);
    assert!(
        err.message.contains(":2:"),
        "line of the error: {}",
        err.message
    );
    assert!(err.help.unwrap().contains("theme/lesson.html"));
}

#[test]
fn unknown_string_keys_are_errors_with_line_and_column() {
    let fixture = Fixture::copy("rtl");
    fixture.write(
        "theme/strings/ar.toml",
        "transcript = \"النص\"\ntranscirpt = \"x\"\n",
    );
    let mut report = Report::default();
    Theme::load(&fixture.dir, &mut report).unwrap();
    let text = report.render();
    assert!(text.contains("unknown string `transcirpt`"), "{text}");
    assert!(text.contains("theme/strings/ar.toml:2:1"), "{text}");
    assert!(text.contains("did you mean `transcript`?"), "{text}");
}

#[test]
fn unused_theme_files_are_named() {
    let fixture = Fixture::copy("basic");
    fixture.write("theme/lesson.htm", "x");
    let mut report = Report::default();
    Theme::load(&fixture.dir, &mut report).unwrap();
    assert!(
        report.render().contains("theme file `")
            && report.render().contains("lesson.htm` is not used")
    );
}
