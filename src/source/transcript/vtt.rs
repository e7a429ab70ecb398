//! vtt transcripts.
