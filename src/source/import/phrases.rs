//! Phrases of course-step pages: site chrome, "Skip to" markers, course and provider
//! sentences, titles, summaries, prompts and presenter names.

use super::Para;

pub(super) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Skip to ` followed by a digit.
pub(super) fn is_skip_to(s: &str) -> bool {
    s.strip_prefix("Skip to ")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// The marker of a "Skip to" paragraph: `Skip to 1 minute and 41 seconds`.
pub fn marker(paragraph: &str) -> &str {
    let mut end = 0;
    for (i, word) in paragraph.split_whitespace().enumerate() {
        let start = paragraph[end..].find(word).map_or(end, |p| end + p);
        end = start + word.len();
        if word.starts_with("second") || i >= 9 {
            break;
        }
    }
    &paragraph[..end]
}

/// Fixed lines of the course site's pages, left out of the lesson. Kept small: each is a
/// button, heading or banner of a saved FutureLearn step page, never lesson content.
pub(super) fn is_chrome(flat: &str) -> bool {
    const EXACT: [&str; 4] = [
        "Want to keep learning?",
        "Mark as complete",
        "Mark as incomplete",
        "Comments",
    ];
    if EXACT.iter().any(|e| flat.eq_ignore_ascii_case(e)) {
        return true;
    }
    // "Share this video:", "Share this article:", "Share this step:"
    if let Some(rest) = flat.strip_prefix("Share this ")
        && let Some(what) = rest.strip_suffix(':')
    {
        return !what.contains(' ') && what.len() <= 12;
    }
    // "Download video: standard or HD", "Download transcript (PDF)"
    if (flat.starts_with("Download video") || flat.starts_with("Download transcript"))
        && flat.len() <= 80
    {
        return true;
    }
    // "Join the course to learn more." and similar calls to action on their own.
    (flat.starts_with("Join the course") || flat.starts_with("Join this course"))
        && flat.len() <= 80
}

/// "This video is from the free online course:" (or article, step; "free" optional).
pub(super) fn is_from_course_marker(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("This ") else {
        return false;
    };
    let Some((what, rest)) = rest.split_once(' ') else {
        return false;
    };
    !what.is_empty()
        && what.chars().all(|c| c.is_ascii_lowercase())
        && matches!(
            rest,
            "is from the free online course:" | "is from the online course:"
        )
}

/// A course or provider line in the block after the marker: one short line, no sentence end.
pub(super) fn is_name_line(p: &Para) -> bool {
    p.lines.len() == 1
        && p.lines[0].chars().count() <= 150
        && !p.lines[0].ends_with(['.', '?', '!'])
}

/// "This content is taken from the University of Reading's online course, COURSE. Join the
/// course to learn more." → (provider, course).
pub(super) fn content_taken_from(flat: &str) -> Option<(Option<String>, String)> {
    let rest = flat.strip_prefix("This content is taken from ")?;
    let (owner, course) = rest.split_once(" online course, ")?;
    let owner = owner.strip_suffix(" free").unwrap_or(owner);
    let provider = owner
        .strip_suffix("'s")
        .or_else(|| owner.strip_suffix("’s"))
        .or_else(|| owner.strip_suffix('\''))
        .or_else(|| owner.strip_suffix('’'))
        .map(|p| strip_the(p).trim().to_owned())
        .filter(|p| !p.is_empty());
    let course = course.trim();
    let course = course
        .strip_suffix("Join the course to learn more.")
        .unwrap_or(course)
        .trim_end();
    let course = course.strip_suffix('.').unwrap_or(course).trim();
    if course.is_empty() {
        return None;
    }
    Some((provider, course.to_owned()))
}

/// Drops a leading lowercase "the ".
pub(super) fn strip_the(s: &str) -> &str {
    s.strip_prefix("the ").unwrap_or(s)
}

pub(super) fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        collapse(s)
            .trim_end_matches('.')
            .replace('’', "'")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// A heading: one line of at most 100 characters, not ending like a sentence.
pub(super) fn is_title_like(p: &Para) -> bool {
    p.lines.len() == 1
        && p.lines[0].chars().count() <= 100
        && !p.lines[0].ends_with(['.', '?', '!', ':'])
}

pub(super) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Asks the learner to contribute: a question, or an invitation to comment, share, discuss…
pub(super) fn is_prompt_like(flat: &str) -> bool {
    if flat.contains('?') {
        return true;
    }
    let words = words(flat);
    const SINGLE: [&str; 6] = ["comment", "comments", "share", "discuss", "post", "reply"];
    const PAIRS: [[&str; 2]; 2] = [["tell", "us"], ["let", "us"]];
    words.iter().any(|w| SINGLE.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| PAIRS.iter().any(|p| pair[0] == p[0] && pair[1] == p[1]))
}

/// "In this video, …", "In this step …", "This article …".
pub(super) fn opens_like_summary(flat: &str) -> bool {
    ["In this ", "This video ", "This article ", "This step "]
        .iter()
        .any(|p| flat.starts_with(p))
}

pub(super) const PRESENTER_VERBS: [&str; 10] = [
    "describes",
    "explains",
    "talks",
    "discusses",
    "introduces",
    "presents",
    "gives",
    "outlines",
    "shares",
    "looks",
];

/// "In this video, NAME[,] describes …" → NAME (2 to 5 capitalised words).
pub(super) fn presenter_from_summary(summary: &str) -> Option<String> {
    let rest = [
        "In this video, ",
        "In this video ",
        "In this step, ",
        "In this step ",
    ]
    .iter()
    .find_map(|p| summary.strip_prefix(p))?;
    let mut name: Vec<&str> = Vec::new();
    let mut ended = false;
    for word in rest.split_whitespace() {
        if ended || PRESENTER_VERBS.contains(&word) {
            return (PRESENTER_VERBS.contains(&word) && (2..=5).contains(&name.len()))
                .then(|| name.join(" "));
        }
        let bare = word.strip_suffix(',').unwrap_or(word);
        if !is_capitalised(bare) || name.len() == 5 {
            return None;
        }
        name.push(bare);
        ended = bare.len() < word.len();
    }
    None
}

/// "My name is NAME" at the start of the first transcript paragraph → NAME.
pub(super) fn my_name_is(cue: &str) -> Option<String> {
    let at = cue.find("My name is ")?;
    if at > 80 {
        return None;
    }
    let mut name: Vec<&str> = Vec::new();
    for word in cue[at + "My name is ".len()..].split_whitespace() {
        let bare = word.trim_end_matches([',', '.', ';', '!']);
        if !is_capitalised(bare) {
            break;
        }
        name.push(bare);
        if bare.len() < word.len() || name.len() == 5 {
            break;
        }
    }
    (2..=5).contains(&name.len()).then(|| name.join(" "))
}

pub(super) fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
}

/// Escapes the characters that would turn page text into Markdown markup.
pub(super) fn markdown_text(paragraph: &str) -> String {
    paragraph
        .split('\n')
        .map(markdown_line)
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn markdown_line(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let list_marker = (1..=9).contains(&digits) && line[digits..].starts_with(['.', ')']);
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        let special = matches!(c, '\\' | '*' | '_' | '`' | '<' | '[' | ']')
            || (i == 0 && matches!(c, '#' | '>' | '-' | '+' | '=' | '|'))
            || (list_marker && i == digits);
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
