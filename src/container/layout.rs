//! The structure of a zip beyond its list of names: what the central directory says about
//! each entry (Unix mode, flags, sizes, where its local header is) checked against the local
//! headers themselves, so that links, bombs and overlapping or disagreeing entries are found
//! without decompressing anything.
//!
//! Only the 30 fixed bytes and the name of each local header are read, in offset order
//! through one buffered handle: a package of 65,000 entries costs 65,000 small reads.

use super::hazard::{Hazard, Reach};
use super::{MAX_RATIO, RATIO_FLOOR};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufReader, Read, Seek, SeekFrom};

/// `S_IFMT` and `S_IFLNK` of a Unix mode (the high 16 bits of the external attributes).
const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;
/// General purpose bit 11: the name and comment are UTF-8 (APPNOTE.TXT 4.4.4).
const UTF8_FLAG: u16 = 0x0800;
/// The local file header signature and its fixed size.
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const LOCAL_FIXED: u64 = 30;

/// What the central directory says about one entry.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// The name as stored.
    pub(crate) raw: Vec<u8>,
    /// The name as the package lists it (lossy when not UTF-8).
    pub(crate) name: String,
    /// General purpose flags.
    pub(crate) flags: u16,
    /// External attributes.
    pub(crate) external: u32,
    /// Offset of the local header.
    pub(crate) header_start: u64,
    /// Offset of this entry's central directory record.
    pub(crate) central_start: u64,
    /// Uncompressed size.
    pub(crate) size: u64,
    /// Compressed size.
    pub(crate) compressed: u64,
}

impl Record {
    /// Whether the Unix mode says symbolic link. Only the file type bits count: a mode that
    /// merely shares bits with `S_IFLNK` (a socket) is not one.
    pub(crate) fn is_link(&self) -> bool {
        (self.external >> 16) & S_IFMT == S_IFLNK
    }
}

/// Every hazard of the zip whose central directory is `records`, reading local headers
/// from `file`; `targets` holds what each link entry (by index) points at, when read.
pub(crate) fn check(
    file: impl Read + Seek,
    records: &[Record],
    targets: &BTreeMap<usize, Option<String>>,
) -> Vec<Hazard> {
    let mut out = Vec::new();
    links(records, targets, &mut out);
    names(records, &mut out);
    ratios(records, &mut out);
    local_headers(file, records, &mut out);
    out
}

fn links(records: &[Record], targets: &BTreeMap<usize, Option<String>>, out: &mut Vec<Hazard>) {
    let mut linked: HashSet<&str> = HashSet::new();
    for (i, r) in records.iter().enumerate().filter(|(_, r)| r.is_link()) {
        let target = targets.get(&i).cloned().flatten();
        let reach = target
            .as_deref()
            .map_or(Reach::Unknown, |t| Reach::of(&r.name, t));
        out.push(Hazard::Link {
            name: r.name.clone(),
            target,
            reach,
        });
        linked.insert(r.name.trim_end_matches('/'));
    }
    if linked.is_empty() {
        return;
    }
    for r in records {
        let mut prefix = r.name.trim_end_matches('/');
        while let Some((parent, _)) = prefix.rsplit_once('/') {
            if linked.contains(parent) {
                out.push(Hazard::UnderLink {
                    name: r.name.clone(),
                    link: parent.to_string(),
                });
                break;
            }
            prefix = parent;
        }
    }
}

fn names(records: &[Record], out: &mut Vec<Hazard>) {
    for r in records.iter().filter(|r| r.flags & UTF8_FLAG != 0) {
        if let Err(e) = std::str::from_utf8(&r.raw) {
            out.push(Hazard::NotUtf8 {
                name: r.name.clone(),
                at: e.valid_up_to(),
            });
        }
    }
}

/// Judged on the central directory's sizes alone. Entries up to [`RATIO_FLOOR`] are never
/// refused (a run of blanks compresses well), but they count for the whole package.
fn ratios(records: &[Record], out: &mut Vec<Hazard>) {
    let bomb =
        |size: u64, compressed: u64| size > RATIO_FLOOR && size / compressed.max(1) > MAX_RATIO;
    let mut any = false;
    for r in records.iter().filter(|r| bomb(r.size, r.compressed)) {
        any = true;
        out.push(Hazard::Ratio {
            name: r.name.clone(),
            size: r.size,
            compressed: r.compressed,
        });
    }
    let size = records.iter().fold(0u64, |a, r| a.saturating_add(r.size));
    let compressed = records
        .iter()
        .fold(0u64, |a, r| a.saturating_add(r.compressed));
    if !any && bomb(size, compressed) {
        out.push(Hazard::PackageRatio { size, compressed });
    }
}

/// Reads each local header: its name must be the central directory's, and no two entries'
/// header-and-data ranges may share a byte (nor run into the central directory).
fn local_headers(file: impl Read + Seek, records: &[Record], out: &mut Vec<Hazard>) {
    let mut file = BufReader::with_capacity(8 * 1024, file);
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| records[i].header_start);
    let central = records
        .iter()
        .map(|r| r.central_start)
        .min()
        .unwrap_or(u64::MAX);
    // (start, end, index) of each entry's bytes: local header, name, extra field, data.
    let mut ranges: Vec<(u64, u64, usize)> = Vec::with_capacity(records.len());
    let mut name = Vec::new();
    for i in order {
        let r = &records[i];
        let mut fixed = [0u8; LOCAL_FIXED as usize];
        let read = file
            .seek(SeekFrom::Start(r.header_start))
            .and_then(|_| file.read_exact(&mut fixed));
        let problem = |why: &str| Hazard::LocalHeader {
            name: r.name.clone(),
            offset: r.header_start,
            why: why.to_string(),
        };
        if read.is_err() {
            out.push(problem("is past the end of the file"));
            continue;
        }
        let word = |at: usize| {
            u32::from_le_bytes([fixed[at], fixed[at + 1], fixed[at + 2], fixed[at + 3]])
        };
        let half = |at: usize| u64::from(u16::from_le_bytes([fixed[at], fixed[at + 1]]));
        if word(0) != LOCAL_SIGNATURE {
            out.push(problem("is not a local file header (wrong signature)"));
            continue;
        }
        let (name_len, extra_len) = (half(26), half(28));
        name.clear();
        if file.by_ref().take(name_len).read_to_end(&mut name).is_err()
            || name.len() as u64 != name_len
        {
            out.push(problem("is cut short"));
            continue;
        }
        if name != r.raw {
            out.push(Hazard::LocalName {
                name: r.name.clone(),
                local: String::from_utf8_lossy(&name).into_owned(),
            });
        }
        let end = r
            .header_start
            .saturating_add(LOCAL_FIXED + name_len + extra_len)
            .saturating_add(r.compressed);
        ranges.push((r.header_start, end, i));
    }
    // Sorted by start: an entry overlaps when it starts before the furthest end so far.
    let mut furthest: Option<(u64, usize)> = None;
    for &(start, end, i) in &ranges {
        if let Some((reach, owner)) = furthest
            && start < reach
        {
            out.push(Hazard::Overlap {
                name: records[i].name.clone(),
                other: Some(records[owner].name.clone()),
            });
        }
        if end > central {
            out.push(Hazard::Overlap {
                name: records[i].name.clone(),
                other: None,
            });
        }
        if furthest.is_none_or(|(reach, _)| end > reach) {
            furthest = Some((end, i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn record(name: &str, header_start: u64, size: u64, compressed: u64) -> Record {
        Record {
            raw: name.as_bytes().to_vec(),
            name: name.to_string(),
            flags: 0,
            external: 0o100_644 << 16,
            header_start,
            central_start: 1_000_000,
            size,
            compressed,
        }
    }

    /// A local header for `name` with `data` after it.
    fn local(name: &str, data: &[u8]) -> Vec<u8> {
        let mut out = LOCAL_SIGNATURE.to_le_bytes().to_vec();
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn overlapping_and_misnamed_entries_are_found_from_headers_alone() {
        let mut bytes = local("a.txt", b"hello");
        let second = bytes.len() as u64;
        bytes.extend(local("b.txt", b"world"));
        let fine = [record("a.txt", 0, 5, 5), record("b.txt", second, 5, 5)];
        assert!(check(Cursor::new(&bytes), &fine, &BTreeMap::new()).is_empty());
        // Two central entries on one local header: one misnamed, both overlapping.
        let shared = [record("a.txt", 0, 5, 5), record("c.txt", 0, 5, 5)];
        let found = check(Cursor::new(&bytes), &shared, &BTreeMap::new());
        assert!(found.contains(&Hazard::LocalName {
            name: "c.txt".into(),
            local: "a.txt".into()
        }));
        assert!(
            found.iter().any(|h| matches!(h, Hazard::Overlap { .. })),
            "{found:?}"
        );
        // An entry whose data claims to run over the next header.
        let long = [record("a.txt", 0, 5, 40), record("b.txt", second, 5, 5)];
        let found = check(Cursor::new(&bytes), &long, &BTreeMap::new());
        assert_eq!(
            found,
            [Hazard::Overlap {
                name: "b.txt".into(),
                other: Some("a.txt".into())
            }]
        );
        // A header past the end, or not a header.
        let lost = [record("a.txt", 0, 5, 5), record("z.txt", 9999, 5, 5)];
        let found = check(Cursor::new(&bytes), &lost, &BTreeMap::new());
        assert!(
            matches!(found[..], [Hazard::LocalHeader { .. }]),
            "{found:?}"
        );
        let off = [record("a.txt", 3, 5, 5)];
        let found = check(Cursor::new(&bytes), &off, &BTreeMap::new());
        assert!(
            matches!(found[..], [Hazard::LocalHeader { .. }]),
            "{found:?}"
        );
    }

    #[test]
    fn links_bombs_and_names_are_found_from_the_central_directory() {
        let mut link = record("docs", 0, 11, 11);
        link.external = 0o120_777 << 16;
        let mut socket = record("sock", 0, 0, 0);
        socket.external = 0o140_777 << 16;
        let inside = record("docs/passwd", 0, 1, 1);
        let mut bad = record("x", 0, 1, 1);
        bad.raw = b"caf\xe9".to_vec();
        bad.flags = UTF8_FLAG;
        let bomb = record("zeros.bin", 0, 2 << 30, 2 << 20);
        let records = [link, socket, inside, bad, bomb];
        let mut found = Vec::new();
        let targets = BTreeMap::from([(0, Some("/etc".to_string()))]);
        links(&records, &targets, &mut found);
        names(&records, &mut found);
        ratios(&records, &mut found);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(matches!(
            &found[0],
            Hazard::Link {
                reach: Reach::Absolute,
                ..
            }
        ));
        assert!(matches!(&found[1], Hazard::UnderLink { link, .. } if link == "docs"));
        assert!(matches!(&found[2], Hazard::NotUtf8 { at: 3, .. }));
        assert!(matches!(&found[3], Hazard::Ratio { .. }));
        // Many entries just under the floor add up.
        let many: Vec<Record> = (0..64)
            .map(|i| record(&format!("f{i}"), 0, RATIO_FLOOR, RATIO_FLOOR / 1024))
            .collect();
        let mut found = Vec::new();
        ratios(&many, &mut found);
        assert!(
            matches!(found[..], [Hazard::PackageRatio { .. }]),
            "{found:?}"
        );
    }
}
