//! Hostile zips no zip library writes, assembled byte by byte at test time (never committed):
//! symbolic link entries, names flagged UTF-8 that are not, local headers that disagree with
//! the central directory, central entries sharing one local header or overlapping another's
//! data, and a real 2 GiB run of zeros DEFLATEd into 2 MiB by a hand-written encoder (one
//! dynamic-Huffman block: a literal zero, then matches of 258 at distance 1 coded in one bit
//! each), with its true CRC-32.

/// Where an entry's local header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Its own, written in order.
    Own,
    /// Part `i`'s (no header of its own is written).
    Shared(usize),
    /// At this byte offset (no header is written: the bytes there are some other part's).
    At(u32),
}

/// One central directory entry and, unless shared, its local record.
#[derive(Debug, Clone)]
pub(super) struct Part {
    /// The name in the central directory.
    pub(super) name: Vec<u8>,
    /// The name in the local header, when it differs.
    pub(super) local_name: Option<Vec<u8>>,
    /// The bytes as stored (compressed when `method` is 8).
    pub(super) data: Vec<u8>,
    /// 0 stored, 8 DEFLATE.
    pub(super) method: u16,
    /// Uncompressed size.
    pub(super) size: u32,
    /// CRC-32 of the uncompressed bytes.
    pub(super) crc: u32,
    /// General purpose flags.
    pub(super) flags: u16,
    /// Unix mode (the entry is then "made by" Unix, mode in the external attributes).
    pub(super) mode: Option<u32>,
    /// Where its local header is.
    pub(super) place: Place,
}

impl Part {
    /// A stored regular file.
    pub(super) fn stored(name: &str, data: &[u8]) -> Part {
        Part {
            name: name.as_bytes().to_vec(),
            local_name: None,
            data: data.to_vec(),
            method: 0,
            size: u32::try_from(data.len()).unwrap(),
            crc: crc32fast::hash(data),
            flags: 0,
            mode: Some(0o100_644),
            place: Place::Own,
        }
    }

    /// A symbolic link to `target`, as Info-ZIP `zip --symlinks` stores one.
    pub(super) fn link(name: &str, target: &str) -> Part {
        Part {
            mode: Some(0o120_777),
            ..Part::stored(name, target.as_bytes())
        }
    }

    /// `size` bytes of zeros, DEFLATEd (`size` - 1 must be a multiple of 258).
    pub(super) fn zeros(name: &str, size: u64) -> Part {
        assert_eq!((size - 1) % 258, 0, "1 + 258·n bytes");
        Part {
            data: deflate_zeros((size - 1) / 258),
            method: 8,
            size: u32::try_from(size).unwrap(),
            crc: crc_of_zeros(size),
            ..Part::stored(name, b"")
        }
    }
}

fn le16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn le32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Version needed, flags, method, time, date, CRC-32, sizes, name length, extra length.
fn common(out: &mut Vec<u8>, p: &Part, name_len: usize) {
    for v in [20u16, p.flags, p.method, 0, 0x21] {
        le16(out, v);
    }
    le32(out, p.crc);
    le32(out, u32::try_from(p.data.len()).unwrap());
    le32(out, p.size);
    le16(out, u16::try_from(name_len).unwrap());
    le16(out, 0);
}

/// A local file header with `p`'s name (or local name) followed by its data.
pub(super) fn local_record(p: &Part) -> Vec<u8> {
    let name = p.local_name.as_ref().unwrap_or(&p.name);
    let mut out = Vec::new();
    le32(&mut out, 0x0403_4b50);
    common(&mut out, p, name.len());
    out.extend_from_slice(name);
    out.extend_from_slice(&p.data);
    out
}

/// The bytes of a zip of `parts`, central directory in the order given.
pub(super) fn zip(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::with_capacity(parts.len());
    for p in parts {
        let offset = match p.place {
            Place::Own => {
                let at = u32::try_from(out.len()).unwrap();
                out.extend(local_record(p));
                at
            }
            Place::Shared(i) => offsets[i],
            Place::At(at) => at,
        };
        offsets.push(offset);
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    for (p, &offset) in parts.iter().zip(&offsets) {
        le32(&mut out, 0x0201_4b50);
        // Made by: Unix (3) when a mode is given, else MS-DOS; version 2.0.
        le16(&mut out, if p.mode.is_some() { 0x0314 } else { 20 });
        common(&mut out, p, p.name.len());
        // Comment length, disk, internal attributes, external attributes, local offset.
        for v in [0u16, 0, 0] {
            le16(&mut out, v);
        }
        le32(&mut out, p.mode.map_or(0, |m| m << 16));
        le32(&mut out, offset);
        out.extend_from_slice(&p.name);
    }
    let cd_size = u32::try_from(out.len()).unwrap() - cd_offset;
    let count = u16::try_from(parts.len()).unwrap();
    le32(&mut out, 0x0605_4b50);
    for v in [0u16, 0, count, count] {
        le16(&mut out, v);
    }
    le32(&mut out, cd_size);
    le32(&mut out, cd_offset);
    le16(&mut out, 0);
    out
}

/// A DEFLATE bit writer (RFC 1951 §3.1.1: data elements LSB first, Huffman codes MSB first).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl Bits {
    /// `count` bits of `value`, least significant first (header fields, extra bits).
    fn value(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.bit((value >> i) & 1);
        }
    }

    /// A Huffman code of `len` bits, most significant first.
    fn code(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.bit((code >> i) & 1);
        }
    }

    fn bit(&mut self, b: u32) {
        self.acc |= b << self.n;
        self.n += 1;
        if self.n == 8 {
            self.out.push(self.acc as u8);
            self.acc = 0;
            self.n = 0;
        }
    }

    /// `count` zero bits, fast (whole bytes at once when aligned).
    fn zeros(&mut self, mut count: u64) {
        while count > 0 && self.n != 0 {
            self.bit(0);
            count -= 1;
        }
        let bytes = usize::try_from(count / 8).unwrap();
        self.out.resize(self.out.len() + bytes, 0);
        for _ in 0..count % 8 {
            self.bit(0);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// One final dynamic-Huffman block decoding to `1 + 258 * matches` zero bytes: literal/length
/// codes 0 (`10`), 256 (`11`), 285 (`0`); one distance code 0 (`0`); each match of 258 at
/// distance 1 costs two bits, so the stream is 1032:1.
pub(super) fn deflate_zeros(matches: u64) -> Vec<u8> {
    let mut b = Bits::default();
    b.value(1, 1); // BFINAL
    b.value(2, 2); // BTYPE = dynamic
    b.value(29, 5); // HLIT: 286 literal/length codes
    b.value(0, 5); // HDIST: 1 distance code
    b.value(14, 4); // HCLEN: 18 code length codes
    // Code length code lengths, in the order RFC 1951 gives: 18 → 1 bit, 1 and 2 → 2 bits.
    let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
    for sym in order {
        b.value(
            match sym {
                18 => 1,
                1 | 2 => 2,
                _ => 0,
            },
            3,
        );
    }
    // Canonical codes of that alphabet: 18 → `0`, 1 → `10`, 2 → `11`.
    let (cl1, cl2) = ((0b10, 2), (0b11, 2));
    let zeros_run = |b: &mut Bits, n: u32| {
        b.code(0, 1);
        b.value(n - 11, 7);
    };
    b.code(cl2.0, cl2.1); // literal 0: length 2
    zeros_run(&mut b, 138); // literals 1–138
    zeros_run(&mut b, 117); // literals 139–255
    b.code(cl2.0, cl2.1); // 256 (end of block): length 2
    zeros_run(&mut b, 28); // lengths 257–284
    b.code(cl1.0, cl1.1); // 285 (length 258): length 1
    b.code(cl1.0, cl1.1); // distance code 0: length 1
    b.code(0b10, 2); // literal 0
    b.zeros(2 * matches); // length 258 (`0`), distance 1 (`0`)
    b.code(0b11, 2); // end of block
    b.finish()
}

/// CRC-32 of `n` zero bytes, composed from powers of two (no need to hash gigabytes).
pub(super) fn crc_of_zeros(n: u64) -> u32 {
    let mut power = crc32fast::Hasher::new();
    power.update(&[0]);
    let mut total = crc32fast::Hasher::new();
    let mut rest = n;
    while rest > 0 {
        if rest & 1 == 1 {
            total.combine(&power);
        }
        let copy = power.clone();
        power.combine(&copy);
        rest >>= 1;
    }
    total.finalize()
}

#[test]
fn the_hand_written_deflate_stream_inflates_to_zeros_with_the_right_crc() {
    use std::io::Read as _;
    let size = 1 + 258 * 5000;
    let bytes = zip(&[Part::zeros("zeros.bin", size)]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut file = archive.by_index(0).unwrap();
    let mut out = Vec::new();
    // The zip crate checks the CRC-32 at the end of the entry.
    file.read_to_end(&mut out).unwrap();
    assert_eq!(out.len() as u64, size);
    assert!(out.iter().all(|&b| b == 0));
    assert_eq!(crc_of_zeros(size), crc32fast::hash(&out));
}
