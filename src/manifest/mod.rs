//! Manifest writers: `imsmanifest.xml` for SCORM 1.2, SCORM 2004 and IMS Common Cartridge,
//! and `cmi5.xml` for cmi5, with stable identifiers.
//!
//! The SCORM writers follow the import rules in `lms-import.md` §A 5–18: content-packaging
//! elements unprefixed in the default namespace, the ADL/IMS extensions under exactly the
//! prefixes `adlcp`, `imsss` (`adlnav`, `adlseq` are not used), `<schemaversion>` exact, one
//! organization with one item per lesson, each lesson's SCO resource first in `<resources>` in
//! lesson order with the full package-relative `href` (no `xml:base`), then one asset resource
//! with the shared files ([`ids::SHARED_RESOURCE`]) and one with the XSD files shipped at the
//! package root ([`ids::SCHEMAS_RESOURCE`]), so every file of the package except
//! `imsmanifest.xml` itself is listed exactly once.
//!
//! - [`ids`]: identifiers derived only from the module and lesson ids;
//! - [`scorm12`], [`scorm2004`]: the writers;
//! - [`schemas`]: the official XSD files each package ships at its root;
//! - [`cc`]: the Common Cartridge 1.1/1.3 writer (its own shape, `lms-import.md` §A 21–27:
//!   one module item per lesson, native discussion topics, web links and LTI links; no XSD
//!   files in the cartridge);
//! - [`cmi5`]: the cmi5 course structure (`lms-import.md` §A 19–20: one AU per lesson, no XSD
//!   files in the package).

pub mod cc;
mod cc_resources;
mod cc_spelling;
pub mod cmi5;
pub mod ids;
mod lom;
pub mod schemas;
pub mod scorm12;
pub mod scorm2004;
mod xml;

pub use cc::CcVersion;

/// The manifest's path inside every SCORM package and cartridge (lower case, at the root).
pub const MANIFEST_PATH: &str = "imsmanifest.xml";

/// SCORM 2004 edition to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// SCORM 2004 3rd Edition (2006).
    Third,
    /// SCORM 2004 4th Edition (2009).
    Fourth,
}

impl Edition {
    /// The exact `<schemaversion>` text LMSs recognise for this edition.
    pub fn schemaversion(self) -> &'static str {
        match self {
            Edition::Third => "2004 3rd Edition",
            Edition::Fourth => "2004 4th Edition",
        }
    }
}

#[cfg(test)]
mod testkit;
