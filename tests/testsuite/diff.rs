//! `lessonpack diff OLD NEW`: fixture pairs built from lesson sources (a typo fix, a renamed
//! lesson id, a lesson added, a lesson removed, media replaced) in SCORM 1.2, SCORM 2004 and
//! Common Cartridge, and a folder against a zip; the JSON shape in [`json`]; hand-written
//! manifests (a numeric-looking identifier, a cmi5 AU id change), format changes and the
//! exit codes in [`manifests`].

mod json;
mod manifests;

use crate::fixture::Fixture;
use assert_cmd::Command;
use lessonpack::build::{self, Options, Target};
use lessonpack::diagnostic::Report;
use lessonpack::output::OutputFile;
use lessonpack::package::{write_dir, write_zip};
use lessonpack::render::{Engine, Theme};
use lessonpack::source;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The second lesson some versions have.
const SECOND_LESSON: &str = r#"
[[lessons]]
id = "second-lesson"
title = "Second lesson"
transcript = "transcript.txt"
"#;

/// Two versions of a lesson source: `tests/fixtures/basic` after `setup` (old), and after
/// `setup` then `edit` (new).
pub(crate) struct Versions {
    pub(crate) old: Fixture,
    pub(crate) new: Fixture,
}

impl Versions {
    pub(crate) fn new(setup: impl Fn(&Fixture), edit: impl Fn(&Fixture)) -> Versions {
        let (old, new) = (Fixture::copy("basic"), Fixture::copy("basic"));
        setup(&old);
        setup(&new);
        edit(&new);
        Versions { old, new }
    }

    /// Both versions packaged for `target` as zips: (old, new).
    pub(crate) fn zips(&self, target: Target) -> (PathBuf, PathBuf) {
        let name = format!("{}.zip", target.name());
        let (old, new) = (self.old.root().join(&name), self.new.root().join(&name));
        write_zip(&old, &files(&self.old.dir, target), &|_| {}).unwrap();
        write_zip(&new, &files(&self.new.dir, target), &|_| {}).unwrap();
        (old, new)
    }
}

/// Every file of `target`'s package for the source in `dir` (library API, as `build` does).
pub(crate) fn files(dir: &Path, target: Target) -> Vec<OutputFile> {
    let loaded = source::load(dir).unwrap();
    let mut report: Report = loaded.report;
    let theme = Theme::load(dir, &mut report).unwrap();
    let module = loaded
        .module
        .unwrap_or_else(|| panic!("{}", report.render()));
    let (engine, _) = Engine::new(&theme, &module.language).unwrap();
    build::package_files(target, &engine, &module, &Options::default()).unwrap()
}

/// What `lessonpack diff` printed and its exit code.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

pub(crate) fn diff(old: &Path, new: &Path, extra: &[&str]) -> Run {
    let output = Command::cargo_bin("lessonpack")
        .unwrap()
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

pub(crate) fn json(old: &Path, new: &Path) -> (i32, Value) {
    let run = diff(old, new, &["--format", "json"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout));
    (run.code, value)
}

pub(crate) fn assert_has(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "`{w}` missing from:\n{text}");
    }
}

const SCORM: [Target; 2] = [Target::Scorm12, Target::Scorm2004];

#[test]
fn a_typo_fix_keeps_records_and_lists_the_changed_page() {
    let versions = Versions::new(
        |f| f.replace("transcript.txt", "Welcome to", "Welcom to"),
        |f| f.replace("transcript.txt", "Welcom to", "Welcome to"),
    );
    for target in SCORM {
        let (old, new) = versions.zips(target);
        let run = diff(&old, &new, &[]);
        assert_eq!(run.code, 0, "{target:?}\n{}{}", run.stdout, run.stderr);
        assert_has(
            &run.stdout,
            &[
                "Files: 0 added, 0 removed, 1 changed",
                "  M  lessons/first-lesson/index.html",
                "Moodle    kept  tracks kept for 1 SCO",
                "kept     `ITEM-first-lesson` \"First lesson\"",
                "Open edX  kept",
                "Canvas    new   no re-upload path: uploading creates a new assignment",
            ],
        );
        assert!(!run.stdout.contains("Structure"), "{}", run.stdout);
        assert!(!run.stdout.contains("imsmanifest.xml"), "{}", run.stdout);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
    let (old, new) = versions.zips(Target::Cc);
    let run = diff(&old, &new, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_has(
        &run.stdout,
        &["  M  lessons/first-lesson/index.html", "Moodle    new"],
    );
}

#[test]
fn a_renamed_lesson_id_loses_moodle_records() {
    let versions = Versions::new(
        |_| {},
        |f| {
            f.replace(
                "module.toml",
                "id = \"first-lesson\"",
                "id = \"opening-lesson\"",
            )
        },
    );
    for target in SCORM {
        let (old, new) = versions.zips(target);
        let run = diff(&old, &new, &[]);
        assert_eq!(run.code, 1, "{target:?}\n{}", run.stdout);
        assert_has(
            &run.stdout,
            &[
                "renamed   item `ITEM-first-lesson` → `ITEM-opening-lesson` \"First lesson\"",
                "renamed   resource `RES-first-lesson` → `RES-opening-lesson`",
                "  D  lessons/first-lesson/index.html",
                "  A  lessons/opening-lesson/index.html",
                "moodle_launch: `ITEM-first-lesson` → `ITEM-opening-lesson`",
                "Moodle    lost  1 of 1 SCO deleted with its tracks",
                "deleted  `ITEM-first-lesson` \"First lesson\" (renamed to `ITEM-opening-lesson`)",
                "added    `ITEM-opening-lesson` \"First lesson\"",
                "Open edX  kept",
                "the launch page changes from `lessons/first-lesson/index.html` to `lessons/opening-lesson/index.html`",
            ],
        );
        assert_has(
            &run.stderr,
            &[
                "would drop learner records in Moodle",
                "= help: keep item identifiers stable",
            ],
        );
    }
    // A cartridge import makes new content whatever the identifiers.
    let (old, new) = versions.zips(Target::Cc);
    let run = diff(&old, &new, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_has(
        &run.stdout,
        &[
            "renamed   item `CCMOD-first-lesson` → `CCMOD-opening-lesson` \"First lesson\"",
            "renamed   item `CCITEM-TOPIC-first-lesson` → `CCITEM-TOPIC-opening-lesson`",
            "renamed   resource `WEB-first-lesson` → `WEB-opening-lesson`",
            "Moodle    new   course restore creates new activities",
            "Canvas    new   course import creates new content",
        ],
    );
    assert!(!run.stdout.contains("  moved "), "{}", run.stdout);
}

#[test]
fn a_lesson_added_keeps_records() {
    let versions = Versions::new(
        |_| {},
        |f| f.write("module.toml", f.read("module.toml") + SECOND_LESSON),
    );
    for target in SCORM {
        let (old, new) = versions.zips(target);
        let run = diff(&old, &new, &[]);
        assert_eq!(run.code, 0, "{target:?}\n{}{}", run.stdout, run.stderr);
        assert_has(
            &run.stdout,
            &[
                "added     item `ITEM-second-lesson` \"Second lesson\"",
                "added     resource `RES-second-lesson` (webcontent, `lessons/second-lesson/index.html`)",
                "  A  lessons/second-lesson/index.html",
                "Moodle    kept  tracks kept for 1 SCO",
                "kept     `ITEM-first-lesson`",
                "added    `ITEM-second-lesson` \"Second lesson\"",
            ],
        );
        assert!(
            !run.stdout.contains("launch page changes"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn a_lesson_removed_deletes_its_tracks() {
    let versions = Versions::new(
        |f| f.write("module.toml", f.read("module.toml") + SECOND_LESSON),
        |f| f.replace("module.toml", SECOND_LESSON, ""),
    );
    for target in SCORM {
        let (old, new) = versions.zips(target);
        let run = diff(&old, &new, &[]);
        assert_eq!(run.code, 1, "{target:?}\n{}", run.stdout);
        assert_has(
            &run.stdout,
            &[
                "removed   item `ITEM-second-lesson` \"Second lesson\"",
                "  D  lessons/second-lesson/index.html",
                "Moodle    lost  1 of 2 SCOs deleted with its tracks",
                "deleted  `ITEM-second-lesson` \"Second lesson\"\n",
                "kept     `ITEM-first-lesson`",
            ],
        );
        assert_has(&run.stderr, &["would drop learner records in Moodle"]);
    }
}

#[test]
fn replaced_media_is_a_changed_file_and_records_are_kept() {
    let video = |seed: u8| {
        (0..4096u32)
            .map(|i| (i as u8).wrapping_mul(seed))
            .collect::<Vec<u8>>()
    };
    let versions = Versions::new(
        |f| {
            f.write("lecture.mp4", video(3));
            f.replace(
                "module.toml",
                "url = \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"",
                "file = \"lecture.mp4\"",
            );
        },
        // Same size, other bytes: only the fingerprint can tell.
        |f| f.write("lecture.mp4", video(5)),
    );
    let (old, new) = versions.zips(Target::Scorm2004);
    let run = diff(&old, &new, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_has(
        &run.stdout,
        &[
            "Files: 0 added, 0 removed, 1 changed",
            "  M  media/first-lesson/lecture.mp4  4.0 KiB → 4.0 KiB",
            "Moodle    kept  tracks kept for 1 SCO",
        ],
    );
    assert!(!run.stdout.contains("Structure"), "{}", run.stdout);
    let (_, doc) = json(&old, &new);
    let file = &doc["files"][0];
    assert_eq!(file["change"], "changed");
    assert_eq!(file["old"]["size"], file["new"]["size"]);
    assert_ne!(file["old"]["crc32"], file["new"]["crc32"]);
}

#[test]
fn a_folder_compares_with_a_zip() {
    let versions = Versions::new(
        |_| {},
        |f| {
            f.replace(
                "module.toml",
                "id = \"first-lesson\"",
                "id = \"opening-lesson\"",
            )
        },
    );
    let old_files = files(&versions.old.dir, Target::Scorm2004);
    let folder = versions.old.root().join("extracted");
    write_dir(&folder, &old_files).unwrap();
    let zip = versions.old.root().join("same.zip");
    write_zip(&zip, &old_files, &|_| {}).unwrap();

    let run = diff(&folder, &zip, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_has(
        &run.stdout,
        &["folder, 31 files", "zip, 31 files", "no differences"],
    );
    assert!(!run.stdout.contains("Files:"), "{}", run.stdout);

    let (_, renamed) = versions.zips(Target::Scorm2004);
    let (code, doc) = json(&folder, &renamed);
    assert_eq!(code, 1);
    assert_eq!(doc["old"]["container"], "folder");
    assert_eq!(doc["new"]["container"], "zip");
    assert_eq!(doc["records_dropped"], true);
}
