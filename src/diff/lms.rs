//! The learner-record verdict types: which LMS, by which import route, keeps, loses or starts
//! afresh with learner records, per item.

/// An LMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lms {
    /// Moodle.
    Moodle,
    /// Open edX.
    OpenEdx,
    /// Canvas.
    Canvas,
    /// Any cmi5 LMS.
    Cmi5,
}

impl Lms {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Lms::Moodle => "moodle",
            Lms::OpenEdx => "openedx",
            Lms::Canvas => "canvas",
            Lms::Cmi5 => "cmi5",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Lms::Moodle => "Moodle",
            Lms::OpenEdx => "Open edX",
            Lms::Canvas => "Canvas",
            Lms::Cmi5 => "cmi5 LMS",
        }
    }
}

/// How the package gets into the LMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Route {
    /// Moodle's SCORM activity, package re-uploaded.
    MoodleScorm,
    /// Moodle's Common Cartridge course restore.
    MoodleRestore,
    /// Open edX's SCORM XBlock, package re-uploaded.
    OpenedxScorm,
    /// Canvas's SCORM app.
    CanvasScormApp,
    /// Canvas's course import.
    CanvasImport,
    /// A cmi5 course re-imported.
    Cmi5,
}

impl Route {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Route::MoodleScorm => "mod_scorm",
            Route::MoodleRestore => "course_restore",
            Route::OpenedxScorm => "scorm_xblock",
            Route::CanvasScormApp => "scorm_app",
            Route::CanvasImport => "course_import",
            Route::Cmi5 => "cmi5",
        }
    }
}

/// The verdict for one LMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Every learner record stays with its item.
    Kept,
    /// Some records are deleted or end up on another item: exit 1.
    Lost,
    /// The upload makes new content; the old content keeps its records, the new starts empty.
    New,
}

impl Outcome {
    /// The name used in JSON and output.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Kept => "kept",
            Outcome::Lost => "lost",
            Outcome::New => "new",
        }
    }
}

/// What happens to the records of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The same identifier is in the new package: records kept.
    Kept,
    /// Moodle: no matching identifier, the SCO is deleted with its tracks.
    Deleted,
    /// Moodle: PHP's `==` matched a different-looking identifier; the tracks move there.
    Moved,
    /// cmi5: the AU id is gone (or the course id changed); records not carried.
    Lost,
    /// New in the new package: starts without records.
    Added,
}

impl Status {
    /// The name used in JSON and output.
    pub fn name(self) -> &'static str {
        match self {
            Status::Kept => "kept",
            Status::Deleted => "deleted",
            Status::Moved => "moved",
            Status::Lost => "lost",
            Status::Added => "added",
        }
    }
}

/// The records of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The item's identifier (the old one unless added).
    pub identifier: String,
    /// Its title.
    pub title: String,
    /// What happens to its records.
    pub status: Status,
    /// The new item that takes its records (kept, moved), or, for a deleted or lost item,
    /// the identifier it was renamed to.
    pub to: Option<String>,
}

/// One LMS's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The LMS.
    pub lms: Lms,
    /// How the package gets in.
    pub route: Route,
    /// Kept, lost or new.
    pub outcome: Outcome,
    /// One line saying what happens.
    pub summary: String,
    /// Per item, when the LMS keys records on items.
    pub records: Vec<Record>,
    /// What else to know.
    pub notes: Vec<String>,
}
