//! cmi5: every `cmi5.xml` the tool writes is valid against the official course structure XSD
//! (`schemas/cmi5/CourseStructure.xsd`, kept for the tests, never shipped), negative controls
//! prove the check is not vacuous, and the `<id>-cmi5.zip` the CLI writes is deterministic with
//! `cmi5.xml` at its root and AU urls that resolve inside it. [`browser`] runs the pages in
//! headless Chromium against a mini LMS/LRS.
//!
//! Validation runs offline (`xmllint --nonet`; the XSD imports nothing) and passes only with
//! exit status 0 and no message but "validates".

mod browser;

use crate::build::{build, sha256, unzip};
use crate::fixture::{Fixture, fixtures};
use crate::support::{El, validate_against};
use lessonpack::manifest::cmi5::{self, NS_CMI5};
use lessonpack::model::Module;
use lessonpack::output::Rendered;
use lessonpack::render::Runtime;
use std::path::Path;

/// Two lessons added to `tests/fixtures/basic`: three in all, the third reporting no score.
const MORE_LESSONS: &str = r#"
[[lessons]]
id = "second"
title = "Second: <costs> & \"benefits\""
summary = "Costs & benefits."
transcript = "transcript.txt"
discussion = "discussion.md"

[[lessons]]
id = "third"
title = "Third"
transcript = "transcript.txt"

[lessons.completion]
score = false
"#;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `basic` with [`MORE_LESSONS`].
fn three_lessons() -> Fixture {
    let fixture = Fixture::copy("basic");
    let toml = fixture.read("module.toml");
    fixture.write("module.toml", toml + MORE_LESSONS);
    fixture
}

/// Loads and renders a source for cmi5; panics on errors.
fn load(dir: &Path) -> (Module, Rendered) {
    let (module, rendered, _) = crate::support::load_and_render(dir, Runtime::Cmi5);
    (module, rendered)
}

/// Validates course structure text with xmllint against the official XSD.
fn validate(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cmi5.xml");
    std::fs::write(&file, xml).unwrap();
    let xsd = repo().join("schemas/cmi5/CourseStructure.xsd");
    validate_against(&file, &[(NS_CMI5, &xsd)])
}

/// Checks a course structure against its module: course id, one AU per lesson in order, each
/// asking for "passed" too when its lesson reports a score.
fn check_structure(xml: &str, module: &Module, pages: &[&str]) {
    let root = El::parse(xml);
    let course = root.one("course");
    let course_id = format!("urn:lessonpack:{}", module.id);
    assert_eq!(course.attr("id"), Some(course_id.as_str()));
    let aus = root.all("au");
    assert_eq!(aus.len(), module.lessons.len());
    for ((au, lesson), page) in aus.iter().zip(&module.lessons).zip(pages) {
        let id = format!("urn:lessonpack:{}:{}", module.id, lesson.id);
        assert_eq!(au.attr("id"), Some(id.as_str()));
        let move_on = if lesson.completion.score {
            "CompletedAndPassed"
        } else {
            "Completed"
        };
        assert_eq!(au.attr("moveOn"), Some(move_on), "{}", lesson.id);
        assert_eq!(au.attr("launchMethod"), Some("AnyWindow"));
        assert_eq!(au.attr("masteryScore"), None);
        assert_eq!(au.one("url").text, *page);
        let title = au.one("title").one("langstring");
        assert_eq!(title.attr("lang"), Some(module.language.as_str()));
    }
}

#[test]
fn course_structures_validate_against_the_official_xsd() {
    let three = three_lessons();
    let mut move_ons = std::collections::BTreeSet::new();
    for dir in [
        repo().join("module"),
        fixtures().join("basic"),
        three.dir.clone(),
    ] {
        let (module, rendered) = load(&dir);
        let xml = cmi5::write(&module, &rendered);
        move_ons.extend(
            El::parse(&xml)
                .all("au")
                .iter()
                .map(|au| au.attr("moveOn").unwrap().to_string()),
        );
        if let Err(e) = validate(&xml) {
            panic!("{} does not validate: {e}\n{xml}", dir.display());
        }
        let pages: Vec<&str> = rendered
            .lessons
            .iter()
            .map(|l| l[0].path.as_str())
            .collect();
        check_structure(&xml, &module, &pages);
    }
    assert_eq!(
        move_ons.into_iter().collect::<Vec<_>>(),
        ["Completed", "CompletedAndPassed"],
        "both moveOn values were validated"
    );
}

#[test]
fn the_xsd_rejects_broken_course_structures() {
    let (module, rendered) = load(&three_lessons().dir);
    let xml = cmi5::write(&module, &rendered);
    validate(&xml).unwrap();
    let url = "    <url>lessons/first-lesson/index.html</url>\n";
    let course_description = xml[xml.find("    <description>").unwrap()..]
        .split_inclusive("</description>\n")
        .next()
        .unwrap()
        .to_string();
    let broken = [
        ("an AU without <url>", xml.replacen(url, "", 1)),
        (
            "an unknown moveOn",
            xml.replacen("moveOn=\"Completed\"", "moveOn=\"Watched\"", 1),
        ),
        (
            "an unknown moveOn instead of CompletedAndPassed",
            xml.replacen(
                "moveOn=\"CompletedAndPassed\"",
                "moveOn=\"CompletedThenPassed\"",
                1,
            ),
        ),
        (
            "a course without <description>",
            xml.replacen(&course_description, "", 1),
        ),
        (
            "a masteryScore above 1",
            xml.replacen("<au ", "<au masteryScore=\"1.5\" ", 1),
        ),
        ("an empty <url>", xml.replacen(url, "    <url></url>\n", 1)),
        ("no AU at all", {
            let start = xml.find("  <au ").unwrap();
            let end = xml.rfind("</au>\n").unwrap() + "</au>\n".len();
            format!("{}{}", &xml[..start], &xml[end..])
        }),
    ];
    for (what, text) in broken {
        assert_ne!(text, xml, "{what}: the edit did not apply");
        assert!(validate(&text).is_err(), "{what} was accepted:\n{text}");
    }
}

#[test]
fn the_cli_writes_a_deterministic_cmi5_zip() {
    let three = three_lessons();
    for (cwd, dir, name) in [
        (repo(), "module", "digital-leadership-china-cmi5.zip"),
        (three.root(), "module", "basic-module-cmi5.zip"),
    ] {
        let out = tempfile::tempdir().unwrap();
        let first = build(cwd, dir, &out.path().join("a"), &["--target", "cmi5"]);
        let second = build(cwd, dir, &out.path().join("b"), &["--target", "cmi5"]);
        assert_eq!(first, [out.path().join("a").join(name)]);
        assert_eq!(
            sha256(&first[0]),
            sha256(&second[0]),
            "{name} differs between builds"
        );

        let root = out.path().join("x");
        let entries = unzip(&first[0], &root);
        assert!(
            entries.contains(&"cmi5.xml".to_string()),
            "cmi5.xml at the root"
        );
        for absent in ["imsmanifest.xml", "assets/scorm.js", "index.html"] {
            assert!(!entries.contains(&absent.to_string()), "{absent} in {name}");
        }
        assert!(
            !entries.iter().any(|e| e.ends_with(".xsd")),
            "no schemas shipped"
        );
        for asset in [
            "assets/cmi5.js",
            "assets/lessonpack.js",
            "assets/lessonpack.css",
        ] {
            assert!(entries.contains(&asset.to_string()), "{asset} missing");
        }
        let xml = std::fs::read_to_string(root.join("cmi5.xml")).unwrap();
        validate(&xml).unwrap();
        let structure = El::parse(&xml);
        let course = structure.one("course").attr("id").unwrap().to_string();
        for au in structure.all("au") {
            let url = &au.one("url").text;
            assert!(
                !url.contains("://") && !url.starts_with('/') && !url.contains(".."),
                "{url} is package-relative"
            );
            assert!(entries.contains(url), "{url} resolves to a file in the zip");
            let page = std::fs::read_to_string(root.join(url)).unwrap();
            let cmi5_js = page.find("assets/cmi5.js\"></script>").expect("cmi5.js");
            let page_js = page.find("assets/lessonpack.js\"></script>").unwrap();
            assert!(
                cmi5_js < page_js,
                "the runtime loads before the page script"
            );
            let config = page_config(&page);
            assert_eq!(config["standard"], "cmi5");
            assert_eq!(config["cmi5"]["au"], au.attr("id").unwrap());
            assert_eq!(config["cmi5"]["course"], course.as_str());
            let response = format!("{}:response", au.attr("id").unwrap());
            assert_eq!(config["cmi5"]["response"], response.as_str());
        }
    }
}

/// The JSON in `<script type="application/json" id="lp-config">`.
fn page_config(page: &str) -> serde_json::Value {
    let start = page.find("id=\"lp-config\">").unwrap() + "id=\"lp-config\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

/// The config of non-cmi5 pages carries no cmi5 identifiers.
#[test]
fn other_targets_carry_no_cmi5_config() {
    let out = tempfile::tempdir().unwrap();
    let fixture = Fixture::copy("basic");
    let web = build(
        fixture.root(),
        "module",
        &out.path().join("w"),
        &["--target", "web"],
    );
    let page = std::fs::read_to_string(web[0].join("lessons/first-lesson/index.html")).unwrap();
    assert!(page_config(&page).get("cmi5").is_none());
    assert!(!web[0].join("assets/cmi5.js").exists());
}
