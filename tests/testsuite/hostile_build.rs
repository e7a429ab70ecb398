//! Hostile lesson sources (a shared repository that CI builds and uploads): nothing outside
//! the lesson folder gets into a package, a pipe never hangs the build, nothing unsafe from
//! the prompt reaches a page, and oversized sources are refused by a named limit — each case
//! within 512 MiB peak memory and 10 s of CPU, measured on the child process
//! ([`crate::measure`]), with no byte of the outside file in any output and nothing written
//! outside the output folder.

use crate::build::unzip;
use crate::fixture::Fixture;
use crate::measure::{Measured, measure_in};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A marker that must never appear in an output.
const SECRET: &str = "TOP-SECRET-5b1e0c2f-outside-the-lesson-folder";

/// Runs `lessonpack <args>` in `cwd`, measured (killed after 120 s).
fn measure(cwd: &Path, args: &[&str]) -> Measured {
    measure_in(Some(cwd), args)
}

/// Builds every target of the fixture's `module/` into `<root>/out`, expecting the source to
/// be refused (exit 1) with `message` in the output, within the memory and time budget.
fn refused(fx: &Fixture, message: &str) -> Measured {
    let before = fx.snapshot();
    let run = measure(fx.root(), &["build", "module", "-o", "out"]);
    assert_eq!(run.code, Some(1), "exit status; stderr:\n{}", run.stderr);
    assert!(
        run.stderr.contains(message),
        "`{message}` not in:\n{}",
        run.stderr
    );
    run.within_budget(message);
    assert!(!fx.root().join("out").exists(), "no output folder");
    let after = fx.snapshot();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "nothing written"
    );
    run
}

/// A file outside the lesson folder, holding [`SECRET`].
fn outside_file(fx: &Fixture, name: &str) -> PathBuf {
    let dir = fx.root().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("{SECRET}\n")).unwrap();
    path
}

/// Every file of every output under `out`, zips extracted, as (name, bytes).
fn outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    let scratch = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    for rel in crate::support::files_below(out) {
        let path = out.join(&rel);
        all.push((rel.clone(), std::fs::read(&path).unwrap()));
        if rel.ends_with(".zip") || rel.ends_with(".imscc") {
            let into = scratch.path().join(&rel);
            for name in unzip(&path, &into) {
                all.push((
                    format!("{rel}!{name}"),
                    std::fs::read(into.join(&name)).unwrap(),
                ));
            }
        }
    }
    all
}

/// No output holds `needle`.
fn assert_no_output_contains(out: &Path, needle: &[u8]) {
    for (name, bytes) in outputs(out) {
        assert!(!contains(&bytes, needle), "`{name}` holds it");
    }
}

/// The live tags of an HTML text (`<` then a letter, up to `>`), lowercased. An XML file
/// carries HTML as text (a cartridge's discussion topic): in a CDATA section as it is, else
/// escaped once, so it is read as an XML parser hands it on.
fn live_tags(name: &str, bytes: &[u8]) -> Vec<String> {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if name.ends_with(".xml") {
        let mut read = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("<![CDATA[") {
            read.push_str(&unescape(&rest[..at]));
            let inner = &rest[at + 9..];
            let end = inner.find("]]>").unwrap_or(inner.len());
            read.push_str(&inner[..end]);
            rest = inner.get(end + 3..).unwrap_or_default();
        }
        read.push_str(&unescape(rest));
        text = read;
    }
    let mut tags = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest.find('>').unwrap_or(rest.len());
            tags.push(rest[..end].to_ascii_lowercase());
        }
    }
    tags
}

/// XML's five predefined references resolved.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What a case does to a fresh fixture, given the outside file.
type Breaker = Box<dyn Fn(&Fixture, &Path)>;

#[test]
fn symlinks_out_of_the_lesson_folder_are_refused_for_every_kind_of_file() {
    let cases: [(&str, &str, Breaker); 5] = [
        (
            "transcript",
            "transcript `transcript.txt` leads outside the lesson folder",
            Box::new(|fx, target| {
                std::fs::remove_file(fx.path("transcript.txt")).unwrap();
                std::os::unix::fs::symlink(target, fx.path("transcript.txt")).unwrap();
            }),
        ),
        (
            "discussion",
            "discussion prompt `discussion.md` leads outside the lesson folder",
            Box::new(|fx, target| {
                std::fs::remove_file(fx.path("discussion.md")).unwrap();
                std::os::unix::fs::symlink(target, fx.path("discussion.md")).unwrap();
            }),
        ),
        (
            "video file",
            "video file `media/lesson.mp4` leads outside the lesson folder",
            Box::new(|fx, target| {
                std::fs::create_dir_all(fx.path("media")).unwrap();
                std::os::unix::fs::symlink(target, fx.path("media/lesson.mp4")).unwrap();
                fx.replace(
                    "module.toml",
                    "url = \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"",
                    "file = \"media/lesson.mp4\"",
                );
            }),
        ),
        (
            "poster, through a linked folder",
            "poster `media/poster.jpg` leads outside the lesson folder",
            Box::new(|fx, target| {
                std::os::unix::fs::symlink(target.parent().unwrap(), fx.path("media")).unwrap();
                std::fs::rename(target, target.with_file_name("poster.jpg")).unwrap();
                fx.replace(
                    "module.toml",
                    "duration = \"1:30\"",
                    "duration = \"1:30\"\nposter = \"media/poster.jpg\"",
                );
            }),
        ),
        (
            "theme template",
            "leads outside the lesson folder",
            Box::new(|fx, target| {
                std::fs::create_dir_all(fx.path("theme")).unwrap();
                std::os::unix::fs::symlink(target, fx.path("theme/base.html")).unwrap();
            }),
        ),
    ];
    for (what, message, break_it) in cases {
        let fx = Fixture::copy("basic");
        let target = outside_file(&fx, "secret.txt");
        break_it(&fx, &target);
        let run = refused(&fx, message);
        assert!(
            run.stderr
                .contains("copy the file into the folder holding `module.toml`"),
            "{what}: the help says what to do:\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_link_inside_the_folder_is_fine_and_unnamed_links_are_never_read() {
    let fx = Fixture::copy("basic");
    std::fs::rename(fx.path("transcript.txt"), fx.path("real.txt")).unwrap();
    std::os::unix::fs::symlink("real.txt", fx.path("transcript.txt")).unwrap();
    // Links the source does not name, to a file and a folder outside: not swept in.
    let secret = outside_file(&fx, "secret.txt");
    std::os::unix::fs::symlink(&secret, fx.path("notes.txt")).unwrap();
    std::os::unix::fs::symlink(secret.parent().unwrap(), fx.path("theme")).unwrap();
    let run = measure(fx.root(), &["build", "module", "-o", "out"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.within_budget("build");
    assert_no_output_contains(&fx.root().join("out"), SECRET.as_bytes());
    let written = crate::support::files_below(fx.root());
    assert!(
        written.iter().all(|f| f.starts_with("out/")
            || f.starts_with("module/")
            || f.starts_with("elsewhere/")),
        "{written:?}"
    );
}

#[test]
fn a_named_pipe_is_refused_at_once() {
    let fx = Fixture::copy("basic");
    std::fs::remove_file(fx.path("transcript.txt")).unwrap();
    let made = Command::new("mkfifo")
        .arg(fx.path("transcript.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    // (Not `refused`: its snapshot of the folder would itself wait on the pipe.)
    let run = measure(fx.root(), &["build", "module", "-o", "out"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("transcript `transcript.txt` is a named pipe, not a regular file"),
        "{}",
        run.stderr
    );
    run.within_budget("build");
    assert!(!fx.root().join("out").exists());
}

#[test]
fn dangerous_links_in_the_prompt_reach_no_output() {
    let fx = Fixture::copy("basic");
    fx.write(
        "discussion.md",
        "Share one example.\n\n[Read more](javascript:alert(document.cookie)) and \
         [this](JAVASCRIPT:x) or [that](data:text/html;base64,PHNjcmlwdD4=) \
         <a href=\"javascript:y\" onmouseover=\"z()\">raw</a> <script>alert(1)</script>\n\n\
         <iframe src=\"https://evil.example\"></iframe> ![pixel](https://evil.example/p.gif)\n\n\
         [Fine](https://example.org/reading)\n",
    );
    let run = measure(fx.root(), &["build", "module", "-o", "out"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.within_budget("build");
    let out = fx.root().join("out");
    // As live markup (written as text, escaped, they are harmless and stay visible): in the
    // prompt of every page and in the cartridge's topic, only the allowlist's elements, no
    // event handler, links only to http(s) and mailto.
    let allowed = [
        "p",
        "em",
        "strong",
        "del",
        "a",
        "ul",
        "ol",
        "li",
        "code",
        "pre",
        "blockquote",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "hr",
    ];
    let mut prompts = 0;
    for (name, bytes) in outputs(&out) {
        let text = String::from_utf8_lossy(&bytes);
        let region = if name.ends_with(".html") {
            match (
                text.find("<div class=\"lp-prompt\">"),
                text.find("<form id=\"lp-response-form\">"),
            ) {
                (Some(a), Some(b)) => text[a + 23..b].to_string(),
                _ => continue,
            }
        } else if name.contains("discussions/") && name.ends_with(".xml") {
            text.into_owned()
        } else {
            continue;
        };
        let tags = live_tags(&name, region.as_bytes());
        let tags: Vec<&String> = tags
            .iter()
            .filter(|t| {
                !t.starts_with("text ")
                    && !t.starts_with("title>")
                    && !t.starts_with("topic ")
                    && !t.starts_with("?xml")
                    && *t != "title"
            })
            .collect();
        prompts += 1;
        assert!(
            tags.iter()
                .any(|t| t.contains("href=\"https://example.org/reading\"")),
            "`{name}`: the safe link is kept"
        );
        for tag in tags {
            let mut words = tag.split_whitespace();
            let element = words.next().unwrap_or_default();
            assert!(allowed.contains(&element), "`{name}`: <{tag}>");
            for attr in words {
                assert!(
                    attr.starts_with("href=\"https://")
                        || attr.starts_with("href=\"mailto:")
                        || attr.starts_with("rel=")
                        || attr.starts_with("noreferrer"),
                    "`{name}`: <{tag}>"
                );
            }
        }
    }
    // The prompt is in every page (scorm12, scorm2004, cmi5, web, the cartridge's page) and
    // the cartridge's topic.
    assert!(
        prompts >= 6,
        "the prompt was checked in {prompts} documents"
    );
    // The safe link is kept, in the page of every target.
    let web = out.join("basic-module-web/lessons/first-lesson/index.html");
    let page = std::fs::read_to_string(web).unwrap();
    assert!(
        page.contains(
            "<a href=\"https://example.org/reading\" rel=\"noopener noreferrer\">Fine</a>"
        )
    );
}

#[test]
fn a_million_cue_transcript_is_refused_by_the_cue_limit() {
    let fx = Fixture::copy("basic");
    let mut vtt = String::from("WEBVTT\n\n");
    for i in 0..1_000_000u64 {
        let (a, b) = (i * 10, i * 10 + 9);
        vtt.push_str(&format!(
            "{:02}:{:02}:{:02}.{:03} --> {:02}:{:02}:{:02}.{:03}\nw\n\n",
            a / 3_600_000,
            a / 60_000 % 60,
            a / 1000 % 60,
            a % 1000,
            b / 3_600_000,
            b / 60_000 % 60,
            b / 1000 % 60,
            b % 1000
        ));
    }
    fx.write("transcript.vtt", &vtt);
    fx.replace("module.toml", "transcript.txt", "transcript.vtt");
    fx.replace(
        "module.toml",
        "duration = \"1:30\"",
        "duration = \"3:00:00\"",
    );
    // 1,000,000 cues is more than the 8 MiB a transcript may be: shorten it to 30,000 cues
    // (still past the cue limit) to reach the cue count check too.
    refused(&fx, "more than the 8.0 MiB a transcript may be");
    let short: String = vtt.split_inclusive("\n\n").take(30_001).collect();
    fx.write("transcript.vtt", &short);
    refused(
        &fx,
        "the transcript has 30000 cues, more than the 20000 a lesson may have",
    );
}

#[test]
fn oversized_and_overcounted_sources_are_refused_by_named_limits() {
    // A 9 MiB discussion prompt.
    let fx = Fixture::copy("basic");
    fx.write("discussion.md", "word ".repeat(9 * 1024 * 1024 / 5));
    refused(&fx, "more than the 1.0 MiB a discussion prompt may be");

    // 1,001 lessons.
    let fx = Fixture::copy("basic");
    let mut toml = fx.read("module.toml");
    let lesson = toml.split_off(toml.find("[[lessons]]").unwrap());
    let lesson = lesson.replace("[lessons.video]\nurl = \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"\nduration = \"1:30\"\n", "");
    for i in 0..1_001 {
        toml.push_str(&lesson.replace("first-lesson", &format!("lesson-{i}")));
        toml.push('\n');
    }
    fx.write("module.toml", &toml);
    refused(
        &fx,
        "the module has 1001 lessons, more than the 1000 a module may have",
    );

    // 900 lessons naming the same 200 KB transcript: 187 MB of text for the pages to repeat.
    let fx = Fixture::copy("basic");
    let mut toml = fx.read("module.toml");
    let lesson = toml.split_off(toml.find("[[lessons]]").unwrap());
    for i in 0..900 {
        toml.push_str(&lesson.replace("first-lesson", &format!("lesson-{i}")));
        toml.push('\n');
    }
    fx.write("module.toml", &toml);
    fx.write(
        "transcript.txt",
        "A paragraph of the transcript.\n\n".repeat(6_500),
    );
    refused(
        &fx,
        "the transcripts and prompts of this module add up to more than 32.0 MiB",
    );
}
