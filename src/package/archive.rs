//! The zip archive itself: generated text deflated in parallel, bundled media streamed and
//! stored, every entry written in sorted order with fixed metadata.
//!
//! Determinism: each generated entry is compressed on its own (rayon, in any order, on any
//! number of threads) into a [`PreparedZipFile`]; the results are collected by index, so they
//! are appended in sorted order and the bytes do not depend on scheduling. zip's
//! `par_append_*` helpers append in completion order and are not used.

use super::{Entry, Progress, Source};
use anyhow::Context as _;
use rayon::prelude::*;
use std::io::{Read, Seek, Write};
use zip::write::{PreparedZipFile, SimpleFileOptions};
use zip::{CompressionMethod, DateTime, System, ZIP64_BYTES_THR, ZipWriter};

/// The DEFLATE level for generated text (zlib's default).
const LEVEL: i64 = 6;

/// Size of the buffer media are streamed through: the only per-file memory the media take.
pub(super) const COPY_BUFFER: usize = 256 * 1024;

/// Below this many bytes of generated text, compressing on one thread is as fast.
const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// The time stamp of every entry: 2000-01-01 00:00:00.
///
/// Not the DOS minimum 1980-01-01 00:00: DOS times carry no zone, and readers that convert
/// them between local time and UTC turn that into a 1979 date some of them refuse or clamp.
pub(super) fn entry_time() -> DateTime {
    DateTime::from_date_and_time(2000, 1, 1, 0, 0, 0).expect("a valid DOS date")
}

/// Options shared by every entry: fixed time, `rw-r--r--`, made on Unix, no extra fields.
fn options(method: CompressionMethod) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(match method {
            CompressionMethod::Deflated => Some(LEVEL),
            _ => None,
        })
        .last_modified_time(entry_time())
        .unix_permissions(0o644)
        .system(System::Unix)
}

/// Whether an entry of `len` bytes needs the ZIP64 sizes (decided before writing it: zip
/// fails only after 4 GiB were written otherwise).
pub(super) fn needs_zip64(len: u64) -> bool {
    len >= ZIP64_BYTES_THR
}

/// Compresses one generated file; keeps it stored when DEFLATE does not make it smaller.
fn prepare(path: &str, bytes: &[u8]) -> anyhow::Result<PreparedZipFile> {
    let deflated = PreparedZipFile::from_data(path, options(CompressionMethod::Deflated), bytes)
        .with_context(|| format!("cannot compress `{path}`"))?;
    if deflated.compressed_size() < bytes.len() as u64 {
        return Ok(deflated);
    }
    PreparedZipFile::from_data(path, options(CompressionMethod::Stored), bytes)
        .with_context(|| format!("cannot store `{path}`"))
}

/// Writes `entries` (sorted, checked) as a zip archive into `out` and returns `out`.
pub(super) fn write<W: Write + Seek>(
    out: W,
    entries: &[Entry<'_>],
    progress: &dyn Fn(Progress),
) -> anyhow::Result<W> {
    let total = entries.iter().map(Entry::len).sum();
    let mut done = 0;
    progress(Progress { done, total });

    let text_bytes: usize = entries
        .iter()
        .map(|e| match e.source {
            Source::Bytes(b) => b.len(),
            Source::File { .. } => 0,
        })
        .sum();
    let compress = |entry: &Entry<'_>| match entry.source {
        Source::Bytes(bytes) => prepare(entry.path, bytes).map(Some),
        Source::File { .. } => Ok(None),
    };
    let prepared: Vec<Option<PreparedZipFile>> = if text_bytes >= PARALLEL_MIN_BYTES {
        entries.par_iter().map(compress).collect::<Result<_, _>>()?
    } else {
        entries.iter().map(compress).collect::<Result<_, _>>()?
    };

    let mut zip = ZipWriter::new(out);
    let mut buffer = vec![0; COPY_BUFFER];
    for (entry, prepared) in entries.iter().zip(prepared) {
        match (entry.source, prepared) {
            (Source::Bytes(bytes), Some(prepared)) => {
                zip.add_prepared_file(prepared)
                    .with_context(|| format!("cannot write `{}`", entry.path))?;
                done += bytes.len() as u64;
                progress(Progress { done, total });
            }
            (Source::File { path, len }, _) => {
                zip.start_file(
                    entry.path,
                    options(CompressionMethod::Stored).large_file(needs_zip64(len)),
                )
                .with_context(|| format!("cannot write `{}`", entry.path))?;
                let mut source = super::open_source(path, len)?;
                let mut copied = 0u64;
                loop {
                    let n = match source.read(&mut buffer) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            return Err(e)
                                .with_context(|| format!("cannot read `{}`", path.display()));
                        }
                    };
                    zip.write_all(&buffer[..n])
                        .with_context(|| format!("cannot write `{}`", entry.path))?;
                    copied += n as u64;
                    done += n as u64;
                    progress(Progress { done, total });
                }
                super::check_copied(path, len, copied)?;
            }
            (Source::Bytes(_), None) => unreachable!("every generated entry was prepared"),
        }
    }
    zip.finish().context("cannot finish the zip archive")
}
