//! The integration test suite: one binary, one module per feature.

mod build;
mod captions;
mod cartridge;
mod check;
mod fixture;
mod import;
mod manifest;
mod package;
mod render;
mod support;
