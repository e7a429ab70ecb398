//! Diagnostics: problems the user can fix, each with a position in a file and a hint.
//!
//! Positions are stored as byte ranges; a [`LineIndex`] turns them into 1-based line and
//! character column only when a report is printed (`path:line:col`), as compilers do.

use crate::lms::{Lms, LmsSet};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build; exit code 1.
    Error,
    /// Worth knowing; the build goes on.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where in which file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The file, as the user named it (relative paths stay relative).
    pub path: PathBuf,
    /// Byte range in the file; empty ranges point between two bytes.
    pub range: Range<usize>,
}

/// One problem found in the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line, lowercase start, no trailing period; names in backticks.
    pub message: String,
    /// The position, when there is one.
    pub label: Option<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// The stable rule code (`PKG001`), for findings of `validate`; `lessonpack explain CODE`.
    pub code: Option<&'static str>,
    /// The LMSs the finding affects (empty: every LMS, or none in particular).
    pub lms: LmsSet,
}

impl Diagnostic {
    /// An error with a message and no position yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            label: None,
            help: None,
            code: None,
            lms: LmsSet::default(),
        }
    }

    /// A warning with a message and no position yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at `range` in `path`.
    pub fn at(mut self, path: impl Into<PathBuf>, range: Range<usize>) -> Self {
        self.label = Some(Label {
            path: path.into(),
            range,
        });
        self
    }

    /// Tags the finding with its rule code.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Names the LMSs the finding affects.
    pub fn with_lms(mut self, lms: impl IntoIterator<Item = Lms>) -> Self {
        self.lms = lms.into_iter().collect();
        self
    }

    /// Adds a hint saying what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Diagnostics together with the text of the files they point into.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// All findings, in the order they were found.
    pub diagnostics: Vec<Diagnostic>,
    /// The files the findings point into.
    pub sources: SourceMap,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// How many findings have the given severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Adds one finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Renders every finding, rustc style, with the source line and a caret.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&render_one(d, &self.sources));
        }
        out
    }
}

/// The bytes of each file a diagnostic may point into, with each file's line index built
/// once (a report with a finding per line of a large manifest stays linear).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: BTreeMap<PathBuf, Source>,
}

#[derive(Debug, Default, Clone)]
struct Source {
    bytes: Vec<u8>,
    lines: std::sync::OnceLock<LineIndex>,
}

impl SourceMap {
    /// Remembers the content of `path`.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        let source = Source {
            bytes: bytes.into(),
            lines: std::sync::OnceLock::new(),
        };
        self.files.insert(path.into(), source);
    }

    /// The content of `path`, if remembered.
    pub fn get(&self, path: &Path) -> Option<&[u8]> {
        self.files.get(path).map(|s| s.bytes.as_slice())
    }

    /// The content of `path` and its line index (built on first use), if remembered.
    pub fn lines(&self, path: &Path) -> Option<(&[u8], &LineIndex)> {
        let source = self.files.get(path)?;
        let index = source.lines.get_or_init(|| LineIndex::new(&source.bytes));
        Some((&source.bytes, index))
    }
}

/// Line starts of one file, for turning byte offsets into line and column.
///
/// Columns count characters from the line start; on a long line (a manifest written on one
/// line, or a hostile one) counting from the start for every finding would cost the line's
/// length each time, so the characters before every [`CHECKPOINT`]-th byte are kept too.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters from the start of its line to byte `k * CHECKPOINT`, for each `k`.
    marks: Vec<usize>,
}

/// Bytes between two column checkpoints.
const CHECKPOINT: usize = 4096;

/// How many characters `bytes` hold (UTF-8: every byte that is not a continuation byte).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    /// Indexes the line starts (and column checkpoints) of `bytes`.
    pub fn new(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        let mut marks = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
        let mut col = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if i % CHECKPOINT == 0 {
                marks.push(col);
            }
            if b == b'\n' {
                starts.push(i + 1);
                col = 0;
            } else if (b as i8) >= -0x40 {
                col += 1;
            }
        }
        LineIndex { starts, marks }
    }

    /// 1-based line and 1-based column (in characters) of byte `offset` of `bytes`.
    pub fn line_col(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(bytes.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let mark = offset / CHECKPOINT;
        let col = match self.marks.get(mark) {
            Some(&chars) if mark * CHECKPOINT > start => {
                chars + chars_in(&bytes[mark * CHECKPOINT..offset])
            }
            _ => chars_in(&bytes[start..offset]),
        };
        (line + 1, col + 1)
    }

    /// Byte range of line `line` (1-based) without its line break.
    pub fn line_range(&self, bytes: &[u8], line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).map_or(bytes.len(), |&next| next - 1);
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }
}

/// `path:line:col` of a label, or just the path when its file is not in the map.
pub fn location(label: &Label, sources: &SourceMap) -> String {
    match sources.lines(&label.path) {
        Some((bytes, index)) => {
            let (line, col) = index.line_col(bytes, label.range.start);
            format!("{}:{line}:{col}", label.path.display())
        }
        None => label.path.display().to_string(),
    }
}

fn render_one(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut out = String::new();
    let kind = d.severity.as_str();
    match d.code {
        Some(code) => {
            let _ = writeln!(out, "{kind}[{code}]: {}", d.message);
        }
        None => {
            let _ = writeln!(out, "{kind}: {}", d.message);
        }
    }
    let mut gutter = 1;
    if let Some(label) = &d.label {
        let _ = writeln!(out, "  --> {}", location(label, sources));
        if let Some((bytes, index)) = sources.lines(&label.path) {
            let (text, width) = snippet(bytes, index, &label.range);
            out.push_str(&text);
            gutter = width;
        }
    }
    if !d.lms.is_empty() {
        let names: Vec<&str> = d.lms.iter().map(Lms::label).collect();
        let _ = writeln!(
            out,
            "{} = affects: {}",
            " ".repeat(gutter),
            names.join(", ")
        );
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{} = help: {help}", " ".repeat(gutter));
    }
    out.push('\n');
    out
}

/// The longest line a snippet shows whole: a longer one (a one-line manifest, a hostile
/// document) is cut to a window of [`SNIPPET_WINDOW`] bytes around the range, marked `…`,
/// so a report costs no more than its findings whatever the lines.
const SNIPPET_LINE: usize = 1024;
/// The bytes of a long line a snippet shows.
const SNIPPET_WINDOW: usize = 240;

/// The line holding `range.start`, with carets under the part of it that `range` covers,
/// and the width of the line-number gutter.
fn snippet(bytes: &[u8], index: &LineIndex, range: &Range<usize>) -> (String, usize) {
    let (line, col) = index.line_col(bytes, range.start);
    let mut shown = index.line_range(bytes, line);
    let mut col = col;
    let (mut before, mut after) = ("", "");
    if shown.len() > SNIPPET_LINE {
        // A window from a little before the range, on character boundaries.
        let boundary = |mut at: usize| {
            while at < bytes.len() && (bytes[at] as i8) < -0x40 {
                at += 1;
            }
            at
        };
        let start = boundary(
            range
                .start
                .min(shown.end)
                .saturating_sub(40)
                .max(shown.start),
        );
        let end = boundary((start + SNIPPET_WINDOW).min(shown.end)).min(shown.end);
        if start > shown.start {
            before = "…";
            col = chars_in(&bytes[start..range.start.max(start)]) + 2;
        }
        if end < shown.end {
            after = "…";
        }
        shown = start..end;
    }
    let text = String::from_utf8_lossy(&bytes[shown.clone()]).replace('\t', " ");
    // The range may start past the shown text (at a line break, or the end of the file).
    let start = range.start.clamp(shown.start, shown.end);
    let end = range.end.clamp(start, shown.end);
    let width = chars_in(&bytes[start..end]).max(1);
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    let text = format!(
        "{pad} |\n{line} | {before}{text}{after}\n{pad} | {}{}\n",
        " ".repeat(col - 1),
        "^".repeat(width)
    );
    (text, gutter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "ab\nçd\r\nef".as_bytes();
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 3), (2, 1));
        assert_eq!(index.line_col(text, 5), (2, 2)); // after the two-byte ç
        assert_eq!(index.line_col(text, 8), (3, 1));
        assert_eq!(index.line_range(text, 2), 3..6);
        // Past a checkpoint on a long line, the column is the same as counted from the start.
        let long = format!("x\n{}<é>", "ç".repeat(3 * CHECKPOINT));
        let index = LineIndex::new(long.as_bytes());
        let at = long.find('<').unwrap();
        assert_eq!(index.line_col(long.as_bytes(), at), (2, 3 * CHECKPOINT + 1));
        assert_eq!(
            index.line_col(long.as_bytes(), at + 1),
            (2, 3 * CHECKPOINT + 2)
        );
    }

    #[test]
    fn snippets_of_long_lines_are_cut_around_the_range() {
        let line = format!("{}<bad>{}", "a".repeat(10_000), "b".repeat(10_000));
        let mut report = Report::default();
        report.sources.insert("m.xml", line.clone());
        report.push(Diagnostic::error("here").at("m.xml", 10_000..10_005));
        let text = report.render();
        assert!(text.contains("--> m.xml:1:10001"), "{text}");
        let shown = text.lines().find(|l| l.starts_with("1 | ")).unwrap();
        assert!(
            shown.len() < 400 && shown.contains("…") && shown.contains("<bad>"),
            "{shown}"
        );
        let carets = text.lines().find(|l| l.contains('^')).unwrap();
        let caret_col = carets.find('^').unwrap();
        assert_eq!(
            &shown[caret_col + 2..caret_col + 7],
            "<bad>",
            "{shown}\n{carets}"
        );
    }

    #[test]
    fn render_shows_location_snippet_and_help() {
        let mut report = Report::default();
        report
            .sources
            .insert("m/module.toml", "id = \"x\"\ntitel = \"T\"\n");
        report.push(
            Diagnostic::error("unknown key `titel`")
                .at("m/module.toml", 9..14)
                .with_help("did you mean `title`?"),
        );
        let text = report.render();
        assert!(text.contains("error: unknown key `titel`"), "{text}");
        assert!(text.contains("--> m/module.toml:2:1"), "{text}");
        assert!(text.contains("2 | titel = \"T\"\n  | ^^^^^"), "{text}");
        assert!(text.contains("\n  = help: did you mean `title`?"), "{text}");
    }

    #[test]
    fn a_range_past_the_end_of_its_line_renders() {
        // Found by the `module_toml` fuzz target: a TOML error at the end of a file whose
        // last byte is a lone carriage return, past the line's shown text.
        let text = b"# A small valid lesson source\r".to_vec();
        for range in [29..30, 30..30, 29..29, 30..31, 0..30] {
            let mut report = Report::default();
            report.sources.insert("m/module.toml", text.clone());
            report.push(Diagnostic::error("expected `=`").at("m/module.toml", range.clone()));
            let shown = report.render();
            assert!(shown.contains("^"), "{range:?}: {shown}");
        }
    }
}
