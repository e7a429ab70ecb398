//! `lessonpack validate`: one triggering and one clean package per rule code
//! (`tests/fixtures/validate/<CODE>/{triggers,clean}`, written by `generate.py` there; zip-only
//! cases built here, hand-assembled zips in `rawzip.rs`, the 100 MB manifest in `large.rs`),
//! our own packages validate with zero findings, the real-world corpus snapshots
//! (`corpus.rs`), the schema layer against `xmllint` on the corpus and 600 generated
//! mutations (`differential.rs`), the reader's well-formedness verdict against `xmllint` on
//! 300 generated mutants (`wellformed.rs`), hostile packages within a measured memory and
//! CPU budget (`hostile.rs`, zips made byte by byte in `craft.rs`, costs from `measure.rs`),
//! the rule table, positions in cartridge documents and the exit codes.

mod corpus;
mod craft;
mod differential;
mod hostile;
mod large;
mod pipe;
mod rawzip;
mod rng;
mod wellformed;

use crate::fixture::fixtures;
use assert_cmd::Command;
use lessonpack::diagnostic::Severity;
use lessonpack::lms::Lms;
use lessonpack::validate::{self, Options, rules};
use std::io::Write as _;
use std::path::Path;

/// The codes found in the package at `path`.
fn codes(path: &Path) -> Vec<&'static str> {
    let v = validate::validate(path, &Options::default()).unwrap();
    v.report.diagnostics.iter().filter_map(|d| d.code).collect()
}

#[test]
fn every_rule_has_a_triggering_and_a_clean_fixture() {
    let root = fixtures().join("validate");
    for rule in rules::RULES {
        let dir = root.join(rule.code);
        assert!(
            dir.join("clean").is_dir(),
            "no clean fixture for {}",
            rule.code
        );
        let clean = codes(&dir.join("clean"));
        assert!(
            clean.is_empty(),
            "{}: clean fixture has findings {clean:?}",
            rule.code
        );
        let triggers = dir.join("triggers");
        if triggers.is_dir() {
            let found = codes(&triggers);
            assert!(
                found.contains(&rule.code),
                "{}: triggers fixture gave {found:?}",
                rule.code
            );
        }
    }
}

#[test]
fn real_world_patterns_once_misflagged_stay_clean() {
    // `generate.py` `NOT_FLAGGED`: hand-written reproductions of what the corpus exports do.
    let root = fixtures().join("validate");
    for case in [
        "LMS013/later-au-url",
        "LMS006/asset-without-href",
        "XSD002/imsmd-metadata",
    ] {
        let mut found = codes(&root.join(case));
        // Two AUs: Open edX tracks them as one (`LMS022`), which is not what the case is about.
        found.retain(|c| *c != "LMS022");
        assert!(found.is_empty(), "{case}: {found:?}");
    }
}

#[test]
fn several_cmi5_aus_concern_open_edx_alone() {
    let triggers = fixtures().join("validate/LMS022/triggers");
    let only = |lms: Vec<Lms>| {
        let v = validate::validate(&triggers, &Options { lms }).unwrap();
        v.report.diagnostics
    };
    let found = only(vec![Lms::OpenEdx]);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!((d.code, d.severity), (Some("LMS022"), Severity::Warning));
    assert!(
        d.message
            .contains("marks the unit complete after the first lesson's `completed`"),
        "{}",
        d.message
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("its own package"),
        "{d:?}"
    );
    let text = std::fs::read_to_string(triggers.join("cmi5.xml")).unwrap();
    let second = text.match_indices("<au ").nth(1).unwrap().0;
    assert_eq!(
        d.label.as_ref().map(|l| l.range.start),
        Some(second),
        "at the second AU"
    );
    assert!(only(vec![Lms::Moodle, Lms::Canvas]).is_empty());
    // One AU: nothing for Open edX either.
    let clean = fixtures().join("validate/LMS022/clean");
    let v = validate::validate(
        &clean,
        &Options {
            lms: vec![Lms::OpenEdx],
        },
    )
    .unwrap();
    assert!(v.report.diagnostics.is_empty());
}

/// A zip of the clean SCORM 1.2 fixture plus `extra` entries (names written as given).
fn zip_with(extra: &[(&str, &[u8])], deflate: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    let clean = fixtures().join("validate/PKG004/clean");
    for name in ["imsmanifest.xml", "index.html"] {
        w.start_file(name, opts).unwrap();
        w.write_all(&std::fs::read(clean.join(name)).unwrap())
            .unwrap();
    }
    for (name, bytes) in extra {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
    dir
}

#[test]
fn zip_only_rules_trigger() {
    let unsafe_name = zip_with(&[("../evil.txt", b"x")], false);
    assert!(codes(&unsafe_name.path().join("p.zip")).contains(&"PKG004"));
    let spaced = zip_with(&[("my page.html", b"x")], false);
    assert!(codes(&spaced.path().join("p.zip")).contains(&"PKG010"));
    let clean = zip_with(&[], false);
    assert!(codes(&clean.path().join("p.zip")).is_empty());
}

#[test]
fn a_manifest_that_expands_too_much_is_refused_not_read() {
    // 8 MiB of blanks inside a comment compress about 1000:1.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    w.start_file("imsmanifest.xml", opts).unwrap();
    w.write_all(b"<manifest><!--").unwrap();
    w.write_all(&vec![b' '; 64 * 1024 * 1024]).unwrap();
    w.write_all(b"--></manifest>").unwrap();
    w.finish().unwrap();
    // The central directory gives it away before any read (PKG016); the read refuses too.
    assert_eq!(codes(&path), ["PKG011", "PKG016"]);
}

#[test]
fn our_own_packages_validate_with_zero_findings() {
    let out = tempfile::tempdir().unwrap();
    let packages = crate::build::build(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "module",
        out.path(),
        &[],
    );
    let mut checked = 0;
    for package in packages
        .iter()
        .filter(|p| !p.to_string_lossy().ends_with("-web"))
    {
        let v = validate::validate(package, &Options::default()).unwrap();
        assert!(
            v.report.diagnostics.is_empty(),
            "{}:\n{}",
            package.display(),
            v.report.render()
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn rule_codes_are_unique_documented_and_in_the_readme() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for rule in rules::RULES {
        assert!(seen.insert(rule.code), "duplicate code {}", rule.code);
        assert!(rule.doc.contains("Why it matters"), "{} doc", rule.code);
        assert!(rule.doc.contains("Reference"), "{} doc", rule.code);
        assert!(
            readme.contains(&format!("`{}`", rule.code)),
            "{} missing from the README",
            rule.code
        );
    }
    assert!(
        readme.contains(&rules::table()),
        "README rule table is stale: paste `lessonpack explain`"
    );
}

#[test]
fn exit_codes_follow_the_findings() {
    let root = fixtures().join("validate");
    let run = |args: &[&str]| {
        Command::cargo_bin("lessonpack")
            .unwrap()
            .args(args)
            .output()
            .unwrap()
    };
    let clean = root.join("REF002/clean");
    let bad = root.join("REF002/triggers");
    let warn = root.join("REF007/triggers");
    assert_eq!(
        run(&["validate", clean.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["validate", bad.to_str().unwrap()]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["validate", warn.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["validate", "--deny", "warnings", warn.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["validate", "/nonexistent/x.zip"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["validate", "--lms", "blackboard", clean.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    // Open edX-only finding disappears when only Moodle is asked about.
    let amp = root.join("XML005/triggers");
    assert_eq!(
        run(&["validate", "--lms", "moodle", amp.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(run(&["explain", "PKG002"]).status.code(), Some(0));
    let json = run(&["validate", "--format", "json", bad.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let finding = &doc["packages"][0]["findings"][0];
    assert_eq!(finding["code"], "REF002");
    assert_eq!(finding["severity"], "error");
    assert!(finding["line"].as_u64().unwrap() > 1);
    let _ = Severity::Error;
}

#[test]
fn findings_inside_cartridge_documents_have_positions() {
    let dir = tempfile::tempdir().unwrap();
    let clean = fixtures().join("validate/REF013/clean");
    for name in ["imsmanifest.xml", "topic.xml"] {
        std::fs::copy(clean.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(
        dir.path().join("topic.xml"),
        "<?xml version=\"1.0\"?>\n<topic>\n  <title>Talk</titel>\n</topic>\n",
    )
    .unwrap();
    let v = validate::validate(dir.path(), &Options::default()).unwrap();
    let text = v.report.render();
    let shown = format!("{}:3:", dir.path().join("topic.xml").display());
    assert!(text.contains(&shown), "{text}");
    let json = validate::report::json(std::slice::from_ref(&v));
    let finding = &json["packages"][0]["findings"][0];
    assert_eq!(finding["code"], "REF013");
    assert_eq!(finding["line"], 3);
}

#[test]
fn an_item_may_launch_a_sub_manifest() {
    // IMS CP allows it (no `REF002`); only Moodle cannot follow it (`LMS021`).
    let found = codes(&fixtures().join("validate/LMS021/triggers"));
    assert_eq!(found, ["LMS021", "LMS021"]);
}

/// `LMS023`: titles full of `& < > " '` (and a `0` after an escape) as lessonpack writes them —
/// CDATA sections — are stored whole by Moodle's SCORM parser, in both SCORM versions; the
/// same titles escaped the usual way are not (the trigger fixture).
#[test]
fn our_titles_with_special_characters_survive_moodles_scorm_parser() {
    let fx = crate::fixture::Fixture::copy("basic");
    fx.replace(
        "module.toml",
        "title = \"First lesson\"",
        "title = \"Q&A <Intro> \\\"quoted\\\" 'x' & 0 ]]> — fin\"",
    );
    fx.replace(
        "module.toml",
        "title = \"Basic module\"",
        "title = \"Costs & <benefits> 0\"",
    );
    let out = tempfile::tempdir().unwrap();
    let packages = crate::build::build(
        fx.root(),
        "module",
        out.path(),
        &["--target", "scorm12,scorm2004"],
    );
    assert_eq!(packages.len(), 2);
    for package in packages {
        let v = validate::validate(
            &fx.root().join(&package),
            &Options {
                lms: vec![Lms::Moodle],
            },
        )
        .unwrap();
        let codes: Vec<_> = v.report.diagnostics.iter().map(|d| d.code).collect();
        assert!(!codes.contains(&Some("LMS023")), "{package:?}: {codes:?}");
        let unpacked = tempfile::tempdir().unwrap();
        crate::build::unzip(&fx.root().join(&package), unpacked.path());
        let manifest = std::fs::read_to_string(unpacked.path().join("imsmanifest.xml")).unwrap();
        assert!(
            manifest.contains(
                "<title><![CDATA[Q&A <Intro> \"quoted\" 'x' & 0 ]]]]><![CDATA[> — fin]]></title>"
            ),
            "{manifest}"
        );
    }
    let triggers = fixtures().join("validate/LMS023/triggers");
    let v = validate::validate(
        &triggers,
        &Options {
            lms: vec![Lms::Moodle],
        },
    )
    .unwrap();
    assert_eq!(v.report.diagnostics.len(), 1);
    assert!(
        v.report.diagnostics[0]
            .message
            .contains("stores this title as `Q&A <Intro>\"quoted\"&#8212; Score <`"),
        "{:?}",
        v.report.diagnostics[0].message
    );
}

/// A batch reports every path it was given, in order — an unreadable one as its own entry in
/// plain words (not the zip reader's jargon) — and exits with the worst status.
#[test]
fn a_batch_reports_every_path_and_exits_with_the_worst_status() {
    let root = fixtures().join("validate");
    let scratch = tempfile::tempdir().unwrap();
    let not_zip = scratch.path().join("notes.zip");
    std::fs::write(&not_zip, "not a zip").unwrap();
    let missing = scratch.path().join("missing.zip");
    let clean = root.join("REF002/clean");
    let bad = root.join("REF002/triggers");
    let paths = [&clean, &not_zip, &bad, &missing];
    let run = |format: &str| {
        let mut cmd = Command::cargo_bin("lessonpack").unwrap();
        cmd.args(["validate", "--format", format]).args(paths);
        cmd.output().unwrap()
    };
    let human = run("human");
    assert_eq!(
        human.status.code(),
        Some(2),
        "an unreadable path is the worst"
    );
    let text = String::from_utf8_lossy(&human.stdout);
    let at = |needle: String| {
        text.find(&needle)
            .unwrap_or_else(|| panic!("`{needle}` not in:\n{text}"))
    };
    let order = [
        at(format!("{}: SCORM 1.2 — 0 errors", clean.display())),
        at(format!(
            "`{}` is neither a folder nor a zip archive",
            not_zip.display()
        )),
        at(format!("{}: SCORM 1.2 — 1 error", bad.display())),
        at(format!("`{}` does not exist", missing.display())),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains("EOCD"), "{text}");

    let json = run("json");
    assert_eq!(json.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let formats: Vec<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["scorm12", "unreadable", "scorm12", "unreadable"]);
    assert!(
        doc["packages"][3]["error"]
            .as_str()
            .unwrap()
            .ends_with("does not exist")
    );

    // Without an unreadable path, the worst is the errors found: 1.
    let mut cmd = Command::cargo_bin("lessonpack").unwrap();
    let errors = cmd
        .args(["validate"])
        .args([&clean, &bad])
        .output()
        .unwrap();
    assert_eq!(errors.status.code(), Some(1));
}

/// `--allow`, `--warn`, `--deny` (codes or names) and the same lists in `lessonpack.toml`'s
/// `[validate]` table change what `validate` reports and its exit status; an unknown rule is a
/// usage error; `explain` says how.
#[test]
fn rule_controls_change_severities_from_the_command_line_and_lessonpack_toml() {
    let root = fixtures().join("validate");
    let bad = root.join("REF002/triggers");
    let warn = root.join("REF007/triggers");
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], path: &Path| {
        let out = Command::cargo_bin("lessonpack")
            .unwrap()
            .current_dir(dir.path())
            .args(["validate", "--format", "json"])
            .args(args)
            .arg(path)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let severities: Vec<String> = doc["packages"][0]["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|x| x["severity"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        (out.status.code(), severities)
    };
    assert_eq!(run(&[], &bad), (Some(1), vec!["error".to_string()]));
    assert_eq!(
        run(&["--warn", "REF002"], &bad),
        (Some(0), vec!["warning".to_string()])
    );
    assert_eq!(
        run(&["--allow", "dangling-identifierref"], &bad),
        (Some(0), vec![])
    );
    assert_eq!(run(&[], &warn), (Some(0), vec!["warning".to_string()]));
    assert_eq!(
        run(&["--deny", "REF007"], &warn),
        (Some(1), vec!["error".to_string()])
    );
    assert_eq!(run(&["--deny", "warnings"], &warn).0, Some(1));
    assert_eq!(run(&["--warn", "NOPE1"], &bad).0, Some(2));

    std::fs::write(
        dir.path().join("lessonpack.toml"),
        "[validate]\nallow = [\"REF002\"]\ndeny = [\"REF007\"]\n",
    )
    .unwrap();
    assert_eq!(run(&[], &bad), (Some(0), vec![]));
    assert_eq!(run(&[], &warn), (Some(1), vec!["error".to_string()]));
    std::fs::write(
        dir.path().join("lessonpack.toml"),
        "[validate]\nalow = []\n",
    )
    .unwrap();
    assert_eq!(run(&[], &bad).0, Some(2), "a misspelt key is refused");

    let explained = Command::cargo_bin("lessonpack")
        .unwrap()
        .args(["explain", "REF002"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(
        text.contains("`--allow REF002` drops its findings"),
        "{text}"
    );
}

/// A manifest naming 100,000 files that are not there: the report counts them instead of
/// listing them, so it stays small whatever the package holds.
#[test]
fn a_hundred_thousand_missing_files_are_counted_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let files: String = (0..100_000)
        .map(|i| format!("      <file href=\"missing/f{i}.html\"/>\n"))
        .collect();
    let clean =
        std::fs::read_to_string(fixtures().join("validate/REF002/clean/imsmanifest.xml")).unwrap();
    let manifest = clean.replacen(
        "<file href=\"index.html\"/>",
        &format!("<file href=\"index.html\"/>\n{files}"),
        1,
    );
    assert_ne!(manifest, clean);
    std::fs::write(dir.path().join("imsmanifest.xml"), manifest).unwrap();
    std::fs::write(dir.path().join("index.html"), "<html></html>").unwrap();
    let out = Command::cargo_bin("lessonpack")
        .unwrap()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.len() < 64 * 1024,
        "{} bytes of JSON",
        out.stdout.len()
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<&serde_json::Value> = doc["packages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "REF005")
        .collect();
    assert_eq!(missing.len(), 21, "20 listed and one count");
    assert!(
        missing[20]["message"]
            .as_str()
            .unwrap()
            .starts_with("99980 more files the manifest names are not in the package"),
        "{}",
        missing[20]["message"]
    );
}
