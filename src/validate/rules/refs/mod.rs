//! Reference rules: what XSD tools miss (identifiers, references, files, ranges).

pub(crate) mod ref001;
pub(crate) mod ref002;
pub(crate) mod ref003;
pub(crate) mod ref004;
pub(crate) mod ref005;
pub(crate) mod ref006;
pub(crate) mod ref007;
pub(crate) mod ref008;
pub(crate) mod ref009;
pub(crate) mod ref010;
pub(crate) mod ref011;
pub(crate) mod ref012;
pub(crate) mod ref013;
pub(crate) mod ref014;
pub(crate) mod ref015;
pub(crate) mod ref016;
pub(crate) mod ref017;
pub(crate) mod ref018;
pub(crate) mod ref019;
