//! The limits of a lesson source. No real lesson comes near them (a ten-hour lecture has some
//! 18,000 caption-sized cues and a transcript of about 1 MB); they exist so that a hostile or
//! broken source is refused with an error naming the limit, and a build stays within 512 MiB
//! of memory whatever the source holds. The README lists them ("Untrusted input").

/// `module.toml` (a pasted keyword list can be long: LOM sets no length).
pub const MODULE_TOML_BYTES: u64 = 48 * 1024 * 1024;
/// One transcript file.
pub const TRANSCRIPT_BYTES: u64 = 8 * 1024 * 1024;
/// One discussion prompt file.
pub const DISCUSSION_BYTES: u64 = 1024 * 1024;
/// Cues (or paragraphs) in one transcript.
pub const CUES: usize = 20_000;
/// Lessons in one module.
pub const LESSONS: usize = 1_000;
/// All transcripts and prompts of a module together, counting a file once per lesson that
/// names it: what the pages repeat.
pub const TEXT_BYTES: u64 = 32 * 1024 * 1024;
/// One theme file (template, stylesheet or strings table).
pub const THEME_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// A bundled video or poster: files are streamed into the package, never held in memory,
/// so this only keeps a package within what zip and the LMSs take.
pub const MEDIA_BYTES: u64 = 16 * 1024 * 1024 * 1024;
