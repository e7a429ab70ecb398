//! Matching two packages: items and resources by identifier (pairing renames by title, then
//! launch), files by path and fingerprint, and the settings of everything matched.

use super::model::{Format, Item, Package, Resource};
use super::{
    Change, FileChange, ItemChange, ItemRef, ResourceChange, ResourceRef, Scope, SettingChange,
};
use std::collections::{BTreeMap, BTreeSet};

/// The structural part of a diff.
pub(super) struct Structure {
    /// Item changes.
    pub(super) items: Vec<ItemChange>,
    /// Resource changes.
    pub(super) resources: Vec<ResourceChange>,
    /// Setting changes (package, items, resources).
    pub(super) settings: Vec<SettingChange>,
    /// Old item identifier → new identifier, for items paired as renamed.
    pub(super) renames: BTreeMap<String, String>,
}

/// A matched, added (`None`, new) or removed (old, `None`) element.
type Pair<'a, T> = (Option<&'a T>, Option<&'a T>);

/// Compares items, resources and settings.
pub(super) fn structure(old: &Package, new: &Package) -> Structure {
    let pairs = pair_items(old, new);
    let renames: BTreeMap<String, String> = pairs
        .iter()
        .filter_map(|&(o, n)| Some((o?, n?)))
        .filter(|(o, n)| o.identifier != n.identifier)
        .map(|(o, n)| (o.identifier.clone(), n.identifier.clone()))
        .collect();
    let mut settings = package_settings(old, new);
    let items = item_changes(&pairs, &renames, &mut settings);
    let resources = resource_changes(old, new, &pairs, &mut settings);
    Structure {
        items,
        resources,
        settings,
        renames,
    }
}

/// Pairs items by identifier, then renamed ones by title, launch, and the substitutions the
/// renames found so far imply: a renamed lesson renames every identifier made from its id
/// (`CCMOD-a` → `CCMOD-b` follows from `CCITEM-LINK-a` → `CCITEM-LINK-b`).
fn pair_items<'a>(old: &'a Package, new: &'a Package) -> Vec<Pair<'a, Item>> {
    let (title, launch) = (Rule::same(&title_key), Rule::same(&launch_key));
    let mut pairs = pair(&old.items, &new.items, item_id, &[title, launch]);
    // Until nothing new pairs (bounded: real renames need a round or two).
    for _ in 0..8 {
        let subs = substitutions(&pairs);
        let renamed = |i: &Item| {
            let mut ids = subs
                .iter()
                .filter(|(a, _)| i.identifier.contains(a.as_str()))
                .map(|(a, b)| i.identifier.replace(a, b))
                .collect::<BTreeSet<_>>()
                .into_iter();
            match (ids.next(), ids.next()) {
                (Some(id), None) => Some(format!("{:?}\0{id}", i.kind)),
                _ => None,
            }
        };
        let same_id = |i: &Item| Some(format!("{:?}\0{}", i.kind, i.identifier));
        let substituted = Rule {
            old: &renamed,
            new: &same_id,
        };
        let (title, launch) = (Rule::same(&title_key), Rule::same(&launch_key));
        let rules = [title, launch, substituted];
        let next = pair(&old.items, &new.items, item_id, &rules);
        let done = next.len() == pairs.len();
        pairs = next;
        if done {
            break;
        }
    }
    pairs
}

/// Item changes, in pair order; the settings of paired items go to `settings`.
fn item_changes(
    pairs: &[Pair<'_, Item>],
    renames: &BTreeMap<String, String>,
    settings: &mut Vec<SettingChange>,
) -> Vec<ItemChange> {
    let mut items = Vec::new();
    for &(o, n) in pairs {
        let (o_ref, n_ref) = (o.map(item_ref), n.map(item_ref));
        match (o, n) {
            (None, Some(_)) => items.push(change(Change::Added, None, n_ref)),
            (Some(_), None) => items.push(change(Change::Removed, o_ref, None)),
            (Some(o), Some(n)) => {
                if o.identifier != n.identifier {
                    items.push(change(Change::Renamed, o_ref.clone(), n_ref.clone()));
                } else if o.title != n.title {
                    items.push(change(Change::Retitled, o_ref.clone(), n_ref.clone()));
                }
                let old_parent = o.parent.as_ref().map(|p| renames.get(p).unwrap_or(p));
                if old_parent != n.parent.as_ref() {
                    items.push(change(Change::Moved, o_ref, n_ref));
                }
                let id = &n.identifier;
                diff_maps(Scope::Item, id, &o.settings, &n.settings, settings);
            }
            (None, None) => {}
        }
    }
    items
}

/// Resource changes: resources pair by identifier, then through their renamed items, then by
/// `href`; the settings of paired resources go to `settings`.
fn resource_changes(
    old: &Package,
    new: &Package,
    item_pairs: &[Pair<'_, Item>],
    settings: &mut Vec<SettingChange>,
) -> Vec<ResourceChange> {
    let renamed: BTreeMap<&str, &str> = item_pairs
        .iter()
        .filter_map(|&(o, n)| Some((o?.identifierref.as_deref()?, n?.identifierref.as_deref()?)))
        .collect();
    let via_items = |o: &Resource| renamed.get(o.identifier.as_str()).map(|n| n.to_string());
    let own_id = |n: &Resource| Some(n.identifier.clone());
    let href = |r: &Resource| r.href.clone();
    let rules = [
        Rule {
            old: &via_items,
            new: &own_id,
        },
        Rule::same(&href),
    ];
    let mut resources = Vec::new();
    for (o, n) in pair(&old.resources, &new.resources, resource_id, &rules) {
        let refs = (o.map(resource_ref), n.map(resource_ref));
        match (o, n) {
            (None, Some(_)) => resources.push(res_change(Change::Added, refs)),
            (Some(_), None) => resources.push(res_change(Change::Removed, refs)),
            (Some(o), Some(n)) => {
                if o.identifier != n.identifier {
                    resources.push(res_change(Change::Renamed, refs));
                }
                let (om, nm) = (resource_settings(o), resource_settings(n));
                diff_maps(Scope::Resource, &n.identifier, &om, &nm, settings);
            }
            (None, None) => {}
        }
    }
    resources
}

/// A way to tell that an old and a new element are the same thing: equal keys (`None`: no
/// key, never paired by this rule).
struct Rule<'r, T> {
    /// The key of an old element.
    old: &'r dyn Fn(&T) -> Option<String>,
    /// The key of a new element.
    new: &'r dyn Fn(&T) -> Option<String>,
}

impl<'r, T> Rule<'r, T> {
    /// A rule with the same key on both sides.
    fn same(key: &'r dyn Fn(&T) -> Option<String>) -> Self {
        Rule { old: key, new: key }
    }
}

/// Pairs old and new elements: the same identifier first; then, among the rest, one rule after
/// the other, an old and a new element whose key no other unpaired element shares.
/// Returns new-document order, then the unpaired old elements.
fn pair<'a, T>(
    old: &'a [T],
    new: &'a [T],
    id: impl Fn(&T) -> &str,
    rules: &[Rule<'_, T>],
) -> Vec<Pair<'a, T>> {
    let old_index: BTreeMap<&str, usize> =
        old.iter().enumerate().map(|(i, o)| (id(o), i)).collect();
    let new_ids: BTreeSet<&str> = new.iter().map(&id).collect();
    let mut free: Vec<bool> = old.iter().map(|o| !new_ids.contains(id(o))).collect();
    let mut partner: Vec<Option<usize>> =
        new.iter().map(|n| old_index.get(id(n)).copied()).collect();
    for rule in rules {
        let mut groups: BTreeMap<String, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (oi, o) in old.iter().enumerate().filter(|&(oi, _)| free[oi]) {
            if let Some(key) = (rule.old)(o) {
                groups.entry(key).or_default().0.push(oi);
            }
        }
        for (ni, n) in new
            .iter()
            .enumerate()
            .filter(|&(ni, _)| partner[ni].is_none())
        {
            if let Some(key) = (rule.new)(n) {
                groups.entry(key).or_default().1.push(ni);
            }
        }
        for (olds, news) in groups.into_values() {
            if let ([oi], [ni]) = (&olds[..], &news[..]) {
                partner[*ni] = Some(*oi);
                free[*oi] = false;
            }
        }
    }
    let mut out: Vec<Pair<'a, T>> = new
        .iter()
        .zip(&partner)
        .map(|(n, p)| (p.map(|oi| &old[oi]), Some(n)))
        .collect();
    let unpaired = old.iter().zip(&free).filter(|(_, f)| **f);
    out.extend(unpaired.map(|(o, _)| (Some(o), None)));
    out
}

/// What each rename replaced: the differing middles of the two identifiers, once their common
/// start and end are cut (`CCITEM-WEB-first-lesson` → `CCITEM-WEB-opening-lesson` gives
/// `first` → `opening`).
fn substitutions(pairs: &[Pair<'_, Item>]) -> BTreeSet<(String, String)> {
    let mut subs = BTreeSet::new();
    for (o, n) in pairs.iter().filter_map(|&(o, n)| Some((o?, n?))) {
        let (a, b): (Vec<char>, Vec<char>) = (
            o.identifier.chars().collect(),
            n.identifier.chars().collect(),
        );
        if a == b {
            continue;
        }
        let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let max_end = a.len().min(b.len()) - start;
        let end = (0..max_end)
            .take_while(|&k| a[a.len() - 1 - k] == b[b.len() - 1 - k])
            .count();
        let core = |v: &[char]| v[start..v.len() - end].iter().collect::<String>();
        let (from, to) = (core(&a), core(&b));
        if !from.is_empty() {
            subs.insert((from, to));
        }
    }
    subs
}

/// Pairs items of the same kind and title.
fn title_key(i: &Item) -> Option<String> {
    (!i.title.is_empty()).then(|| format!("{:?}\0{}", i.kind, i.title))
}

/// Pairs items of the same kind and launch.
fn launch_key(i: &Item) -> Option<String> {
    i.launch.as_ref().map(|l| format!("{:?}\0{l}", i.kind))
}

fn item_id(item: &Item) -> &str {
    &item.identifier
}

fn resource_id(resource: &Resource) -> &str {
    &resource.identifier
}

fn item_ref(item: &Item) -> ItemRef {
    ItemRef {
        kind: item.kind,
        identifier: item.identifier.clone(),
        title: item.title.clone(),
        parent: item.parent.clone(),
    }
}

fn change(change: Change, old: Option<ItemRef>, new: Option<ItemRef>) -> ItemChange {
    ItemChange { change, old, new }
}

fn resource_ref(r: &Resource) -> ResourceRef {
    ResourceRef {
        identifier: r.identifier.clone(),
        kind: r.kind.clone(),
        href: r.href.clone(),
    }
}

fn res_change(change: Change, refs: (Option<ResourceRef>, Option<ResourceRef>)) -> ResourceChange {
    ResourceChange {
        change,
        old: refs.0,
        new: refs.1,
    }
}

/// The settings of a resource an LMS acts on.
fn resource_settings(r: &Resource) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    map.insert("type".to_string(), r.kind.clone());
    if let Some(t) = &r.scorm_type {
        map.insert("scormType".into(), t.clone());
    }
    if let Some(h) = &r.href {
        map.insert("href".into(), h.clone());
    }
    map
}

/// Package-level settings: the version and the launch each LMS picks.
fn package_settings(old: &Package, new: &Package) -> Vec<SettingChange> {
    // The launches of the LMSs that would take the new package where the old one is.
    let scorm_route = old.format.is_scorm();
    let map = |p: &Package| {
        let mut m = BTreeMap::new();
        if let Some(v) = &p.schemaversion {
            m.insert("schemaversion".to_string(), v.clone());
        }
        if scorm_route && let Some(item) = p.moodle_launch() {
            m.insert("moodle_launch".into(), item.identifier.clone());
        }
        if (scorm_route || old.format == Format::Cmi5)
            && let Some(page) = p.openedx_launch()
        {
            m.insert("openedx_launch".into(), page.to_string());
        }
        m
    };
    let (om, nm) = (map(old), map(new));
    let mut out = Vec::new();
    diff_maps(Scope::Package, "", &om, &nm, &mut out);
    out
}

/// Appends a [`SettingChange`] for every key whose value differs.
fn diff_maps(
    scope: Scope,
    identifier: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    out: &mut Vec<SettingChange>,
) {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        let (o, n) = (old.get(key), new.get(key));
        if o != n {
            out.push(SettingChange {
                scope,
                identifier: (scope != Scope::Package).then(|| identifier.to_string()),
                name: key.clone(),
                old: o.cloned(),
                new: n.cloned(),
            });
        }
    }
}

/// Files added, removed or changed (size or CRC-32), sorted by path.
pub(super) fn files(old: &Package, new: &Package) -> Vec<FileChange> {
    let paths: BTreeSet<&String> = old.files.keys().chain(new.files.keys()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            let (o, n) = (old.files.get(path).copied(), new.files.get(path).copied());
            let change = match (o, n) {
                (Some(a), Some(b)) if a == b => return None,
                (Some(_), Some(_)) => Change::Changed,
                (Some(_), None) => Change::Removed,
                (None, _) => Change::Added,
            };
            Some(FileChange {
                change,
                path: path.clone(),
                old: o,
                new: n,
            })
        })
        .collect()
}

/// Whether the format or the SCORM version differs (editions and CC versions do not count).
pub(super) fn format_changed(old: &Package, new: &Package) -> bool {
    old.format != new.format
}

/// Prominent warnings about a change of format or version.
pub(super) fn format_warnings(old: &Package, new: &Package) -> Vec<String> {
    let (a, b) = (old.format_label(), new.format_label());
    if old.format.is_scorm() && new.format.is_scorm() && old.format != new.format {
        return vec![format!(
            "the SCORM version changes ({a} → {b}): the LMS switches the activity to the new runtime, which does not read what learners saved under the old version's data model (bookmark, suspend data); tracks of different SCORM versions are not comparable: consider a new activity"
        )];
    }
    if old.format != new.format {
        return vec![format!(
            "the format changes ({a} → {b}): LMSs import these differently, so the new package cannot simply replace the old one; the verdicts below are for uploading it where the old one is, otherwise a new activity must be created and learners start without records"
        )];
    }
    if a != b {
        return vec![format!("the version changes ({a} → {b})")];
    }
    Vec::new()
}
