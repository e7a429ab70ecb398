//! Deterministic, atomic package output: zip archives with fixed order, times and permissions.
