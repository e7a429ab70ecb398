//! Hostile zips (made by `craft.rs`): each container rule fires on its case and only on it,
//! from the central directory and local headers alone.

use super::super::craft::{self, Part, Place};
use super::{clean_scorm12, inspect_and_diff_refuse, messages, validate};
use std::path::PathBuf;

/// The clean SCORM 1.2 package plus `extra` parts, written to a temporary zip.
fn package(extra: Vec<Part>) -> (tempfile::TempDir, PathBuf) {
    let (manifest, page) = clean_scorm12();
    let mut parts = vec![
        Part::stored("imsmanifest.xml", &manifest),
        Part::stored("index.html", &page),
    ];
    parts.extend(extra);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.zip");
    std::fs::write(&path, craft::zip(&parts)).unwrap();
    (dir, path)
}

#[test]
fn the_crafted_zip_is_clean_without_hostile_parts() {
    let (_dir, path) = package(Vec::new());
    let (run, codes, _) = validate(&path, "crafted clean zip");
    assert_eq!((run.code, codes.len()), (Some(0), 0), "{codes:?}");
}

#[test]
fn symbolic_link_entries_are_errors_and_never_followed() {
    let (_dir, path) = package(vec![
        Part::link("absolute.html", "/etc/passwd"),
        Part::link("media/up.mp4", "../../../../home/user/.ssh/id_rsa"),
        Part::link("docs", "/etc"),
        Part::stored("docs/passwd", b"written through the link when extracted"),
    ]);
    let (run, codes, findings) = validate(&path, "symlink entries");
    assert_eq!(run.code, Some(1));
    let links = messages(&findings, "PKG013");
    assert_eq!(links.len(), 4, "{codes:?}");
    assert!(
        links[0].contains("`absolute.html` is a symbolic link to `/etc/passwd` (an absolute path"),
        "{links:?}"
    );
    assert!(links[1].contains("climbs out of the package"), "{links:?}");
    assert!(
        links[2].contains("`docs` is a symbolic link to `/etc`"),
        "{links:?}"
    );
    assert!(
        links[3].contains("`docs/passwd` lies under the symbolic link `docs`"),
        "{links:?}"
    );
    inspect_and_diff_refuse(&path, "is a symbolic link", "symlink entries");
}

#[test]
fn a_local_header_that_names_another_file_is_pkg014() {
    let mut page = Part::stored("index.html", b"<p>what the scanner saw</p>");
    page.local_name = Some(b"payload.js".to_vec());
    let (manifest, _) = clean_scorm12();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.zip");
    std::fs::write(
        &path,
        craft::zip(&[Part::stored("imsmanifest.xml", &manifest), page]),
    )
    .unwrap();
    let (run, codes, findings) = validate(&path, "local header name");
    assert_eq!(run.code, Some(1));
    assert_eq!(
        codes.iter().filter(|c| *c == "PKG014").count(),
        1,
        "{codes:?}"
    );
    assert!(
        messages(&findings, "PKG014")[0]
            .contains("central directory names an entry `index.html` but its local header names it `payload.js`"),
        "{findings:#}"
    );
    inspect_and_diff_refuse(&path, "local header", "local header name");
}

#[test]
fn a_name_flagged_utf8_that_is_not_is_pkg015() {
    let mut bad = Part::stored("x", b"<p>page</p>");
    bad.name = b"caf\xe9.html".to_vec();
    bad.flags = 0x0800;
    let mut legacy = bad.clone();
    legacy.name = b"r\xe9sum\xe9.html".to_vec();
    legacy.flags = 0;
    let (_dir, path) = package(vec![bad, legacy]);
    let (run, codes, findings) = validate(&path, "utf-8 flag");
    assert_eq!(run.code, Some(1));
    // Only the flagged name is an error; the unflagged legacy name stays PKG010's warning.
    let flagged = messages(&findings, "PKG015");
    assert_eq!(flagged.len(), 1, "{codes:?}");
    assert!(
        flagged[0].contains("byte 3 of it is not UTF-8"),
        "{flagged:?}"
    );
    assert!(
        codes.iter().filter(|c| *c == "PKG010").count() >= 2,
        "{codes:?}"
    );
}

#[test]
fn two_gib_of_zeros_is_found_without_extracting_anything() {
    // 2,147,483,383 bytes of zeros in 2.1 MB (1031:1); no declared size is huge.
    let size = 1 + 258 * 8_323_579;
    let (_dir, path) = package(vec![Part::zeros("media/lecture.mp4", size)]);
    assert!(std::fs::metadata(&path).unwrap().len() < 3 * 1024 * 1024);
    let (run, codes, findings) = validate(&path, "2 GiB of zeros");
    assert_eq!(run.code, Some(1));
    assert_eq!(
        codes
            .iter()
            .filter(|c| c.starts_with("PKG"))
            .collect::<Vec<_>>(),
        ["PKG016"],
        "{codes:?}"
    );
    let message = &messages(&findings, "PKG016")[0];
    assert!(
        message.contains(&format!("to {size} bytes (1031:1")),
        "{message}"
    );
    inspect_and_diff_refuse(&path, "decompression bomb", "2 GiB of zeros");
}

#[test]
fn a_thousand_entries_sharing_one_local_header_are_pkg017() {
    // One 1 MiB run of zeros, named a thousand times: under every per-entry limit, a
    // gigabyte when extracted.
    let kernel = Part::zeros("f0000.bin", 1 + 258 * 4000);
    let mut parts = vec![kernel.clone()];
    let first = 2; // after the manifest and the page
    for i in 1..1000 {
        parts.push(Part {
            name: format!("f{i:04}.bin").into_bytes(),
            place: Place::Shared(first),
            ..kernel.clone()
        });
    }
    let (_dir, path) = package(parts);
    let (run, codes, findings) = validate(&path, "1000 entries, one local header");
    assert_eq!(run.code, Some(1));
    let overlaps = messages(&findings, "PKG017");
    // 20 listed, then one that counts the rest.
    assert_eq!(overlaps.len(), 21, "{codes:?}");
    assert!(
        overlaps[0].contains("shares its bytes with `f0000.bin`"),
        "{overlaps:?}"
    );
    assert!(overlaps[20].contains("979 more entries"), "{overlaps:?}");
    // The names in the central directory are not the local header's either.
    assert!(codes.contains(&"PKG014".to_string()), "{codes:?}");
    inspect_and_diff_refuse(&path, "shares its bytes", "1000 entries, one local header");
}

#[test]
fn an_entry_whose_data_holds_the_next_header_is_pkg017() {
    // `outer.bin`'s stored data is `inner.txt`'s whole local record: extracting writes the
    // inner file twice. Sizes and CRCs are all consistent.
    let inner = Part::stored("inner.txt", b"hello, twice");
    let outer = Part::stored("outer.bin", &craft::local_record(&inner));
    let (manifest, page) = clean_scorm12();
    let head = craft::zip(&[
        Part::stored("imsmanifest.xml", &manifest),
        Part::stored("index.html", &page),
    ]);
    // Where the outer record's data (the inner record) will start.
    let records: usize = [&manifest, &page]
        .iter()
        .zip(["imsmanifest.xml", "index.html"])
        .map(|(d, n)| 30 + n.len() + d.len())
        .sum();
    assert!(records < head.len());
    let at = u32::try_from(records + 30 + "outer.bin".len()).unwrap();
    let parts = vec![
        Part::stored("imsmanifest.xml", &manifest),
        Part::stored("index.html", &page),
        outer,
        Part {
            place: Place::At(at),
            ..inner
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.zip");
    std::fs::write(&path, craft::zip(&parts)).unwrap();
    let (run, codes, findings) = validate(&path, "entry inside another's data");
    assert_eq!(run.code, Some(1));
    let pkg: Vec<&String> = codes.iter().filter(|c| c.starts_with("PKG")).collect();
    assert_eq!(pkg, ["PKG017"], "{codes:?}");
    assert!(
        messages(&findings, "PKG017")[0].contains("`inner.txt` shares its bytes with `outer.bin`"),
        "{findings:#}"
    );
}
