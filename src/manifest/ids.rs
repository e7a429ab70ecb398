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
            let ids = all_ids(&m);
            let set: BTreeSet<_> = ids.iter().collect();
            proptest::prop_assert_eq!(set.len(), ids.len());
            for id in &ids {
                proptest::prop_assert!(is_safe(id), "{}", id);
            }
        }
    }
}
