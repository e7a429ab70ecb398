//! The LMSs whose import code the validator knows (`lms-import.md`), named in findings.

/// An LMS a finding can affect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lms {
    /// Moodle (mod_scorm, Common Cartridge restore).
    Moodle,
    /// Canvas (course import, Common Cartridge).
    Canvas,
    /// Open edX (openedx-scorm-xblock, openedx-cmi5-xblock).
    OpenEdx,
}

impl Lms {
    /// Every LMS, in the order findings list them.
    pub const ALL: [Lms; 3] = [Lms::Moodle, Lms::Canvas, Lms::OpenEdx];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Lms::Moodle => "moodle",
            Lms::Canvas => "canvas",
            Lms::OpenEdx => "openedx",
        }
    }

    /// The name people use.
    pub fn label(self) -> &'static str {
        match self {
            Lms::Moodle => "Moodle",
            Lms::Canvas => "Canvas",
            Lms::OpenEdx => "Open edX",
        }
    }

    /// Parses `moodle`, `canvas`, `openedx` (case-insensitive; `open-edx` too).
    pub fn parse(name: &str) -> Option<Lms> {
        match name.trim().to_ascii_lowercase().as_str() {
            "moodle" => Some(Lms::Moodle),
            "canvas" => Some(Lms::Canvas),
            "openedx" | "open-edx" | "edx" => Some(Lms::OpenEdx),
            _ => None,
        }
    }
}

/// A set of LMSs, kept small so findings stay cheap to move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LmsSet(u8);

impl LmsSet {
    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `lms` is in the set.
    pub fn contains(self, lms: Lms) -> bool {
        self.0 & (1 << lms as u8) != 0
    }

    /// The members, in [`Lms::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Lms> {
        Lms::ALL.into_iter().filter(move |l| self.contains(*l))
    }
}

impl FromIterator<Lms> for LmsSet {
    fn from_iter<I: IntoIterator<Item = Lms>>(iter: I) -> Self {
        LmsSet(iter.into_iter().fold(0, |bits, l| bits | (1 << l as u8)))
    }
}
