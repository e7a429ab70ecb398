//! Every path or URL a package names that an LMS resolves or shows to learners: `href` and
//! `xml:base` anywhere in the manifest (resources and files of the root manifest and of
//! sub-manifests, `xml:base` on any element), SCORM metadata `adlcp:location`, cmi5 AU
//! `<url>`s, and in cartridge documents the web link's `<url href>` and the LTI link's launch
//! URLs. `REF018` checks them against the package's bounds, `REF019` for script URLs.

use super::Cx;
use super::detect::Format;
use super::scan;
use crate::xmltree::El;
use std::ops::Range;
use std::path::PathBuf;

/// Where a link is written.
#[derive(Debug, Clone)]
pub(crate) enum Site {
    /// A byte range of the manifest.
    Manifest(Range<usize>),
    /// A byte range of another document of the package.
    Document(PathBuf, Range<usize>),
}

/// One link.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    /// As written.
    pub(crate) value: String,
    /// What holds it, for people (`` `href` of `<file>` ``).
    pub(crate) what: String,
    /// The package folder it resolves against (`/`-terminated, or empty for the root);
    /// `None` when it resolves against a remote base or one that already left the package
    /// (reported there).
    pub(crate) base: Option<String>,
    /// Where it is written.
    pub(crate) site: Site,
}

/// Every link of the package.
pub(crate) fn all(cx: &Cx<'_>) -> Vec<Link> {
    let mut out = Vec::new();
    let Some(root) = cx.root() else {
        return out;
    };
    let base = cx.placement.base().to_string();
    if cx.format() == Format::Cmi5 {
        for au in root.descendants().into_iter().filter(|e| e.local() == "au") {
            if let Some(url) = au.child("url") {
                out.push(Link {
                    value: url.text.trim().to_string(),
                    what: "the AU's `<url>`".into(),
                    base: Some(base.clone()),
                    site: Site::Manifest(url.text_or_tag_span()),
                });
            }
        }
    } else {
        manifest(root, Some(base), &mut out);
    }
    for (path, inner) in cx.inner {
        let Ok(inner) = inner else { continue };
        let Ok(doc) = &inner.doc else { continue };
        let folder = path.rfind('/').map_or("", |i| &path[..=i]).to_string();
        let site = |range: Range<usize>| Site::Document(inner.label.clone(), range);
        for el in doc.root.descendants() {
            match el.local() {
                "url" if doc.root.local() == "webLink" => {
                    if let Some(href) = el.attr("href") {
                        out.push(Link {
                            value: href.to_string(),
                            what: "the web link's `<url href>`".into(),
                            base: Some(folder.clone()),
                            site: site(el.attr_span("href")),
                        });
                    }
                }
                "launch_url" | "secure_launch_url" => out.push(Link {
                    value: el.text.trim().to_string(),
                    what: format!("the LTI link's `<{}>`", el.local()),
                    base: Some(folder.clone()),
                    site: site(el.text_or_tag_span()),
                }),
                _ => {}
            }
        }
    }
    out
}

/// Walks the manifest, composing `xml:base` on the way down (XML Base: an element's own
/// `xml:base` applies to its attributes too).
fn manifest(el: &El, base: Option<String>, out: &mut Vec<Link>) {
    let mut here = base;
    if let Some(b) = el.attr("xml:base") {
        out.push(Link {
            value: b.to_string(),
            what: format!("`xml:base` of `<{}>`", el.local()),
            base: here.clone(),
            site: Site::Manifest(el.attr_span("xml:base")),
        });
        here = match (&here, scan::scheme(b)) {
            // A remote base (or one that leaves the package, reported above): what is
            // relative to it is not a package path.
            (_, Some(_)) => None,
            (Some(h), None) if scan::leaves(h, b).is_none() => {
                let mut joined = format!("{h}{b}");
                if !joined.is_empty() && !joined.ends_with('/') {
                    joined.push('/');
                }
                Some(joined)
            }
            _ => None,
        };
    }
    if matches!(el.local(), "resource" | "file")
        && let Some(href) = el.attr("href")
    {
        out.push(Link {
            value: href.to_string(),
            what: format!("`href` of `<{}>`", el.local()),
            base: here.clone(),
            site: Site::Manifest(el.attr_span("href")),
        });
    }
    if el.local() == "location" && el.namespace().is_some_and(|n| n.contains("adlnet")) {
        out.push(Link {
            value: el.text.trim().to_string(),
            what: format!("`<{}>`", el.name),
            base: here.clone(),
            site: Site::Manifest(el.text_or_tag_span()),
        });
    }
    for child in &el.children {
        manifest(child, here.clone(), out);
    }
}
