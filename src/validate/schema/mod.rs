//! The schema layer: validation of a manifest against the official XSDs of its detected
//! format, bundled in the binary ([`files`]), with `xsd-schema` (XSD 1.0).
//!
//! The set is chosen from the detected [`Format`] (root namespace + `<schemaversion>`), never
//! from the document's `xsi:schemaLocation`. Each set is compiled once per process, on first
//! use. Findings carry the byte offset of the element they concern (the driver's offset
//! hooks, see [`run`]) and the `cvc-…` constraint the document breaks; an error about an
//! element or attribute of a namespace the set does not bundle (a vendor extension under a
//! strict wildcard) is kept apart as [`Finding::foreign`], so it can be reported as a
//! warning class of its own rather than "invalid".
//!
//! Sets: SCORM 1.2 (IMS CP 1.1.2 + ADL CP; IMS MD 1.2.1 is left out, its official XSD breaks
//! Unique Particle Attribution), SCORM 2004 2nd/3rd/4th (CP, ADL CP/SEQ/NAV, IMS SS, strict
//! LOM), Common Cartridge 1.1 and 1.3 (manifest profiles), cmi5. CC 1.0 and 1.2 have no
//! bundled set (their schemas are not in any reachable public repository here).

pub(crate) mod files;
pub(crate) mod run;

use super::detect::{CcVersion, Edition, Format};
use std::sync::Mutex;
use xsd_schema::{SchemaSet, SchemaSetBuilder};

pub(crate) use run::Outcome;

/// One bundled schema set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetId {
    /// SCORM 1.2.
    Scorm12,
    /// SCORM 2004 2nd Edition.
    Scorm2004Second,
    /// SCORM 2004 3rd Edition.
    Scorm2004Third,
    /// SCORM 2004 4th Edition.
    Scorm2004Fourth,
    /// Common Cartridge 1.1.
    Cc11,
    /// Common Cartridge 1.3.
    Cc13,
    /// cmi5 course structure.
    Cmi5,
}

impl SetId {
    /// Every set.
    pub const ALL: [SetId; 7] = [
        SetId::Scorm12,
        SetId::Scorm2004Second,
        SetId::Scorm2004Third,
        SetId::Scorm2004Fourth,
        SetId::Cc11,
        SetId::Cc13,
        SetId::Cmi5,
    ];

    /// The set for a detected format, if one is bundled. A SCORM 2004 manifest whose
    /// edition is unknown is checked against the 4th Edition (a superset of the earlier
    /// editions' content models for what packages use).
    pub fn for_format(format: Format) -> Option<SetId> {
        Some(match format {
            Format::Scorm12 => SetId::Scorm12,
            Format::Scorm2004(Edition::Second) => SetId::Scorm2004Second,
            Format::Scorm2004(Edition::Third) => SetId::Scorm2004Third,
            Format::Scorm2004(Edition::Fourth | Edition::Unknown) => SetId::Scorm2004Fourth,
            Format::Cc {
                version: CcVersion::V1_1,
                ..
            } => SetId::Cc11,
            Format::Cc {
                version: CcVersion::V1_3,
                ..
            } => SetId::Cc13,
            Format::Cmi5 => SetId::Cmi5,
            Format::Cc { .. } | Format::Unknown => return None,
        })
    }

    /// "SCORM 2004 4th Edition".
    pub fn label(self) -> &'static str {
        match self {
            SetId::Scorm12 => "SCORM 1.2",
            SetId::Scorm2004Second => "SCORM 2004 2nd Edition",
            SetId::Scorm2004Third => "SCORM 2004 3rd Edition",
            SetId::Scorm2004Fourth => "SCORM 2004 4th Edition",
            SetId::Cc11 => "Common Cartridge 1.1",
            SetId::Cc13 => "Common Cartridge 1.3",
            SetId::Cmi5 => "cmi5",
        }
    }

    /// The virtual folder and the root files (relative to it) the driver imports.
    fn roots(self) -> (&'static str, &'static [&'static str]) {
        const S2004: &[&str] = &[
            "imscp_v1p1.xsd",
            "adlcp_v1p3.xsd",
            "adlseq_v1p3.xsd",
            "adlnav_v1p3.xsd",
            "imsss_v1p0.xsd",
            "lom.xsd",
        ];
        match self {
            SetId::Scorm12 => ("scorm12", &["imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd"]),
            SetId::Scorm2004Second => ("scorm2004-2nd", S2004),
            SetId::Scorm2004Third => ("scorm2004-3rd", S2004),
            SetId::Scorm2004Fourth => ("scorm2004-4th", S2004),
            SetId::Cc11 => ("cc11", &["ccv1p1_imscp_v1p2_v1p0.xsd"]),
            SetId::Cc13 => ("cc13", &["ccv1p3_imscp_v1p2_v1p0.xsd"]),
            SetId::Cmi5 => ("cmi5", &["CourseStructure.xsd"]),
        }
    }

    fn index(self) -> usize {
        SetId::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// A compiled set and the namespaces it bundles.
#[derive(Debug)]
pub struct Compiled {
    /// The compiled schemas.
    pub(crate) set: SchemaSet,
    /// The target namespaces of its files (plus `xml:` and `xsi:`).
    pub(crate) namespaces: Vec<String>,
}

/// The driver document of a set: it imports the roots and declares nothing.
fn driver(id: SetId) -> String {
    let (folder, roots) = id.roots();
    let imports: String = roots
        .iter()
        .map(|r| {
            let text = files::get(&format!("{folder}/{r}")).unwrap_or_default();
            let ns = files::namespaces_of(text).unwrap_or_default();
            format!("<xs:import namespace=\"{ns}\" schemaLocation=\"{r}\"/>")
        })
        .collect();
    format!(
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
         targetNamespace=\"urn:x-lessonpack:driver:{folder}\">{imports}</xs:schema>"
    )
}

/// Compiles a set (uncached).
fn compile(id: SetId) -> Result<Compiled, String> {
    let (folder, _) = id.roots();
    let base = format!("{}{folder}/driver.xsd", files::BASE);
    let mut builder = SchemaSetBuilder::with_loader(Box::new(files::Embedded));
    builder.set_location_rewriter(
        |r: &xsd_schema::LocationRequest<'_>, _: &xsd_schema::SchemaResolver| {
            files::rewrite(r.location)
        },
    );
    let builder = builder
        .add_source(&driver(id), &base)
        .map_err(|e| format!("{}: {e}", id.label()))?;
    let compiled = builder
        .compile()
        .map_err(|e| format!("{}: {e}", id.label()))?;
    if let Some(f) = compiled.directive_failures().first() {
        return Err(format!("{}: {f}", id.label()));
    }
    let extra: &[&str] = match id {
        SetId::Cc11 | SetId::Cc13 => &["w3c/"],
        _ => &[],
    };
    let mut folders = vec![folder];
    folders.extend_from_slice(extra);
    Ok(Compiled {
        set: compiled.schema_set,
        namespaces: files::namespaces(&folders),
    })
}

/// Runs `f` with the compiled set, compiling it on first use and keeping it for the process.
/// (`xsd-schema`'s `SchemaSet` is `Send` but not `Sync`, so each set sits behind a mutex;
/// validations of the same format take turns, different formats run in parallel.)
///
/// # Errors
///
/// When the bundled schemas do not compile (a bug in this build, not in the input).
pub fn with_compiled<T>(id: SetId, f: impl FnOnce(&Compiled) -> T) -> Result<T, String> {
    static SETS: [Mutex<Option<Result<Compiled, String>>>; 7] = [const { Mutex::new(None) }; 7];
    let mut slot = SETS[id.index()]
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match slot.get_or_insert_with(|| compile(id)) {
        Ok(c) => Ok(f(c)),
        Err(e) => Err(e.clone()),
    }
}

/// How [`Outcome::not_run`] starts when a bundled set did not compile (a bug in this build).
pub(crate) const COMPILE_FAILED: &str = "the bundled schemas did not compile";

/// Validates a manifest's text against the set of its detected format; `None` when no set
/// is bundled for it.
pub(crate) fn check(format: Format, text: &str) -> Option<Outcome> {
    let id = SetId::for_format(format)?;
    Some(
        with_compiled(id, |c| run::validate(c, text)).unwrap_or_else(|e| Outcome {
            not_run: Some(format!("{COMPILE_FAILED}: {e}")),
            ..Outcome::default()
        }),
    )
}

/// One error of the schema layer, as [`check_manifest`] returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The constraint broken (`cvc-complex-type.2.4.a`).
    pub constraint: String,
    /// The validator's message.
    pub message: String,
    /// The namespace no bundled schema describes, when the error is about an extension
    /// (reported as `XSD002`, a warning, rather than `XSD001`).
    pub foreign: Option<String>,
}

/// What the schema layer alone says about a manifest (see [`check_manifest`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaCheck {
    /// The set the detected format chose.
    pub set: SetId,
    /// Every error, in document order (at most [`run::MAX_FINDINGS`]).
    pub errors: Vec<SchemaError>,
    /// Why the document could not be driven at all, if so.
    pub not_run: Option<String>,
}

impl SchemaCheck {
    /// Whether `XSD001` would be present: an error that is not about an extension (before
    /// the rule drops the dangling IDREFs `REF002`–`REF004` report in better words), or a
    /// document the validator could not drive.
    pub fn invalid(&self) -> bool {
        self.not_run.is_some() || self.errors.iter().any(|e| e.foreign.is_none())
    }
}

/// The schema layer on its own, without the other rules: detects the format of a manifest's
/// text as `validate` does and validates it against that format's bundled set. `None` when
/// the text is not well-formed for the tree reader or its format has no bundled set. Used by
/// the differential test against `xmllint`.
pub fn check_manifest(text: &str) -> Option<SchemaCheck> {
    let doc = super::xml::parse(text).ok()?;
    let format = super::detect::detect(&doc.root);
    let set = SetId::for_format(format)?;
    let outcome = check(format, text)?;
    Some(SchemaCheck {
        set,
        errors: outcome
            .findings
            .into_iter()
            .map(|f| SchemaError {
                constraint: f.constraint,
                message: f.message,
                foreign: f.foreign,
            })
            .collect(),
        not_run: outcome.not_run,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_compiles_from_embedded_files_only() {
        for id in SetId::ALL {
            let n = with_compiled(id, |c| c.namespaces.len()).unwrap_or_else(|e| panic!("{e}"));
            assert!(n >= 3, "{id:?}: {n}");
        }
    }

    #[test]
    fn maps_urls_and_relative_paths() {
        use files::virtual_path as v;
        assert_eq!(v("http://www.w3.org/2001/xml.xsd").unwrap(), "w3c/xml.xsd");
        assert_eq!(
            v("http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd")
                .unwrap(),
            "cc13/LOM/ccv1p3_lommanifest_v1p0.xsd"
        );
        assert_eq!(v("embedded:///a/b/../c.xsd").unwrap(), "a/c.xsd");
        assert_eq!(v("https://example.com/x.xsd"), None);
        assert_eq!(v("/etc/passwd"), None);
    }
}
