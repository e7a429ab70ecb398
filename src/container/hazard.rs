//! What makes a package dangerous to extract or ambiguous to read, found when it is opened
//! from the zip's central directory, its local headers and the folder's own metadata —
//! nothing is decompressed (but a link's target, at most [`MAX_LINK_TARGET`] bytes) and no
//! link is followed. `validate` reports each as a finding (`PKG013`–`PKG017`); `diff` and
//! `inspect` refuse a package that has any ([`super::Container::refuse_hazards`]).

use std::fmt;

/// The most bytes of a link entry's data read to show where it points.
pub(crate) const MAX_LINK_TARGET: u64 = 4096;

/// One hazard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hazard {
    /// A symbolic link: a zip entry whose Unix mode is `S_IFLNK`, or a link in a folder.
    Link {
        /// The entry.
        name: String,
        /// Where it points, when that could be read.
        target: Option<String>,
        /// Where that is.
        reach: Reach,
    },
    /// An entry whose path goes through a symbolic link entry (`link/file`): extracting it
    /// writes wherever the link points.
    UnderLink {
        /// The entry.
        name: String,
        /// The link it lies under.
        link: String,
    },
    /// The local file header names the entry differently from the central directory, so
    /// readers that stream the local headers and readers that trust the central directory
    /// see two different packages.
    LocalName {
        /// The name in the central directory.
        name: String,
        /// The name in the local header.
        local: String,
    },
    /// The local file header the central directory points at is missing or damaged.
    LocalHeader {
        /// The entry.
        name: String,
        /// Its local header offset.
        offset: u64,
        /// What is wrong there.
        why: String,
    },
    /// A name flagged UTF-8 (general purpose bit 11) that is not valid UTF-8.
    NotUtf8 {
        /// The name, decoded lossily.
        name: String,
        /// The byte offset of the first invalid byte in the name.
        at: usize,
    },
    /// An entry the central directory says expands more than [`super::MAX_RATIO`]:1.
    Ratio {
        /// The entry.
        name: String,
        /// Uncompressed size.
        size: u64,
        /// Compressed size.
        compressed: u64,
    },
    /// The package as a whole expands more than [`super::MAX_RATIO`]:1 although no one entry
    /// does (many entries just under the floor).
    PackageRatio {
        /// Total uncompressed size.
        size: u64,
        /// Total compressed size.
        compressed: u64,
    },
    /// The entry's header or data shares bytes with another entry's (or runs into the central
    /// directory): many entries made from one piece of compressed data, the "overlapping
    /// files" zip bomb.
    Overlap {
        /// The entry.
        name: String,
        /// The entry it overlaps; `None` for the central directory.
        other: Option<String>,
    },
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// An absolute path (`/etc/passwd`, `C:\…`).
    Absolute,
    /// A relative path that climbs out of the package (`../../x`).
    Outside,
    /// A path inside the package.
    Inside(String),
    /// The target could not be read.
    Unknown,
}

impl Reach {
    /// Classifies `target` for a link at package path `name`.
    pub(crate) fn of(name: &str, target: &str) -> Reach {
        let t = target.trim_end_matches('\0');
        let drive =
            t.len() >= 2 && t.as_bytes()[1] == b':' && t.as_bytes()[0].is_ascii_alphabetic();
        if t.starts_with('/') || t.starts_with('\\') || drive {
            return Reach::Absolute;
        }
        let folder = name
            .trim_end_matches('/')
            .rsplit_once('/')
            .map_or("", |(f, _)| f);
        let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
        for part in t.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Reach::Outside;
                    }
                }
                p => parts.push(p),
            }
        }
        Reach::Inside(parts.join("/"))
    }
}

impl Hazard {
    /// The entry it concerns, if one.
    pub fn entry(&self) -> Option<&str> {
        match self {
            Hazard::Link { name, .. }
            | Hazard::UnderLink { name, .. }
            | Hazard::LocalName { name, .. }
            | Hazard::LocalHeader { name, .. }
            | Hazard::NotUtf8 { name, .. }
            | Hazard::Ratio { name, .. }
            | Hazard::Overlap { name, .. } => Some(name),
            Hazard::PackageRatio { .. } => None,
        }
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |s: &str| s.escape_debug().to_string();
        match self {
            Hazard::Link {
                name,
                target,
                reach,
            } => {
                let to = target
                    .as_deref()
                    .map_or(String::new(), |t| format!(" to `{}`", shown(t)));
                let where_ = match reach {
                    Reach::Absolute => "an absolute path outside the package".to_string(),
                    Reach::Outside => "a path that climbs out of the package".to_string(),
                    Reach::Inside(p) => format!("`{}` inside the package", shown(p)),
                    Reach::Unknown => "a target that could not be read".to_string(),
                };
                write!(
                    f,
                    "`{}` is a symbolic link{to} ({where_}); it was not followed",
                    shown(name)
                )
            }
            Hazard::UnderLink { name, link } => write!(
                f,
                "`{}` lies under the symbolic link `{}`: extracting it writes wherever the link points",
                shown(name),
                shown(link)
            ),
            Hazard::LocalName { name, local } => write!(
                f,
                "the central directory names an entry `{}` but its local header names it `{}`",
                shown(name),
                shown(local)
            ),
            Hazard::LocalHeader { name, offset, why } => write!(
                f,
                "the local header of `{}` at byte {offset} {why}",
                shown(name)
            ),
            Hazard::NotUtf8 { name, at } => write!(
                f,
                "the name `{}` is flagged as UTF-8 but byte {at} of it is not UTF-8",
                shown(name)
            ),
            Hazard::Ratio {
                name,
                size,
                compressed,
            } => write!(
                f,
                "`{}` expands from {compressed} to {size} bytes ({}:1, more than {}:1): a decompression bomb",
                shown(name),
                size / (*compressed).max(1),
                super::MAX_RATIO
            ),
            Hazard::PackageRatio { size, compressed } => write!(
                f,
                "the package expands from {compressed} to {size} bytes ({}:1, more than {}:1): a decompression bomb",
                size / (*compressed).max(1),
                super::MAX_RATIO
            ),
            Hazard::Overlap { name, other } => match other {
                Some(o) => write!(
                    f,
                    "`{}` shares its bytes with `{}`: one piece of compressed data stands for several entries",
                    shown(name),
                    shown(o)
                ),
                None => write!(
                    f,
                    "the data of `{}` runs into the zip's central directory",
                    shown(name)
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_are_classified_without_following_them() {
        assert_eq!(Reach::of("a/l", "/etc/passwd"), Reach::Absolute);
        assert_eq!(Reach::of("a/l", "C:\\Windows"), Reach::Absolute);
        assert_eq!(Reach::of("a/l", "../../etc"), Reach::Outside);
        assert_eq!(Reach::of("l", "../x"), Reach::Outside);
        assert_eq!(Reach::of("a/l", "../b/c"), Reach::Inside("b/c".into()));
        assert_eq!(Reach::of("a/l/", "./x"), Reach::Inside("a/x".into()));
    }
}
