//! The XSD files the schema layer validates with, embedded in the binary, and the
//! [`SchemaLoader`] that serves them: no file system, no network.
//!
//! Every file has a virtual path (`scorm2004-4th/imscp_v1p1.xsd`) under the base URI
//! `embedded:///`. Relative `schemaLocation`s resolve against the importing file's virtual
//! path; the absolute URLs the official schemas import each other by (IMS profile URLs, the
//! W3C `xml.xsd`) are mapped to the embedded copies by [`virtual_path`], the same mapping
//! `tests/fixtures/schemas-catalog.xml` gives `xmllint`. Anything else fails to load (a
//! directive failure, reported as a broken set, never fetched).
//!
//! The shipped SCORM sets come from `schemas/scorm12`, `schemas/scorm2004-3rd`,
//! `schemas/scorm2004-4th`; the sequencing/navigation extensions and the whole 2nd Edition
//! set, which packages never ship, from `schemas/validate-only/` (see `schemas/SOURCES.md`).

use xsd_schema::error::SchemaResult;
use xsd_schema::parser::resolver::SchemaLoader;

/// The base URI of every embedded file.
pub(super) const BASE: &str = "embedded:///";

/// Embeds files: `virtual/path` => `schemas/<source path>`.
macro_rules! embed {
    ($($virt:expr => $src:expr),+ $(,)?) => {
        &[$(
            ($virt, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/", $src))),
        )+]
    };
}

/// The SCORM 2004 closure of one edition: `$v` the virtual folder, `$cp` the folder holding
/// CP/SS/LOM, `$ext` the folder holding `adlseq`/`adlnav`.
macro_rules! scorm2004 {
    ($v:literal, $cp:literal, $ext:literal) => {
        embed!(
            concat!($v, "/adlcp_v1p3.xsd") => concat!($cp, "/adlcp_v1p3.xsd"),
            concat!($v, "/adlseq_v1p3.xsd") => concat!($ext, "/adlseq_v1p3.xsd"),
            concat!($v, "/adlnav_v1p3.xsd") => concat!($ext, "/adlnav_v1p3.xsd"),
            concat!($v, "/imscp_v1p1.xsd") => concat!($cp, "/imscp_v1p1.xsd"),
            concat!($v, "/imsss_v1p0.xsd") => concat!($cp, "/imsss_v1p0.xsd"),
            concat!($v, "/imsss_v1p0auxresource.xsd") => concat!($cp, "/imsss_v1p0auxresource.xsd"),
            concat!($v, "/imsss_v1p0control.xsd") => concat!($cp, "/imsss_v1p0control.xsd"),
            concat!($v, "/imsss_v1p0delivery.xsd") => concat!($cp, "/imsss_v1p0delivery.xsd"),
            concat!($v, "/imsss_v1p0limit.xsd") => concat!($cp, "/imsss_v1p0limit.xsd"),
            concat!($v, "/imsss_v1p0objective.xsd") => concat!($cp, "/imsss_v1p0objective.xsd"),
            concat!($v, "/imsss_v1p0random.xsd") => concat!($cp, "/imsss_v1p0random.xsd"),
            concat!($v, "/imsss_v1p0rollup.xsd") => concat!($cp, "/imsss_v1p0rollup.xsd"),
            concat!($v, "/imsss_v1p0seqrule.xsd") => concat!($cp, "/imsss_v1p0seqrule.xsd"),
            concat!($v, "/imsss_v1p0util.xsd") => concat!($cp, "/imsss_v1p0util.xsd"),
            concat!($v, "/lom.xsd") => concat!($cp, "/lom.xsd"),
            concat!($v, "/xml.xsd") => concat!($cp, "/xml.xsd"),
            concat!($v, "/common/anyElement.xsd") => concat!($cp, "/common/anyElement.xsd"),
            concat!($v, "/common/dataTypes.xsd") => concat!($cp, "/common/dataTypes.xsd"),
            concat!($v, "/common/elementNames.xsd") => concat!($cp, "/common/elementNames.xsd"),
            concat!($v, "/common/elementTypes.xsd") => concat!($cp, "/common/elementTypes.xsd"),
            concat!($v, "/common/rootElement.xsd") => concat!($cp, "/common/rootElement.xsd"),
            concat!($v, "/common/vocabTypes.xsd") => concat!($cp, "/common/vocabTypes.xsd"),
            concat!($v, "/common/vocabValues.xsd") => concat!($cp, "/common/vocabValues.xsd"),
            concat!($v, "/unique/strict.xsd") => concat!($cp, "/unique/strict.xsd"),
            concat!($v, "/vocab/strict.xsd") => concat!($cp, "/vocab/strict.xsd"),
            concat!($v, "/extend/strict.xsd") => concat!($cp, "/extend/strict.xsd"),
        )
    };
}

/// Every embedded file: virtual path and text.
pub(super) static FILES: &[&[(&str, &str)]] = &[
    embed!(
        "scorm12/imscp_rootv1p1p2.xsd" => "scorm12/imscp_rootv1p1p2.xsd",
        "scorm12/adlcp_rootv1p2.xsd" => "scorm12/adlcp_rootv1p2.xsd",
        "scorm12/ims_xml.xsd" => "scorm12/ims_xml.xsd",
        "w3c/xml.xsd" => "scorm2004-4th/xml.xsd",
        "cmi5/CourseStructure.xsd" => "cmi5/CourseStructure.xsd",
        "cc11/ccv1p1_imscp_v1p2_v1p0.xsd" => "cc11/ccv1p1_imscp_v1p2_v1p0.xsd",
        "cc11/ccv1p1_imsccauth_v1p1.xsd" => "cc11/ccv1p1_imsccauth_v1p1.xsd",
        "cc11/ccv1p1_lommanifest_v1p0.xsd" => "cc11/ccv1p1_lommanifest_v1p0.xsd",
        "cc11/ccv1p1_lomresource_v1p0.xsd" => "cc11/ccv1p1_lomresource_v1p0.xsd",
        "cc13/ccv1p3_imscp_v1p2_v1p0.xsd" => "cc13/ccv1p3_imscp_v1p2_v1p0.xsd",
        "cc13/ccv1p3_imsccauth_v1p3.xsd" => "cc13/ccv1p3_imsccauth_v1p3.xsd",
        "cc13/ccv1p3_imscsmd_v1p0.xsd" => "cc13/ccv1p3_imscsmd_v1p0.xsd",
        "cc13/LOM/ccv1p3_lommanifest_v1p0.xsd" => "cc13/LOM/ccv1p3_lommanifest_v1p0.xsd",
        "cc13/LOM/ccv1p3_lomresource_v1p0.xsd" => "cc13/LOM/ccv1p3_lomresource_v1p0.xsd",
    ),
    scorm2004!(
        "scorm2004-2nd",
        "validate-only/scorm2004-2nd",
        "validate-only/scorm2004-2nd"
    ),
    scorm2004!(
        "scorm2004-3rd",
        "scorm2004-3rd",
        "validate-only/scorm2004-3rd"
    ),
    scorm2004!(
        "scorm2004-4th",
        "scorm2004-4th",
        "validate-only/scorm2004-4th"
    ),
];

/// Absolute URLs the official files import by, and the virtual path (or folder) they map to.
const URLS: &[(&str, &str)] = &[
    // xsd-schema's resolver names the XML namespace's well-known schema so.
    ("embedded://xml.xsd", "w3c/xml.xsd"),
    ("http://www.w3.org/2001/xml.xsd", "w3c/xml.xsd"),
    ("http://www.w3.org/2001/03/xml.xsd", "scorm2004-2nd/xml.xsd"),
    (
        "http://www.imsglobal.org/xsd/w3/2001/xml.xsd",
        "w3c/xml.xsd",
    ),
    ("http://www.imsglobal.org/profile/cc/ccv1p1/LOM/", "cc11/"),
    ("http://www.imsglobal.org/profile/cc/ccv1p1/", "cc11/"),
    ("http://www.imsglobal.org/profile/cc/ccv1p3/", "cc13/"),
];

/// The embedded text of a virtual path.
pub(super) fn get(path: &str) -> Option<&'static str> {
    FILES
        .iter()
        .flat_map(|set| set.iter())
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// The virtual path a location names: `embedded:///…` with `.`/`..` segments resolved, or a
/// mapped absolute URL. `None` for anything else.
pub(super) fn virtual_path(location: &str) -> Option<String> {
    let raw = if let Some(rest) = location.strip_prefix(BASE) {
        rest.to_string()
    } else {
        let (url, to) = URLS.iter().find(|(url, _)| location.starts_with(url))?;
        format!("{to}{}", &location[url.len()..])
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The location rewriter: an absolute URL of [`URLS`] becomes the `embedded:///` URI of its
/// copy (the resolver refuses network locations before any loader sees them); anything else
/// is kept (relative locations resolve against the importing file's `embedded:///` URI).
pub(super) fn rewrite(location: &str) -> Option<String> {
    if location.starts_with(BASE) {
        return None;
    }
    URLS.iter()
        .any(|(url, _)| location.starts_with(url))
        .then(|| virtual_path(location))
        .flatten()
        .map(|p| format!("{BASE}{p}"))
}

/// Serves [`FILES`] to the schema compiler.
#[derive(Debug, Default)]
pub(super) struct Embedded;

impl SchemaLoader for Embedded {
    fn load(&self, location: &str) -> SchemaResult<String> {
        virtual_path(location)
            .and_then(|p| get(&p))
            .map(str::to_string)
            .ok_or_else(|| {
                xsd_schema::error::SchemaError::resolution(format!(
                    "`{location}` is not a bundled schema (nothing is fetched)"
                ))
            })
    }

    fn can_load(&self, location: &str) -> bool {
        virtual_path(location).is_some_and(|p| get(&p).is_some())
    }

    fn priority(&self) -> i32 {
        1000
    }
}

/// The target namespaces of every file under a virtual folder (`scorm12/`): what the set
/// bundles, so an error about any other namespace is an extension we cannot check.
pub(super) fn namespaces(folders: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = vec![
        "http://www.w3.org/XML/1998/namespace".into(),
        "http://www.w3.org/2001/XMLSchema-instance".into(),
    ];
    for (path, text) in FILES.iter().flat_map(|s| s.iter()) {
        if !folders.iter().any(|f| path.starts_with(f)) {
            continue;
        }
        if let Some(ns) = namespaces_of(text)
            && !out.contains(&ns)
        {
            out.push(ns);
        }
    }
    out
}

/// The `targetNamespace` of a schema document's text.
pub(super) fn namespaces_of(text: &str) -> Option<String> {
    text.split_once("targetNamespace")
        .and_then(|(_, rest)| rest.split_once(['"', '\'']))
        .and_then(|(_, rest)| rest.split_once(['"', '\'']))
        .map(|(ns, _)| ns.to_string())
}
