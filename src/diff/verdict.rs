//! What each LMS does with learner records when the new package replaces the old one
//! (`lms-import.md` §A 7, 8, 13, 14, 21, 27 and §B; `lti-cc-cmi5.md` §4.1).
//!
//! The routes follow the old package's format, since that is where learners have records:
//!
//! - SCORM → Moodle `mod_scorm` (re-upload into the activity), Open edX's SCORM XBlock
//!   (re-upload into the block), Canvas's SCORM app (no re-upload: a new assignment);
//! - Common Cartridge → Moodle course restore and Canvas course import (new content);
//! - cmi5 → a cmi5 LMS, which keys registrations and statements on AU ids.

use super::lms::{Lms, Outcome, Record, Route, Status, Verdict};
use super::model::{Format, Item, ItemKind, Package};
use super::php;
use std::collections::BTreeMap;

/// The verdicts for replacing `old` with `new`.
pub(super) fn records(
    old: &Package,
    new: &Package,
    renames: &BTreeMap<String, String>,
) -> Vec<Verdict> {
    match old.format {
        Format::Scorm12 | Format::Scorm2004 => vec![
            moodle_scorm(old, new, renames),
            openedx_scorm(old, new),
            new_content(
                Lms::Canvas,
                Route::CanvasScormApp,
                "no re-upload path: uploading creates a new assignment in the SCORM app; learners start again there and the old one keeps its records",
            ),
        ],
        Format::Cc => {
            let mut moodle = new_content(
                Lms::Moodle,
                Route::MoodleRestore,
                "course restore creates new activities; existing ones keep their records",
            );
            if new.format == Format::Cc && !moodle_restores(new) {
                moodle.notes.push(format!(
                    "Moodle restores only Common Cartridge 1.0 and 1.1, not {}",
                    new.format_label()
                ));
            }
            let canvas = new_content(
                Lms::Canvas,
                Route::CanvasImport,
                "course import creates new content; existing content keeps its records",
            );
            vec![moodle, canvas]
        }
        Format::Cmi5 => vec![cmi5(old, new, renames)],
    }
}

fn new_content(lms: Lms, route: Route, summary: &str) -> Verdict {
    Verdict {
        lms,
        route,
        outcome: Outcome::New,
        summary: summary.to_string(),
        records: Vec::new(),
        notes: Vec::new(),
    }
}

/// Moodle's re-upload, `scorm_parse_scorm()`: every new organization and item takes the
/// tracks of the first old one whose identifier is PHP-`==` to its own (a later match
/// overwrites an earlier one); old SCOs nobody took are deleted with their tracks.
fn moodle_scorm(old: &Package, new: &Package, renames: &BTreeMap<String, String>) -> Verdict {
    let mut verdict = new_content(Lms::Moodle, Route::MoodleScorm, "");
    if new.format == Format::Cmi5 {
        verdict.outcome = Outcome::Lost;
        verdict.summary = "Moodle refuses a package without `imsmanifest.xml`: learners move to a new activity without their tracks".into();
        return verdict;
    }
    let eligible = |i: &&Item| matches!(i.kind, ItemKind::Organization | ItemKind::Item);
    let old_all: Vec<&Item> = old.items.iter().filter(eligible).collect();
    let mut taken_by: Vec<Option<&Item>> = vec![None; old_all.len()];
    for n in new.items.iter().filter(eligible) {
        if let Some(oi) = old_all
            .iter()
            .position(|o| php::loose_eq(&o.identifier, &n.identifier))
        {
            taken_by[oi] = Some(n);
        }
    }
    let mut taken = Vec::new();
    for (o, by) in old_all.iter().zip(&taken_by) {
        if o.kind != ItemKind::Item || o.launch.is_none() {
            continue;
        }
        let (status, to) = match by {
            Some(n) if n.identifier == o.identifier => (Status::Kept, Some(n.identifier.clone())),
            Some(n) => (Status::Moved, Some(n.identifier.clone())),
            None => (Status::Deleted, renames.get(&o.identifier).cloned()),
        };
        if let Some(n) = by {
            taken.push(n.identifier.as_str());
        }
        verdict.records.push(record(o, status, to));
    }
    for n in new
        .launchable()
        .filter(|n| !taken.contains(&n.identifier.as_str()))
    {
        verdict.records.push(record(n, Status::Added, None));
    }
    let count = |s: Status| verdict.records.iter().filter(|r| r.status == s).count();
    let scos = verdict
        .records
        .iter()
        .filter(|r| r.status != Status::Added)
        .count();
    let (deleted, moved) = (count(Status::Deleted), count(Status::Moved));
    verdict.outcome = if deleted + moved > 0 {
        Outcome::Lost
    } else {
        Outcome::Kept
    };
    let its = |n: usize| if n == 1 { "its" } else { "their" };
    verdict.summary = match (deleted, moved) {
        (0, 0) => format!("tracks kept for {}", plural(scos, "SCO")),
        (d, 0) => format!(
            "{d} of {} deleted with {} tracks",
            plural(scos, "SCO"),
            its(d)
        ),
        (0, m) => format!(
            "the tracks of {m} of {} move to a different SCO",
            plural(scos, "SCO")
        ),
        (d, m) => format!(
            "{d} of {} deleted with {} tracks; the tracks of {m} move to a different SCO",
            plural(scos, "SCO"),
            its(d)
        ),
    };
    let mut numeric: Vec<String> = Vec::new();
    let ids = old_all
        .iter()
        .copied()
        .chain(new.items.iter().filter(eligible));
    for id in ids.map(|i| format!("`{}`", i.identifier)) {
        if php::is_numeric(id.trim_matches('`')) && !numeric.contains(&id) {
            numeric.push(id);
        }
    }
    if !numeric.is_empty() {
        verdict.notes.push(format!(
            "identifiers {} look like numbers: Moodle matches identifiers with PHP's loose `==`, under which `1e1`, `10` and `10.0` are all equal",
            numeric.join(", ")
        ));
    }
    let (a, b) = (moodle_version(old), moodle_version(new));
    if a != b {
        verdict.notes.push(format!(
            "Moodle switches the activity from {a} to {b}: tracks saved under {a} names are kept but not read by the {b} player (learners lose their bookmark and suspend data)"
        ));
    }
    if new.format == Format::Cc {
        verdict.notes.push("the new package is a Common Cartridge: Moodle's SCORM activity reads its items as SCOs without a SCORM runtime".into());
    }
    verdict
}

/// Open edX's SCORM XBlock keeps learner state on the block whatever the identifiers.
fn openedx_scorm(old: &Package, new: &Package) -> Verdict {
    let mut verdict = new_content(Lms::OpenEdx, Route::OpenedxScorm, "");
    if new.format == Format::Cmi5 {
        verdict.outcome = Outcome::Lost;
        verdict.summary = "the SCORM XBlock needs `imsmanifest.xml`: a cmi5 block is a new block without the learners' state".into();
        return verdict;
    }
    verdict.outcome = Outcome::Kept;
    verdict.summary = "learner state stays on the XBlock whatever the identifiers".into();
    let (a, b) = (old.openedx_launch(), new.openedx_launch());
    if a != b {
        let show = |p: Option<&str>| p.map_or("none".to_string(), |p| format!("`{p}`"));
        verdict.notes.push(format!(
            "the launch page changes from {} to {}: learners' saved state (status, score, bookmark) is handed to the new page",
            show(a),
            show(b)
        ));
    }
    let (a, b) = (openedx_version(old), openedx_version(new));
    if a != b {
        verdict.notes.push(format!(
            "Open edX switches the block from {a} to {b}: state saved by the {a} runtime is handed to a {b} package"
        ));
    }
    verdict
}

/// A cmi5 LMS keys registrations and statements on the course and AU ids.
fn cmi5(old: &Package, new: &Package, renames: &BTreeMap<String, String>) -> Verdict {
    let mut verdict = new_content(Lms::Cmi5, Route::Cmi5, "");
    let course = |p: &Package| {
        let c = p.items.iter().find(|i| i.kind == ItemKind::Course);
        c.map(|c| c.identifier.clone())
    };
    let same_course = new.format == Format::Cmi5 && course(old) == course(new);
    for au in old.items.iter().filter(|i| i.kind == ItemKind::Au) {
        let kept = same_course
            && new
                .items
                .iter()
                .any(|n| n.kind == ItemKind::Au && n.identifier == au.identifier);
        let rec = if kept {
            record(au, Status::Kept, Some(au.identifier.clone()))
        } else {
            record(au, Status::Lost, renames.get(&au.identifier).cloned())
        };
        verdict.records.push(rec);
    }
    let kept: Vec<String> = verdict
        .records
        .iter()
        .filter(|r| r.status == Status::Kept)
        .map(|r| r.identifier.clone())
        .collect();
    for au in new
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Au && !kept.contains(&i.identifier))
    {
        verdict.records.push(record(au, Status::Added, None));
    }
    let lost = verdict
        .records
        .iter()
        .filter(|r| r.status == Status::Lost)
        .count();
    let aus = verdict
        .records
        .iter()
        .filter(|r| r.status != Status::Added)
        .count();
    verdict.outcome = if lost > 0 {
        Outcome::Lost
    } else {
        Outcome::Kept
    };
    verdict.summary = if new.format != Format::Cmi5 {
        "the new package is not cmi5: learners move to new content without their records".into()
    } else if !same_course {
        format!(
            "the course id changes: no registration carries over, {} lose their records",
            plural(aus, "AU")
        )
    } else if lost > 0 {
        format!(
            "{lost} of {} change id: learners lose their satisfaction state there",
            plural(aus, "AU")
        )
    } else {
        format!("records kept for {}", plural(aus, "AU"))
    };
    verdict
}

fn record(item: &Item, status: Status, to: Option<String>) -> Record {
    Record {
        identifier: item.identifier.clone(),
        title: item.title.clone(),
        status,
        to,
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The SCORM version Moodle reads from `<schemaversion>` (§A 7): `1.2` → 1.2;
/// `1.3`, `CAM 1.3`, `2004 3rd/4th Edition` → 2004; anything else → 1.2.
fn moodle_version(p: &Package) -> &'static str {
    match p.schemaversion.as_deref() {
        Some("1.3" | "CAM 1.3" | "2004 3rd Edition" | "2004 4th Edition") => "SCORM 2004",
        _ => "SCORM 1.2",
    }
}

/// The SCORM version Open edX reads (§A 7): missing or `1.2` → 1.2, anything else → 2004.
fn openedx_version(p: &Package) -> &'static str {
    match p.schemaversion.as_deref() {
        None | Some("1.2") => "SCORM 1.2",
        _ => "SCORM 2004",
    }
}

/// Whether Moodle restores this cartridge version (CC 1.0 and 1.1 only, §A 21).
fn moodle_restores(p: &Package) -> bool {
    matches!(p.schemaversion.as_deref(), Some("1.0.0" | "1.1.0"))
}
