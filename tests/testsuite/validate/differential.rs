//! Differential test of the schema layer against `xmllint --schema` (libxml2), offline
//! (`--nonet`, `tests/fixtures/schemas-catalog.xml`).
//!
//! Cases: every corpus manifest, plus mutations of valid manifests (our own SCORM 1.2,
//! SCORM 2004 3rd/4th, CC 1.1/1.3 and cmi5 manifests of `module/`, and the corpus manifests
//! `SOURCES.md` records as valid) made by a fixed-seed xorshift generator: drop an element,
//! duplicate an element, swap two siblings, drop an attribute, copy an attribute onto another
//! element, replace a value with a bad one. For each case the verdict "`XSD001` present" of
//! the schema layer alone ([`schema::check_manifest`]) is compared with xmllint's; every
//! disagreement must have a documented reason (`tests/fixtures/validate/DIFFERENTIAL.md`),
//! or the test fails. xmllint runs once per schema set, on every file of that set.

use super::rng::Rng;
use crate::fixture::fixtures;
use lessonpack::build::{Options, Project, Target};
use lessonpack::manifest::{CcVersion, Edition};
use lessonpack::output::Content;
use lessonpack::validate::schema::{self, SchemaCheck, SetId};
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Mutations made (at least 500 are required).
const MUTATIONS: usize = 600;
/// The generator's seed.
const SEED: u64 = 0x5eed_1e55_0a9c_u64;

/// A node of a manifest, kept as written (raw attribute values, raw text) so serialising an
/// unmutated tree gives back an equivalent document.
#[derive(Debug, Clone)]
enum Node {
    El(Elem),
    /// Text, references, comments, CDATA, processing instructions: raw.
    Raw(String),
}

#[derive(Debug, Clone)]
struct Elem {
    name: String,
    /// Name and raw value (as between the quotes).
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

/// The prolog (declaration, DOCTYPE, comments) raw, and the root.
fn parse(xml: &str) -> (String, Elem) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Elem> = Vec::new();
    let mut prolog = String::new();
    let mut root = None;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().expect("seed manifests are well-formed");
        let end = reader.buffer_position() as usize;
        let raw = xml[at..end].to_string();
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        let v = a.value.replace('"', "&quot;");
                        (a.key.as_ref().to_string(), v)
                    })
                    .collect();
                let el = Elem {
                    name: e.name().as_ref().to_string(),
                    attrs,
                    children: Vec::new(),
                };
                if raw.ends_with("/>") {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::El(el)),
                        None => root = Some(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::El(done)),
                    None => root = Some(done),
                }
            }
            Event::Eof => break,
            _ => match stack.last_mut() {
                Some(parent) => parent.children.push(Node::Raw(raw)),
                None if root.is_none() => prolog.push_str(&raw),
                None => {}
            },
        }
    }
    (prolog, root.expect("a root element"))
}

fn write(el: &Elem, out: &mut String) {
    out.push('<');
    out.push_str(&el.name);
    for (k, v) in &el.attrs {
        out.push_str(&format!(" {k}=\"{v}\""));
    }
    if el.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for c in &el.children {
        match c {
            Node::El(e) => write(e, out),
            Node::Raw(r) => out.push_str(r),
        }
    }
    out.push_str(&format!("</{}>", el.name));
}

fn serialise(prolog: &str, root: &Elem) -> String {
    let mut out = prolog.to_string();
    write(root, &mut out);
    out.push('\n');
    out
}

/// Paths (child indexes from the root) of every element, root first.
fn paths(el: &Elem, here: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(here.clone());
    for (i, c) in el.children.iter().enumerate() {
        if let Node::El(e) = c {
            here.push(i);
            paths(e, here, out);
            here.pop();
        }
    }
}

fn at<'a>(root: &'a mut Elem, path: &[usize]) -> &'a mut Elem {
    let mut el = root;
    for &i in path {
        el = match &mut el.children[i] {
            Node::El(e) => e,
            Node::Raw(_) => unreachable!("paths name elements"),
        };
    }
    el
}

/// An attribute a mutation may touch: not a namespace declaration, not a schema location.
fn plain(name: &str) -> bool {
    name != "xmlns" && !name.starts_with("xmlns:") && !name.starts_with("xsi:")
}

/// One mutation of `root` (`None` when the kind does not apply; the caller draws again) and
/// its description.
fn mutate(rng: &mut Rng, root: &Elem) -> Option<(Elem, String)> {
    let mut all = Vec::new();
    paths(root, &mut Vec::new(), &mut all);
    let mut tree = root.clone();
    let path = all[rng.below(all.len())].clone();
    match rng.below(6) {
        0 => {
            let (last, parent) = path.split_last()?;
            let name = at(&mut tree, &path).name.clone();
            at(&mut tree, parent).children.remove(*last);
            Some((tree, format!("drop element <{name}>")))
        }
        1 => {
            let (last, parent) = path.split_last()?;
            let copy = at(&mut tree, &path).clone();
            let name = copy.name.clone();
            at(&mut tree, parent)
                .children
                .insert(*last + 1, Node::El(copy));
            Some((tree, format!("duplicate element <{name}>")))
        }
        2 => {
            let el = at(&mut tree, &path);
            let kids: Vec<usize> = (0..el.children.len())
                .filter(|&i| matches!(el.children[i], Node::El(_)))
                .collect();
            if kids.len() < 2 {
                return None;
            }
            let a = kids[rng.below(kids.len())];
            let b = kids[rng.below(kids.len())];
            let name = |n: &Node| match n {
                Node::El(e) => e.name.clone(),
                Node::Raw(_) => String::new(),
            };
            let (na, nb) = (name(&el.children[a]), name(&el.children[b]));
            if na == nb {
                return None;
            }
            el.children.swap(a, b);
            let what = format!("swap <{na}> and <{nb}> in <{}>", el.name);
            Some((tree, what))
        }
        3 => {
            let el = at(&mut tree, &path);
            let idx: Vec<usize> = (0..el.attrs.len())
                .filter(|&i| plain(&el.attrs[i].0))
                .collect();
            let i = *idx.get(rng.below(idx.len()))?;
            let (k, _) = el.attrs.remove(i);
            let what = format!("drop attribute {k} of <{}>", el.name);
            Some((tree, what))
        }
        4 => {
            // Copy an attribute onto another element that lacks it (a second copy on the
            // same element would not be well-formed).
            let from = at(&mut tree, &path).clone();
            let idx: Vec<usize> = (0..from.attrs.len())
                .filter(|&i| plain(&from.attrs[i].0) && !from.attrs[i].0.contains(':'))
                .collect();
            let (k, v) = from.attrs.get(*idx.get(rng.below(idx.len()))?)?.clone();
            let to_path = all[rng.below(all.len())].clone();
            let to = at(&mut tree, &to_path);
            if to.attrs.iter().any(|(n, _)| *n == k) {
                return None;
            }
            to.attrs.push((k.clone(), v));
            let what = format!("copy attribute {k} onto <{}>", to.name);
            Some((tree, what))
        }
        _ => {
            let el = at(&mut tree, &path);
            let idx: Vec<usize> = (0..el.attrs.len())
                .filter(|&i| plain(&el.attrs[i].0))
                .collect();
            let leaf = el.children.iter().all(|c| matches!(c, Node::Raw(_)))
                && el.children.iter().any(
                    |c| matches!(c, Node::Raw(r) if !r.trim().is_empty() && !r.starts_with("<!--")),
                );
            if leaf && (idx.is_empty() || rng.below(2) == 0) {
                el.children = vec![Node::Raw("x-bad-value".into())];
                let what = format!("bad text in <{}>", el.name);
                return Some((tree, what));
            }
            let i = *idx.get(rng.below(idx.len()))?;
            el.attrs[i].1 = "x-bad-value".into();
            let what = format!("bad value of {} on <{}>", el.attrs[i].0, el.name);
            Some((tree, what))
        }
    }
}

/// The files each set's xmllint driver imports (the same roots the schema layer compiles),
/// relative to `schemas/`.
fn roots(set: SetId) -> Vec<String> {
    let s2004 = |cp: &str, ext: &str| {
        let mut v: Vec<String> = [
            "imscp_v1p1.xsd",
            "adlcp_v1p3.xsd",
            "imsss_v1p0.xsd",
            "lom.xsd",
        ]
        .iter()
        .map(|f| format!("{cp}/{f}"))
        .collect();
        v.push(format!("{ext}/adlseq_v1p3.xsd"));
        v.push(format!("{ext}/adlnav_v1p3.xsd"));
        v
    };
    match set {
        SetId::Scorm12 => vec![
            "scorm12/imscp_rootv1p1p2.xsd".into(),
            "scorm12/adlcp_rootv1p2.xsd".into(),
        ],
        SetId::Scorm2004Second => {
            s2004("validate-only/scorm2004-2nd", "validate-only/scorm2004-2nd")
        }
        SetId::Scorm2004Third => s2004("scorm2004-3rd", "validate-only/scorm2004-3rd"),
        SetId::Scorm2004Fourth => s2004("scorm2004-4th", "validate-only/scorm2004-4th"),
        SetId::Cc11 => vec!["cc11/ccv1p1_imscp_v1p2_v1p0.xsd".into()],
        SetId::Cc13 => vec!["cc13/ccv1p3_imscp_v1p2_v1p0.xsd".into()],
        SetId::Cmi5 => vec!["cmi5/CourseStructure.xsd".into()],
    }
}

/// xmllint's verdict and error lines for each file.
struct Lint {
    valid: bool,
    errors: Vec<String>,
}

/// Runs xmllint once over `files` (names in `dir`) against `set`.
fn xmllint(dir: &Path, set: SetId, files: &[String]) -> BTreeMap<String, Lint> {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let roots: Vec<(String, PathBuf)> = roots(set)
        .iter()
        .map(|r| {
            let path = schemas.join(r);
            let text = std::fs::read_to_string(&path).unwrap();
            let ns = text
                .split_once("targetNamespace")
                .and_then(|(_, rest)| rest.split_once(['"', '\'']))
                .and_then(|(_, rest)| rest.split_once(['"', '\'']))
                .map(|(ns, _)| ns.to_string())
                .unwrap();
            (ns, path)
        })
        .collect();
    let roots: Vec<(&str, &Path)> = roots
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_path()))
        .collect();
    let (_, stderr) = crate::support::run_xmllint(dir, files, &roots);
    let mut out: BTreeMap<String, Lint> = BTreeMap::new();
    for line in stderr.lines() {
        if let Some(name) = line.strip_suffix(" validates") {
            out.entry(name.to_string())
                .or_insert(Lint {
                    valid: true,
                    errors: Vec::new(),
                })
                .valid = true;
        } else if let Some(name) = line.strip_suffix(" fails to validate") {
            out.entry(name.to_string())
                .or_insert(Lint {
                    valid: false,
                    errors: Vec::new(),
                })
                .valid = false;
        } else if let Some((name, _)) = line.split_once(':')
            && files.iter().any(|f| f == name)
        {
            out.entry(name.to_string())
                .or_insert(Lint {
                    valid: false,
                    errors: Vec::new(),
                })
                .errors
                .push(line.to_string());
        } else if !line.trim().is_empty() && !line.starts_with(' ') && !line.starts_with('^') {
            // Anything else (a schema that did not load) would let elements through
            // unchecked: the comparison would be meaningless.
            panic!("xmllint ({set:?}) said: {line}\n{stderr}");
        }
    }
    for f in files {
        assert!(
            out.contains_key(f),
            "xmllint gave no verdict for {f}:\n{stderr}"
        );
    }
    out
}

/// The documented reason for a disagreement (`DIFFERENTIAL.md`), if one applies.
fn reason(ours: &SchemaCheck, lint: &Lint) -> Option<&'static str> {
    let own: Vec<_> = ours.errors.iter().filter(|e| e.foreign.is_none()).collect();
    if ours.invalid() && !lint.valid {
        return None;
    }
    if ours.invalid() {
        // We say invalid, libxml2 valid.
        if !own.is_empty() && own.iter().all(|e| e.constraint == "cvc-id.1") {
            return Some("libxml2-idref");
        }
        return None;
    }
    // We say valid (no XSD001), libxml2 invalid.
    if ours.errors.iter().any(|e| e.foreign.is_some()) {
        return Some("foreign-namespace-xsd002");
    }
    None
}

/// One case.
struct Case {
    name: String,
    origin: String,
    text: String,
}

fn manifest_of(files: &[lessonpack::output::OutputFile]) -> String {
    let f = files
        .iter()
        .find(|f| f.path == "imsmanifest.xml" || f.path == "cmi5.xml")
        .expect("a manifest");
    match &f.content {
        Content::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
        Content::File(_) => unreachable!("manifests are generated"),
    }
}

#[test]
fn the_schema_layer_agrees_with_xmllint_or_the_difference_is_documented() {
    let doc = std::fs::read_to_string(fixtures().join("validate/DIFFERENTIAL.md")).unwrap();
    // Seeds: our own manifests, then the corpus manifests libxml2 calls valid.
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("module");
    let (project, report) = Project::load(&module).unwrap();
    let project = project.unwrap_or_else(|| panic!("{}", report.render()));
    let mut seeds: Vec<(String, String)> = Vec::new();
    for (label, target, options) in [
        ("ours-scorm12", Target::Scorm12, Options::default()),
        ("ours-scorm2004-4th", Target::Scorm2004, Options::default()),
        (
            "ours-scorm2004-3rd",
            Target::Scorm2004,
            Options {
                scorm2004_edition: Edition::Third,
                ..Options::default()
            },
        ),
        ("ours-cc11", Target::Cc, Options::default()),
        (
            "ours-cc13",
            Target::Cc,
            Options {
                cc_version: CcVersion::V1_3,
                ..Options::default()
            },
        ),
        ("ours-cmi5", Target::Cmi5, Options::default()),
    ] {
        seeds.push((
            label.into(),
            manifest_of(&project.files(target, &options).unwrap()),
        ));
    }
    let corpus = fixtures().join("corpus");
    let sources = std::fs::read_to_string(corpus.join("SOURCES.md")).unwrap();
    let mut cases = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    names.sort();
    for name in &names {
        let text = std::fs::read_to_string(corpus.join(name)).unwrap();
        let row = sources
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}`")))
            .unwrap();
        if row.contains("| valid") {
            seeds.push((name.trim_end_matches(".xml").into(), text.clone()));
        }
        cases.push(Case {
            name: format!("corpus-{}", name),
            origin: format!("corpus {name}"),
            text,
        });
    }
    for (label, text) in &seeds {
        cases.push(Case {
            name: format!("seed-{label}.xml"),
            origin: format!("seed {label}"),
            text: text.clone(),
        });
    }
    let parsed: Vec<(String, String, Elem)> = seeds
        .iter()
        .map(|(l, t)| {
            let (p, r) = parse(t);
            (l.clone(), p, r)
        })
        .collect();
    // Serialising an unmutated seed changes nothing the schema layer sees: only the
    // mutation changes the verdict.
    for ((label, prolog, root), (_, text)) in parsed.iter().zip(&seeds) {
        let before = schema::check_manifest(text).unwrap();
        let after = schema::check_manifest(&serialise(prolog, root)).unwrap();
        let constraints = |c: &SchemaCheck| {
            c.errors
                .iter()
                .map(|e| e.constraint.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            constraints(&before),
            constraints(&after),
            "{label} round trip"
        );
    }
    let mut rng = Rng(SEED);
    let mut made = 0;
    while made < MUTATIONS {
        let (label, prolog, root) = &parsed[made % parsed.len()];
        let Some((tree, what)) = mutate(&mut rng, root) else {
            continue;
        };
        cases.push(Case {
            name: format!("m{made:04}.xml"),
            origin: format!("{label}: {what}"),
            text: serialise(prolog, &tree),
        });
        made += 1;
    }

    // Our verdicts, grouped by set.
    let dir = tempfile::tempdir().unwrap();
    let mut by_set: BTreeMap<String, (SetId, Vec<usize>)> = BTreeMap::new();
    let mut ours = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let check = schema::check_manifest(&case.text)
            .unwrap_or_else(|| panic!("{}: no schema set ({})", case.name, case.origin));
        std::fs::write(dir.path().join(&case.name), &case.text).unwrap();
        by_set
            .entry(format!("{:?}", check.set))
            .or_insert((check.set, Vec::new()))
            .1
            .push(i);
        ours.push(check);
    }
    let mut agree = 0;
    let mut both_invalid = 0;
    let mut explained: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for (set, indexes) in by_set.values() {
        let names: Vec<String> = indexes.iter().map(|&i| cases[i].name.clone()).collect();
        let verdicts = xmllint(dir.path(), *set, &names);
        for &i in indexes {
            let lint = &verdicts[&cases[i].name];
            if ours[i].invalid() != lint.valid {
                agree += 1;
                both_invalid += usize::from(!lint.valid);
                continue;
            }
            match reason(&ours[i], lint) {
                Some(r) => {
                    assert!(
                        doc.contains(&format!("`{r}`")),
                        "{r} is not in DIFFERENTIAL.md"
                    );
                    *explained.entry(r).or_default() += 1;
                }
                None => unexplained.push(format!(
                    "{} ({}; {set:?}): ours {}, xmllint {}\n  ours: {:?}\n  xmllint: {:?}",
                    cases[i].name,
                    cases[i].origin,
                    if ours[i].invalid() {
                        "invalid"
                    } else {
                        "valid"
                    },
                    if lint.valid { "valid" } else { "invalid" },
                    ours[i]
                        .errors
                        .iter()
                        .map(|e| format!("{} {}", e.constraint, e.message))
                        .collect::<Vec<_>>(),
                    lint.errors,
                )),
            }
        }
    }
    println!(
        "differential: {} cases ({} corpus, {} seeds, {MUTATIONS} mutations), {agree} agree \
         ({both_invalid} invalid, {} valid), explained disagreements {explained:?}, \
         unexplained {}",
        cases.len(),
        names.len(),
        seeds.len(),
        agree - both_invalid,
        unexplained.len()
    );
    assert!(
        unexplained.is_empty(),
        "{} unexplained disagreements:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
}
