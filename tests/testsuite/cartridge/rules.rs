//! The cartridge import rules the XSDs cannot express (`lms-import.md` §A 21–25): Moodle's
//! format detection, the organization shape Canvas and Moodle turn into modules and sections,
//! references and file lists, and identifiers that survive renaming.

use super::{Cartridge, VERSIONS, basic, load, rich, sample};
use crate::support::El;
use lessonpack::manifest::CcVersion;
use lessonpack::manifest::ids;
use std::collections::{BTreeMap, BTreeSet};

/// Moodle's `detect_format()` for CC: the first 1,024 bytes of `imsmanifest.xml`, lower-cased,
/// whitespace and quotes removed, searched for `xmlns=<namespace>`.
fn moodle_detects(manifest: &str, namespace: &str) -> bool {
    let head = &manifest.as_bytes()[..manifest.len().min(1024)];
    let squeezed: String = String::from_utf8_lossy(head)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
        .collect();
    squeezed.contains(&format!("xmlns={namespace}"))
}

const MOODLE_CC10: &str = "http://www.imsglobal.org/xsd/imscc/imscp_v1p1";
const MOODLE_CC11: &str = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1";

#[test]
fn moodle_detects_cc11_in_the_first_kilobyte_and_never_cc13() {
    for source in [sample(), basic(), rich()] {
        let (mut module, rendered) = load(&source.dir);
        // A long module id must not push the declaration out: it is the first attribute.
        module.id = format!("m{}", "-x".repeat(600));
        for version in VERSIONS {
            let cartridge = Cartridge::write(module.clone(), &rendered, version);
            let manifest = cartridge.manifest();
            assert!(manifest.len() > 1024);
            let is_11 = version == CcVersion::V1_1;
            assert_eq!(moodle_detects(&manifest, MOODLE_CC11), is_11, "{version:?}");
            assert!(!moodle_detects(&manifest, MOODLE_CC10));
            assert!(moodle_detects(&manifest, version.namespace()));
            // Negative control: a long comment before the root hides the declaration.
            let comment = format!("<!-- {} -->\n", "x".repeat(1024));
            let hidden = manifest.replacen("?>\n", &format!("?>\n{comment}"), 1);
            assert!(!moodle_detects(&hidden, version.namespace()));
        }
    }
}

#[test]
fn organization_is_root_then_one_titled_module_per_lesson_then_linked_items() {
    for source in [sample(), basic(), rich()] {
        for version in VERSIONS {
            let cartridge = Cartridge::build(&source, version);
            let root = cartridge.parsed();
            let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(
                names,
                ["metadata", "organizations", "resources"],
                "no authorizations"
            );
            let metadata = root.one("metadata");
            assert_eq!(metadata.one("schema").text, "IMS Common Cartridge");
            assert_eq!(metadata.one("schemaversion").text, version.schemaversion());
            let org = root.one("organizations").one("organization");
            assert_eq!(org.attr("structure"), Some("rooted-hierarchy"));
            let org_children: Vec<&str> = org.children.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(org_children, ["item"]);
            let top = org.one("item");
            assert!(top.all("title").is_empty() && top.attr("identifierref").is_none());
            let modules = top.all("item");
            assert_eq!(modules.len(), top.children.len());
            assert_eq!(
                modules.len(),
                cartridge.module.lessons.len(),
                "one module per lesson"
            );
            let resources = resources_by_id(&root);
            for (module_item, lesson) in modules.into_iter().zip(&cartridge.module.lessons) {
                assert_eq!(module_item.attr("identifierref"), None);
                assert_eq!(module_item.children[0].name, "title");
                assert_eq!(module_item.children[0].text, lesson.title);
                let items = module_item.all("item");
                assert_eq!(items.len() + 1, module_item.children.len());
                assert!(!items.is_empty());
                for item in &items {
                    assert!(!item.one("title").text.trim().is_empty());
                    assert!(item.all("item").is_empty(), "no fourth level");
                    let target = item.attr("identifierref").expect("identifierref");
                    assert!(resources.contains_key(target), "{target} resolves");
                }
                let page = resources[items[0].attr("identifierref").unwrap()];
                assert_eq!(page.attr("type"), Some("webcontent"));
                let launch = format!("lessons/{}/index.html", lesson.id);
                assert_eq!(page.attr("href"), Some(launch.as_str()));
                // The page says what it is, distinct from the module named by the lesson.
                let suffix = if lesson.video.is_some() {
                    "video and transcript"
                } else {
                    "transcript"
                };
                assert_eq!(
                    items[0].one("title").text,
                    format!("{}: {suffix}", lesson.title)
                );
                // No two items of a lesson share a title, nor with their module.
                let mut titles: Vec<&str> =
                    items.iter().map(|i| i.one("title").text.as_str()).collect();
                titles.push(module_item.children[0].text.as_str());
                let distinct: std::collections::BTreeSet<&str> = titles.iter().copied().collect();
                assert_eq!(distinct.len(), titles.len(), "{titles:?}");
            }
        }
    }
}

fn resources_by_id(root: &El) -> BTreeMap<&str, &El> {
    let resources = root.one("resources").all("resource");
    resources
        .into_iter()
        .map(|r| (r.attr("identifier").unwrap(), r))
        .collect()
}

#[test]
fn references_resolve_and_every_file_is_listed_once() {
    for source in [sample(), basic(), rich()] {
        for version in VERSIONS {
            let cartridge = Cartridge::build(&source, version);
            let root = cartridge.parsed();
            let resources = resources_by_id(&root);
            let mut identifiers = Vec::new();
            let mut refs = Vec::new();
            for el in root.walk() {
                identifiers.extend(el.attr("identifier"));
                refs.extend(el.attr("identifierref"));
            }
            let unique: BTreeSet<&&str> = identifiers.iter().collect();
            assert_eq!(unique.len(), identifiers.len(), "{identifiers:?}");
            assert!(
                identifiers.iter().all(|id| ids::is_safe(id)),
                "{identifiers:?}"
            );
            assert!(refs.iter().all(|r| resources.contains_key(r)), "{refs:?}");
            let mut listed = Vec::new();
            for (id, resource) in &resources {
                let files: Vec<&str> = resource
                    .all("file")
                    .iter()
                    .map(|f| f.attr("href").unwrap())
                    .collect();
                listed.extend(files.iter().map(|f| f.to_string()));
                if resource.attr("type") == Some("webcontent") {
                    if *id == ids::CC_SHARED_RESOURCE {
                        assert_eq!(resource.attr("href"), None);
                        assert!(files.iter().all(|f| f.starts_with("assets/")));
                    } else {
                        assert_eq!(resource.attr("href"), Some(files[0]), "{id}");
                        let dep = resource.one("dependency").attr("identifierref");
                        assert_eq!(dep, Some(ids::CC_SHARED_RESOURCE));
                    }
                } else {
                    // Descriptors: one file, no href, no dependency (profile rules 1–2).
                    assert_eq!(files.len(), 1, "{id}");
                    assert_eq!(resource.attr("href"), None, "{id}");
                    assert!(resource.all("dependency").is_empty(), "{id}");
                }
            }
            let organizations = root.one("organizations").walk();
            let item_refs: Vec<&str> = organizations
                .iter()
                .filter_map(|i| i.attr("identifierref"))
                .collect();
            assert!(
                !item_refs.contains(&ids::CC_SHARED_RESOURCE),
                "shared files are no item"
            );
            let mut on_disk = crate::support::files_below(&cartridge.root());
            on_disk.retain(|p| p != "imsmanifest.xml");
            listed.sort();
            assert_eq!(
                listed, on_disk,
                "{version:?}: every file listed once, every listed file there"
            );
        }
    }
}

/// Every `identifier` and `identifierref` value of a manifest, in document order.
fn identifier_attributes(root: &El) -> Vec<String> {
    let mut out = Vec::new();
    for el in root.walk() {
        for key in ["identifier", "identifierref"] {
            if let Some(v) = el.attr(key) {
                out.push(format!("{key}={v}"));
            }
        }
    }
    out
}

#[test]
fn renaming_titles_changes_no_identifier_or_path() {
    let source = rich();
    let (before, rendered) = load(&source.dir);
    let mut after = before.clone();
    after.title = "A completely different module".into();
    for (i, lesson) in after.lessons.iter_mut().enumerate() {
        lesson.title = format!("Renamed lesson {}", 9 - i);
        if let Some(d) = &mut lesson.discussion {
            d.title = Some(format!("Renamed topic {i}"));
        }
    }
    for version in VERSIONS {
        let (old, new) = (
            Cartridge::write(before.clone(), &rendered, version),
            Cartridge::write(after.clone(), &rendered, version),
        );
        assert_ne!(
            old.manifest(),
            new.manifest(),
            "the titles are in the manifest"
        );
        let ids_before = identifier_attributes(&old.parsed());
        assert!(
            ids_before.len() > 3 * before.lessons.len(),
            "{ids_before:?}"
        );
        assert_eq!(
            ids_before,
            identifier_attributes(&new.parsed()),
            "{version:?}"
        );
        let paths = |c: &Cartridge| c.written.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&old), paths(&new));
    }
}
