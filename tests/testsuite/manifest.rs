//! SCORM manifests validated by libxml2 against the official XSDs the package itself ships.
//!
//! Each test writes a package folder (fake rendered files, the schema files at the root,
//! `imsmanifest.xml`), builds a driver schema that imports exactly the files the manifest's
//! `xsi:schemaLocation` names (so only the shipped copies are used), and runs
//!
//! ```text
//! XML_CATALOG_FILES=tests/fixtures/schemas-catalog.xml \
//!   xmllint --nonet --noout --schema <package>/validation-driver.xsd <package>/imsmanifest.xml
//! ```
//!
//! Success means exit status 0 and no message except "validates": a warning (a schema that
//! failed to load, so its elements would pass a lax wildcard unchecked) fails the test too.
//! Negative controls prove the validation is not vacuous.

use crate::support::validate_manifest;
use lessonpack::manifest::{Edition, ids, schemas, scorm12, scorm2004};
use lessonpack::model::{Completion, Lesson, Module, Transcript};
use lessonpack::output::{Content, OutputFile, Rendered};
use std::path::PathBuf;

/// The three manifests the tool writes.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Scorm12,
    Scorm2004(Edition),
}

const KINDS: [Kind; 3] = [
    Kind::Scorm12,
    Kind::Scorm2004(Edition::Fourth),
    Kind::Scorm2004(Edition::Third),
];

impl Kind {
    fn write(self, module: &Module, rendered: &Rendered) -> String {
        match self {
            Kind::Scorm12 => scorm12::write(module, rendered),
            Kind::Scorm2004(edition) => scorm2004::write(module, rendered, edition),
        }
    }

    fn schemas(self) -> Vec<OutputFile> {
        match self {
            Kind::Scorm12 => schemas::scorm12(),
            Kind::Scorm2004(edition) => schemas::scorm2004(edition),
        }
    }
}

fn module(lessons: usize) -> Module {
    Module {
        id: "bi-101".into(),
        title: "Business Informatics & ERP — «Intro»".into(),
        language: "de-CH".into(),
        summary: Some("Why firms need\nintegrated systems.".into()),
        course: Some("BI".into()),
        provider: None,
        presenters: vec![],
        licence: Some("CC BY-SA 4.0".into()),
        version: "2.1".into(),
        keywords: vec!["ERP".into(), "<processes>".into()],
        lti_launch_url: None,
        lessons: (1..=lessons)
            .map(|i| Lesson {
                id: format!("l{i}-intro"),
                title: format!("Lesson {i} <what> & \"why\""),
                summary: None,
                video: None,
                transcript: Transcript::Untimed(vec!["Text.".into()]),
                discussion: None,
                completion: Completion {
                    watched_percent: [90, 75, 100][(i - 1) % 3],
                    require_response: i == 2,
                    score: true,
                },
            })
            .collect(),
    }
}

fn rendered(module: &Module) -> Rendered {
    let lessons = module.lessons.iter().map(|l| {
        vec![
            OutputFile::bytes(format!("lessons/{}/index.html", l.id), "<!doctype html>"),
            OutputFile::bytes(format!("captions/{}.vtt", l.id), "WEBVTT\n"),
        ]
    });
    let shared = [
        "assets/lessonpack.css",
        "assets/lessonpack.js",
        "assets/scorm.js",
    ];
    Rendered {
        shared: shared
            .iter()
            .map(|p| OutputFile::bytes(*p, "/* */"))
            .collect(),
        lessons: lessons.collect(),
    }
}

/// A package folder (`<tmp>/package`: rendered files, schema files, the manifest) and, beside
/// it, the validation driver.
struct Package {
    tmp: tempfile::TempDir,
    manifest: String,
}

impl Package {
    fn write(kind: Kind, module: &Module) -> Package {
        let rendered = rendered(module);
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("package");
        let manifest = kind.write(module, &rendered);
        let files = rendered
            .shared
            .iter()
            .chain(rendered.lessons.iter().flatten());
        for file in files.chain(kind.schemas().iter()) {
            let Content::Bytes(bytes) = &file.content else {
                panic!("test files are generated")
            };
            let path = root.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            assert!(!path.exists(), "{} written twice", file.path);
            std::fs::write(path, bytes).unwrap();
        }
        std::fs::write(root.join("imsmanifest.xml"), &manifest).unwrap();
        Package { tmp, manifest }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("package")
    }

    /// Replaces the manifest on disk (for negative controls).
    fn set_manifest(&self, text: &str) {
        std::fs::write(self.root().join("imsmanifest.xml"), text).unwrap();
    }

    /// Runs xmllint on the manifest; `Ok` when it validates without any other message.
    fn validate(&self) -> Result<(), String> {
        validate_manifest(&self.root())
    }
}

#[test]
fn manifests_with_one_and_three_lessons_validate_against_the_shipped_schemas() {
    for kind in KINDS {
        for lessons in [1, 3] {
            let package = Package::write(kind, &module(lessons));
            if let Err(e) = package.validate() {
                panic!(
                    "{kind:?} with {lessons} lesson(s) does not validate: {e}\n{}",
                    package.manifest
                );
            }
        }
    }
}

/// Checks that `edit` turns the valid manifest of `kind` into one xmllint rejects.
fn assert_rejected(kind: Kind, what: &str, edit: impl Fn(&str) -> String) {
    let package = Package::write(kind, &module(3));
    package.validate().expect("the unedited manifest validates");
    let edited = edit(&package.manifest);
    assert_ne!(edited, package.manifest, "{what}: the edit changed nothing");
    package.set_manifest(&edited);
    assert!(
        package.validate().is_err(),
        "{kind:?}: {what} was accepted:\n{edited}"
    );
}

fn remove_between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap();
    let to = from + text[from..].find(end).unwrap() + end.len();
    format!("{}{}", &text[..from], &text[to..])
}

#[test]
fn validation_rejects_broken_manifests() {
    for kind in KINDS {
        assert_rejected(kind, "<resources> removed", |m| {
            remove_between(m, "<resources>", "</resources>")
        });
        assert_rejected(kind, "<metadata> after <organizations>", |m| {
            let metadata = &m[m.find("  <metadata>").unwrap()..m.find("  <organizations").unwrap()];
            m.replacen(metadata, "", 1).replacen(
                "  </organizations>\n",
                &format!("  </organizations>\n{metadata}"),
                1,
            )
        });
        assert_rejected(kind, "an unknown scormType", |m| {
            m.replacen("=\"sco\"", "=\"lesson\"", 1)
        });
        assert_rejected(kind, "a duplicate identifier", |m| {
            m.replacen("ITEM-l2-intro", "ITEM-l1-intro", 1)
        });
    }
    let fourth = Kind::Scorm2004(Edition::Fourth);
    // (The CP schema lets extension elements come in any order, but never before the title.)
    assert_rejected(fourth, "an item title after its completionThreshold", |m| {
        let title = m
            .lines()
            .find(|l| l.starts_with("        <title>"))
            .unwrap();
        let threshold = m
            .lines()
            .find(|l| l.contains("<adlcp:completionThreshold"))
            .unwrap();
        m.replacen(
            &format!("{title}\n{threshold}\n"),
            &format!("{threshold}\n{title}\n"),
            1,
        )
    });
    assert_rejected(fourth, "a LOM value outside the vocabulary", |m| {
        m.replace("<lom:value>yes</lom:value>", "<lom:value>maybe</lom:value>")
    });
    assert_rejected(fourth, "a minProgressMeasure above 1", |m| {
        m.replacen("\"0.9\"", "\"1.5\"", 1)
    });
    // The 3rd Edition decision: the 4th Edition attribute form is invalid there.
    let third = Kind::Scorm2004(Edition::Third);
    assert_rejected(third, "a 4th Edition completionThreshold", |m| {
        let seq = "        <imsss:sequencing>";
        let threshold = "        <adlcp:completionThreshold minProgressMeasure=\"0.9\"/>";
        m.replacen(seq, &format!("{threshold}\n{seq}"), 1)
    });
    // SCORM 1.2 caps titles at 200 characters (the writer cuts longer ones).
    assert_rejected(Kind::Scorm12, "a 201-character title", |m| {
        m.replacen("<title>", &format!("<title>{}", "x".repeat(201)), 1)
    });
}

#[test]
fn validation_needs_every_shipped_schema_file() {
    for (kind, file) in [
        (Kind::Scorm12, "ims_xml.xsd"),
        (Kind::Scorm2004(Edition::Fourth), "imsss_v1p0util.xsd"),
        (Kind::Scorm2004(Edition::Third), "vocab/strict.xsd"),
    ] {
        let package = Package::write(kind, &module(1));
        std::fs::remove_file(package.root().join(file)).unwrap();
        assert!(
            package.validate().is_err(),
            "{kind:?} validated without {file}"
        );
    }
}

#[test]
fn every_file_in_the_package_is_listed_once_except_the_manifest() {
    for kind in KINDS {
        let package = Package::write(kind, &module(3));
        let mut on_disk = crate::support::files_below(&package.root());
        on_disk.retain(|p| p != "imsmanifest.xml");
        let mut listed: Vec<String> = package
            .manifest
            .match_indices("<file href=\"")
            .map(|(at, m)| {
                let rest = &package.manifest[at + m.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect();
        listed.sort();
        assert_eq!(listed, on_disk, "{kind:?}");
        let first = package.manifest.find("<resource ").unwrap();
        let expected = format!(
            "<resource identifier=\"{}\"",
            ids::resource(&module(3).lessons[0])
        );
        assert!(
            package.manifest[first..].starts_with(&expected),
            "{kind:?}: lesson 1 first"
        );
    }
}

/// Every `identifier`, `identifierref`, `default` and `objectiveID` value, in order.
fn identifier_attributes(xml: &str) -> Vec<String> {
    let keys = [
        " identifier=\"",
        " identifierref=\"",
        " default=\"",
        " objectiveID=\"",
    ];
    let mut found: Vec<(usize, String)> = keys
        .iter()
        .flat_map(|key| {
            xml.match_indices(key).map(move |(at, _)| {
                let rest = &xml[at + key.len()..];
                (
                    at,
                    format!("{}{}", key.trim(), &rest[..rest.find('"').unwrap()]),
                )
            })
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, v)| v).collect()
}

#[test]
fn renaming_module_and_lesson_titles_changes_no_identifier() {
    let before = module(3);
    let mut after = before.clone();
    after.title = "A completely different module title".into();
    for (i, lesson) in after.lessons.iter_mut().enumerate() {
        lesson.title = format!("Renamed lesson number {}", 10 - i);
    }
    let rendered = rendered(&before);
    for kind in KINDS {
        let (old, new) = (
            kind.write(&before, &rendered),
            kind.write(&after, &rendered),
        );
        assert_ne!(old, new, "{kind:?}: the titles are in the manifest");
        let ids_before = identifier_attributes(&old);
        assert!(
            ids_before.len() >= 2 + 2 * before.lessons.len(),
            "{ids_before:?}"
        );
        assert_eq!(ids_before, identifier_attributes(&new), "{kind:?}");
    }
}
