//! Zips the `zip` crate refuses to write, assembled byte by byte (local headers, central
//! directory, end record; stored entries, CRC-32 by `crc32fast`): two entries with one name
//! (`PKG007`) and an entry flagged as encrypted (`PKG009`). Made at test time, never committed.

use super::codes;
use crate::fixture::fixtures;

/// One entry: name, bytes, whether general-purpose bit 0 (encrypted) is set.
type RawEntry<'a> = (&'a str, &'a [u8], bool);

/// The bytes of a stored zip holding `entries` in order, names written as given.
fn raw_zip(entries: &[RawEntry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, encrypted) in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let crc = crc32fast::hash(data);
        let size = u32::try_from(data.len()).unwrap();
        let name_len = u16::try_from(name.len()).unwrap();
        let flags: u16 = u16::from(*encrypted);
        // Version needed, flags, method (stored), time, date, CRC-32, sizes, name length, no extra.
        let mut common = Vec::new();
        for v in [20u16, flags, 0, 0, 0x21] {
            common.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            common.extend_from_slice(&v.to_le_bytes());
        }
        common.extend_from_slice(&name_len.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&common);
        // Comment length, disk, internal attributes, external attributes, local offset.
        for v in [0u16, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let count = u16::try_from(entries.len()).unwrap();
    let cd_offset = u32::try_from(out.len()).unwrap();
    let cd_size = u32::try_from(central.len()).unwrap();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The clean fixture of `code` as a raw zip, plus `extra` entries, codes found.
fn codes_of(code: &str, extra: &[RawEntry<'_>]) -> Vec<&'static str> {
    let clean = fixtures().join("validate").join(code).join("clean");
    let manifest = std::fs::read(clean.join("imsmanifest.xml")).unwrap();
    let page = std::fs::read(clean.join("index.html")).unwrap();
    let mut entries: Vec<RawEntry<'_>> = vec![
        ("imsmanifest.xml", &manifest, false),
        ("index.html", &page, false),
    ];
    entries.extend_from_slice(extra);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.zip");
    std::fs::write(&path, raw_zip(&entries)).unwrap();
    codes(&path)
}

#[test]
fn the_hand_made_zip_reads_like_any_zip() {
    assert!(codes_of("PKG007", &[]).is_empty());
    assert!(codes_of("PKG009", &[]).is_empty());
}

#[test]
fn a_name_stored_twice_is_pkg007() {
    let found = codes_of("PKG007", &[("index.html", b"<p>other copy</p>", false)]);
    assert!(found.contains(&"PKG007"), "{found:?}");
}

#[test]
fn an_encrypted_entry_is_pkg009() {
    let found = codes_of("PKG009", &[("notes.txt", b"secret", true)]);
    assert!(found.contains(&"PKG009"), "{found:?}");
}
