//! Container rules: the zip or folder itself.

pub(crate) mod pkg001;
pub(crate) mod pkg002;
pub(crate) mod pkg003;
pub(crate) mod pkg004;
pub(crate) mod pkg005;
pub(crate) mod pkg006;
pub(crate) mod pkg007;
pub(crate) mod pkg008;
pub(crate) mod pkg009;
pub(crate) mod pkg010;
pub(crate) mod pkg011;
pub(crate) mod pkg012;
pub(crate) mod pkg013;
pub(crate) mod pkg014;
pub(crate) mod pkg015;
pub(crate) mod pkg016;
pub(crate) mod pkg017;
