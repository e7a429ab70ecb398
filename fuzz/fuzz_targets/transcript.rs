//! The transcript parsers (WebVTT, SRT, "Skip to", plain paragraphs) on arbitrary text, with
//! and without a file extension to guide detection: never a panic, every error range inside
//! the text.
#![no_main]

use lessonpack::source::transcript::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for extension in [None, Some("vtt"), Some("srt"), Some("txt")] {
        let format = transcript::detect(text, extension);
        check(text, format);
    }
    for format in Format::ALL {
        check(text, format);
    }
});

fn check(text: &str, format: Format) {
    match transcript::parse(text, format) {
        Ok(parsed) => {
            for cue in &parsed.cues {
                assert!(cue.range.end <= text.len());
            }
        }
        Err(errors) => {
            for error in &errors {
                assert!(error.range.end <= text.len() && error.range.start <= error.range.end);
            }
        }
    }
}
