//! XML rules: reading the manifest.

pub(crate) mod xml001;
pub(crate) mod xml002;
pub(crate) mod xml003;
pub(crate) mod xml004;
pub(crate) mod xml005;
pub(crate) mod xml006;
pub(crate) mod xml007;
pub(crate) mod xml008;
pub(crate) mod xml009;
