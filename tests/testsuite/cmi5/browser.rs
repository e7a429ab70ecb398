//! The cmi5 lesson page in headless Chromium against a mini LMS/LRS, end to end.
//!
//! A copy of `tests/fixtures/basic` with a second lesson gets a real 20 s WebM made by ffmpeg
//! at test time, is built with `--target cmi5` and unpacked; `tests/cmi5/run.mjs` (npm
//! `playwright-core`, pinned in `tests/cmi5/package-lock.json`, driving Debian's
//! `/usr/bin/chromium`; no browser download) serves it from 127.0.0.1 together with the LMS/LRS
//! fixture `tests/cmi5/lms.mjs`, as cmi5 describes an LMS and as Open edX's cmi5 block behaves
//! (one `activityId` and one state document for every lesson, grades from `passed` only),
//! launches the pages with the cmi5 query parameters, plays the videos, answers the prompt,
//! relaunches, reloads, reviews, and checks every session against cmi5's rules
//! (`tests/cmi5/checks.mjs`) and the preview's panel checker. Every stored statement must then
//! pass ralph-malph's xAPI model (`tests/cmi5/validate.py`, in the venv `tests/cmi5/.venv`).
//!
//! Everything missing is installed first (Debian packages as root, `npm ci`, the venv); the
//! test fails, never skips, when that is impossible.

use crate::build::{build, unzip};
use crate::fixture::Fixture;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/cmi5`.
fn tools_dir() -> PathBuf {
    repo().join("tests/cmi5")
}

/// The executable at `path` from the Debian package `package`, installed when missing.
fn debian_tool(path: &str, package: &str) -> PathBuf {
    let path = PathBuf::from(path);
    if !path.is_file() {
        crate::support::apt_install(package);
    }
    assert!(
        path.is_file(),
        "{package} was installed but {} does not exist",
        path.display()
    );
    path
}

/// `tests/cmi5` with its npm packages (`npm ci` when `playwright-core` is missing).
fn node_packages() -> PathBuf {
    let dir = tools_dir();
    if !dir.join("node_modules/playwright-core").is_dir() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .unwrap_or_else(|e| panic!("cannot run `npm ci` in {}: {e}", dir.display()));
        assert!(
            status.success(),
            "`npm ci` failed in {} ({status})",
            dir.display()
        );
    }
    dir
}

/// The venv's Python with ralph-malph (`tests/cmi5/requirements.txt`), made when missing.
fn ralph_python() -> PathBuf {
    crate::support::python_venv(&tools_dir(), "import ralph.models.xapi.base.statements")
}

/// A 20 s VP8 WebM test pattern (a codec Debian's Chromium plays).
fn make_video(ffmpeg: &Path, dest: &Path) {
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let output = Command::new(ffmpeg)
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=10",
        ])
        .args(["-t", "20", "-c:v", "libvpx", "-b:v", "50k", "-an"])
        .arg(dest)
        .output()
        .expect("ffmpeg runs");
    assert!(
        output.status.success(),
        "ffmpeg failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The second lesson of the package: two lessons share one state document in Open edX.
const SECOND_LESSON: &str = r#"
[[lessons]]
id = "second-lesson"
title = "Second lesson"
transcript = "transcript.txt"
discussion = "discussion.md"

[lessons.video]
file = "media/lesson.webm"

# No video: reading the transcript to its end completes the lesson.
[[lessons]]
id = "third-lesson"
title = "Third lesson"
transcript = "transcript.txt"
"#;

#[test]
fn lesson_pages_report_to_a_cmi5_lms_in_headless_chromium() {
    let page_script = repo().join("src/render/assets/lessonpack.js");
    assert!(
        std::fs::metadata(&page_script).unwrap().len() > 0,
        "{} is empty: the page scenarios need the page script",
        page_script.display()
    );
    let chromium = debian_tool("/usr/bin/chromium", "chromium");
    let ffmpeg = debian_tool("/usr/bin/ffmpeg", "ffmpeg");
    let node = node_packages();
    let python = ralph_python();

    let fixture = Fixture::copy("basic");
    make_video(&ffmpeg, &fixture.path("media/lesson.webm"));
    fixture.replace(
        "module.toml",
        "url = \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"\nduration = \"1:30\"",
        "file = \"media/lesson.webm\"",
    );
    let toml = fixture.read("module.toml");
    fixture.write("module.toml", toml + SECOND_LESSON);
    let packages = build(
        fixture.root(),
        "module",
        &fixture.root().join("dist"),
        &["--target", "cmi5"],
    );
    let package = fixture.root().join("package");
    unzip(&packages[0], &package);

    let report = fixture.root().join("report.json");
    let run = Command::new("node")
        .arg(node.join("run.mjs"))
        .arg(&package)
        .arg(&report)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "the browser scenarios failed ({}):\n{stdout}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );

    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let sessions = |name: &str| -> Vec<Vec<String>> {
        let scenario = json["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name);
        let sessions =
            scenario.unwrap_or_else(|| panic!("no scenario `{name}`"))["sessions"].clone();
        serde_json::from_value(sessions).unwrap()
    };
    let watched = &sessions("page: watch the video, answer, leave")[0];
    assert_eq!(watched.first().map(String::as_str), Some("initialized"));
    assert_eq!(
        watched[watched.len() - 4..],
        ["completed", "passed", "answered", "terminated"]
    );
    assert!(
        watched[1..watched.len() - 4]
            .iter()
            .all(|l| l.starts_with("progressed "))
    );
    assert_eq!(
        sessions("page: relaunch sends no second completed"),
        [["initialized", "terminated"]]
    );
    let course = &sessions("page: activityId is the course IRI (Open edX)")[0];
    assert_eq!(course.iter().filter(|l| *l == "completed").count(), 1);
    assert_eq!(course.iter().filter(|l| *l == "passed").count(), 1);
    for name in [
        "adapter: Browse mode records nothing",
        "spec: lesson 1 in Review mode records nothing",
    ] {
        assert_eq!(sessions(name), [["initialized", "terminated"]], "{name}");
    }
    for profile in ["spec", "openedx"] {
        let name = format!(
            "{profile}: a reload after terminated says the session ended and records nothing"
        );
        assert_eq!(sessions(&name), [["initialized", "terminated"]], "{name}");
        let name = format!(
            "{profile}: lesson 1 after lesson 2 keeps its position, response and completion"
        );
        assert_eq!(sessions(&name), [["initialized", "terminated"]], "{name}");
        let name = format!("{profile}: lesson 2 resumed and watched to the end");
        let resumed = &sessions(&name)[0];
        let verbs: Vec<&str> = resumed
            .iter()
            .map(String::as_str)
            .filter(|l| !l.starts_with("progressed "))
            .collect();
        assert_eq!(
            verbs,
            ["initialized", "completed", "passed", "terminated"],
            "{name}"
        );
    }
    let controls = json["controls"].as_array().map_or(0, Vec::len);
    assert!(controls >= 15, "{controls} negative controls flagged");

    let validation = Command::new(&python)
        .arg(tools_dir().join("validate.py"))
        .arg(&report)
        .output()
        .expect("the validator runs");
    let summary = String::from_utf8_lossy(&validation.stdout);
    println!("{summary}");
    assert!(
        validation.status.success(),
        "statements failed xAPI validation:\n{summary}\n{}",
        String::from_utf8_lossy(&validation.stderr)
    );
}
