//! The page importer: turns a saved course-step page into lesson source.
