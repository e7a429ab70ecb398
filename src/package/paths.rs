//! Package path rules, checked before anything is written: every path must be safe in every
//! LMS and file system the package meets (lms-import rule 2), and no two paths may land on the
//! same file once extracted, on any file system.

use crate::output::{Content, OutputFile};
use std::collections::HashMap;

/// Characters refused in package paths besides spaces, controls and non-ASCII: URL syntax
/// (`?#%&`, which LMSs mangle or cut at), the Windows separator and characters Windows refuses.
const FORBIDDEN: &[u8] = b"?#%&\\:*\"<>|";

/// Why one path is not a valid package path, or `None` when it is.
pub(super) fn path_problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("it is empty".into());
    }
    if path.starts_with('/') {
        return Some("it is absolute (starts with `/`)".into());
    }
    if let Some(c) = path.chars().find(|c| !c.is_ascii()) {
        return Some(format!("it contains the non-ASCII character `{c}`"));
    }
    if path.bytes().any(|b| b.is_ascii_control()) {
        return Some("it contains a control character".into());
    }
    if path.contains(' ') {
        return Some("it contains a space".into());
    }
    if let Some(b) = path.bytes().find(|b| FORBIDDEN.contains(b)) {
        let c = b as char;
        let why = if c == '\\' {
            "use `/` to separate folders"
        } else {
            "it is not safe in LMS file names and URLs"
        };
        return Some(format!("it contains `{c}`: {why}"));
    }
    for segment in path.split('/') {
        match segment {
            "" => return Some("it has an empty segment (`//` or a trailing `/`)".into()),
            "." | ".." => return Some(format!("it has a `{segment}` segment")),
            "__MACOSX" | ".DS_Store" => {
                return Some(format!("`{segment}` is macOS metadata, not content"));
            }
            _ => {}
        }
    }
    None
}

/// Describes where a file's bytes come from, for error messages.
fn origin(file: &OutputFile) -> String {
    match &file.content {
        Content::Bytes(bytes) => format!("generated, {} bytes", bytes.len()),
        Content::File(source) => format!("from `{}`", source.display()),
    }
}

/// Checks every path and returns the indices of `files` sorted by path (byte order).
///
/// Errors list every problem: invalid paths, duplicates, paths that differ only in case, and
/// a path used both as a file and as a folder.
pub(super) fn sorted_checked(files: &[OutputFile]) -> anyhow::Result<Vec<usize>> {
    let mut problems = Vec::new();
    for file in files {
        if let Some(why) = path_problem(&file.path) {
            problems.push(format!("invalid package path `{}`: {why}", file.path));
        }
    }
    if problems.is_empty() {
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by(|&a, &b| files[a].path.as_bytes().cmp(files[b].path.as_bytes()));
        collisions(files, &order, &mut problems);
        if problems.is_empty() {
            return Ok(order);
        }
    }
    let count = problems.len();
    let list = problems
        .iter()
        .map(|p| format!("\n  - {p}"))
        .collect::<String>();
    anyhow::bail!(
        "cannot write the package: {count} bad file path{} (a bug in lessonpack, please report it):{list}",
        if count == 1 { "" } else { "s" }
    )
}

/// Adds a problem for every pair of paths that would land on the same file.
fn collisions(files: &[OutputFile], order: &[usize], problems: &mut Vec<String>) {
    // Lower-cased path -> first index that used it, as a file and as a folder.
    let mut as_file: HashMap<String, usize> = HashMap::new();
    let mut as_folder: HashMap<String, usize> = HashMap::new();
    for &i in order {
        let path = &files[i].path;
        let folded = path.to_ascii_lowercase();
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash;
            as_folder.entry(folded[..end].to_string()).or_insert(i);
            end += 1;
        }
        match as_file.get(&folded) {
            Some(&j) if files[j].path == *path => problems.push(format!(
                "duplicate package path `{path}` ({} and {})",
                origin(&files[j]),
                origin(&files[i])
            )),
            Some(&j) => problems.push(format!(
                "package paths `{}` and `{path}` differ only in case: they are the same file on \
                 Windows, macOS and in many LMSs",
                files[j].path
            )),
            None => {
                as_file.insert(folded, i);
            }
        }
    }
    let mut clashes: Vec<(usize, usize)> = as_file
        .iter()
        .filter_map(|(folded, &f)| as_folder.get(folded).map(|&d| (f, d)))
        .collect();
    clashes.sort_unstable();
    for (f, d) in clashes {
        problems.push(format!(
            "package path `{}` is a file, but `{}` needs it to be a folder",
            files[f].path, files[d].path
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_paths() {
        for ok in [
            "index.html",
            "imsmanifest.xml",
            "lessons/first-lesson/index.html",
            "media/a_b-c.1.mp4",
            ".well-known",
            "a~b+c=d,e;f@g!h'(i)$[j]",
        ] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn refuses_unsafe_paths() {
        for (bad, why) in [
            ("", "empty"),
            ("/abs", "absolute"),
            ("../x", "`..` segment"),
            ("a/../b", "`..` segment"),
            ("./a", "`.` segment"),
            ("a//b", "empty segment"),
            ("a/", "empty segment"),
            ("a\\b", "use `/`"),
            ("a b", "space"),
            ("a?b", "`?`"),
            ("a#b", "`#`"),
            ("a%20b", "`%`"),
            ("a&b", "`&`"),
            ("c:/x", "`:`"),
            ("caf\u{e9}.html", "non-ASCII"),
            ("a\tb", "control"),
            ("a\0b", "control"),
            ("__MACOSX/a", "macOS"),
            ("x/.DS_Store", "macOS"),
        ] {
            let problem = path_problem(bad).unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert!(problem.contains(why), "{bad:?}: {problem}");
        }
    }

    #[test]
    fn sorts_by_bytes() {
        let files: Vec<OutputFile> = ["z", "a/b", "a-b", "A.txt"]
            .iter()
            .map(|p| OutputFile::bytes(*p, ""))
            .collect();
        let order = sorted_checked(&files).unwrap();
        let sorted: Vec<&str> = order.iter().map(|&i| files[i].path.as_str()).collect();
        assert_eq!(sorted, ["A.txt", "a-b", "a/b", "z"]);
    }

    #[test]
    fn reports_every_collision() {
        let files = vec![
            OutputFile::bytes("a/b.html", "x"),
            OutputFile::file("a/b.html", "/src/b.html"),
            OutputFile::bytes("Index.html", ""),
            OutputFile::bytes("index.html", ""),
            OutputFile::bytes("media", ""),
            OutputFile::bytes("Media/v.mp4", ""),
        ];
        let err = sorted_checked(&files).unwrap_err().to_string();
        assert!(err.contains("3 bad file paths"), "{err}");
        assert!(
            err.contains(
                "duplicate package path `a/b.html` (generated, 1 bytes and from `/src/b.html`)"
            ),
            "{err}"
        );
        assert!(
            err.contains("`Index.html` and `index.html` differ only in case"),
            "{err}"
        );
        assert!(
            err.contains("`media` is a file, but `Media/v.mp4` needs it to be a folder"),
            "{err}"
        );
    }
}
