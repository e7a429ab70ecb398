//! Rendering a [`Diff`]: grouped, aligned text for people (Structure, Files, Settings,
//! Learner records) and a stable JSON document (`lessonpack-diff/1`, described in the README).

use super::model::{Container, FileInfo};
use super::{Change, Diff, ItemRef, ResourceRef, Scope, Side, Status};
use crate::output::human_size;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The JSON document's `schema` value; it changes only when the shape changes incompatibly.
pub const JSON_SCHEMA: &str = "lessonpack-diff/1";

/// The diff as text for a terminal.
pub fn human(diff: &Diff) -> String {
    let mut out = String::new();
    for (tag, side) in [("old", &diff.old), ("new", &diff.new)] {
        let _ = writeln!(
            out,
            "{tag}  {}  ({})",
            side.path.display(),
            side_summary(side)
        );
    }
    for w in &diff.warnings {
        let _ = writeln!(out, "\nwarning: {w}");
    }
    if diff.is_empty() {
        out.push_str("\nno differences\n");
    }
    structure(diff, &mut out);
    files(diff, &mut out);
    settings(diff, &mut out);
    records(diff, &mut out);
    out
}

fn side_summary(side: &Side) -> String {
    let kind = match side.container {
        Container::Zip => "zip",
        Container::Folder => "folder",
    };
    let files = if side.files == 1 { "file" } else { "files" };
    format!(
        "{}, {kind}, {} {files}, {}",
        side.label,
        side.files,
        human_size(side.bytes)
    )
}

fn structure(diff: &Diff, out: &mut String) {
    if diff.items.is_empty() && diff.resources.is_empty() {
        return;
    }
    out.push_str("\nStructure\n");
    for c in &diff.items {
        let line = match (c.change, &c.old, &c.new) {
            (Change::Added, _, Some(n)) => labelled(n),
            (Change::Removed, Some(o), _) => labelled(o),
            (Change::Renamed, Some(o), Some(n)) => format!(
                "{} `{}` → `{}` {}",
                n.kind.name(),
                o.identifier,
                n.identifier,
                titles(o, n)
            ),
            (Change::Retitled, Some(o), Some(n)) => {
                format!("{} `{}` {}", n.kind.name(), n.identifier, titles(o, n))
            }
            (Change::Moved, Some(o), Some(n)) => format!(
                "{} `{}` from {} to {}",
                n.kind.name(),
                n.identifier,
                parent(o),
                parent(n)
            ),
            _ => continue,
        };
        let _ = writeln!(out, "  {:<9} {line}", c.change.name());
    }
    for c in &diff.resources {
        let line = match (c.change, &c.old, &c.new) {
            (Change::Added, _, Some(n)) => resource(n),
            (Change::Removed, Some(o), _) => resource(o),
            (Change::Renamed, Some(o), Some(n)) => {
                format!("resource `{}` → `{}`", o.identifier, n.identifier)
            }
            _ => continue,
        };
        let _ = writeln!(out, "  {:<9} {line}", c.change.name());
    }
}

/// `item `ID` "Title"` (no title when there is none).
fn labelled(i: &ItemRef) -> String {
    match i.title.as_str() {
        "" => format!("{} `{}`", i.kind.name(), i.identifier),
        title => format!("{} `{}` \"{title}\"", i.kind.name(), i.identifier),
    }
}

fn titles(o: &ItemRef, n: &ItemRef) -> String {
    if o.title == n.title {
        format!("\"{}\"", n.title)
    } else {
        format!("\"{}\" → \"{}\"", o.title, n.title)
    }
}

fn parent(i: &ItemRef) -> String {
    i.parent
        .as_deref()
        .map_or("the top".into(), |p| format!("`{p}`"))
}

fn resource(r: &ResourceRef) -> String {
    match &r.href {
        Some(href) => format!("resource `{}` ({}, `{href}`)", r.identifier, r.kind),
        None => format!("resource `{}` ({})", r.identifier, r.kind),
    }
}

fn files(diff: &Diff, out: &mut String) {
    if diff.files.is_empty() {
        return;
    }
    let count = |c: Change| diff.files.iter().filter(|f| f.change == c).count();
    let _ = writeln!(
        out,
        "\nFiles: {} added, {} removed, {} changed",
        count(Change::Added),
        count(Change::Removed),
        count(Change::Changed)
    );
    let width = diff
        .files
        .iter()
        .map(|f| f.path.len())
        .max()
        .unwrap_or(0)
        .min(60);
    for f in &diff.files {
        let (letter, sizes) = match (f.change, f.old, f.new) {
            (Change::Added, _, Some(n)) => ('A', human_size(n.size)),
            (Change::Removed, Some(o), _) => ('D', human_size(o.size)),
            (_, Some(o), Some(n)) => (
                'M',
                format!("{} → {}", human_size(o.size), human_size(n.size)),
            ),
            _ => continue,
        };
        let _ = writeln!(out, "  {letter}  {:<width$}  {sizes}", f.path);
    }
}

fn settings(diff: &Diff, out: &mut String) {
    if diff.settings.is_empty() {
        return;
    }
    out.push_str("\nSettings\n");
    let show = |v: &Option<String>| {
        v.as_deref()
            .map_or("(none)".to_string(), |v| format!("`{v}`"))
    };
    let owners: Vec<String> = diff
        .settings
        .iter()
        .map(|s| match (&s.scope, &s.identifier) {
            (Scope::Package, _) | (_, None) => "package".to_string(),
            (scope, Some(id)) => format!("{} `{id}`", scope.name()),
        })
        .collect();
    let width = owners
        .iter()
        .map(|o| o.chars().count())
        .max()
        .unwrap_or(0)
        .min(50);
    for (s, owner) in diff.settings.iter().zip(&owners) {
        let _ = writeln!(
            out,
            "  {owner:<width$}  {}: {} → {}",
            s.name,
            show(&s.old),
            show(&s.new)
        );
    }
}

fn records(diff: &Diff, out: &mut String) {
    if diff.records.is_empty() {
        return;
    }
    out.push_str("\nLearner records\n");
    for v in &diff.records {
        let _ = writeln!(
            out,
            "  {:<9} {:<5} {}",
            v.lms.label(),
            v.outcome.name(),
            v.summary
        );
        // Long lists show only what is not kept; the summary line has the counts.
        let short = v.records.len() > 8;
        for r in v
            .records
            .iter()
            .filter(|r| !(short && r.status == Status::Kept))
        {
            let detail = match (r.status, &r.to) {
                (Status::Moved, Some(to)) => format!(" → `{to}` (PHP's `==` finds them equal)"),
                (Status::Deleted | Status::Lost, Some(to)) => format!(" (renamed to `{to}`)"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "      {:<8} `{}` \"{}\"{detail}",
                r.status.name(),
                r.identifier,
                r.title
            );
        }
        for note in &v.notes {
            let _ = writeln!(out, "      note: {note}");
        }
    }
}

/// The diff as the `lessonpack-diff/1` JSON document.
pub fn json(diff: &Diff) -> Value {
    json!({
        "schema": JSON_SCHEMA,
        "old": side(&diff.old),
        "new": side(&diff.new),
        "format_changed": diff.format_changed,
        "records_dropped": diff.drops_records(),
        "items": diff.items.iter().map(|c| json!({
            "change": c.change.name(),
            "kind": c.new.as_ref().or(c.old.as_ref()).map(|i| i.kind.name()),
            "old": c.old.as_ref().map(item),
            "new": c.new.as_ref().map(item),
        })).collect::<Vec<_>>(),
        "resources": diff.resources.iter().map(|c| json!({
            "change": c.change.name(),
            "old": c.old.as_ref().map(resource_json),
            "new": c.new.as_ref().map(resource_json),
        })).collect::<Vec<_>>(),
        "files": diff.files.iter().map(|f| json!({
            "change": f.change.name(),
            "path": f.path,
            "old": f.old.map(file),
            "new": f.new.map(file),
        })).collect::<Vec<_>>(),
        "settings": diff.settings.iter().map(|s| json!({
            "scope": s.scope.name(),
            "identifier": s.identifier,
            "name": s.name,
            "old": s.old,
            "new": s.new,
        })).collect::<Vec<_>>(),
        "records": diff.records.iter().map(|v| json!({
            "lms": v.lms.name(),
            "route": v.route.name(),
            "outcome": v.outcome.name(),
            "summary": v.summary,
            "items": v.records.iter().map(|r| json!({
                "identifier": r.identifier,
                "title": r.title,
                "status": r.status.name(),
                "to": r.to,
            })).collect::<Vec<_>>(),
            "notes": v.notes,
        })).collect::<Vec<_>>(),
        "warnings": diff.warnings,
    })
}

fn side(s: &Side) -> Value {
    json!({
        "path": s.path.display().to_string(),
        "container": match s.container { Container::Zip => "zip", Container::Folder => "folder" },
        "format": s.format.name(),
        "label": s.label,
        "schemaversion": s.schemaversion,
        "files": s.files,
        "bytes": s.bytes,
    })
}

fn item(i: &ItemRef) -> Value {
    json!({ "identifier": i.identifier, "title": i.title, "parent": i.parent })
}

fn resource_json(r: &ResourceRef) -> Value {
    json!({ "identifier": r.identifier, "type": r.kind, "href": r.href })
}

fn file(f: FileInfo) -> Value {
    json!({ "size": f.size, "crc32": format!("{:08x}", f.crc32) })
}
