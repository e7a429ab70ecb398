//! srt transcripts.
