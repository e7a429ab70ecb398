//! `lessonpack inspect PATH`: the detected format, the organization/item/resource tree, the
//! launch each LMS would pick, and the files with their sizes.

use super::ExitStatus;
use crate::container::Container;
use crate::diff::{self, Package, model::ItemKind};
use crate::validate::{self, detect::Format, reader::Placement};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// A `.zip`/`.imscc` package, an extracted folder, or a bare `imsmanifest.xml` / `cmi5.xml`.
    pub path: PathBuf,
}

/// Prints what the package holds.
pub fn run(args: InspectArgs) -> anyhow::Result<ExitStatus> {
    // Only the format is needed from the validator: no rule runs.
    let mut container = validate::reader::open(&args.path)?;
    // What a hostile package holds is not what an LMS would extract: refused, not shown.
    container.refuse_hazards()?;
    let format = validate::detect_format(&mut container);
    match diff::open(&args.path) {
        Ok(package) => super::out(&describe(&package, &format.label()))?,
        // A manifest at the root that the shared reader refuses (not well-formed, bytes not
        // in their encoding, a DOCTYPE with entities): say why, as `diff` does.
        Err(e) if matches!(validate::reader::locate(&container), Placement::Root(_)) => {
            return Err(e);
        }
        Err(_) => super::out(&describe_without_manifest(&container, format))?,
    }
    Ok(ExitStatus::Success)
}

/// The text `inspect` prints for a package without a root manifest: what was found instead
/// and the files.
pub fn describe_without_manifest(container: &Container, format: Format) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: no root manifest", container.path.display());
    let format = format.label();
    let found = match validate::reader::locate(container) {
        Placement::WrongCase(n) => format!(
            "`{n}` ({format}) at the root with other letter case; LMSs look for `imsmanifest.xml`/`cmi5.xml` exactly"
        ),
        Placement::Nested(n) => {
            format!("`{n}` ({format}) inside a folder; LMSs need the manifest at the package root")
        }
        Placement::Root(n) | Placement::Bare(n) => {
            format!("`{n}` ({format}), which could not be read as a package manifest")
        }
        Placement::Missing => {
            "no `imsmanifest.xml` or `cmi5.xml` anywhere: not a SCORM package, cartridge or cmi5 package".to_string()
        }
    };
    let _ = writeln!(out, "  found: {found}");
    let _ = writeln!(
        out,
        "  run `lessonpack validate {}` for the findings",
        container.path.display()
    );
    let files: Vec<_> = container.files().collect();
    let total: u64 = files.iter().map(|f| f.size).sum();
    let _ = writeln!(out, "\nFiles ({}, {total} bytes):", files.len());
    let mut names: Vec<_> = files.iter().map(|f| (f.name.as_str(), f.size)).collect();
    names.sort_unstable();
    for (name, size) in names {
        let _ = writeln!(out, "  {size:>10}  {name}");
    }
    out
}

/// The text `inspect` prints.
pub fn describe(package: &Package, format: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {format}", package.path.display());
    if let Some(v) = &package.schemaversion {
        let _ = writeln!(out, "  schemaversion: {v}");
    }
    let _ = writeln!(out, "\nStructure:");
    for item in &package.items {
        let depth = depth(package, item);
        let kind = item.kind.name();
        let launch = item
            .launch
            .as_deref()
            .map(|l| format!(" → {l}"))
            .unwrap_or_default();
        let is_default = item.kind == ItemKind::Organization
            && package.default_organization.as_deref() == Some(&item.identifier);
        let default = if is_default { " (default)" } else { "" };
        let _ = writeln!(
            out,
            "{}{kind} `{}` \"{}\"{default}{launch}",
            "  ".repeat(depth + 1),
            item.identifier,
            item.title
        );
    }
    if !package.resources.is_empty() {
        let _ = writeln!(out, "\nResources:");
        for r in &package.resources {
            let scorm = r
                .scorm_type
                .as_deref()
                .map(|t| format!(" [{t}]"))
                .unwrap_or_default();
            let href = r.href.as_deref().unwrap_or("(no href)");
            let _ = writeln!(
                out,
                "  `{}` {}{scorm} {href}, {} files",
                r.identifier,
                r.kind,
                r.files.len()
            );
        }
    }
    let _ = writeln!(out, "\nLaunch:");
    if package.format.is_scorm() || package.format == diff::model::Format::Cmi5 {
        let moodle = package.moodle_launch().and_then(|i| i.launch.clone());
        let _ = writeln!(out, "  Moodle:   {}", moodle.as_deref().unwrap_or("(none)"));
        let _ = writeln!(
            out,
            "  Open edX: {}",
            package
                .openedx_launch()
                .unwrap_or("(none: falls back to the first index.html)")
        );
    }
    if package.format == diff::model::Format::Cc {
        let modules = package
            .items
            .iter()
            .filter(|i| depth(package, i) == 2)
            .count();
        let _ = writeln!(
            out,
            "  Canvas and Moodle: {modules} modules/sections (second-level items)"
        );
    }
    let total: u64 = package.files.values().map(|f| f.size).sum();
    let _ = writeln!(out, "\nFiles ({}, {total} bytes):", package.files.len());
    for (name, info) in &package.files {
        let _ = writeln!(out, "  {:>10}  {name}", info.size);
    }
    out
}

fn depth(package: &Package, item: &diff::model::Item) -> usize {
    let mut depth = 0;
    let mut current = item;
    while let Some(parent) = current.parent.as_deref().and_then(|p| package.item(p)) {
        depth += 1;
        if depth > package.items.len() {
            break;
        }
        current = parent;
    }
    depth
}
