//! `lessonpack diff --format json`: the documented `lessonpack-diff/1` shape.

use super::{Versions, json};
use lessonpack::build::Target;
use serde_json::Value;

#[test]
fn json_has_the_documented_shape() {
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
    let (old, new) = versions.zips(Target::Scorm12);
    let (code, doc) = json(&old, &new);
    assert_eq!(code, 1);
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "schema",
        "old",
        "new",
        "format_changed",
        "records_dropped",
        "items",
        "resources",
        "files",
        "settings",
        "records",
        "warnings",
    ];
    expected.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(doc["schema"], "lessonpack-diff/1");
    assert_eq!(doc["old"]["format"], "scorm12");
    assert_eq!(doc["old"]["label"], "SCORM 1.2");
    assert_eq!(doc["old"]["schemaversion"], "1.2");
    assert_eq!(doc["old"]["files"], 8);
    assert_eq!(doc["format_changed"], false);
    assert_eq!(doc["records_dropped"], true);
    let item = &doc["items"][0];
    assert_eq!(item["change"], "renamed");
    assert_eq!(item["kind"], "item");
    assert_eq!(item["old"]["identifier"], "ITEM-first-lesson");
    assert_eq!(item["new"]["identifier"], "ITEM-opening-lesson");
    assert_eq!(item["new"]["title"], "First lesson");
    assert_eq!(item["new"]["parent"], "ORG-basic-module");
    assert_eq!(doc["resources"][0]["old"]["type"], "webcontent");
    assert_eq!(
        doc["resources"][0]["new"]["href"],
        "lessons/opening-lesson/index.html"
    );
    let files = doc["files"].as_array().unwrap();
    let changes: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f["change"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            ("changed", "imsmanifest.xml"),
            ("removed", "lessons/first-lesson/index.html"),
            ("added", "lessons/opening-lesson/index.html"),
        ]
    );
    assert!(files[1]["new"].is_null() && files[2]["old"].is_null());
    let crc = files[0]["new"]["crc32"].as_str().unwrap();
    assert!(
        crc.len() == 8 && crc.chars().all(|c| c.is_ascii_hexdigit()),
        "{crc}"
    );
    let setting = doc["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "moodle_launch")
        .unwrap();
    assert_eq!(setting["scope"], "package");
    assert!(setting["identifier"].is_null());
    assert_eq!(setting["old"], "ITEM-first-lesson");
    let records = doc["records"].as_array().unwrap();
    let lms: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap();
            (s("lms"), s("route"), s("outcome"))
        })
        .collect();
    assert_eq!(
        lms,
        [
            ("moodle", "mod_scorm", "lost"),
            ("openedx", "scorm_xblock", "kept"),
            ("canvas", "scorm_app", "new"),
        ]
    );
    let moodle = &records[0]["items"];
    assert_eq!(moodle[0]["identifier"], "ITEM-first-lesson");
    assert_eq!(moodle[0]["status"], "deleted");
    assert_eq!(moodle[0]["to"], "ITEM-opening-lesson");
    assert_eq!(moodle[1]["status"], "added");
    assert!(
        records[1]["notes"][0]
            .as_str()
            .unwrap()
            .contains("launch page")
    );
    assert_eq!(doc["warnings"], Value::Array(vec![]));
}
