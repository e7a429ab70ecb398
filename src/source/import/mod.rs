//! The page importer: turns a saved course-step page into lesson source.
//!
//! [`read_page`] sorts the blank-line separated paragraphs of a page saved as text (a
//! FutureLearn video step, say) into course and provider, "Skip to" transcript paragraphs,
//! step title, summary and discussion prompt, drops the site's chrome ("Share this video:")
//! and keeps every paragraph it cannot place in [`ImportedPage::unclassified`], with its line,
//! so nothing is lost silently. [`to_scaffold`] turns the result into a [`Scaffold`].

mod phrases;

use crate::model::Person;
use crate::source::scaffold::{Scaffold, ScaffoldLesson};
pub use phrases::marker;
use phrases::*;

/// What [`read_page`] found in a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedPage {
    /// The course title.
    pub course: Option<String>,
    /// The institution providing the course.
    pub provider: Option<String>,
    /// The step title.
    pub title: Option<String>,
    /// The step's description, paragraphs separated by a blank line.
    pub summary: Option<String>,
    /// The presenter's name, taken from the summary or the first transcript paragraph.
    pub presenter: Option<String>,
    /// Transcript paragraphs, verbatim: "Skip to" paragraphs (a paragraph between two of them
    /// is joined to the one before it), or the page's text when it has no "Skip to" paragraph.
    pub transcript: Vec<String>,
    /// The discussion prompt, verbatim, paragraphs separated by a blank line.
    pub discussion: Option<String>,
    /// Lines of site chrome that were left out.
    pub dropped: Vec<Line>,
    /// Paragraphs that could not be placed (left out), with the line they start on.
    pub unclassified: Vec<Line>,
}

impl ImportedPage {
    /// Whether the transcript is made of "Skip to" paragraphs (timed) rather than page text.
    pub fn has_markers(&self) -> bool {
        self.transcript.first().is_some_and(|p| is_skip_to(p))
    }
}

/// A line or paragraph of the page and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub line: usize,
    /// The text (a paragraph's lines are joined by `\n`).
    pub text: String,
}

/// One blank-line separated paragraph: its lines (trimmed) and the line it starts on.
#[derive(Debug, Clone)]
struct Para {
    line: usize,
    lines: Vec<String>,
}

impl Para {
    fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The paragraph on one line, whitespace collapsed.
    fn flat(&self) -> String {
        collapse(&self.lines.join(" "))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Site chrome, left out.
    Chrome,
    /// The "This content is taken from …" sentence.
    Taken,
    /// A line after "This video is from the free online course:" (course, then provider).
    Block,
    /// A "Skip to" paragraph.
    Cue,
    /// Anything else.
    Content,
}

/// Sorts the paragraphs of a saved course-step page. Tolerates a BOM, CRLF line ends and
/// trailing spaces.
pub fn read_page(text: &str) -> ImportedPage {
    let paras = paragraphs(text);
    let mut page = ImportedPage::default();
    let mut kinds: Vec<Kind> = Vec::with_capacity(paras.len());
    // The course and provider lines after "This video is from the free online course:", either
    // on the marker's own paragraph or in the paragraphs after it.
    let mut block: Vec<Line> = Vec::new();
    let mut block_wanted = 0usize;
    for p in &paras {
        let flat = p.flat();
        if block_wanted > 0 && is_name_line(p) {
            block_wanted -= 1;
            block.push(Line {
                line: p.line,
                text: flat,
            });
            kinds.push(Kind::Block);
            continue;
        }
        block_wanted = 0;
        if is_from_course_marker(&p.lines[0]) {
            page.dropped.push(Line {
                line: p.line,
                text: p.lines[0].clone(),
            });
            for (i, l) in p.lines.iter().enumerate().skip(1).take(2) {
                block.push(Line {
                    line: p.line + i,
                    text: collapse(l),
                });
            }
            if p.lines.len() > 3 {
                // More than course and provider on the marker's paragraph: keep the rest.
                page.unclassified.push(Line {
                    line: p.line + 3,
                    text: p.lines[3..].join("\n"),
                });
            }
            block_wanted = 3usize.saturating_sub(p.lines.len());
            kinds.push(Kind::Chrome);
        } else if is_chrome(&flat) {
            for (i, l) in p.lines.iter().enumerate() {
                page.dropped.push(Line {
                    line: p.line + i,
                    text: l.clone(),
                });
            }
            kinds.push(Kind::Chrome);
        } else if let Some((provider, course)) = content_taken_from(&flat) {
            if page.course.is_none() {
                page.course = Some(course);
                page.provider = provider;
            }
            kinds.push(Kind::Taken);
        } else if is_skip_to(&p.lines[0]) {
            kinds.push(Kind::Cue);
        } else {
            kinds.push(Kind::Content);
        }
    }

    // Course and provider: the "taken from" sentence wins; the block repeats it (dropped) or,
    // without the sentence, supplies it. A block line that disagrees is kept as unclassified.
    if page.course.is_none() && page.provider.is_none() {
        let mut lines = block.iter();
        if let Some(course) = lines.next() {
            page.course = Some(course.text.clone());
        }
        if let Some(provider) = lines.next() {
            page.provider = Some(strip_the(&provider.text).to_owned());
        }
        page.dropped.extend(block.iter().cloned());
    } else {
        for (i, l) in block.iter().enumerate() {
            let known = if i == 0 { &page.course } else { &page.provider };
            let same = known
                .as_deref()
                .is_some_and(|k| same_name(strip_the(k), strip_the(&l.text)));
            if same {
                page.dropped.push(l.clone());
            } else {
                page.unclassified.push(l.clone());
            }
        }
    }

    let cues: Vec<usize> = (0..paras.len())
        .filter(|&i| kinds[i] == Kind::Cue)
        .collect();
    let content_after: Vec<usize>;
    if let (Some(&first), Some(&last)) = (cues.first(), cues.last()) {
        for i in 0..first {
            if kinds[i] == Kind::Content {
                page.unclassified.push(line_of(&paras[i]));
            }
        }
        for i in first..=last {
            match kinds[i] {
                Kind::Cue => page.transcript.push(paras[i].text()),
                Kind::Content => {
                    // Between two "Skip to" paragraphs: the previous one goes on.
                    let previous = page.transcript.last_mut().expect("a cue comes first");
                    previous.push('\n');
                    previous.push_str(&paras[i].text());
                }
                _ => {}
            }
        }
        content_after = (last + 1..paras.len())
            .filter(|&i| kinds[i] == Kind::Content)
            .collect();
        classify_after_transcript(&paras, &content_after, &mut page);
    } else {
        content_after = (0..paras.len())
            .filter(|&i| kinds[i] == Kind::Content)
            .collect();
        classify_without_transcript(&paras, &content_after, &mut page);
    }

    page.presenter = page
        .summary
        .as_deref()
        .and_then(presenter_from_summary)
        .or_else(|| page.transcript.first().and_then(|t| my_name_is(t)));
    page.dropped.sort_by_key(|l| l.line);
    page.unclassified.sort_by_key(|l| l.line);
    page
}

/// Title, summary and prompt after the transcript; what does not fit is unclassified.
fn classify_after_transcript(paras: &[Para], content: &[usize], page: &mut ImportedPage) {
    let mut rest = content;
    if let Some(pos) = rest.iter().position(|&i| is_title_like(&paras[i])) {
        for &i in &rest[..pos] {
            page.unclassified.push(line_of(&paras[i]));
        }
        page.title = Some(paras[rest[pos]].flat());
        rest = &rest[pos + 1..];
    }

    // The prompt runs from the first to the last paragraph asking for a contribution. A first
    // paragraph opening like a summary ("In this video, …") is the summary even if it asks.
    let asks: Vec<usize> = (0..rest.len())
        .filter(|&k| is_prompt_like(&paras[rest[k]].flat()))
        .filter(|&k| !(k == 0 && opens_like_summary(&paras[rest[0]].flat()) && rest.len() > 1))
        .collect();
    let (summary_end, prompt) = match (asks.first(), asks.last()) {
        (Some(&a), Some(&b)) => (a, Some((a, b))),
        _ => (rest.len(), None),
    };

    let mut summary = Vec::new();
    for &i in &rest[..summary_end] {
        if is_title_like(&paras[i]) {
            page.unclassified.push(line_of(&paras[i]));
        } else {
            summary.push(paras[i].flat());
        }
    }
    if !summary.is_empty() {
        page.summary = Some(summary.join("\n\n"));
    }
    if let Some((a, b)) = prompt {
        let texts: Vec<String> = rest[a..=b].iter().map(|&i| paras[i].text()).collect();
        page.discussion = Some(texts.join("\n\n"));
        for &i in &rest[b + 1..] {
            page.unclassified.push(line_of(&paras[i]));
        }
    }
}

/// A page without "Skip to" paragraphs (an article step, say): title first, then an optional
/// "In this …" summary, the body (imported as an untimed transcript), and a closing prompt.
fn classify_without_transcript(paras: &[Para], content: &[usize], page: &mut ImportedPage) {
    let mut rest = content;
    if let Some(pos) = rest.iter().position(|&i| is_title_like(&paras[i])) {
        for &i in &rest[..pos] {
            page.unclassified.push(line_of(&paras[i]));
        }
        page.title = Some(paras[rest[pos]].flat());
        rest = &rest[pos + 1..];
    }
    if let Some(&i) = rest.first()
        && opens_like_summary(&paras[i].flat())
    {
        page.summary = Some(paras[i].flat());
        rest = &rest[1..];
    }
    let mut body_end = rest.len();
    while body_end > 0 && is_prompt_like(&paras[rest[body_end - 1]].flat()) {
        body_end -= 1;
    }
    if body_end == 0 && body_end < rest.len() {
        // Everything asks a question: keep the text as the body, not as a prompt.
        body_end = rest.len();
    }
    page.transcript = rest[..body_end].iter().map(|&i| paras[i].text()).collect();
    if body_end < rest.len() {
        let texts: Vec<String> = rest[body_end..].iter().map(|&i| paras[i].text()).collect();
        page.discussion = Some(texts.join("\n\n"));
    }
}

/// Splits `text` into paragraphs at blank lines; lines are trimmed, `\r` and a BOM removed.
fn paragraphs(text: &str) -> Vec<Para> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out: Vec<Para> = Vec::new();
    let mut current: Option<Para> = None;
    for (n, raw) in text.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            out.extend(current.take());
        } else {
            current
                .get_or_insert_with(|| Para {
                    line: n + 1,
                    lines: Vec::new(),
                })
                .lines
                .push(line.to_owned());
        }
    }
    out.extend(current);
    out
}

fn line_of(p: &Para) -> Line {
    Line {
        line: p.line,
        text: p.text(),
    }
}

/// Turns an imported page into a scaffold with one lesson, `lesson-1`, in English; the caller
/// may change the lesson id and language.
pub fn to_scaffold(page: &ImportedPage, id: &str) -> Scaffold {
    let title = page
        .title
        .clone()
        .or_else(|| page.course.clone())
        .unwrap_or_else(|| "Untitled lesson".to_owned());
    let discussion = page.discussion.as_ref().map(|d| {
        d.split("\n\n")
            .map(markdown_text)
            .collect::<Vec<_>>()
            .join("\n\n")
    });
    Scaffold {
        id: id.to_owned(),
        title: title.clone(),
        language: "en".to_owned(),
        summary: page.summary.clone(),
        course: page.course.clone(),
        provider: page.provider.clone(),
        presenters: page
            .presenter
            .iter()
            .map(|name| Person {
                name: name.clone(),
                role: None,
            })
            .collect(),
        lessons: vec![ScaffoldLesson {
            id: "lesson-1".to_owned(),
            title,
            summary: page.summary.clone(),
            transcript_file: "transcript.txt".to_owned(),
            transcript: page.transcript.join("\n\n"),
            discussion_file: discussion.as_ref().map(|_| "discussion.md".to_owned()),
            discussion,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../../tests/fixtures/lesson-page.txt");

    #[test]
    fn reads_the_sample_page() {
        let page = read_page(PAGE);
        assert_eq!(
            page.course.as_deref(),
            Some("Digital Leadership: Creating Value Through Technology")
        );
        assert_eq!(page.provider.as_deref(), Some("University of Reading"));
        assert_eq!(page.title.as_deref(), Some("An international perspective"));
        assert_eq!(page.presenter.as_deref(), Some("Vicky Weizi Li"));
        assert!(
            page.summary
                .as_deref()
                .unwrap()
                .starts_with("In this video, Vicky")
        );
        assert_eq!(page.transcript.len(), 6);
        assert!(page.transcript.iter().all(|t| t.starts_with("Skip to ")));
        assert_eq!(
            marker(&page.transcript[5]),
            "Skip to 4 minutes and 0 seconds"
        );
        assert!(
            page.discussion
                .as_deref()
                .unwrap()
                .starts_with("Now that you’ve heard")
        );
        assert!(
            page.discussion
                .as_deref()
                .unwrap()
                .ends_with("comment section below.")
        );
        assert_eq!(page.unclassified, []);
        let dropped: Vec<&str> = page.dropped.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            dropped,
            [
                "Want to keep learning?",
                "Share this video:",
                "This video is from the free online course:",
                "Digital Leadership: Creating Value Through Technology",
                "University of Reading",
            ]
        );
        assert_eq!(page.dropped[0].line, 1);
        assert!(page.has_markers());
    }

    #[test]
    fn tolerates_crlf_bom_and_trailing_spaces() {
        let crlf = format!("\u{feff}{}", PAGE.replace('\n', "  \r\n"));
        let a = read_page(PAGE);
        let b = read_page(&crlf);
        assert_eq!(a, b);
    }

    #[test]
    fn unknown_paragraphs_are_kept_with_their_line() {
        let page = read_page(
            "Skip to 0 minutes and 1 second Hello.\n\nThe middle part.\n\n\
             Skip to 0 minutes and 9 seconds Bye.\n\nA title\n\nA stray heading\n\n\
             What do you think?\n\nSomething after the prompt.\n",
        );
        assert_eq!(page.transcript.len(), 2);
        assert_eq!(
            page.transcript[0],
            "Skip to 0 minutes and 1 second Hello.\nThe middle part."
        );
        assert_eq!(page.title.as_deref(), Some("A title"));
        assert_eq!(page.discussion.as_deref(), Some("What do you think?"));
        assert_eq!(
            page.unclassified,
            [
                Line {
                    line: 9,
                    text: "A stray heading".into()
                },
                Line {
                    line: 13,
                    text: "Something after the prompt.".into()
                },
            ]
        );
    }

    #[test]
    fn text_before_the_transcript_is_unclassified() {
        let page = read_page("Stray words here.\n\nSkip to 0 minutes and 1 second Hi.\n");
        assert_eq!(page.unclassified[0].line, 1);
    }

    #[test]
    fn falls_back_to_the_course_block() {
        let page = read_page(
            "Skip to 0 minutes and 1 second Hi.\n\nShare this article:\n\n\
             This video is from the free online course:\nSome Course\nthe Open University\n",
        );
        assert_eq!(page.course.as_deref(), Some("Some Course"));
        assert_eq!(page.provider.as_deref(), Some("Open University"));
        assert_eq!(page.unclassified, []);
        assert_eq!(page.dropped.len(), 4);
    }

    #[test]
    fn a_block_that_disagrees_is_unclassified() {
        let page = read_page(
            "This content is taken from The Open University’s online course, A Course. \
             Join the course to learn more.\n\nSkip to 0 minutes and 1 second Hi.\n\n\
             This video is from the free online course:\n\nAnother Course\n",
        );
        assert_eq!(page.provider.as_deref(), Some("The Open University"));
        assert_eq!(page.course.as_deref(), Some("A Course"));
        assert_eq!(page.unclassified.len(), 1);
        assert_eq!(page.unclassified[0].text, "Another Course");
    }

    #[test]
    fn a_page_without_markers_becomes_an_untimed_transcript() {
        let page = read_page(
            "Want to keep learning?\n\nWhy it matters\n\nFirst body paragraph.\n\n\
             Second body paragraph.\n\nWhat do you think? Tell us in the comments.\n",
        );
        assert_eq!(page.title.as_deref(), Some("Why it matters"));
        assert_eq!(page.transcript.len(), 2);
        assert!(!page.has_markers());
        assert!(page.discussion.is_some());
    }

    #[test]
    fn presenters() {
        assert_eq!(
            presenter_from_summary("In this video, Vicky Weizi Li, describes x").as_deref(),
            Some("Vicky Weizi Li")
        );
        assert_eq!(
            presenter_from_summary("In this video Dr Anna Smith explains x").as_deref(),
            Some("Dr Anna Smith")
        );
        assert_eq!(presenter_from_summary("In this video, we look at x"), None);
        assert_eq!(presenter_from_summary("In this video, Anna explains"), None);
        assert_eq!(
            my_name_is("Skip to 0 minutes and 4 seconds Hello. My name is Vicky Li, and I")
                .as_deref(),
            Some("Vicky Li")
        );
    }

    #[test]
    fn chrome_variants() {
        for line in [
            "Share this article:",
            "Download video: standard or HD",
            "Download transcript (PDF)",
            "Mark as complete",
            "Comments",
            "Join the course to learn more.",
        ] {
            assert!(is_chrome(line), "{line}");
        }
        assert!(!is_chrome(
            "Share this with a friend in the comments below."
        ));
    }

    #[test]
    fn markdown_escaping() {
        assert_eq!(
            markdown_text("Use *stars* and <b>"),
            "Use \\*stars\\* and \\<b>"
        );
        assert_eq!(markdown_text("# not a heading"), "\\# not a heading");
        assert_eq!(markdown_text("1. not a list"), "1\\. not a list");
        assert_eq!(markdown_text("Plain text, fine."), "Plain text, fine.");
    }

    #[test]
    fn scaffold_from_the_sample() {
        let s = to_scaffold(&read_page(PAGE), "digital-leadership");
        assert_eq!(s.title, "An international perspective");
        assert_eq!(s.presenters[0].name, "Vicky Weizi Li");
        assert_eq!(s.lessons[0].transcript_file, "transcript.txt");
        assert_eq!(
            s.lessons[0].discussion_file.as_deref(),
            Some("discussion.md")
        );
        assert!(
            s.lessons[0]
                .transcript
                .contains("digital economy.\n\nSkip to 0 minutes and 51")
        );
    }
}
