//! Captions: timed transcript cues re-cut into reading-sized WebVTT cues.
