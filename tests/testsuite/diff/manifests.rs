//! `lessonpack diff` on hand-written manifests and mixed formats: a numeric-looking
//! identifier, a cmi5 AU id change, format changes, identical packages, and failures (exit 2).

use super::{Versions, assert_has, diff, json};
use crate::fixture::fixtures;
use lessonpack::build::Target;
use lessonpack::output::OutputFile;
use lessonpack::package::write_zip;
use serde_json::Value;

#[test]
fn a_numeric_looking_identifier_moves_tracks_to_another_lesson() {
    let dir = fixtures().join("diff");
    let (old, new) = (dir.join("numeric-old"), dir.join("numeric-new"));
    let run = diff(&old, &new, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_has(
        &run.stdout,
        &[
            // Compared strictly, `10` is gone and `1e1` is new …
            "added     item `1e1` \"Risks\"",
            "removed   item `10` \"Costs\"",
            // … but Moodle's loose `==` hands the tracks of "Costs" to "Risks".
            "Moodle    lost  the tracks of 1 of 2 SCOs move to a different SCO",
            "moved    `10` \"Costs\" → `1e1` (PHP's `==` finds them equal)",
            "kept     `20` \"Benefits\"",
            "identifiers `10`, `20`, `1e1` look like numbers",
        ],
    );
    let (_, doc) = json(&old, &new);
    let moodle = &doc["records"][0];
    assert_eq!(moodle["outcome"], "lost");
    assert_eq!(moodle["items"][0]["status"], "moved");
    assert_eq!(moodle["items"][0]["to"], "1e1");
}

#[test]
fn a_changed_cmi5_au_id_loses_its_records() {
    let dir = fixtures().join("diff");
    let (old, new) = (dir.join("cmi5-old"), dir.join("cmi5-new"));
    let run = diff(&old, &new, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_has(
        &run.stdout,
        &[
            "(cmi5, folder, 1 file,",
            "retitled  au `https://lessons.example.org/courses/photosynthesis/au/light` \"Light\" → \"Light and colour\"",
            "renamed   au `https://lessons.example.org/courses/photosynthesis/au/sugar` → `https://lessons.example.org/courses/photosynthesis/au/glucose` \"Sugar\"",
            "moveOn: `Completed` → `CompletedOrPassed`",
            "masteryScore: (none) → `0.8`",
            "cmi5 LMS  lost  1 of 2 AUs change id",
        ],
    );
    assert_has(&run.stderr, &["keep the course id and every AU id"]);
    let (_, doc) = json(&old, &new);
    let statuses: Vec<&str> = doc["records"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["kept", "lost", "added"]);
    assert_eq!(doc["records"][0]["lms"], "cmi5");
}

#[test]
fn format_changes_are_said_prominently() {
    let versions = Versions::new(|_| {}, |_| {});
    let (scorm12, _) = versions.zips(Target::Scorm12);
    let (_, scorm2004) = versions.zips(Target::Scorm2004);
    let run = diff(&scorm12, &scorm2004, &[]);
    // Same identifiers: Moodle keeps the tracks, but the runtime changes.
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_has(
        &run.stdout,
        &[
            "warning: the SCORM version changes (SCORM 1.2 → SCORM 2004 4th Edition)",
            "tracks of different SCORM versions are not comparable",
            "schemaversion: `1.2` → `2004 4th Edition`",
            "Moodle switches the activity from SCORM 1.2 to SCORM 2004",
        ],
    );
    let (code, doc) = json(&scorm12, &scorm2004);
    assert_eq!((code, &doc["format_changed"]), (0, &Value::Bool(true)));

    let (_, cc) = versions.zips(Target::Cc);
    let run = diff(&scorm12, &cc, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_has(
        &run.stdout,
        &["warning: the format changes (SCORM 1.2 → Common Cartridge 1.1.0)"],
    );
    assert_has(&run.stderr, &["create a new activity"]);
}

#[test]
fn identical_packages_have_no_differences() {
    let versions = Versions::new(|_| {}, |_| {});
    let (old, new) = versions.zips(Target::Cc);
    let run = diff(&old, &new, &[]);
    assert_eq!(run.code, 0);
    assert_has(&run.stdout, &["no differences"]);
    let (_, doc) = json(&old, &new);
    for key in ["items", "resources", "files", "settings"] {
        assert_eq!(doc[key], Value::Array(vec![]), "{key}");
    }
}

#[test]
fn unreadable_or_unknown_packages_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fixtures().join("diff").join("cmi5-old");
    let text = tmp.path().join("notes.zip");
    std::fs::write(&text, "not a zip").unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let nested = tmp.path().join("nested.zip");
    let manifest = std::fs::read(good.join("cmi5.xml")).unwrap();
    write_zip(
        &nested,
        &[OutputFile::bytes("course/cmi5.xml", manifest)],
        &|_| {},
    )
    .unwrap();
    let cases = [
        (tmp.path().join("missing.zip"), "cannot read"),
        (text, "is neither a folder nor a zip archive"),
        (empty, "has no `imsmanifest.xml` or `cmi5.xml`"),
        (nested, "at its root (found `course/cmi5.xml`"),
        (
            fixtures().join("diff").join("foreign"),
            "is of no supported format",
        ),
    ];
    for (path, message) in cases {
        let run = diff(&path, &good, &[]);
        assert_eq!(run.code, 2, "{}: {}", path.display(), run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert_has(&run.stderr, &[message]);
    }
}
