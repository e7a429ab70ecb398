//! The package stage: zip archives that are byte-identical for identical input, written
//! atomically, with bundled media streamed and stored; package folders replaced only when
//! lessonpack made them.

use lessonpack::output::{Content, OutputFile};
use lessonpack::package::{MARKER, Progress, Written, write_dir, write_zip};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use zip::{CompressionMethod, ZipArchive};

/// A file's content, read from disk for bundled files.
fn content_of(file: &OutputFile) -> Vec<u8> {
    match &file.content {
        Content::Bytes(bytes) => bytes.clone(),
        Content::File(source) => std::fs::read(source).unwrap(),
    }
}

/// A progress callback that ignores progress.
fn quiet(_: Progress) {}

/// Hex sha256 of a file.
fn sha256(path: &Path) -> String {
    let digest = Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Deterministic pseudo-random numbers (an LCG), so test data is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// Incompressible bytes, like encoded video.
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// Compressible text of `words` words from a small vocabulary.
    fn text(&mut self, words: usize) -> String {
        const VOCABULARY: [&str; 12] = [
            "digital",
            "leadership",
            "value",
            "the",
            "of",
            "lesson",
            "video",
            "China",
            "growth",
            "and",
            "technology",
            "economy",
        ];
        let mut out = String::from("<!doctype html><p>");
        for _ in 0..words {
            out.push_str(VOCABULARY[self.next() as usize % VOCABULARY.len()]);
            out.push(' ');
        }
        out.push_str("</p>\n");
        out
    }
}

/// A small package: pages, a stylesheet, a tiny file and one bundled video written into `dir`.
fn sample(dir: &Path) -> Vec<OutputFile> {
    let mut rng = Lcg(7);
    let video = dir.join("source-media").join("lesson.mp4");
    std::fs::create_dir_all(video.parent().unwrap()).unwrap();
    std::fs::write(&video, rng.bytes(300_000)).unwrap();
    vec![
        OutputFile::bytes("lessons/first/index.html", rng.text(2000)),
        OutputFile::bytes("imsmanifest.xml", "<manifest>".repeat(200)),
        OutputFile::file("media/lesson.mp4", &video),
        OutputFile::bytes("shared/style.css", "body { margin: 0 }\n".repeat(50)),
        OutputFile::bytes("a.txt", "hi"),
        OutputFile::bytes("empty.txt", ""),
        OutputFile::bytes("index.html", rng.text(500)),
    ]
}

/// Many generated pages, enough for rayon to split the compression.
fn many_pages(count: usize) -> Vec<OutputFile> {
    let mut rng = Lcg(42);
    (0..count)
        .map(|i| OutputFile::bytes(format!("lessons/l{i:03}/index.html"), rng.text(700)))
        .collect()
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file below `dir` with its contents, by relative path.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    crate::support::files_below(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

fn u16_at(bytes: &[u8], at: usize) -> usize {
    u16::from_le_bytes([bytes[at], bytes[at + 1]]).into()
}

fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// Reads the archive's headers byte by byte (independently of the zip crate) and checks: no
/// archive comment, and for every entry "made by" Unix, no extra fields and no comment in
/// the central directory or the local header.
fn assert_plain_headers(zip: &Path) {
    let bytes = std::fs::read(zip).unwrap();
    let eocd = bytes.len() - 22;
    assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06", "no archive comment");
    let count = u16_at(&bytes, eocd + 10);
    let mut at = u32_at(&bytes, eocd + 16);
    for _ in 0..count {
        assert_eq!(&bytes[at..at + 4], b"PK\x01\x02");
        let name_len = u16_at(&bytes, at + 28);
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + name_len]).into_owned();
        assert_eq!(bytes[at + 5], 3, "{name}: made by Unix");
        assert_eq!(u16_at(&bytes, at + 30), 0, "{name}: central extra fields");
        assert_eq!(u16_at(&bytes, at + 32), 0, "{name}: entry comment");
        let local = u32_at(&bytes, at + 42);
        assert_eq!(&bytes[local..local + 4], b"PK\x03\x04");
        assert_eq!(u16_at(&bytes, local + 28), 0, "{name}: local extra fields");
        at += 46 + name_len;
    }
}

#[test]
fn same_input_gives_the_same_bytes_even_after_touching_the_media() {
    let dir = tempfile::tempdir().unwrap();
    let files = sample(dir.path());
    let a = dir.path().join("a.zip");
    let b = dir.path().join("b.zip");
    write_zip(&a, &files, &quiet).unwrap();
    write_zip(&b, &files, &quiet).unwrap();
    assert_eq!(sha256(&a), sha256(&b));

    // Touch and chmod the bundled video: neither its time nor its mode may leak in.
    let video = dir.path().join("source-media/lesson.mp4");
    File::options()
        .write(true)
        .open(&video)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_234_567_890))
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&video, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let c = dir.path().join("c.zip");
    write_zip(&c, &files, &quiet).unwrap();
    assert_eq!(sha256(&a), sha256(&c));

    // The order the caller lists files in does not matter either.
    let mut reversed = files.clone();
    reversed.reverse();
    let d = dir.path().join("d.zip");
    write_zip(&d, &reversed, &quiet).unwrap();
    assert_eq!(sha256(&a), sha256(&d));
}

#[test]
fn parallel_compression_gives_the_same_bytes_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let files = many_pages(120);
    let mut hashes = Vec::new();
    for threads in [1, 2, 4, 2] {
        let dest = dir.path().join(format!("p{}.zip", hashes.len()));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| write_zip(&dest, &files, &quiet)).unwrap();
        hashes.push(sha256(&dest));
    }
    let global = dir.path().join("global.zip");
    write_zip(&global, &files, &quiet).unwrap();
    hashes.push(sha256(&global));
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:#?}");

    let mut archive = ZipArchive::new(File::open(&global).unwrap()).unwrap();
    assert_eq!(archive.len(), 120);
    for (i, file) in files.iter().enumerate() {
        let mut entry = archive.by_index(i).unwrap();
        assert_eq!(entry.name().unwrap(), file.path);
        assert_eq!(entry.compression(), CompressionMethod::Deflated);
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        assert_eq!(content, content_of(file));
    }
}

#[test]
fn entries_are_sorted_files_with_fixed_metadata_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let files = sample(dir.path());
    let dest = dir.path().join("pkg.zip");
    let written = write_zip(&dest, &files, &quiet).unwrap();
    assert_eq!(
        written,
        Written {
            path: dest.clone(),
            files: files.len(),
            bytes: std::fs::metadata(&dest).unwrap().len(),
        }
    );

    let mut archive = ZipArchive::new(File::open(&dest).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    let mut expected: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    expected.sort();
    assert_eq!(names, expected, "sorted by path, files only");
    assert!(archive.comment().is_empty());

    for file in &files {
        let mut entry = archive.by_name(&file.path).unwrap();
        assert!(entry.is_file() && !entry.is_dir(), "{}", file.path);
        assert_eq!(entry.unix_mode(), Some(0o100644), "{}", file.path);
        let time = entry.last_modified().unwrap();
        assert_eq!(
            (time.year(), time.month(), time.day()),
            (2000, 1, 1),
            "{}",
            file.path
        );
        assert_eq!((time.hour(), time.minute(), time.second()), (0, 0, 0));
        let method = entry.compression();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap(); // checks the CRC too
        match &file.content {
            Content::Bytes(bytes) => {
                assert_eq!(&content, bytes, "{}", file.path);
                let expected = if bytes.len() < 16 {
                    CompressionMethod::Stored // DEFLATE does not shrink "hi" or ""
                } else {
                    CompressionMethod::Deflated
                };
                assert_eq!(method, expected, "{}", file.path);
            }
            Content::File(source) => {
                assert_eq!(content, std::fs::read(source).unwrap(), "{}", file.path);
                assert_eq!(method, CompressionMethod::Stored, "{}", file.path);
            }
        }
    }
    assert_plain_headers(&dest);
}

#[test]
fn progress_counts_content_bytes_up_to_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let files = sample(dir.path());
    let seen = RefCell::new(Vec::new());
    write_zip(&dir.path().join("pkg.zip"), &files, &|p| {
        seen.borrow_mut().push(p)
    })
    .unwrap();
    let seen = seen.into_inner();
    let total: u64 = 300_000
        + files
            .iter()
            .map(|f| match &f.content {
                Content::Bytes(b) => b.len() as u64,
                Content::File(_) => 0,
            })
            .sum::<u64>();
    assert_eq!(seen.first(), Some(&Progress { done: 0, total }));
    assert_eq!(seen.last(), Some(&Progress { done: total, total }));
    assert!(
        seen.windows(2)
            .all(|w| w[0].done <= w[1].done && w[1].total == total)
    );
    assert!(seen.len() > files.len(), "reported per file at least");
}

#[test]
fn creates_missing_parent_folders_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out/deeper/pkg.zip");
    write_zip(&dest, &many_pages(3), &quiet).unwrap();
    assert_eq!(listing(&dir.path().join("out/deeper")), ["pkg.zip"]);
}

#[test]
fn a_missing_media_file_leaves_the_previous_package_intact() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out/pkg.zip");
    write_zip(&dest, &many_pages(5), &quiet).unwrap();
    let before = std::fs::read(&dest).unwrap();

    let mut files = many_pages(80);
    files.push(OutputFile::file(
        "media/v.mp4",
        dir.path().join("missing.mp4"),
    ));
    let err = format!("{:#}", write_zip(&dest, &files, &quiet).unwrap_err());
    assert!(
        err.contains("missing.mp4") && err.contains("media/v.mp4"),
        "{err}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), before);
    assert_eq!(listing(&dir.path().join("out")), ["pkg.zip"]);

    // A folder where a media file should be.
    let files = vec![OutputFile::file("media/v.mp4", dir.path())];
    let err = format!("{:#}", write_zip(&dest, &files, &quiet).unwrap_err());
    assert!(err.contains("not a regular file"), "{err}");
    assert_eq!(std::fs::read(&dest).unwrap(), before);
    assert_eq!(listing(&dir.path().join("out")), ["pkg.zip"]);
}

#[test]
fn media_changing_while_being_written_fails_and_leaves_the_previous_package() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("pkg.zip");
    std::fs::write(&dest, "the previous package").unwrap();
    let video = dir.path().join("v.mp4");
    std::fs::write(&video, Lcg(1).bytes(2 << 20)).unwrap();
    let files = vec![
        OutputFile::bytes("index.html", "<p>hello</p>"),
        OutputFile::file("media/v.mp4", &video),
    ];
    // Truncate the video once its first chunk is in the archive: the build is mid-stream.
    let truncated = RefCell::new(false);
    let result = write_zip(&dest, &files, &|p| {
        if p.done > 100 && !*truncated.borrow() {
            File::options()
                .write(true)
                .open(&video)
                .unwrap()
                .set_len(1 << 20)
                .unwrap();
            *truncated.borrow_mut() = true;
        }
    });
    assert!(*truncated.borrow());
    let err = format!("{:#}", result.unwrap_err());
    assert!(err.contains("changed during the build"), "{err}");
    assert_eq!(std::fs::read(&dest).unwrap(), b"the previous package");
    assert_eq!(listing(dir.path()), ["pkg.zip", "v.mp4"]);
}

#[test]
fn a_folder_at_the_destination_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pkg.zip")).unwrap();
    let err = write_zip(&dir.path().join("pkg.zip"), &many_pages(1), &quiet).unwrap_err();
    assert!(
        err.to_string().contains("a folder of that name exists"),
        "{err}"
    );
    assert_eq!(listing(dir.path()), ["pkg.zip"]);
}

#[test]
fn bad_paths_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out/pkg.zip");
    for (bad, why) in [
        ("../x", "`..` segment"),
        ("/abs", "absolute"),
        ("a\\b", "use `/`"),
        ("a b", "space"),
        ("a?b", "`?`"),
        ("a//b", "empty segment"),
        ("vid\u{e9}o.mp4", "non-ASCII"),
    ] {
        let files = vec![
            OutputFile::bytes("index.html", "x"),
            OutputFile::bytes(bad, "y"),
        ];
        let err = write_zip(&dest, &files, &quiet).unwrap_err().to_string();
        assert!(
            err.contains(&format!("`{bad}`")) && err.contains(why),
            "{bad:?}: {err}"
        );
        let err = write_dir(&dir.path().join("folder"), &files)
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{bad:?}: {err}");
    }

    let files = vec![
        OutputFile::bytes("index.html", "x"),
        OutputFile::bytes("index.html", "y"),
    ];
    let err = write_zip(&dest, &files, &quiet).unwrap_err().to_string();
    assert!(err.contains("duplicate package path `index.html`"), "{err}");

    let files = vec![
        OutputFile::bytes("media/Intro.mp4", "x"),
        OutputFile::bytes("media/intro.mp4", "y"),
    ];
    let err = write_zip(&dest, &files, &quiet).unwrap_err().to_string();
    assert!(
        err.contains("`media/Intro.mp4` and `media/intro.mp4` differ only in case"),
        "{err}"
    );
    assert_eq!(listing(dir.path()), Vec::<String>::new(), "nothing written");
}

#[test]
fn a_bundled_file_is_streamed_and_stored() {
    // 200 MiB of zeros (sparse): stored as is, so the archive is the file plus headers.
    const SIZE: u64 = 200 << 20;
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("big.mp4");
    File::create(&video).unwrap().set_len(SIZE).unwrap();
    let files = vec![
        OutputFile::bytes("index.html", "<video src=\"media/big.mp4\"></video>"),
        OutputFile::file("media/big.mp4", &video),
    ];
    let dest = dir.path().join("big.zip");
    let start = Instant::now();
    let written = write_zip(&dest, &files, &quiet).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "200 MiB stored in {seconds:.2} s: {:.0} MiB/s (this build's profile)",
        200.0 / seconds
    );
    assert!(
        written.bytes > SIZE && written.bytes < SIZE + 1024,
        "{} bytes",
        written.bytes
    );
    let mut archive = ZipArchive::new(File::open(&dest).unwrap()).unwrap();
    let entry = archive.by_name("media/big.mp4").unwrap();
    assert_eq!(entry.compression(), CompressionMethod::Stored);
    assert_eq!((entry.size(), entry.compressed_size()), (SIZE, SIZE));
    assert_eq!(entry.crc32(), crc_of_zeros(SIZE));
}

/// CRC-32 of `len` zero bytes, computed here without the zip crate.
fn crc_of_zeros(len: u64) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = !0u32;
    for _ in 0..len {
        crc = table[(crc & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// A lesson folder as [`write_dir`] should leave it: the files and the marker.
fn expected_tree(files: &[OutputFile]) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| (f.path.clone(), content_of(f)))
        .collect();
    out.sort();
    out
}

/// [`tree`] without the marker file.
fn content_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    tree(dir).into_iter().filter(|(p, _)| p != MARKER).collect()
}

#[test]
fn write_dir_creates_the_folder_with_its_marker() {
    let dir = tempfile::tempdir().unwrap();
    let files = sample(dir.path());
    let dest = dir.path().join("out/web");
    let written = write_dir(&dest, &files).unwrap();
    assert_eq!(written.files, files.len());
    assert_eq!(written.path, dest);
    assert_eq!(content_tree(&dest), expected_tree(&files));
    assert_eq!(
        written.bytes,
        expected_tree(&files)
            .iter()
            .map(|(_, b)| b.len() as u64)
            .sum::<u64>()
    );
    assert!(dest.join(MARKER).is_file());
    assert_eq!(listing(&dir.path().join("out")), ["web"]);
}

#[test]
fn write_dir_replaces_a_folder_it_made_and_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("web");
    write_dir(&dest, &sample(dir.path())).unwrap();
    let second = many_pages(4);
    write_dir(&dest, &second).unwrap();
    assert_eq!(
        content_tree(&dest),
        expected_tree(&second),
        "old files gone"
    );
    assert_eq!(listing(dir.path()), ["source-media", "web"]);

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    write_dir(&empty, &second).unwrap();
    assert_eq!(content_tree(&empty), expected_tree(&second));
}

#[test]
fn write_dir_refuses_a_folder_it_did_not_make() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("documents");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("thesis.txt"), "years of work").unwrap();
    let err = write_dir(&dest, &many_pages(2)).unwrap_err().to_string();
    assert!(
        err.contains("refusing to replace") && err.contains(MARKER),
        "{err}"
    );
    assert_eq!(
        tree(&dest),
        [("thesis.txt".to_string(), b"years of work".to_vec())]
    );
    assert_eq!(listing(dir.path()), ["documents"]);

    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let err = write_dir(&file, &many_pages(2)).unwrap_err().to_string();
    assert!(err.contains("something else of that name exists"), "{err}");

    let files = vec![OutputFile::bytes(".LessonPack", "x")];
    let err = write_dir(&dir.path().join("new"), &files)
        .unwrap_err()
        .to_string();
    assert!(err.contains("marker"), "{err}");
    assert_eq!(listing(dir.path()), ["documents", "file"]);
}

#[test]
fn write_dir_failure_leaves_the_previous_folder_intact() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("web");
    let first = many_pages(3);
    write_dir(&dest, &first).unwrap();
    let before = tree(&dest);

    let mut files = many_pages(10);
    files.push(OutputFile::file("media/v.mp4", dir.path().join("gone.mp4")));
    let err = format!("{:#}", write_dir(&dest, &files).unwrap_err());
    assert!(err.contains("gone.mp4"), "{err}");

    // A folder where a media file should be.
    let mut files = many_pages(10);
    let video: PathBuf = dir.path().join("v.mp4");
    std::fs::write(&video, "video").unwrap();
    files.push(OutputFile::file("media/v.mp4", &video));
    files.push(OutputFile::file("media/w.mp4", dir.path()));
    assert!(write_dir(&dest, &files).is_err());

    // A failure halfway, after the pages and one video were copied: a /proc file claims
    // 0 bytes but reads more, like a file growing during the build.
    #[cfg(target_os = "linux")]
    {
        files.pop();
        files.push(OutputFile::file("media/w.mp4", "/proc/self/status"));
        let err = format!("{:#}", write_dir(&dest, &files).unwrap_err());
        assert!(err.contains("changed during the build"), "{err}");
    }

    assert_eq!(tree(&dest), before);
    assert_eq!(
        listing(dir.path()),
        ["v.mp4", "web"],
        "no temporary folders left"
    );
}
