//! `lessonpack validate … | head -1`: the commands that print to stdout (`validate`,
//! `inspect`, `explain`, `diff`) end with their normal exit status, without a panic, when
//! the reader closes the pipe before they write.

use crate::fixture::fixtures;
use std::process::{Command, Stdio};

/// Runs lessonpack with `args`, its stdout a pipe closed before it writes; exit code and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lessonpack"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end at once: the first write meets `EPIPE`.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_is_not_a_panic() {
    let root = fixtures().join("validate");
    let clean = root.join("REF002/clean");
    let bad = root.join("REF002/triggers");
    let (clean, bad) = (clean.to_str().unwrap(), bad.to_str().unwrap());
    let runs: [(&[&str], i32); 6] = [
        (&["validate", bad, clean, bad], 1),
        (&["validate", "--format", "json", clean], 0),
        (&["inspect", clean], 0),
        (&["explain"], 0),
        (&["explain", "REF014"], 0),
        (&["diff", clean, clean], 0),
    ];
    for (args, code) in runs {
        let (status, stderr) = with_closed_stdout(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(status, Some(code), "{args:?}: {stderr}");
    }
}
