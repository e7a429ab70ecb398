//! Differential test of the hardened reader's well-formedness verdict against
//! `xmllint --nonet --noout` (libxml2), on generated mutants of real manifests
//! (`tests/fixtures/validate/DIFFERENTIAL.md`, "Well-formedness").
//!
//! A fixed-seed xorshift generator makes [`MUTANTS`] mutants, round robin over three corpus
//! manifests (SCORM 1.2, Common Cartridge 1.3, cmi5), one mutation each, from classes that
//! make a document not well-formed — a NUL or other C0 control, an illegal character
//! reference (`&#1;`, `&#xFFFE;`, …) in text or an attribute, bytes that are not UTF-8, text
//! before the root, a second root or text after it, `standalone` before `encoding`, an
//! unknown encoding name, UTF-16 declared over 8-bit bytes or after a UTF-8 byte order mark,
//! US-ASCII declared over non-ASCII bytes,
//! an unclosed comment or CDATA section, `--` in a comment, `]]>` in text, a `<` in an
//! attribute, a declaration not at the start — and classes that keep it well-formed (legal
//! character references, comments, CDATA and processing instructions, UTF-8 text, a byte
//! order mark, UTF-16 with and without one when declared, ISO-8859-1 declared and used, or
//! declared after a UTF-8 byte order mark).
//! The verdict "well-formed or not" of [`validate::xml::well_formed`] must equal xmllint's
//! exit status on every one.

use super::rng::Rng;
use crate::fixture::fixtures;
use lessonpack::validate::xml::well_formed;
use std::path::Path;

/// Mutants made (at least 200 are required).
const MUTANTS: usize = 300;
/// The generator's seed.
const SEED: u64 = 0x00c0_ffee_1e55_0a9c;

/// A seed manifest: its text without the XML declaration, and where mutations may go.
struct Seed {
    name: &'static str,
    /// The document after its XML declaration (starting with the line break after it).
    body: String,
    /// Byte offsets of the body just after a start tag's `>` inside the root (text content).
    content: Vec<usize>,
    /// Byte offsets of the body just after an attribute value's opening quote, inside the
    /// root, not on a namespace declaration.
    values: Vec<usize>,
}

impl Seed {
    fn load(name: &'static str) -> Seed {
        let text = std::fs::read_to_string(fixtures().join("corpus").join(name)).unwrap();
        let body = text[text.find("?>").unwrap() + 2..].to_string();
        let root = body.find("\n<").unwrap() + 1;
        let bytes = body.as_bytes();
        let mut content = Vec::new();
        let mut values = Vec::new();
        let mut in_tag = false;
        let mut quote = None;
        let mut i = root;
        while i < bytes.len() {
            let b = bytes[i];
            match (in_tag, quote) {
                (true, Some(q)) if b == q => quote = None,
                (true, Some(_)) => {}
                (true, None) if b == b'"' || b == b'\'' => {
                    quote = Some(b);
                    let before = &body[..i];
                    let name_start = before.rfind(' ').map_or(0, |s| s + 1);
                    if !before[name_start..].starts_with("xmlns") {
                        values.push(i + 1);
                    }
                }
                (true, None) if b == b'>' => {
                    in_tag = false;
                    // Not an empty-element tag: what follows is the element's content.
                    if bytes[i - 1] != b'/' {
                        content.push(i + 1);
                    }
                }
                (false, _)
                    if b == b'<' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) =>
                {
                    in_tag = true;
                }
                _ => {}
            }
            i += 1;
        }
        // Keep offsets strictly before the root's end tag.
        let end = body.rfind("</").unwrap();
        content.retain(|&c| c < end);
        values.retain(|&v| v < end);
        assert!(content.len() > 5 && values.len() > 5, "{name}");
        Seed {
            name,
            body,
            content,
            values,
        }
    }
}

/// One mutant: its bytes and what was done.
struct Mutant {
    bytes: Vec<u8>,
    what: String,
}

fn insert(body: &str, at: usize, what: &str) -> String {
    format!("{}{what}{}", &body[..at], &body[at..])
}

fn utf16(text: &str, bom: bool, little: bool) -> Vec<u8> {
    let mut out = match (bom, little) {
        (false, _) => Vec::new(),
        (true, true) => vec![0xff, 0xfe],
        (true, false) => vec![0xfe, 0xff],
    };
    for unit in text.encode_utf16() {
        out.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// The mutation classes, each a function of the generator and a seed.
fn mutate(rng: &mut Rng, seed: &Seed, class: usize) -> Mutant {
    let text_at = |rng: &mut Rng| *rng.pick(&seed.content);
    let value_at = |rng: &mut Rng| *rng.pick(&seed.values);
    let with_decl = |body: String| format!("{DECL}{body}").into_bytes();
    let m = |bytes: Vec<u8>, what: String| Mutant { bytes, what };
    match class {
        0 => {
            let c = *rng.pick(&[0u8, 1, 2, 7, 8, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f]);
            let at = text_at(rng);
            m(
                with_decl(insert(&seed.body, at, &char::from(c).to_string())),
                format!("raw control 0x{c:02X} in text at {at}"),
            )
        }
        1 => {
            let r = *rng.pick(&[
                "&#0;",
                "&#1;",
                "&#x8;",
                "&#11;",
                "&#x1F;",
                "&#xFFFE;",
                "&#xFFFF;",
                "&#xD800;",
                "&#x110000;",
            ]);
            let at = text_at(rng);
            m(
                with_decl(insert(&seed.body, at, r)),
                format!("{r} in text at {at}"),
            )
        }
        2 => {
            let r = *rng.pick(&["&#1;", "&#0;", "&#x1B;", "&#xFFFF;"]);
            let at = value_at(rng);
            m(
                with_decl(insert(&seed.body, at, r)),
                format!("{r} in an attribute at {at}"),
            )
        }
        3 => {
            let choices: [&[u8]; 6] = [
                b"\xe9",
                b"\xff",
                b"\xc0\xaf",
                b"\xed\xa0\x80",
                b"\xe2\x82",
                b"\x80",
            ];
            let bad = *rng.pick(&choices);
            let at = text_at(rng);
            let mut bytes = format!("{DECL}{}", &seed.body[..at]).into_bytes();
            bytes.extend_from_slice(bad);
            bytes.extend_from_slice(&seed.body.as_bytes()[at..]);
            m(
                bytes,
                format!("bytes {bad:02X?} (not UTF-8) in text at {at}"),
            )
        }
        4 => {
            let word = *rng.pick(&["hello", "x", "&amp;", "<![CDATA[x]]>"]);
            let body = seed.body.replacen("\n<", &format!("\n{word}<"), 1);
            m(with_decl(body), format!("{word:?} before the root"))
        }
        5 => {
            let tail = *rng.pick(&[
                "<extra/>",
                "<manifest></manifest>",
                "trailing text",
                "&#65;",
            ]);
            m(
                with_decl(format!("{}{tail}\n", seed.body)),
                format!("{tail:?} after the root"),
            )
        }
        6 => {
            let decl = *rng.pick(&[
                "<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?>",
                "<?xml version=\"1.0\" standalone=\"no\" encoding=\"utf-8\"?>",
                "<?xml encoding=\"UTF-8\" version=\"1.0\"?>",
            ]);
            m(
                format!("{decl}{}", seed.body).into_bytes(),
                format!("declaration {decl}"),
            )
        }
        7 => {
            let name = *rng.pick(&["x-bogus", "UTF-9", "x-lessonpack-42", "klingon"]);
            m(
                format!("<?xml version=\"1.0\" encoding=\"{name}\"?>{}", seed.body).into_bytes(),
                format!("unknown encoding {name}"),
            )
        }
        8 => {
            let (bytes, what) = match rng.below(4) {
                0 => (
                    format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{}", seed.body)
                        .into_bytes(),
                    "UTF-16 declared over UTF-8 bytes",
                ),
                1 => (
                    format!(
                        "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-16\"?>{}",
                        seed.body
                    )
                    .into_bytes(),
                    "UTF-16 declared after a UTF-8 BOM",
                ),
                _ => (
                    format!("<?xml version=\"1.0\" encoding=\"UTF-16LE\"?>{}", seed.body)
                        .into_bytes(),
                    "UTF-16LE declared over UTF-8 bytes",
                ),
            };
            m(bytes, what.into())
        }
        9 => {
            let open = *rng.pick(&[
                "<!-- never closed",
                "<![CDATA[ never closed",
                "<!-- a -- b -->",
                "<!-- ends in --->",
            ]);
            let at = text_at(rng);
            m(
                with_decl(insert(&seed.body, at, open)),
                format!("{open:?} at {at}"),
            )
        }
        10 => {
            let (at, what) = match rng.below(3) {
                0 => (text_at(rng), "]]>"),
                1 => (value_at(rng), "<"),
                _ => (0, " "),
            };
            if what == " " {
                return m(
                    format!(" {DECL}{}", seed.body).into_bytes(),
                    "space before the declaration".into(),
                );
            }
            m(
                with_decl(insert(&seed.body, at, what)),
                format!("{what:?} at {at}"),
            )
        }
        // Well-formed from here on.
        11 => {
            let r = *rng.pick(&[
                "&#233;",
                "&#x1F600;",
                "&#9;",
                "&#xA;",
                "&#x20AC;",
                "&lt;&amp;&gt;",
                "&quot;&apos;",
            ]);
            let (at, place) = if rng.below(2) == 0 {
                (text_at(rng), "text")
            } else {
                (value_at(rng), "an attribute")
            };
            m(
                with_decl(insert(&seed.body, at, r)),
                format!("{r} in {place} at {at}"),
            )
        }
        12 => {
            let part = *rng.pick(&[
                "<!-- fine -->",
                "<![CDATA[<&>]]>",
                "<?pi data?>",
                "déjà vu ✓ 漢字",
                "\t\r\n",
            ]);
            let at = text_at(rng);
            m(
                with_decl(insert(&seed.body, at, part)),
                format!("{part:?} at {at}"),
            )
        }
        13 => {
            let tail = *rng.pick(&["<!-- after -->", "<?pi after?>", "\n\n  \t"]);
            m(
                with_decl(format!("{}{tail}", seed.body)),
                format!("{tail:?} after the root"),
            )
        }
        14 => match rng.below(4) {
            0 => m(
                format!("\u{feff}{DECL}{}", seed.body).into_bytes(),
                "UTF-8 byte order mark".into(),
            ),
            1 => m(
                utf16(
                    &format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{}", seed.body),
                    true,
                    true,
                ),
                "UTF-16LE with a BOM".into(),
            ),
            2 => m(
                utf16(
                    &format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{}", seed.body),
                    true,
                    false,
                ),
                "UTF-16BE with a BOM".into(),
            ),
            _ => m(
                utf16(
                    &format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{}", seed.body),
                    false,
                    true,
                ),
                "UTF-16LE declared, no BOM".into(),
            ),
        },
        _ => {
            let at = text_at(rng);
            let mut bytes = format!(
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\"?>{}",
                &seed.body[..at]
            )
            .into_bytes();
            bytes.extend_from_slice(b"caf\xe9 \xa3");
            bytes.extend_from_slice(&seed.body.as_bytes()[at..]);
            m(bytes, format!("ISO-8859-1 declared, Latin-1 bytes at {at}"))
        }
    }
}

/// How many classes [`mutate`] has; the first eleven make the document not well-formed.
const CLASSES: usize = 16;

/// xmllint's verdict on `file`: exit status 0 means well-formed.
fn xmllint_well_formed(file: &Path) -> bool {
    let out = std::process::Command::new(crate::support::xmllint())
        .args(["--nonet", "--noout"])
        .arg(file)
        .output()
        .expect("xmllint runs");
    out.status.success()
}

#[test]
fn the_reader_agrees_with_xmllint_on_well_formedness() {
    let seeds = [
        Seed::load("rustici-golf-scorm12-runtimebasic.xml"),
        Seed::load("canvas-cc13-course-1.xml"),
        Seed::load("aicc-spec-cmi5-simple.xml"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(SEED);
    let (mut agree, mut invalid) = (0, 0);
    let mut per_class = [0usize; CLASSES];
    let mut disagreements = Vec::new();
    // The seeds themselves, then the mutants.
    let mut cases: Vec<(String, Mutant)> = seeds
        .iter()
        .map(|s| {
            (
                format!("seed {}", s.name),
                Mutant {
                    bytes: format!("{DECL}{}", s.body).into_bytes(),
                    what: "unchanged".into(),
                },
            )
        })
        .collect();
    for i in 0..MUTANTS {
        let seed = &seeds[i % seeds.len()];
        // Every class comes round; the generator picks positions and variants.
        let class = i % CLASSES;
        per_class[class] += 1;
        cases.push((
            format!("m{i:03} ({}, class {class})", seed.name),
            mutate(&mut rng, seed, class),
        ));
    }
    for (i, (name, mutant)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("case{i:03}.xml"));
        std::fs::write(&file, &mutant.bytes).unwrap();
        let lint = xmllint_well_formed(&file);
        let ours = well_formed(&mutant.bytes);
        if lint == ours.is_ok() {
            agree += 1;
            invalid += usize::from(!lint);
        } else {
            disagreements.push(format!(
                "{name}: {}: xmllint {}, ours {:?}",
                mutant.what,
                if lint {
                    "well-formed"
                } else {
                    "not well-formed"
                },
                ours
            ));
        }
    }
    println!(
        "well-formedness differential: {} cases ({} seeds, {MUTANTS} mutants in {CLASSES} classes, {per_class:?} per class), {agree} agree ({invalid} not well-formed, {} well-formed), {} disagree",
        cases.len(),
        seeds.len(),
        agree - invalid,
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    // Both verdicts occur in quantity: the test can fail either way.
    assert!(
        invalid >= 150 && agree - invalid >= 75,
        "{invalid} / {agree}"
    );
}
