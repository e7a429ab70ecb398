//! Hostile third-party packages, end to end through the binary: each must give errors with
//! stable codes (never a panic, a hang, a crash or a silent pass), open nothing outside the
//! package, and stay within 512 MiB peak RSS and 10 s of CPU, measured on the child process
//! (`measure.rs`). `inspect` and `diff` share the reader and refuse the same packages with a
//! clear error.
//!
//! - `zips.rs`: symbolic link entries, local headers that disagree with the central
//!   directory, names that lie about UTF-8, a 2 GiB run of zeros, overlapping entries;
//! - `folders.rs`: links in an extracted folder (to files, folders and a pipe outside it);
//! - `documents.rs`: billion laughs, quadratic blow-up and external entities in the manifest
//!   and in cartridge topics, malformed QTI and metadata, the not-well-formed classes;
//! - `references.rs`: `href`, `xml:base`, cmi5 AU `url` and web links that leave the package
//!   or run script.

mod documents;
mod folders;
mod references;
mod zips;

use crate::fixture::fixtures;
use crate::measure::{Measured, measure};
use std::path::Path;

/// A marker that must never appear in any output: it only exists outside the package.
pub(super) const SECRET: &str = "SECRET-4f1d9c07-outside-the-package";

/// `lessonpack validate --format json PATH`, measured: the run and its findings' codes.
fn validate(path: &Path, case: &str) -> (Measured, Vec<String>, serde_json::Value) {
    let run = measure(&[
        "validate".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    run.within_budget(case);
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "{case}: leaked"
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{case}: {e}\n{}\n{}", run.stdout, run.stderr));
    let findings = doc["packages"][0]["findings"].clone();
    let codes = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    (run, codes, findings)
}

/// The messages of the findings with `code`.
fn messages(findings: &serde_json::Value, code: &str) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// `lessonpack inspect PATH` and `lessonpack diff PATH CLEAN` both refuse `path` with a clear
/// error naming `why` (exit 2), within budget.
fn inspect_and_diff_refuse(path: &Path, why: &str, case: &str) {
    let clean = fixtures().join("validate/PKG004/clean");
    let inspect = measure(&["inspect".as_ref(), path.as_os_str()]);
    inspect.within_budget(&format!("{case} (inspect)"));
    let diff = measure(&["diff".as_ref(), path.as_os_str(), clean.as_os_str()]);
    diff.within_budget(&format!("{case} (diff)"));
    for (what, run) in [("inspect", &inspect), ("diff", &diff)] {
        assert_eq!(run.code, Some(2), "{case}: {what}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: "),
            "{case}: {what}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(why),
            "{case}: {what}: no `{why}` in {}",
            run.stderr
        );
        assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
    }
}

/// The clean SCORM 1.2 package's manifest and page.
fn clean_scorm12() -> (Vec<u8>, Vec<u8>) {
    let clean = fixtures().join("validate/PKG004/clean");
    (
        std::fs::read(clean.join("imsmanifest.xml")).unwrap(),
        std::fs::read(clean.join("index.html")).unwrap(),
    )
}
