//! Manifests into the [`model`](super::model): `imsmanifest.xml` (SCORM 1.2, SCORM 2004,
//! Common Cartridge 1.0–1.3) and `cmi5.xml`, detected from the root element's namespace and
//! `<schemaversion>`.
//!
//! Elements are matched by local name (prefixes dropped, case kept), as a reader of any
//! package must: the LMS rules about exact prefixes belong to `build`, not to a diff.

use super::model::{Format, Item, ItemKind, Resource};
use super::tree::El;
use std::collections::{BTreeMap, BTreeSet};

/// IMS CP 1.1.2, the SCORM 1.2 manifest namespace.
const NS_SCORM12: &str = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
/// IMS CP 1.1.4, the SCORM 2004 manifest namespace.
const NS_SCORM2004: &str = "http://www.imsglobal.org/xsd/imscp_v1p1";
/// Common Cartridge manifest namespaces start like this (`…/imscc/`, `…/imsccv1p1/`, …).
const NS_CC_PREFIX: &str = "http://www.imsglobal.org/xsd/imscc";
/// The cmi5 course structure namespace.
const NS_CMI5: &str = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";

/// What a manifest says, before the files are added.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    /// The detected format (`None` until detected).
    pub(super) format: Option<Format>,
    /// `<schemaversion>`, trimmed.
    pub(super) schemaversion: Option<String>,
    /// Items in document order.
    pub(super) items: Vec<Item>,
    /// Resources in document order.
    pub(super) resources: Vec<Resource>,
    /// `<organizations default>`.
    pub(super) default_organization: Option<String>,
    /// Oddities worth telling.
    pub(super) warnings: Vec<String>,
}

/// Reads an `imsmanifest.xml` root element; `Err` names what is not recognised.
pub(super) fn ims_manifest(root: &El) -> Result<Parsed, String> {
    if root.local() != "manifest" {
        return Err(format!(
            "its root element is `<{}>`, not `<manifest>`",
            root.name
        ));
    }
    let ns = root.namespace().unwrap_or_default();
    let mut parsed = Parsed::default();
    let metadata = root.child("metadata");
    let schema = metadata
        .and_then(|m| m.child("schema"))
        .map(El::text_trimmed);
    parsed.schemaversion = metadata
        .and_then(|m| m.child("schemaversion"))
        .map(El::text_trimmed);
    let version = parsed.schemaversion.as_deref().unwrap_or("");
    let is_cc = ns.starts_with(NS_CC_PREFIX)
        || schema.is_some_and(|s| s.to_ascii_lowercase().contains("common cartridge"));
    parsed.format = Some(if is_cc {
        Format::Cc
    } else if version == "1.2" {
        Format::Scorm12
    } else if version.starts_with("2004") || version == "1.3" || version == "CAM 1.3" {
        Format::Scorm2004
    } else if ns == NS_SCORM12 {
        Format::Scorm12
    } else if ns == NS_SCORM2004 {
        Format::Scorm2004
    } else {
        let version = match version {
            "" => "no `<schemaversion>`".to_string(),
            v => format!("`<schemaversion>` `{v}`"),
        };
        let ns = match ns {
            "" => "no namespace".to_string(),
            ns => format!("the namespace `{ns}`"),
        };
        return Err(format!(
            "its root has {ns} and {version}: neither SCORM nor Common Cartridge"
        ));
    });
    let is_cartridge = is_cc;

    let mut resources = Vec::new();
    if let Some(list) = root.child("resources") {
        for res in list.children_named("resource") {
            resources.push(resource(res));
        }
    }
    if let Some(orgs) = root.child("organizations") {
        parsed.default_organization = orgs.attr("default").map(str::to_string);
        for org in orgs.children_named("organization") {
            let id = org.attr("identifier").unwrap_or_default().to_string();
            parsed.items.push(Item {
                kind: ItemKind::Organization,
                identifier: id.clone(),
                title: org.child("title").map(El::text_trimmed).unwrap_or_default(),
                parent: None,
                identifierref: None,
                launch: None,
                settings: BTreeMap::new(),
            });
            items(org, &id, &resources, is_cartridge, &mut parsed.items);
        }
    }
    parsed.resources = resources;
    duplicates(&parsed.items, &parsed.resources, &mut parsed.warnings);
    Ok(parsed)
}

/// Appends `parent`'s `<item>` children, depth first, in document order.
fn items(
    parent: &El,
    parent_id: &str,
    resources: &[Resource],
    cartridge: bool,
    out: &mut Vec<Item>,
) {
    for el in parent.children_named("item") {
        let identifier = el.attr("identifier").unwrap_or_default().to_string();
        let identifierref = el.attr("identifierref").map(str::to_string);
        let resource = identifierref
            .as_deref()
            .and_then(|r| resources.iter().find(|res| res.identifier == r));
        let launch = resource.and_then(|r| {
            let first_file = || cartridge.then(|| r.files.first().cloned()).flatten();
            r.href.clone().or_else(first_file)
        });
        out.push(Item {
            kind: ItemKind::Item,
            identifier: identifier.clone(),
            title: el.child("title").map(El::text_trimmed).unwrap_or_default(),
            parent: Some(parent_id.to_string()),
            identifierref,
            launch,
            settings: item_settings(el),
        });
        items(el, &identifier, resources, cartridge, out);
    }
}

/// The launch, mastery and completion settings of one `<item>` that an LMS acts on.
fn item_settings(item: &El) -> BTreeMap<String, String> {
    let mut settings = BTreeMap::new();
    let mut put = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            settings.insert(name.to_string(), v.trim().to_string());
        }
    };
    put("parameters", item.attr("parameters"));
    put("isvisible", item.attr("isvisible"));
    for child in &item.children {
        match child.local().to_ascii_lowercase().as_str() {
            "masteryscore" | "maxtimeallowed" | "timelimitaction" | "datafromlms"
            | "prerequisites" => put(&format!("adlcp:{}", child.local()), Some(&child.text)),
            "completionthreshold" => {
                put(
                    "completionThreshold",
                    Some(child.text.as_str()).filter(|t| !t.trim().is_empty()),
                );
                for attr in ["minProgressMeasure", "completedByMeasure", "progressWeight"] {
                    put(&format!("completionThreshold@{attr}"), child.attr(attr));
                }
            }
            "sequencing" => sequencing(child, &mut put),
            _ => {}
        }
    }
    settings
}

/// The objective settings of an item's `<imsss:sequencing>` (Moodle stores these per item).
fn sequencing(seq: &El, put: &mut impl FnMut(&str, Option<&str>)) {
    for part in &seq.children {
        match part.local() {
            "objectives" => {
                for obj in part
                    .children
                    .iter()
                    .filter(|o| o.local() == "primaryObjective")
                {
                    put(
                        "primaryObjective@satisfiedByMeasure",
                        obj.attr("satisfiedByMeasure"),
                    );
                    let measure = obj.child("minNormalizedMeasure").map(El::text_trimmed);
                    put("primaryObjective/minNormalizedMeasure", measure.as_deref());
                }
            }
            "deliveryControls" => {
                for attr in ["tracked", "completionSetByContent", "objectiveSetByContent"] {
                    put(&format!("deliveryControls@{attr}"), part.attr(attr));
                }
            }
            _ => {}
        }
    }
}

/// One `<resource>`.
fn resource(res: &El) -> Resource {
    let base = res.attr("xml:base").unwrap_or_default();
    let scorm_type = res
        .attrs
        .iter()
        .find(|(k, _)| k.to_ascii_lowercase().ends_with(":scormtype"))
        .map(|(_, v)| v.trim().to_string());
    Resource {
        identifier: res.attr("identifier").unwrap_or_default().to_string(),
        kind: res.attr("type").unwrap_or_default().to_string(),
        scorm_type,
        href: res.attr("href").map(|h| format!("{base}{h}")),
        files: res
            .children_named("file")
            .filter_map(|f| f.attr("href"))
            .map(str::to_string)
            .collect(),
    }
}

/// Reads a `cmi5.xml` root element.
pub(super) fn cmi5(root: &El) -> Result<Parsed, String> {
    if root.local() != "courseStructure" || root.namespace() != Some(NS_CMI5) {
        return Err(format!(
            "its root element is `<{}>` in `{}`, not cmi5's `<courseStructure>`",
            root.name,
            root.namespace().unwrap_or("no namespace")
        ));
    }
    let mut parsed = Parsed {
        format: Some(Format::Cmi5),
        ..Parsed::default()
    };
    let course_id = root.child("course").and_then(|c| c.attr("id"));
    if let Some(course) = root.child("course") {
        parsed.items.push(cmi5_item(course, ItemKind::Course, None));
    }
    cmi5_children(root, course_id, &mut parsed.items);
    duplicates(&parsed.items, &[], &mut parsed.warnings);
    Ok(parsed)
}

/// Appends the blocks and AUs under `parent`, depth first.
fn cmi5_children(parent: &El, parent_id: Option<&str>, out: &mut Vec<Item>) {
    for child in &parent.children {
        let kind = match child.local() {
            "block" => ItemKind::Block,
            "au" => ItemKind::Au,
            _ => continue,
        };
        out.push(cmi5_item(child, kind, parent_id));
        if kind == ItemKind::Block {
            cmi5_children(child, child.attr("id"), out);
        }
    }
}

/// A cmi5 course, block or AU.
fn cmi5_item(el: &El, kind: ItemKind, parent: Option<&str>) -> Item {
    let title = el
        .child("title")
        .and_then(|t| t.child("langstring"))
        .map(El::text_trimmed)
        .unwrap_or_default();
    let mut settings = BTreeMap::new();
    let launch = el.child("url").map(|u| u.text.clone());
    if kind == ItemKind::Au {
        for attr in ["moveOn", "masteryScore", "launchMethod", "activityType"] {
            if let Some(v) = el.attr(attr) {
                settings.insert(attr.to_string(), v.trim().to_string());
            }
        }
        settings
            .entry("moveOn".into())
            .or_insert_with(|| "NotApplicable (default)".into());
        if let Some(url) = &launch {
            settings.insert("url".into(), url.clone());
        }
        if let Some(params) = el.child("launchParameters") {
            settings.insert("launchParameters".into(), params.text.clone());
        }
    }
    Item {
        kind,
        identifier: el.attr("id").unwrap_or_default().to_string(),
        title,
        parent: parent.map(str::to_string),
        identifierref: None,
        launch,
        settings,
    }
}

/// Warns about identifiers used twice (an LMS keeps one of them) and missing ones.
fn duplicates(items: &[Item], resources: &[Resource], warnings: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    let ids = items
        .iter()
        .map(|i| (i.kind.name(), i.identifier.as_str()))
        .chain(
            resources
                .iter()
                .map(|r| ("resource", r.identifier.as_str())),
        );
    for (kind, id) in ids {
        if id.is_empty() {
            warnings.push(format!("a {kind} has no identifier"));
        } else if !seen.insert(id) {
            warnings.push(format!(
                "identifier `{id}` is used more than once; LMSs keep only one of them"
            ));
        }
    }
}
