//! The official XSD files a SCORM package ships at its root, embedded in the binary.
//!
//! Each set is exactly what the manifest's `xsi:schemaLocation` names plus everything those
//! files import or include (and the DTDs `xml.xsd` references), laid out as the ADL sample
//! packages lay them out at the package root (`common/`, `vocab/`, `unique/`, `extend/` for the
//! LOM binding). The bytes come from `schemas/` in the repository, copied unchanged from the
//! official sets except one documented patch to SCORM 1.2's `ims_xml.xsd` (see
//! `schemas/SOURCES.md`). The manifests list these files in their own asset resource
//! ([`super::ids::SCHEMAS_RESOURCE`]).

use super::Edition;
use crate::output::OutputFile;

/// A package-root path and the embedded bytes of one schema file.
type Embedded = (&'static str, &'static [u8]);

/// Embeds `schemas/<dir>/<file>` for each file, keeping the file's path as its package path.
macro_rules! embed {
    ($dir:literal; $($file:literal),+ $(,)?) => {
        &[$(
            (
                $file,
                include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/", $dir, "/", $file))
                    as &[u8],
            )
        ),+]
    };
}

/// The SCORM 2004 closure: CP, ADL CP, IMS SS, strict LOM, W3C `xml.xsd` and its DTDs. The
/// 3rd and 4th edition sets have the same file names and different contents.
macro_rules! scorm2004_set {
    ($dir:literal) => {
        embed!($dir;
            "XMLSchema.dtd",
            "adlcp_v1p3.xsd",
            "common/anyElement.xsd",
            "common/dataTypes.xsd",
            "common/elementNames.xsd",
            "common/elementTypes.xsd",
            "common/rootElement.xsd",
            "common/vocabTypes.xsd",
            "common/vocabValues.xsd",
            "datatypes.dtd",
            "extend/strict.xsd",
            "imscp_v1p1.xsd",
            "imsss_v1p0.xsd",
            "imsss_v1p0auxresource.xsd",
            "imsss_v1p0control.xsd",
            "imsss_v1p0delivery.xsd",
            "imsss_v1p0limit.xsd",
            "imsss_v1p0objective.xsd",
            "imsss_v1p0random.xsd",
            "imsss_v1p0rollup.xsd",
            "imsss_v1p0seqrule.xsd",
            "imsss_v1p0util.xsd",
            "lom.xsd",
            "unique/strict.xsd",
            "vocab/strict.xsd",
            "xml.xsd",
        )
    };
}

/// SCORM 1.2: IMS CP 1.1.2, ADL CP 1.2 and the (patched) `ims_xml.xsd` they import.
const SCORM12: &[Embedded] = embed!("scorm12";
    "adlcp_rootv1p2.xsd",
    "ims_xml.xsd",
    "imscp_rootv1p1p2.xsd",
);
/// SCORM 2004 3rd Edition (ADL/Rustici sample-package copies).
const SCORM2004_3RD: &[Embedded] = scorm2004_set!("scorm2004-3rd");
/// SCORM 2004 4th Edition (ADL's own copies).
const SCORM2004_4TH: &[Embedded] = scorm2004_set!("scorm2004-4th");

/// `xsi:schemaLocation` of a SCORM 1.2 manifest: namespace/file pairs at the package root.
pub(super) const SCORM12_LOCATIONS: &[(&str, &str)] = &[
    (super::scorm12::NS_CP, "imscp_rootv1p1p2.xsd"),
    (super::scorm12::NS_ADLCP, "adlcp_rootv1p2.xsd"),
];

/// `xsi:schemaLocation` of a SCORM 2004 manifest (both editions).
pub(super) const SCORM2004_LOCATIONS: &[(&str, &str)] = &[
    (super::scorm2004::NS_CP, "imscp_v1p1.xsd"),
    (super::scorm2004::NS_ADLCP, "adlcp_v1p3.xsd"),
    (super::scorm2004::NS_IMSSS, "imsss_v1p0.xsd"),
    (super::scorm2004::NS_LOM, "lom.xsd"),
];

/// The SCORM 1.2 schema files to put at the package root, sorted by path.
pub fn scorm12() -> Vec<OutputFile> {
    files(SCORM12)
}

/// The SCORM 2004 schema files of `edition` to put at the package root, sorted by path.
pub fn scorm2004(edition: Edition) -> Vec<OutputFile> {
    files(scorm2004_table(edition))
}

/// The package-root paths of the SCORM 1.2 schema files, sorted.
pub(super) fn scorm12_paths() -> Vec<&'static str> {
    paths(SCORM12)
}

/// The package-root paths of the SCORM 2004 schema files of `edition`, sorted.
pub(super) fn scorm2004_paths(edition: Edition) -> Vec<&'static str> {
    paths(scorm2004_table(edition))
}

fn scorm2004_table(edition: Edition) -> &'static [Embedded] {
    match edition {
        Edition::Third => SCORM2004_3RD,
        Edition::Fourth => SCORM2004_4TH,
    }
}

fn files(table: &[Embedded]) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = table
        .iter()
        .map(|(path, bytes)| OutputFile::bytes(*path, *bytes))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn paths(table: &[Embedded]) -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = table.iter().map(|(path, _)| *path).collect();
    paths.sort_unstable();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::Event;
    use std::collections::{BTreeMap, BTreeSet};

    /// The W3C URL the 4th edition `imscp_v1p1.xsd` imports `xml.xsd` from; the package ships
    /// the same file at its root (as ADL's packages do), and validators map the URL to it.
    const XML_XSD_URL: &str = "http://www.w3.org/2001/xml.xsd";

    /// Files a schema file refers to: `xs:import`/`xs:include` locations and DTD system ids,
    /// resolved against the referring file's folder.
    fn references(path: &str, bytes: &[u8]) -> Vec<String> {
        let text = std::str::from_utf8(bytes).expect("schema files are UTF-8");
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let join = |loc: &str| {
            if loc == XML_XSD_URL {
                "xml.xsd".to_string()
            } else if dir.is_empty() {
                loc.to_string()
            } else {
                format!("{dir}/{loc}")
            }
        };
        let mut refs = Vec::new();
        if path.ends_with(".dtd") {
            if text.contains("'datatypes.dtd'") {
                refs.push(join("datatypes.dtd"));
            }
            return refs;
        }
        let mut reader = quick_xml::Reader::from_str(text);
        loop {
            match reader.read_event().expect("schema files are well-formed") {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.local_name();
                    if name.as_ref() == "import" || name.as_ref() == "include" {
                        for attr in e.attributes() {
                            let attr = attr.expect("attribute");
                            if attr.key.as_ref() == "schemaLocation" {
                                let v = attr.normalized_value(quick_xml::XmlVersion::Explicit1_0);
                                refs.push(join(v.expect("value").trim()));
                            }
                        }
                    }
                }
                Event::DocType(d) => {
                    let raw: &str = &d;
                    let system = raw.rsplit('"').nth(1).expect("a quoted system id");
                    refs.push(join(system));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        refs
    }

    /// Checks that `table` is exactly the closure of `roots`: every reference resolves inside
    /// the set, and every file in the set is reached.
    fn assert_closed(table: &[Embedded], roots: &[(&str, &str)]) {
        let set: BTreeMap<&str, &[u8]> = table.iter().copied().collect();
        assert_eq!(set.len(), table.len(), "duplicate paths");
        let mut reached = BTreeSet::new();
        let mut todo: Vec<String> = roots.iter().map(|(_, f)| f.to_string()).collect();
        while let Some(path) = todo.pop() {
            let bytes = set
                .get(path.as_str())
                .unwrap_or_else(|| panic!("`{path}` is referenced but not shipped"));
            if reached.insert(path.clone()) {
                todo.extend(references(&path, bytes));
            }
        }
        let shipped: BTreeSet<String> = set.keys().map(|p| p.to_string()).collect();
        assert_eq!(reached, shipped, "shipped files nothing refers to");
    }

    #[test]
    fn sets_are_exactly_the_closure_of_the_schema_locations() {
        assert_closed(SCORM12, SCORM12_LOCATIONS);
        assert_closed(SCORM2004_3RD, SCORM2004_LOCATIONS);
        assert_closed(SCORM2004_4TH, SCORM2004_LOCATIONS);
    }

    #[test]
    fn the_scorm12_ims_xml_patch_is_applied() {
        let (_, bytes) = SCORM12.iter().find(|(p, _)| *p == "ims_xml.xsd").unwrap();
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(!text.contains(r#"xmlns="http://www.w3.org/XML/1998/namespace""#));
        assert!(text.contains(r#"targetNamespace="http://www.w3.org/XML/1998/namespace""#));
    }

    #[test]
    fn files_are_sorted_safe_and_at_the_root() {
        for files in [
            scorm12(),
            scorm2004(Edition::Third),
            scorm2004(Edition::Fourth),
        ] {
            let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            assert!(paths.windows(2).all(|w| w[0] < w[1]), "{paths:?}");
            for p in paths {
                assert!(!p.starts_with('/') && !p.contains(".."), "{p}");
                assert!(
                    p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._/-".contains(&b))
                );
            }
        }
        assert_eq!(scorm12_paths().len(), 3);
        assert_eq!(scorm2004_paths(Edition::Third).len(), 26);
        assert_ne!(scorm2004(Edition::Third), scorm2004(Edition::Fourth));
    }
}
