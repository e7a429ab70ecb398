//! plain transcripts.
