//! The format and edition of a manifest, from its root element's namespace and its
//! `<schemaversion>` — never from the document's own `xsi:schemaLocation`, which is untrusted.

use crate::xmltree::El;

/// IMS CP 1.1.2, the SCORM 1.2 manifest namespace.
pub const NS_SCORM12: &str = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
/// IMS CP 1.1.4, the SCORM 2004 manifest namespace.
pub const NS_SCORM2004: &str = "http://www.imsglobal.org/xsd/imscp_v1p1";
/// The cmi5 course structure namespace.
pub const NS_CMI5: &str = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";
/// The Common Cartridge manifest namespaces, by version.
pub const NS_CC: [(&str, CcVersion); 4] = [
    (
        "http://www.imsglobal.org/xsd/imscc/imscp_v1p1",
        CcVersion::V1_0,
    ),
    (
        "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
        CcVersion::V1_1,
    ),
    (
        "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1",
        CcVersion::V1_2,
    ),
    (
        "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
        CcVersion::V1_3,
    ),
];

/// A SCORM 2004 edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    /// 2nd edition (`CAM 1.3`, `2004 2nd Edition`).
    Second,
    /// 3rd edition.
    Third,
    /// 4th edition.
    Fourth,
    /// A SCORM 2004 namespace with no or an unknown `<schemaversion>`.
    Unknown,
}

/// A Common Cartridge version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CcVersion {
    /// 1.0.
    V1_0,
    /// 1.1.
    V1_1,
    /// 1.2.
    V1_2,
    /// 1.3.
    V1_3,
}

/// What a manifest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SCORM 1.2.
    Scorm12,
    /// SCORM 2004, with its edition.
    Scorm2004(Edition),
    /// IMS Common Cartridge; `thin` for Thin CC.
    Cc {
        /// The version, from the namespace.
        version: CcVersion,
        /// A Thin Common Cartridge (`<schema>IMS Thin Common Cartridge</schema>`).
        thin: bool,
    },
    /// cmi5 `cmi5.xml`.
    Cmi5,
    /// Nothing we know.
    Unknown,
}

impl Format {
    /// "SCORM 1.2", "SCORM 2004 4th Edition", "Common Cartridge 1.3 (thin)", "cmi5".
    pub fn label(self) -> String {
        match self {
            Format::Scorm12 => "SCORM 1.2".into(),
            Format::Scorm2004(e) => match e {
                Edition::Second => "SCORM 2004 2nd Edition".into(),
                Edition::Third => "SCORM 2004 3rd Edition".into(),
                Edition::Fourth => "SCORM 2004 4th Edition".into(),
                Edition::Unknown => "SCORM 2004 (edition unknown)".into(),
            },
            Format::Cc { version, thin } => {
                let v = match version {
                    CcVersion::V1_0 => "1.0",
                    CcVersion::V1_1 => "1.1",
                    CcVersion::V1_2 => "1.2",
                    CcVersion::V1_3 => "1.3",
                };
                let thin = if thin { " (thin)" } else { "" };
                format!("Common Cartridge {v}{thin}")
            }
            Format::Cmi5 => "cmi5".into(),
            Format::Unknown => "unknown".into(),
        }
    }

    /// The short name used in JSON (`scorm12`, `scorm2004-4th`, `cc13`, `cc13-thin`, `cmi5`).
    pub fn name(self) -> String {
        match self {
            Format::Scorm12 => "scorm12".into(),
            Format::Scorm2004(e) => format!(
                "scorm2004-{}",
                match e {
                    Edition::Second => "2nd",
                    Edition::Third => "3rd",
                    Edition::Fourth => "4th",
                    Edition::Unknown => "unknown",
                }
            ),
            Format::Cc { version, thin } => {
                format!("cc1{}{}", version as u8, if thin { "-thin" } else { "" })
            }
            Format::Cmi5 => "cmi5".into(),
            Format::Unknown => "unknown".into(),
        }
    }

    /// SCORM 1.2 or 2004.
    pub fn is_scorm(self) -> bool {
        matches!(self, Format::Scorm12 | Format::Scorm2004(_))
    }

    /// A Common Cartridge.
    pub fn is_cc(self) -> bool {
        matches!(self, Format::Cc { .. })
    }
}

/// Detects the format of a root element.
pub(crate) fn detect(root: &El) -> Format {
    let ns = root.namespace().unwrap_or_default();
    if root.local() == "courseStructure" {
        return if ns == NS_CMI5 {
            Format::Cmi5
        } else {
            Format::Unknown
        };
    }
    if root.local() != "manifest" {
        return Format::Unknown;
    }
    let metadata = root.child("metadata");
    let text = |name: &str| {
        metadata
            .and_then(|m| m.child(name))
            .map(|e| e.text_trimmed())
            .unwrap_or_default()
    };
    if let Some((_, version)) = NS_CC.iter().find(|(uri, _)| *uri == ns) {
        let thin = text("schema").to_ascii_lowercase().contains("thin");
        return Format::Cc {
            version: *version,
            thin,
        };
    }
    let version = text("schemaversion");
    match ns {
        NS_SCORM12 => Format::Scorm12,
        NS_SCORM2004 => Format::Scorm2004(match version.as_str() {
            "2004 4th Edition" => Edition::Fourth,
            "2004 3rd Edition" => Edition::Third,
            "CAM 1.3" | "2004 2nd Edition" | "1.3" => Edition::Second,
            _ => Edition::Unknown,
        }),
        _ => Format::Unknown,
    }
}
