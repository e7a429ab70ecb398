//! lessonpack: package a video lesson for every LMS.
//!
//! The pipeline, one stage per module, each handing the next a plain type:
//!
//! ```text
//! module/ ──source::load──▶ model::Module ──render──▶ pages, captions
//!                                           └─manifest──▶ package (later stages)
//! ```
//!
//! - [`source`] reads `module/` (TOML, transcripts, prompts) and returns the lesson model or
//!   diagnostics with file, line and column;
//! - [`model`] is the validated, format-neutral lesson model;
//! - [`render`] turns the model into what learners see (captions so far);
//! - [`diff`] compares two versions of a package and says which learner records each LMS
//!   keeps;
//! - [`diagnostic`] is the one finding type every stage reports with;
//! - [`build`] runs the stages for one target; [`watch`] rebuilds on change, writing only what
//!   changed, and `preview` (feature `preview`) serves a build in an LMS-like page;
//! - `lti` (feature `lti`) is the LTI 1.3 tool `lessonpack serve` runs;
//! - [`cli`] maps commands to stages and results to exit codes.

pub mod build;
pub mod cli;
pub mod container;
pub mod diagnostic;
pub mod diff;
pub mod lms;
#[cfg(feature = "lti")]
pub mod lti;
pub mod manifest;
pub mod model;
pub mod output;
pub mod package;
#[cfg(feature = "preview")]
pub mod preview;
pub mod render;
pub mod source;
pub mod validate;
pub mod watch;
mod xmltree;
