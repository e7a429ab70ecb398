//! Loading a lesson source whose `module.toml` is arbitrary bytes (the files it may name,
//! `transcript.txt`, `transcript.vtt` and `discussion.md`, exist): never a panic, and every
//! diagnostic renders with its snippet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn folder() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("module");
        std::fs::create_dir(&module).unwrap();
        std::fs::write(
            module.join("transcript.txt"),
            "A paragraph.\n\nAnother one.\n",
        )
        .unwrap();
        std::fs::write(
            module.join("transcript.vtt"),
            "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n\n00:02.000 --> 00:04.000\nWorld.\n",
        )
        .unwrap();
        std::fs::write(
            module.join("discussion.md"),
            "Share *one* [example](https://example.org).\n",
        )
        .unwrap();
        (dir, module)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    std::fs::write(dir.join("module.toml"), data).unwrap();
    let loaded = lessonpack::source::load(dir).expect("the folder itself is readable");
    let _ = loaded.report.render();
});
