//! A 100 MB manifest (millions of `<file>` entries, as a runaway export writes them) is
//! refused by size before it is read (`PKG012`): one finding, in about the time it takes to
//! `stat` the file, and no memory spent on it (peak RSS measured by hand in
//! `benches/README.md`).

use assert_cmd::Command;
use std::io::Write as _;
use std::time::{Duration, Instant};

/// Writes a SCORM 1.2 package folder whose manifest is at least `bytes` long.
fn package_with_manifest_of(dir: &std::path::Path, bytes: u64) {
    let file = std::fs::File::create(dir.join("imsmanifest.xml")).unwrap();
    let mut w = std::io::BufWriter::new(file);
    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m1" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org1"><organization identifier="org1"><title>Course</title>
    <item identifier="item1" identifierref="res1"><title>Lesson</title></item>
  </organization></organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
"#).unwrap();
    let mut written = 0u64;
    let mut i = 0u64;
    while written < bytes {
        let line = format!("      <file href=\"assets/part{i:08}.js\"/>\n");
        w.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        i += 1;
    }
    w.write_all(b"    </resource>\n  </resources>\n</manifest>\n")
        .unwrap();
    w.flush().unwrap();
    std::fs::write(dir.join("index.html"), "<p>lesson_status</p>").unwrap();
}

#[test]
fn a_100_mb_manifest_is_one_finding_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    package_with_manifest_of(dir.path(), 100 * 1000 * 1000);
    let started = Instant::now();
    let out = Command::cargo_bin("lessonpack")
        .unwrap()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["packages"][0]["findings"].as_array().unwrap();
    let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
    assert_eq!(codes, ["PKG012"], "{findings:#?}");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains("33554432-byte limit"), "{message}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}
