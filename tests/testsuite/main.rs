//! The integration test suite: one binary, one module per feature.

mod captions;
mod check;
mod fixture;
mod import;
mod support;
