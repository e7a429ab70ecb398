//! Writing a new lesson source folder (`init`, `import`): `module.toml` and the files beside it.
