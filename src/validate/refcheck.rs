//! The files a manifest references — `<resource href>`, `<file href>` (with `xml:base`
//! composed as IMS CP says: manifest, then `<resources>`, then `<resource>`) and relative cmi5
//! AU `<url>`s — and whether each is in the package.

use super::Cx;
use super::detect::Format;
use super::scan;
use crate::xmltree::El;
use std::ops::Range;

/// Whether a referenced path is in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Present with exactly this name.
    Found,
    /// Present only with other letter case (the name found).
    OtherCase(String),
    /// Absent.
    Missing,
}

/// One file reference.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// The package path.
    pub(crate) path: String,
    /// Where the manifest names it.
    pub(crate) span: Range<usize>,
    /// Whether it is there.
    pub(crate) lookup: Lookup,
}

/// The `xml:base` in force for a resource's `href`s (manifest + resources + resource).
pub(crate) fn base_of(root: &El, resource: &El) -> String {
    let mut base = String::new();
    for el in [Some(root), root.child("resources"), Some(resource)]
        .into_iter()
        .flatten()
    {
        if let Some(b) = el.attr("xml:base") {
            if b.contains("://") || b.starts_with('/') {
                base = b.to_string();
            } else {
                base.push_str(b);
            }
        }
    }
    base
}

/// Every local file reference of the manifest, with its lookup; empty for a bare manifest.
pub(crate) fn references(cx: &Cx<'_>) -> Vec<Reference> {
    let Some(root) = cx.root() else {
        return Vec::new();
    };
    if !cx.has_files() {
        return Vec::new();
    }
    let mut refs = Vec::new();
    let mut push = |href: &str, span: Range<usize>| {
        if let Some(path) = cx.package_path(href)
            && !path.is_empty()
        {
            let lookup = lookup(cx, &path);
            refs.push(Reference { path, span, lookup });
        }
    };
    if cx.format() == Format::Cmi5 {
        for au in root.descendants().into_iter().filter(|e| e.local() == "au") {
            if let Some(url) = au.child("url") {
                push(url.text.trim(), url.text_or_tag_span());
            }
        }
        return refs;
    }
    for res in scan::resources(root) {
        let base = base_of(root, res);
        if let Some(href) = res.attr("href") {
            push(&format!("{base}{href}"), res.attr_span("href"));
        }
        for file in res.children_named("file") {
            if let Some(href) = file.attr("href") {
                push(&format!("{base}{href}"), file.attr_span("href"));
            }
        }
    }
    refs
}

fn lookup(cx: &Cx<'_>, path: &str) -> Lookup {
    if cx.container.entry(path).is_some() {
        return Lookup::Found;
    }
    match cx.container.entry_ignoring_case(path) {
        Some(e) => Lookup::OtherCase(e.name.clone()),
        None => Lookup::Missing,
    }
}
