//! The integration test suite: one binary, one module per feature.

mod build;
mod captions;
mod cartridge;
mod check;
mod cmi5;
mod diff;
mod fixture;
mod import;
mod manifest;
mod package;
mod render;
mod support;
