//! The integration test suite: one binary, one module per feature.

mod build;
mod captions;
mod cartridge;
mod check;
#[cfg(any(feature = "preview", feature = "watch", feature = "lti"))]
mod child;
mod cmi5;
mod diff;
mod fixture;
mod gate;
mod hostile_build;
mod import;
mod inspect;
#[cfg(feature = "lti")]
mod lti;
#[cfg(feature = "lti")]
mod lti_admin;
mod manifest;
mod measure;
mod package;
#[cfg(feature = "preview")]
mod preview;
mod render;
#[cfg(feature = "lti")]
mod serve;
#[cfg(feature = "lti")]
mod serve_pages;
#[cfg(feature = "postgres")]
mod serve_postgres;
mod support;
mod system;
mod validate;
#[cfg(feature = "watch")]
mod watch;
