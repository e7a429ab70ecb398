//! The real-world corpus (`tests/fixtures/corpus/`, attribution in its `SOURCES.md`): an insta
//! snapshot of the human report for every manifest, and the severity contract — no
//! error-severity finding on a manifest `xmllint` calls schema-valid except true reference
//! errors, and the known deviations at the right severity.

use crate::fixture::fixtures;
use lessonpack::diagnostic::Severity;
use lessonpack::validate::{self, Options};

/// Reference errors libxml2 cannot see (IDREF targets), allowed on schema-valid manifests.
const REFERENCE_CODES: [&str; 3] = ["REF002", "REF003", "REF004"];

#[test]
fn corpus_reports_match_their_snapshots() {
    let dir = fixtures().join("corpus");
    let sources = std::fs::read_to_string(dir.join("SOURCES.md")).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 35);
    for name in names {
        let path = dir.join(&name);
        let v = validate::validate(&path, &Options::default()).unwrap();
        let text = v
            .report
            .render()
            .replace(&dir.display().to_string(), "corpus");
        let summary = format!("format: {}\n\n{text}", v.format.label());
        insta::assert_snapshot!(name.trim_end_matches(".xml"), summary);
        let row = sources
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}`")))
            .unwrap();
        let valid = row.contains("| valid");
        if valid {
            for d in v
                .report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
            {
                assert!(
                    REFERENCE_CODES.contains(&d.code.unwrap_or_default()),
                    "{name} is schema-valid but got {:?}: {}",
                    d.code,
                    d.message
                );
            }
        }
    }
}

#[test]
fn known_deviations_have_the_right_severity() {
    let dir = fixtures().join("corpus");
    let findings = |name: &str| {
        validate::validate(&dir.join(name), &Options::default())
            .unwrap()
            .report
            .diagnostics
    };
    // Canvas writes the CC 1.1 resource type in CC 1.3: a warning, not an error.
    let canvas = findings("canvas-cc13-rich-content-cc-file.xml");
    assert!(
        canvas
            .iter()
            .any(|d| d.code == Some("LMS012") && d.severity == Severity::Warning)
    );
    // The IMS validation cartridge repeats an item identifier: an error (xs:ID).
    let ims = findings("ims-cc11-validation-cartridge-1.xml");
    assert!(
        ims.iter()
            .any(|d| d.code == Some("REF001") && d.severity == Severity::Error)
    );
    // The hand-broken default organization, which libxml2 accepts.
    let broken = findings("handedited-scorm2004-4th-broken-default-org.xml");
    assert!(broken.iter().any(|d| d.code == Some("REF003")));
}
