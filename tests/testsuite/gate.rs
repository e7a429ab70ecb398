//! `lessonpack build` refuses a package its own validator rejects: exit 2, the findings on
//! stderr, and no package (nor `dist/`) written. The input is a real lesson source whose
//! manifest grows past `validate`'s 32 MiB manifest cap (`PKG012`): a keyword list pasted
//! from a transcript, 38 MB of it, which LOM allows (no length limit) and the SCORM 2004
//! manifest carries whole.

use crate::fixture::Fixture;
use assert_cmd::Command;

#[test]
fn build_exits_2_and_writes_nothing_when_the_gate_refuses_the_package() {
    let fixture = Fixture::copy("basic");
    let keyword = "interview ".repeat(3_800_000);
    fixture.replace(
        "module.toml",
        "title = \"Basic module\"\n",
        &format!(
            "title = \"Basic module\"\nkeywords = [\"{}\"]\n",
            keyword.trim_end()
        ),
    );
    let output = Command::cargo_bin("lessonpack")
        .unwrap()
        .current_dir(fixture.root())
        .args(["build", "module", "--target", "scorm2004"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[PKG012]"), "{stderr}");
    assert!(stderr.contains("was not written"), "{stderr}");
    assert!(stderr.contains("would be too large"), "{stderr}");
    assert!(!stderr.contains("bug in lessonpack"), "{stderr}");
    assert!(output.stdout.is_empty());
    let dist = fixture.root().join("dist");
    let written: Vec<_> = std::fs::read_dir(&dist)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "dist/ holds {written:?}");
}
