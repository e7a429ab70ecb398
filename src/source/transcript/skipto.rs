//! skipto transcripts.
