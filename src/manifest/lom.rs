//! The inline LOM metadata record both SCORM 2004 (`<lom:lom>`, strict LOM binding) and
//! Common Cartridge (`<lomimscc:lom>`) write in their manifest: one writer, a tag prefix and a
//! [`Profile`] naming the optional parts.

use super::xml;
use crate::model::Module;

/// Which optional LOM parts a manifest writes.
#[derive(Clone, Copy)]
pub(super) struct Profile {
    /// The tag prefix, without the colon: `lom` or `lomimscc`.
    pub prefix: &'static str,
    /// `lifeCycle/version` from the module version (when not empty).
    pub life_cycle_version: bool,
    /// `source` (`LOMv1.0`) before `value` in `rights/copyrightAndOtherRestrictions`.
    pub rights_source: bool,
}

/// Writes `<prefix:lom>`: title, language, summary and keywords in `general`, then (per
/// `profile`) the version in `lifeCycle`, then the licence in `rights`.
pub(super) fn write(doc: &mut xml::Doc, module: &Module, profile: Profile) {
    let p = profile.prefix;
    let tag = |name: &str| format!("{p}:{name}");
    let lang = module.language.as_str();
    let string = tag("string");
    let lang_string = |doc: &mut xml::Doc, name: &str, text: &str| {
        doc.open(name, &[]);
        doc.text(&string, &[("language", lang)], text);
        doc.close(name);
    };
    let (lom, general) = (tag("lom"), tag("general"));
    doc.open(&lom, &[]);
    doc.open(&general, &[]);
    lang_string(doc, &tag("title"), &xml::title(&module.title, None));
    doc.text(&tag("language"), &[], lang);
    if let Some(summary) = module.summary.as_deref().map(xml::clean)
        && !summary.is_empty()
    {
        lang_string(doc, &tag("description"), &summary);
    }
    for keyword in module.keywords.iter().map(|k| xml::clean(k)) {
        if !keyword.is_empty() {
            lang_string(doc, &tag("keyword"), &keyword);
        }
    }
    doc.close(&general);
    let version = xml::clean(&module.version);
    if profile.life_cycle_version && !version.is_empty() {
        let life_cycle = tag("lifeCycle");
        doc.open(&life_cycle, &[]);
        lang_string(doc, &tag("version"), &version);
        doc.close(&life_cycle);
    }
    if let Some(licence) = module.licence.as_deref().map(xml::clean)
        && !licence.is_empty()
    {
        let (rights, restrictions) = (tag("rights"), tag("copyrightAndOtherRestrictions"));
        doc.open(&rights, &[]);
        doc.open(&restrictions, &[]);
        if profile.rights_source {
            doc.text(&tag("source"), &[], "LOMv1.0");
        }
        doc.text(&tag("value"), &[], restricted(&licence));
        doc.close(&restrictions);
        lang_string(doc, &tag("description"), &licence);
        doc.close(&rights);
    }
    doc.close(&lom);
}

/// LOM 6.2 "copyright and other restrictions": `no` only for public-domain dedications.
pub(super) fn restricted(licence: &str) -> &'static str {
    let lower = licence.to_lowercase();
    if lower.contains("cc0") || lower.contains("public domain") {
        "no"
    } else {
        "yes"
    }
}
