//! Loading: reads a lesson source folder (`module.toml` and the files it names) into the
//! lesson model, reporting every problem with file, line and column.

pub mod import;
pub mod module_toml;
pub mod scaffold;
pub mod transcript;
