//! `lessonpack import` and `lessonpack init`, run as the real binary.

use assert_cmd::Command;
use lessonpack::source::module_toml::ModuleToml;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lesson-page.txt")
}

fn lessonpack(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("lessonpack").unwrap();
    cmd.current_dir(cwd);
    cmd
}

fn parse(dir: &Path) -> ModuleToml {
    let text = fs::read_to_string(dir.join("module.toml")).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The page's paragraphs (blank-line separated, trimmed).
fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

#[test]
fn imports_the_sample_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("digital");
    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("could not classify").not())
        .stderr(predicate::str::contains("Vicky Weizi Li"))
        .stderr(predicate::str::contains("6 paragraphs"));

    let module = parse(&out);
    assert_eq!(module.id.get_ref(), "digital");
    assert_eq!(module.title.get_ref(), "An international perspective");
    assert_eq!(module.language.get_ref(), "en");
    assert_eq!(
        module.course.as_deref(),
        Some("Digital Leadership: Creating Value Through Technology")
    );
    assert_eq!(module.provider.as_deref(), Some("University of Reading"));
    assert_eq!(module.presenters.len(), 1);
    assert_eq!(module.presenters[0].name.get_ref(), "Vicky Weizi Li");
    let lessons = module.lessons.get_ref();
    assert_eq!(lessons.len(), 1);
    assert_eq!(lessons[0].id.get_ref(), "lesson-1");
    assert_eq!(lessons[0].title.get_ref(), "An international perspective");
    assert!(
        lessons[0]
            .summary
            .as_deref()
            .is_some_and(|s| s.starts_with("In this video, Vicky Weizi Li"))
    );

    let page = fs::read_to_string(fixture()).unwrap();
    let paras = paragraphs(&page);
    let skip_to: Vec<&str> = paras
        .iter()
        .filter(|p| p.starts_with("Skip to"))
        .map(String::as_str)
        .collect();
    assert_eq!(skip_to.len(), 6);
    let transcript = fs::read_to_string(out.join(lessons[0].transcript.get_ref())).unwrap();
    assert_eq!(words(&transcript), words(&skip_to.join("\n\n")));
    assert_eq!(paragraphs(&transcript), skip_to);
    assert!(transcript.ends_with('\n'));

    let prompt = paras
        .iter()
        .find(|p| p.starts_with("Now that you"))
        .unwrap();
    let discussion_file = lessons[0].discussion.as_ref().unwrap().get_ref();
    let discussion = fs::read_to_string(out.join(discussion_file)).unwrap();
    assert_eq!(discussion, format!("{prompt}\n"));

    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["digital"], "no temporary folder left behind");
}

#[test]
fn defaults_to_a_folder_named_after_the_page_and_takes_options() {
    let tmp = tempfile::tempdir().unwrap();
    fs::copy(fixture(), tmp.path().join("Step 1.4 China.txt")).unwrap();
    lessonpack(tmp.path())
        .args([
            "import",
            "Step 1.4 China.txt",
            "--lesson-id",
            "china",
            "--language",
            "en-GB",
        ])
        .assert()
        .success();
    let module = parse(&tmp.path().join("Step 1.4 China"));
    assert_eq!(module.id.get_ref(), "step-1-4-china");
    assert_eq!(module.language.get_ref(), "en-GB");
    assert_eq!(module.lessons.get_ref()[0].id.get_ref(), "china");
}

#[test]
fn reports_an_unknown_paragraph_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let page = fs::read_to_string(fixture()).unwrap();
    // Insert a stray paragraph after the prompt, before "Share this video:".
    let modified = page.replace("Share this video:", "Posted by a bot\n\nShare this video:");
    let line = modified
        .lines()
        .position(|l| l == "Posted by a bot")
        .unwrap()
        + 1;
    fs::write(tmp.path().join("page.txt"), modified).unwrap();
    lessonpack(tmp.path())
        .args(["import", "page.txt", "--id", "china"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: line {line}: could not classify: «Posted by a bot» (left out; add it by \
             hand if it belongs)"
        )));
    let discussion = fs::read_to_string(tmp.path().join("page/discussion.md")).unwrap();
    assert!(!discussion.contains("Posted by a bot"));
}

#[test]
fn lists_dropped_chrome_only_when_verbose() {
    let tmp = tempfile::tempdir().unwrap();
    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .assert()
        .success()
        .stderr(predicate::str::contains("dropped line").not());
    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .args(["--force", "--verbose"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "dropped line 1: Want to keep learning?",
        ));
}

#[test]
fn refuses_a_non_empty_folder_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("lesson");
    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .args(["-o", "lesson"])
        .assert()
        .success();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = fs::read_to_string(out.join("module.toml")).unwrap();

    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .args(["-o", "lesson", "--id", "other"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`lesson`"))
        .stderr(predicate::str::contains("use `--force`"));
    assert_eq!(fs::read_to_string(out.join("module.toml")).unwrap(), before);
    assert!(out.join("notes.txt").exists());

    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .args(["-o", "lesson", "--id", "other", "--force"])
        .assert()
        .success();
    assert!(!out.join("notes.txt").exists());
    assert_eq!(parse(&out).id.get_ref(), "other");
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .args(["--id", "Bad_Id"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`--id`"));
    lessonpack(tmp.path())
        .args(["import", "missing.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("could not read `missing.txt`"));
    fs::write(
        tmp.path().join("123.txt"),
        "Skip to 0 minutes and 1 second Hi.\n",
    )
    .unwrap();
    lessonpack(tmp.path())
        .args(["import", "123.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use `--id`"));
    assert!(!tmp.path().join("123").exists());
}

#[test]
fn a_page_that_is_not_utf8_names_the_bad_byte() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("page.txt"),
        b"Skip to 0 minutes\n\nCaf\xe9 time\n",
    )
    .unwrap();
    lessonpack(tmp.path())
        .args(["import", "page.txt"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`page.txt`"))
        .stderr(predicate::str::contains("line 3, column 4"));
    assert!(!tmp.path().join("page").exists());
}

#[test]
fn a_page_without_skip_to_paragraphs_is_imported_untimed() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("article.txt"),
        "Why it matters\n\nFirst paragraph of the article.\n\nSecond paragraph.\n\n\
         What do you think? Tell us in the comments.\n\nShare this article:\n",
    )
    .unwrap();
    lessonpack(tmp.path())
        .args(["import", "article.txt"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no \"Skip to\" paragraphs found"));
    let dir = tmp.path().join("article");
    assert_eq!(parse(&dir).title.get_ref(), "Why it matters");
    assert_eq!(
        fs::read_to_string(dir.join("transcript.txt")).unwrap(),
        "First paragraph of the article.\n\nSecond paragraph.\n"
    );
}

#[test]
fn a_page_with_no_text_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("empty.txt"), "Want to keep learning?\n\n").unwrap();
    lessonpack(tmp.path())
        .args(["import", "empty.txt"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("found no transcript text"));
    assert!(!tmp.path().join("empty").exists());
}

#[test]
fn init_creates_a_folder_that_parses_and_refuses_a_second_time() {
    let tmp = tempfile::tempdir().unwrap();
    lessonpack(tmp.path())
        .arg("init")
        .assert()
        .success()
        .stderr(predicate::str::contains("lessonpack check module"));
    let dir = tmp.path().join("module");
    let module = parse(&dir);
    assert_eq!(module.id.get_ref(), "module");
    assert_eq!(module.title.get_ref(), "Untitled module");
    assert_eq!(module.language.get_ref(), "en");
    assert_eq!(module.lessons.get_ref()[0].id.get_ref(), "lesson-1");
    let transcript = fs::read_to_string(dir.join("transcript.txt")).unwrap();
    assert_eq!(
        paragraphs(&transcript)
            .iter()
            .filter(|p| p.starts_with("Skip to "))
            .count(),
        2
    );
    assert!(dir.join("discussion.md").is_file());

    lessonpack(tmp.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use `--force`"));
    lessonpack(tmp.path())
        .args(["init", "--force", "--id", "intro"])
        .assert()
        .success();
    assert_eq!(parse(&dir).id.get_ref(), "intro");
}

#[test]
fn init_names_the_module_after_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    lessonpack(tmp.path())
        .args(["init", "Week 2/Digital Leadership"])
        .assert()
        .success();
    assert_eq!(
        parse(&tmp.path().join("Week 2/Digital Leadership"))
            .id
            .get_ref(),
        "digital-leadership"
    );
}

/// The acceptance path: import the sample page, `check` the result, and load it: the cue
/// times are the page's "Skip to" markers and the cue text is the page's transcript text.
#[test]
fn imported_sample_checks_and_keeps_times_and_words() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    lessonpack(tmp.path())
        .arg("import")
        .arg(fixture())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    lessonpack(tmp.path())
        .args(["check", "x"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("6 cues"));

    let loaded = lessonpack::source::load(&out).unwrap();
    assert!(!loaded.report.has_errors(), "{}", loaded.report.render());
    let module = loaded.module.unwrap();
    let cues = module.lessons[0].transcript.cues();

    // Markers read independently of the parser: "Skip to M minute(s) and S second(s) …".
    let page = fs::read_to_string(fixture()).unwrap();
    let mut marker_ms = Vec::new();
    let mut page_words = Vec::new();
    for para in paragraphs(&page)
        .iter()
        .filter(|p| p.starts_with("Skip to"))
    {
        let w = words(para);
        let minutes: u64 = w[2].parse().unwrap();
        let seconds: u64 = w[5].parse().unwrap();
        marker_ms.push((minutes * 60 + seconds) * 1000);
        page_words.extend(w[7..].iter().map(|s| s.to_string()));
    }
    let starts: Vec<u64> = cues.iter().map(|c| c.start_ms).collect();
    assert_eq!(starts, marker_ms);
    assert_eq!(starts, [4_000, 51_000, 101_000, 152_000, 203_000, 240_000]);
    let cue_words: Vec<String> = cues
        .iter()
        .flat_map(|c| c.text.split(' ').map(str::to_string))
        .collect();
    assert_eq!(cue_words, page_words);
}
