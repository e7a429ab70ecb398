//! How each Common Cartridge version spells its namespaces, schema URLs and resource types,
//! and [`CcVersion`]'s accessors for them.
//!
//! The schema URLs are the ones IMS publishes (`xsi:schemaLocation` hints only: cartridges
//! ship no XSD files). The LTI link schema URL of CC 1.3 names `imslticc_v1p3.xsd`, which is
//! published by IMS but not vendored here (see `schemas/SOURCES.md`).

use super::cc::CcVersion;
use super::ids::CcPart;

/// The namespaces, schema URLs and resource types of one CC version.
pub(super) struct Spelling {
    /// The exact `<schemaversion>`.
    pub(super) schemaversion: &'static str,
    /// The CP profile: namespace (the manifest's default namespace), schema URL.
    pub(super) cp: (&'static str, &'static str),
    /// The manifest LOM profile (prefix `lomimscc`): namespace, schema URL.
    pub(super) lom: (&'static str, &'static str),
    /// The discussion topic document: root namespace, schema URL.
    pub(super) topic: (&'static str, &'static str),
    /// The web link document: root namespace, schema URL.
    pub(super) web_link: (&'static str, &'static str),
    /// The LTI link document (`cartridge_basiclti_link`): root namespace, schema URL.
    pub(super) lti: (&'static str, &'static str),
    /// The `<resource type>` of each [`CcPart`], in `CcPart::ALL` order.
    pub(super) types: [&'static str; 4],
}

/// CC 1.1: the `v1p1` profiles, the Basic LTI 1.0 link.
pub(super) const V1_1: Spelling = Spelling {
    schemaversion: "1.1.0",
    cp: (
        "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
        "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd",
    ),
    lom: (
        "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest",
        "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd",
    ),
    topic: (
        "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1",
        "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imsdt_v1p1.xsd",
    ),
    web_link: (
        "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1",
        "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imswl_v1p1.xsd",
    ),
    lti: (
        "http://www.imsglobal.org/xsd/imslticc_v1p0",
        "http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticc_v1p0.xsd",
    ),
    types: [
        "webcontent",
        "imsdt_xmlv1p1",
        "imswl_xmlv1p1",
        "imsbasiclti_xmlv1p0",
    ],
};

/// CC 1.3: the `v1p3` profiles; LTI links as `imsbasiclti_xmlv1p3`, the only LTI link type the
/// 1.3 profile's resource-type enumeration allows.
pub(super) const V1_3: Spelling = Spelling {
    schemaversion: "1.3.0",
    cp: (
        "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
        "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd",
    ),
    lom: (
        "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest",
        "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd",
    ),
    topic: (
        "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3",
        "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imsdt_v1p3.xsd",
    ),
    web_link: (
        "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3",
        "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imswl_v1p3.xsd",
    ),
    lti: (
        "http://www.imsglobal.org/xsd/imslticc_v1p3",
        "http://www.imsglobal.org/xsd/lti/ltiv1p3/imslticc_v1p3.xsd",
    ),
    types: [
        "webcontent",
        "imsdt_xmlv1p3",
        "imswl_xmlv1p3",
        "imsbasiclti_xmlv1p3",
    ],
};

impl CcVersion {
    /// The spellings of this version.
    pub(super) fn spelling(self) -> &'static Spelling {
        match self {
            CcVersion::V1_1 => &V1_1,
            CcVersion::V1_3 => &V1_3,
        }
    }

    /// The exact `<schemaversion>` text: `1.1.0` or `1.3.0`.
    pub fn schemaversion(self) -> &'static str {
        self.spelling().schemaversion
    }

    /// The manifest's default namespace (the CC profile of IMS CP 1.2).
    pub fn namespace(self) -> &'static str {
        self.spelling().cp.0
    }

    /// The root namespace of a part's descriptor document (`None` for the page).
    pub fn document_namespace(self, part: CcPart) -> Option<&'static str> {
        let s = self.spelling();
        match part {
            CcPart::Page => None,
            CcPart::Discussion => Some(s.topic.0),
            CcPart::WebLink => Some(s.web_link.0),
            CcPart::Lti => Some(s.lti.0),
        }
    }

    /// The `<resource type>` of a part, e.g. `imsdt_xmlv1p1`.
    pub fn resource_type(self, part: CcPart) -> &'static str {
        self.spelling().types[part as usize]
    }
}
