//! Captions: the sample course page's transcript, cut into captions and checked by the W3C
//! WebVTT parser.

use crate::support::{VttReport, validate_vtt};
use lessonpack::model::Cue;
use lessonpack::render::captions::{Caption, MAX_LINE, MAX_LINES, captions, to_webvtt};
use std::path::Path;

/// The sample lesson's cues, loaded from `module/` by the real loader.
fn sample_cues() -> Vec<Cue> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("module");
    let loaded = lessonpack::source::load(&dir).expect("load module/");
    assert!(!loaded.report.has_errors(), "{}", loaded.report.render());
    let module = loaded.module.expect("the sample loads");
    module.lessons[0].transcript.cues().to_vec()
}

/// The words of the sample page's transcript: its "Skip to" paragraphs without the markers,
/// read independently of the parser.
fn page_transcript_words() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lesson-page.txt");
    let page = std::fs::read_to_string(&path).expect("read the sample page");
    page.split("\n\n")
        .filter(|para| para.trim().starts_with("Skip to "))
        .flat_map(|para| {
            para.split_whitespace()
                .skip(7)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `captions` written as WebVTT and read back by the reference parser, which found no errors.
fn valid_vtt(captions: &[Caption]) -> VttReport {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("captions.vtt");
    std::fs::write(&file, to_webvtt(captions)).expect("write captions.vtt");
    let report = validate_vtt(&file);
    assert!(
        report.errors.is_empty(),
        "WebVTT errors: {:#?}",
        report.errors
    );
    report
}

#[test]
fn sample_transcript_captions_fit_and_validate() {
    let cues = sample_cues();
    assert_eq!(cues.len(), 6);
    assert_eq!((cues[0].start_ms, cues[0].end_ms), (4_000, 51_000));
    assert_eq!(cues[5].start_ms, 240_000);
    let caps = captions(&cues);

    for c in &caps {
        assert!((1..=MAX_LINES).contains(&c.lines.len()), "{c:?}");
        assert!(
            c.lines.iter().all(|l| l.chars().count() <= MAX_LINE),
            "{c:?}"
        );
        assert!((1_000..=7_000).contains(&(c.end_ms - c.start_ms)), "{c:?}");
    }
    // Each cue's captions cover exactly its time, contiguously.
    for cue in &cues {
        let mine: Vec<&Caption> = caps
            .iter()
            .filter(|c| c.start_ms >= cue.start_ms && c.end_ms <= cue.end_ms)
            .collect();
        assert_eq!(mine[0].start_ms, cue.start_ms);
        assert_eq!(mine[mine.len() - 1].end_ms, cue.end_ms);
        assert!(mine.windows(2).all(|w| w[0].end_ms == w[1].start_ms));
    }
    let page_words = page_transcript_words();
    let transcript: Vec<&str> = page_words.iter().map(String::as_str).collect();
    let caption_words: Vec<&str> = caps
        .iter()
        .flat_map(|c| &c.lines)
        .flat_map(|l| l.split(' '))
        .collect();
    assert_eq!(caption_words, transcript);

    let report = valid_vtt(&caps);
    assert_eq!(report.cues.len(), caps.len());
    let parsed: Vec<&str> = report
        .cues
        .iter()
        .flat_map(|c| c.text.split([' ', '\n']))
        .collect();
    assert_eq!(parsed, transcript, "the parser decoded different text");
    assert!(
        parsed.contains(&"R&D"),
        "`R&D` must round-trip through the escaping"
    );
    for (parsed, cap) in report.cues.iter().zip(&caps) {
        assert!((parsed.start_s * 1000.0 - cap.start_ms as f64).abs() < 0.5);
        assert!((parsed.end_s * 1000.0 - cap.end_ms as f64).abs() < 0.5);
        assert_eq!(parsed.voice, None);
    }
}

#[test]
fn markup_characters_and_speakers_round_trip_through_the_parser() {
    let cue = |start_ms, end_ms, speaker: Option<&str>, text: &str| Cue {
        start_ms,
        end_ms,
        speaker: speaker.map(str::to_owned),
        text: text.to_owned(),
    };
    let text = "Tags like <b>bold</b> & arrows --> stay text; R&D &amp; Q&A <v Not> too. And a \
                second sentence here, so the cue gets cut into two or more captions.";
    let cues = [
        cue(1_000, 9_000, Some("Vicky <Li> & Co"), text),
        cue(9_000, 9_400, None, "A very short cue."),
    ];
    let caps = captions(&cues);
    let report = valid_vtt(&caps);
    let texts: Vec<String> = report
        .cues
        .iter()
        .map(|c| c.text.replace('\n', " "))
        .collect();
    assert_eq!(texts.join(" "), format!("{text} A very short cue."));
    let voices: Vec<Option<&str>> = report.cues.iter().map(|c| c.voice.as_deref()).collect();
    assert_eq!(voices[0], Some("Vicky &lt;Li&gt; &amp; Co"));
    assert!(voices[1..].iter().all(Option::is_none), "{voices:?}");
}

#[test]
fn the_validator_reports_broken_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("broken.vtt");
    std::fs::write(&file, "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nR&D <x>\n").expect("write");
    let report = validate_vtt(&file);
    assert!(report.errors.len() >= 2, "{report:#?}");
    assert!(
        report.errors[0].contains("End timestamp is not greater"),
        "{report:#?}"
    );
}
