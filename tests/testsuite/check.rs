//! `lessonpack check`: the sample and a valid fixture pass; every kind of bad input fails
//! with exit code 1, a message naming the file, line and column, and no file written.

use crate::fixture::Fixture;
use assert_cmd::Command;

fn lessonpack() -> Command {
    Command::cargo_bin("lessonpack").unwrap()
}

/// Runs `check` on a broken copy of the basic fixture and checks the outcome.
///
/// `location` is the expected `file:line:col` (relative to the fixture root), `message` a
/// fragment of the error text.
fn fails(setup: impl FnOnce(&Fixture), location: &str, message: &str) -> String {
    let fixture = Fixture::copy("basic");
    setup(&fixture);
    let before = fixture.snapshot();
    let output = lessonpack()
        .current_dir(fixture.root())
        .args(["check", "module"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit code; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("--> {location}")),
        "expected `{location}` in:\n{stderr}"
    );
    assert!(
        stderr.contains(message),
        "expected `{message}` in:\n{stderr}"
    );
    assert!(stderr.contains("= help: "), "no help in:\n{stderr}");
    assert!(output.stdout.is_empty(), "summary printed despite errors");
    assert_eq!(before, fixture.snapshot(), "check wrote or changed a file");
    stderr
}

#[test]
fn basic_fixture_passes() {
    let fixture = Fixture::copy("basic");
    let output = lessonpack()
        .current_dir(fixture.root())
        .args(["check", "module"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("module `basic-module`: Basic module (en-GB), 1 lesson"),
        "{stdout}"
    );
    assert!(stdout.contains("3 cues, 0:01–1:16, 28 words"), "{stdout}");
}

#[test]
fn malformed_toml() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "title = \"Basic module\"",
                "title = \"Basic module",
            )
        },
        "module/module.toml:3:",
        "",
    );
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let err = fails(
        |f| f.replace("module.toml", "summary =", "sumary ="),
        "module/module.toml:5:1",
        "unknown key `sumary`",
    );
    assert!(err.contains("did you mean `summary`?"), "{err}");
}

#[test]
fn unknown_key_in_a_lesson() {
    let err = fails(
        |f| f.replace("module.toml", "transcript = ", "transcipt = "),
        "module/module.toml:11:1",
        "unknown key `transcipt`",
    );
    assert!(err.contains("did you mean `transcript`?"), "{err}");
}

#[test]
fn wrong_type() {
    fails(
        |f| f.replace("module.toml", "title = \"Basic module\"", "title = 5"),
        "module/module.toml:3:9",
        "expected a string",
    );
}

#[test]
fn missing_transcript_file_names_the_path() {
    let err = fails(
        |f| std::fs::remove_file(f.path("transcript.txt")).unwrap(),
        "module/module.toml:11:14",
        "transcript `transcript.txt` not found",
    );
    assert!(err.contains("looked for `module/transcript.txt`"), "{err}");
}

#[test]
fn directory_instead_of_file() {
    fails(
        |f| {
            std::fs::remove_file(f.path("transcript.txt")).unwrap();
            std::fs::create_dir(f.path("transcript.txt")).unwrap();
        },
        "module/module.toml:11:14",
        "is a folder, not a file",
    );
}

#[test]
fn non_utf8_transcript() {
    fails(
        |f| {
            f.write(
                "transcript.txt",
                b"Skip to 0 minutes and 1 second Caf\xe9 au lait.\n",
            )
        },
        "module/transcript.txt:1:35",
        "is not UTF-8 text",
    );
}

#[test]
fn non_utf8_module_toml() {
    fails(
        |f| {
            let mut bytes = f.read("module.toml").into_bytes();
            bytes.extend_from_slice(b"# caf\xe9\n");
            f.write("module.toml", bytes);
        },
        "module/module.toml:20:6",
        "is not UTF-8 text",
    );
}

#[test]
fn backwards_times() {
    fails(
        |f| {
            f.replace(
                "transcript.txt",
                "Skip to 1 minute and 0 seconds",
                "Skip to 0 minutes and 10 seconds",
            )
        },
        "module/transcript.txt:5:",
        "",
    );
}

#[test]
fn empty_transcript() {
    fails(
        |f| f.write("transcript.txt", "\n\n"),
        "module/transcript.txt:1:1",
        "",
    );
}

#[test]
fn overlapping_vtt_cues() {
    fails(
        |f| {
            f.replace("module.toml", "\"transcript.txt\"", "\"captions.vtt\"");
            f.write("captions.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nOne.\n\n00:00:04.000 --> 00:00:08.000\nTwo.\n");
        },
        "module/captions.vtt:6:",
        "overlap",
    );
}

#[test]
fn unparsable_vtt_timestamp() {
    fails(
        |f| {
            f.replace("module.toml", "\"transcript.txt\"", "\"captions.vtt\"");
            f.write(
                "captions.vtt",
                "WEBVTT\r\n\r\n00:00:01.000 --> 00:00:0x.000\r\nOne.\r\n",
            );
        },
        "module/captions.vtt:3:",
        "",
    );
}

#[test]
fn srt_times_going_backwards() {
    fails(
        |f| {
            f.replace("module.toml", "\"transcript.txt\"", "\"captions.srt\"");
            f.write("captions.srt", "1\n00:00:05,000 --> 00:00:06,000\nOne.\n\n2\n00:00:01,000 --> 00:00:02,000\nTwo.\n");
        },
        "module/captions.srt:6:",
        "",
    );
}

#[test]
fn bad_module_id() {
    let err = fails(
        |f| {
            f.replace(
                "module.toml",
                "id = \"basic-module\"",
                "id = \"Basic Module\"",
            )
        },
        "module/module.toml:2:6",
        "module id `Basic Module`",
    );
    assert!(err.contains("e.g. `basic-module`"), "{err}");
}

#[test]
fn bad_language_tag() {
    let err = fails(
        |f| f.replace("module.toml", "\"en-GB\"", "\"en_GB\""),
        "module/module.toml:4:12",
        "uses `_`",
    );
    assert!(err.contains("write `en-GB`"), "{err}");
}

#[test]
fn duplicate_lesson_id() {
    fails(
        |f| {
            let text = f.read("module.toml");
            let lesson = &text[text.find("[[lessons]]").unwrap()..];
            f.write(
                "module.toml",
                format!(
                    "{text}\n{}",
                    lesson.replace("First lesson", "Second lesson")
                ),
            );
        },
        "module/module.toml:22:6",
        "lesson id `first-lesson` is used twice",
    );
}

#[test]
fn unrecognised_video_url() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "https://example.org/lecture.html",
            )
        },
        "module/module.toml:15:7",
        "cannot tell what kind of video",
    );
}

#[test]
fn two_video_sources() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "duration = \"1:30\"",
                "duration = \"1:30\"\nfile = \"lecture.mp4\"",
            )
        },
        "module/module.toml:17:8",
        "`file` given as well as `url`",
    );
}

#[test]
fn missing_local_video() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "url = \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"",
                "file = \"media/lecture.mp4\"",
            )
        },
        "module/module.toml:15:8",
        "video file `media/lecture.mp4` not found",
    );
}

#[test]
fn watched_percent_out_of_range() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "watched-percent = 90",
                "watched-percent = 150",
            )
        },
        "module/module.toml:19:19",
        "outside 1 to 100",
    );
}

#[test]
fn transcript_outside_the_module_folder() {
    fails(
        |f| f.replace("module.toml", "\"transcript.txt\"", "\"../transcript.txt\""),
        "module/module.toml:11:14",
        "outside the module folder",
    );
}

#[test]
fn unknown_transcript_format() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "transcript = \"transcript.txt\"",
                "transcript = \"transcript.txt\"\ntranscript-format = \"vtt\"",
            )
        },
        "module/module.toml:12:21",
        "unknown transcript format `vtt`",
    );
}

#[test]
fn cue_after_the_video_ends() {
    fails(
        |f| f.replace("module.toml", "duration = \"1:30\"", "duration = \"0:50\""),
        "module/transcript.txt:5:1",
        "after the video ends at 0:50",
    );
}

#[test]
fn bad_duration() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "duration = \"1:30\"",
                "duration = \"ninety\"",
            )
        },
        "module/module.toml:16:12",
        "not a positive time",
    );
}

#[test]
fn empty_discussion_prompt() {
    fails(
        |f| f.write("discussion.md", "  \n"),
        "module/discussion.md:1:1",
        "discussion prompt `discussion.md` is empty",
    );
}

#[test]
fn missing_module_toml() {
    let fixture = Fixture::copy("basic");
    std::fs::remove_file(fixture.path("module.toml")).unwrap();
    let before = fixture.snapshot();
    let output = lessonpack()
        .current_dir(fixture.root())
        .args(["check", "module"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("no `module.toml` in `module`")
            && stderr.contains("lessonpack init module"),
        "{stderr}"
    );
    assert_eq!(before, fixture.snapshot());
}

#[test]
fn missing_folder_is_a_tool_failure() {
    let root = tempfile::tempdir().unwrap();
    let output = lessonpack()
        .current_dir(root.path())
        .args(["check", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read lesson source folder `nowhere`"),
        "{stderr}"
    );
}

#[test]
fn missing_video_is_a_warning_not_an_error() {
    let fixture = Fixture::copy("basic");
    let text = fixture.read("module.toml");
    let start = text.find("[lessons.video]").unwrap();
    let end = text.find("[lessons.completion]").unwrap();
    fixture.write("module.toml", format!("{}{}", &text[..start], &text[end..]));
    let output = lessonpack()
        .current_dir(fixture.root())
        .args(["check", "module"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: lesson `first-lesson` names no video"),
        "{stderr}"
    );
    assert!(stderr.contains("0 errors, 1 warning"), "{stderr}");
}

#[test]
fn lti_launch_url_must_be_https() {
    fails(
        |f| {
            f.replace(
                "module.toml",
                "[[lessons]]",
                "[lti]\nlaunch-url = \"http://lessons.example.org/lti/launch\"\n\n[[lessons]]",
            )
        },
        "module/module.toml:9:14",
        "is not an https launch URL",
    );
}
