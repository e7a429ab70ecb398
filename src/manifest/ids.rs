//! Stable identifiers for manifests and the lesson runtime.
//!
//! Every identifier is derived only from the module id and the lesson ids (both
//! `[a-z][a-z0-9-]*`, checked by the loader), never from titles, positions or a clock, so a
//! re-published package keeps the identifiers an LMS keys learner records by (Moodle keeps a
//! SCO's tracks only when its item identifier is unchanged, `lms-import.md` §A 14).
//!
//! The shapes are readable and valid everywhere an LMS uses them: `xs:ID`/NCName, the pattern
//! `[A-Za-z_][A-Za-z0-9_.-]*`, never number-like (PHP's loose `==` treats `"1e1" == "10"`).
//! They are unique across a manifest by construction: each kind has its own upper-case prefix
//! (`MANIFEST-`, `ORG-`, `ITEM-`, `RES-`), and the two fixed resources end in upper-case
//! words (`RES-SHARED`, `RES-SCHEMAS`) that no lower-case lesson id can produce — a lesson
//! called `shared` still gets `RES-shared`, which is a different identifier.
//!
//! Common Cartridge manifests use their own prefixes, so a cartridge never shares an
//! identifier shape with a SCORM package of the same module: `CC-` (manifest), `CCORG-`,
//! `CCROOT-` (organization and its untitled root item), `CCMOD-` (a lesson's module item), and
//! per lesson one resource per [`CcPart`] (`WEB-`, `TOPIC-`, `LINK-`, `LTI-`) with its item
//! `CCITEM-<resource id>`; the shared files are [`CC_SHARED_RESOURCE`] (`WEB-SHARED`, upper
//! case again).
//!
//! cmi5 identifiers are IRIs (cmi5 §13.1: fully qualified, globally unique, stable): a URN in
//! the `lessonpack` namespace, `urn:lessonpack:<module-id>` for the course and
//! `urn:lessonpack:<module-id>:<lesson-id>` for each lesson's AU. Ids never hold `:`, so the
//! segments cannot run into each other, and a lesson's AU IRI never equals a course IRI. The
//! learner's discussion response is about a sub-activity of the AU,
//! `urn:lessonpack:<module-id>:<lesson-id>:response` (three segments: never an AU IRI).

use crate::model::{Lesson, Module};

/// Identifier of the shared-files asset resource (stylesheet, scripts) every SCO depends on.
pub const SHARED_RESOURCE: &str = "RES-SHARED";

/// Identifier of the asset resource listing the XSD files shipped at the package root.
pub const SCHEMAS_RESOURCE: &str = "RES-SCHEMAS";

/// `<manifest identifier>`: `MANIFEST-<module-id>`.
pub fn manifest(module: &Module) -> String {
    format!("MANIFEST-{}", module.id)
}

/// The one `<organization identifier>` (also `<organizations default>`): `ORG-<module-id>`.
pub fn organization(module: &Module) -> String {
    format!("ORG-{}", module.id)
}

/// A lesson's `<item identifier>`: `ITEM-<lesson-id>`.
pub fn item(lesson: &Lesson) -> String {
    format!("ITEM-{}", lesson.id)
}

/// A lesson's SCO `<resource identifier>` (its item's `identifierref`): `RES-<lesson-id>`.
pub fn resource(lesson: &Lesson) -> String {
    format!("RES-{}", lesson.id)
}

/// A lesson's primary objective in SCORM 2004 sequencing (`objectiveID`): `OBJ-<lesson-id>`.
///
/// The LMS exposes it to the SCO as a `cmi.objectives.n.id`.
pub fn objective(lesson: &Lesson) -> String {
    format!("OBJ-{}", lesson.id)
}

/// The id of the `cmi.interactions.n` record holding the learner's discussion response:
/// `response-<lesson-id>`. The page runtime must use this function's value.
pub fn interaction(lesson: &Lesson) -> String {
    format!("response-{}", lesson.id)
}

/// Identifier of a cartridge's shared-files `webcontent` resource (stylesheet, scripts), which
/// every lesson page resource depends on.
pub const CC_SHARED_RESOURCE: &str = "WEB-SHARED";

/// What a cartridge holds for one lesson: each part is a resource with an item pointing at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CcPart {
    /// The lesson page (`webcontent`).
    Page,
    /// The discussion prompt as a discussion topic (`imsdt_…`).
    Discussion,
    /// The video's own page as a web link (`imswl_…`).
    WebLink,
    /// A link to the lesson in the LTI tool (`imsbasiclti_…`).
    Lti,
}

impl CcPart {
    /// Every part, in the order a lesson's module lists them.
    pub const ALL: [CcPart; 4] = [
        CcPart::Page,
        CcPart::Discussion,
        CcPart::WebLink,
        CcPart::Lti,
    ];

    /// The resource identifier prefix.
    fn prefix(self) -> &'static str {
        match self {
            CcPart::Page => "WEB",
            CcPart::Discussion => "TOPIC",
            CcPart::WebLink => "LINK",
            CcPart::Lti => "LTI",
        }
    }
}

/// A cartridge's `<manifest identifier>`: `CC-<module-id>`.
pub fn cc_manifest(module: &Module) -> String {
    format!("CC-{}", module.id)
}

/// A cartridge's one `<organization identifier>`: `CCORG-<module-id>`.
pub fn cc_organization(module: &Module) -> String {
    format!("CCORG-{}", module.id)
}

/// The organization's untitled root `<item identifier>`: `CCROOT-<module-id>`.
pub fn cc_root_item(module: &Module) -> String {
    format!("CCROOT-{}", module.id)
}

/// A lesson's module item (the titled folder item Canvas makes a module and Moodle a section
/// of): `CCMOD-<lesson-id>`.
pub fn cc_module_item(lesson: &Lesson) -> String {
    format!("CCMOD-{}", lesson.id)
}

/// The resource of one part of a lesson: `WEB-`, `TOPIC-`, `LINK-` or `LTI-<lesson-id>`.
pub fn cc_resource(lesson: &Lesson, part: CcPart) -> String {
    format!("{}-{}", part.prefix(), lesson.id)
}

/// The item pointing at [`cc_resource`]: `CCITEM-<resource id>`, e.g. `CCITEM-WEB-intro`.
pub fn cc_item(lesson: &Lesson, part: CcPart) -> String {
    format!("CCITEM-{}", cc_resource(lesson, part))
}

/// The cmi5 course IRI (`<course id>`): `urn:lessonpack:<module-id>`.
pub fn cmi5_course(module: &Module) -> String {
    format!("urn:lessonpack:{}", module.id)
}

/// A lesson's cmi5 AU IRI (`<au id>`, the publisher id an LMS puts in the launch's context
/// template): `urn:lessonpack:<module-id>:<lesson-id>`.
pub fn cmi5_au(module: &Module, lesson: &Lesson) -> String {
    format!("urn:lessonpack:{}:{}", module.id, lesson.id)
}

/// The activity a lesson's discussion response is recorded against (the object of the
/// page's "answered" statement, cmi5 §7.1.3 "cmi5 allowed"):
/// `urn:lessonpack:<module-id>:<lesson-id>:response`.
pub fn cmi5_response(module: &Module, lesson: &Lesson) -> String {
    format!("{}:response", cmi5_au(module, lesson))
}

/// Whether `id` is an identifier LMSs handle safely (`lms-import.md` §A 13): it matches
/// `[A-Za-z_][A-Za-z0-9_.-]*` (so it is also a valid `xs:ID`) and does not look like a number.
pub fn is_safe(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !looks_numeric(id)
}

/// Whether `id` reads as a number (Rust's float syntax covers PHP's and JavaScript's numeric
/// strings, including `inf` and `NaN`).
fn looks_numeric(id: &str) -> bool {
    id.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Completion, Transcript};
    use std::collections::BTreeSet;

    fn lesson(id: &str, title: &str) -> Lesson {
        Lesson {
            id: id.into(),
            title: title.into(),
            summary: None,
            video: None,
            transcript: Transcript::Untimed(vec!["Text.".into()]),
            discussion: None,
            completion: Completion::default(),
        }
    }

    fn module(id: &str, title: &str, lessons: Vec<Lesson>) -> Module {
        Module {
            id: id.into(),
            title: title.into(),
            language: "en".into(),
            summary: None,
            course: None,
            provider: None,
            presenters: vec![],
            licence: None,
            version: "1.0".into(),
            keywords: vec![],
            lti_launch_url: None,
            lessons,
        }
    }

    fn all_ids(m: &Module) -> Vec<String> {
        let mut ids = vec![manifest(m), organization(m)];
        for l in &m.lessons {
            ids.extend([item(l), resource(l), objective(l)]);
        }
        ids.extend([SHARED_RESOURCE.to_string(), SCHEMAS_RESOURCE.to_string()]);
        ids
    }

    #[test]
    fn shapes() {
        let l = lesson("intro-1", "Intro");
        let m = module("bi-101", "Business", vec![l.clone()]);
        assert_eq!(manifest(&m), "MANIFEST-bi-101");
        assert_eq!(organization(&m), "ORG-bi-101");
        assert_eq!(item(&l), "ITEM-intro-1");
        assert_eq!(resource(&l), "RES-intro-1");
        assert_eq!(objective(&l), "OBJ-intro-1");
        assert_eq!(interaction(&l), "response-intro-1");
        for id in all_ids(&m).iter().chain([&interaction(&l)]) {
            assert!(is_safe(id), "{id}");
        }
    }

    #[test]
    fn titles_do_not_change_identifiers() {
        let a = module("m", "Old", vec![lesson("a", "One"), lesson("b", "Two")]);
        let b = module(
            "m",
            "New & <improved>",
            vec![lesson("a", "Eins"), lesson("b", "")],
        );
        assert_eq!(all_ids(&a), all_ids(&b));
        assert_eq!(interaction(&a.lessons[0]), interaction(&b.lessons[0]));
    }

    #[test]
    fn unique_even_for_awkward_lesson_ids() {
        let names = [
            "shared",
            "schemas",
            "m",
            "res-shared",
            "item",
            "a",
            "a-1",
            "org",
        ];
        let m = module("m", "M", names.iter().map(|n| lesson(n, n)).collect());
        let ids = all_ids(&m);
        let set: BTreeSet<_> = ids.iter().collect();
        assert_eq!(set.len(), ids.len(), "{ids:?}");
        // The item/resource/objective ids are pairwise distinct across kinds too.
        assert!(ids.iter().all(|id| is_safe(id)));
    }

    #[test]
    fn is_safe_rejects_bad_shapes() {
        for bad in ["", "1a", "-a", "a b", "a:b", "é", "1e1", "inf", "NaN", "10"] {
            assert!(!is_safe(bad), "{bad:?} accepted");
        }
        for good in ["a", "_x", "A.b-c_d", "e", "ITEM-1e1"] {
            assert!(is_safe(good), "{good:?} rejected");
        }
    }

    fn all_cc_ids(m: &Module) -> Vec<String> {
        let mut ids = vec![cc_manifest(m), cc_organization(m), cc_root_item(m)];
        for l in &m.lessons {
            ids.push(cc_module_item(l));
            for part in CcPart::ALL {
                ids.extend([cc_item(l, part), cc_resource(l, part)]);
            }
        }
        ids.push(CC_SHARED_RESOURCE.to_string());
        ids
    }

    #[test]
    fn cmi5_iris() {
        let (a, b) = (lesson("intro", "Intro"), lesson("intro-2", "Two"));
        let m = module("bi-101", "Business", vec![a.clone(), b.clone()]);
        assert_eq!(cmi5_course(&m), "urn:lessonpack:bi-101");
        assert_eq!(cmi5_au(&m, &a), "urn:lessonpack:bi-101:intro");
        assert_eq!(
            cmi5_response(&m, &a),
            "urn:lessonpack:bi-101:intro:response"
        );
        let all = [
            cmi5_course(&m),
            cmi5_au(&m, &a),
            cmi5_au(&m, &b),
            cmi5_response(&m, &a),
            cmi5_response(&m, &b),
        ];
        let set: BTreeSet<_> = all.iter().collect();
        assert_eq!(set.len(), all.len());
        // Another module whose id extends this one's never shares an IRI.
        let other = module("bi-101-intro", "Other", vec![lesson("intro", "I")]);
        assert!(!all.contains(&cmi5_course(&other)));
        assert!(!all.contains(&cmi5_au(&other, &other.lessons[0])));
        let renamed = module("bi-101", "Renamed", vec![lesson("intro", "New")]);
        assert_eq!(cmi5_au(&renamed, &renamed.lessons[0]), cmi5_au(&m, &a));
    }

    #[test]
    fn cartridge_shapes() {
        let l = lesson("intro-1", "Intro");
        let m = module("bi-101", "Business", vec![l.clone()]);
        assert_eq!(cc_manifest(&m), "CC-bi-101");
        assert_eq!(cc_organization(&m), "CCORG-bi-101");
        assert_eq!(cc_root_item(&m), "CCROOT-bi-101");
        assert_eq!(cc_module_item(&l), "CCMOD-intro-1");
        let parts = CcPart::ALL.map(|p| (cc_resource(&l, p), cc_item(&l, p)));
        assert_eq!(
            parts.map(|(r, i)| format!("{r} {i}")),
            [
                "WEB-intro-1 CCITEM-WEB-intro-1",
                "TOPIC-intro-1 CCITEM-TOPIC-intro-1",
                "LINK-intro-1 CCITEM-LINK-intro-1",
                "LTI-intro-1 CCITEM-LTI-intro-1",
            ]
        );
        assert!(all_cc_ids(&m).iter().all(|id| is_safe(id)));
    }

    #[test]
    fn cartridge_ids_ignore_titles_and_stay_unique() {
        let a = module("m", "Old", vec![lesson("a", "One"), lesson("b", "Two")]);
        let b = module("m", "New", vec![lesson("a", "Eins"), lesson("b", "")]);
        assert_eq!(all_cc_ids(&a), all_cc_ids(&b));
        let names = ["shared", "web", "m", "web-shared", "cc", "a", "a-1", "item"];
        let m = module("m", "M", names.iter().map(|n| lesson(n, n)).collect());
        let ids = all_cc_ids(&m);
        assert_eq!(
            ids.iter().collect::<BTreeSet<_>>().len(),
            ids.len(),
            "{ids:?}"
        );
    }

    /// Lesson ids as the loader accepts them (lower-case words joined by single hyphens).
    const LESSON_ID: &str = "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}";

    proptest::proptest! {
        #[test]
        fn every_loader_valid_id_gives_safe_distinct_ids(
            module_id in "[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,5}){0,3}",
            lesson_ids in proptest::collection::btree_set(LESSON_ID, 1..6),
        ) {
            let lessons = lesson_ids.iter().map(|id| lesson(id, "T")).collect();
            let m = module(&module_id, "M", lessons);
            for ids in [all_ids(&m), all_cc_ids(&m)] {
                let set: BTreeSet<_> = ids.iter().collect();
                proptest::prop_assert_eq!(set.len(), ids.len());
                for id in &ids {
                    proptest::prop_assert!(is_safe(id), "{}", id);
                }
            }
        }
    }
}
