//! Common Cartridge 1.1 and 1.3, built through the real pipeline (`source::load`, the theme,
//! `render::render(…, Runtime::Local)`, `manifest::cc::write`) into a folder, then checked:
//! here against the official IMS XSDs with libxml2 ([`rejected`]: negative controls), in
//! [`rules`] and [`documents`] against the import rules the XSDs cannot express
//! (`lms-import.md` §A 21–27).
//!
//! Validation runs offline:
//!
//! ```text
//! XML_CATALOG_FILES=tests/fixtures/schemas-catalog.xml \
//!   xmllint --nonet --noout --schema <driver importing schemas/cc11/…> imsmanifest.xml
//! ```
//!
//! and passes only with exit status 0 and no message but "validates". Cartridges ship no XSD
//! files; the copies in `schemas/cc11/` and `schemas/cc13/` serve these tests. Negative
//! controls prove the validation is not vacuous.

mod documents;
mod rejected;
mod rules;

use crate::fixture::{Fixture, fixtures};
use crate::support::{El, validate_against};
use lessonpack::manifest::{CcVersion, cc, ids::CcPart};
use lessonpack::model::Module;
use lessonpack::output::{Content, OutputFile, Rendered};
use lessonpack::render::Runtime;
use std::path::{Path, PathBuf};

const VERSIONS: [CcVersion; 2] = [CcVersion::V1_1, CcVersion::V1_3];

/// Lessons added to `tests/fixtures/basic` by [`rich`]: a Vimeo video with a privacy hash, a
/// direct MP4 URL (no discussion), an HLS stream; and an LTI tool for the module.
const MORE_LESSONS: &str = r#"
[[lessons]]
id = "second"
title = "Second: <costs> & \"benefits\""
summary = "Costs & benefits."
transcript = "transcript.txt"
discussion = "prompt-2.md"

[lessons.video]
url = "https://vimeo.com/76979871/8272103f6e"

[[lessons]]
id = "third"
title = "Third"
transcript = "transcript.txt"

[lessons.video]
url = "https://cdn.example.org/talks/third.mp4?sig=a&b=c"

[[lessons]]
id = "fourth"
title = "Fourth"
transcript = "transcript.txt"
discussion = "discussion.md"

[lessons.video]
url = "https://cdn.example.org/live/master.m3u8"

[lti]
launch-url = "https://lessons.example.org/lti/launch"
"#;

/// The second lesson's prompt: a heading, emphasis, raw HTML (shown as text), a list.
const PROMPT_2: &str =
    "# Your turn\n\nName *one* cost & one <b>benefit</b>.\n\n- first\n- second\n";

/// A lesson source: the folder, kept alive when it is a temporary copy.
struct Source {
    _fixture: Option<Fixture>,
    dir: PathBuf,
}

/// The sample module in `module/`: one lesson, a discussion, no video.
fn sample() -> Source {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("module");
    Source {
        _fixture: None,
        dir,
    }
}

/// `tests/fixtures/basic`: one lesson with a YouTube video and a discussion.
fn basic() -> Source {
    Source {
        _fixture: None,
        dir: fixtures().join("basic"),
    }
}

/// `basic` with a licence, keywords and [`MORE_LESSONS`]: four lessons, every URL video kind,
/// an LTI tool.
fn rich() -> Source {
    let fixture = Fixture::copy("basic");
    let summary = "summary = \"A module for tests.\"";
    let more = "\nlicence = \"CC BY-SA 4.0\"\nkeywords = [\"ERP\", \"<processes> & data\"]";
    fixture.replace("module.toml", summary, &format!("{summary}{more}"));
    let toml = fixture.read("module.toml");
    fixture.write("module.toml", toml + MORE_LESSONS);
    fixture.write("prompt-2.md", PROMPT_2);
    let dir = fixture.dir.clone();
    Source {
        _fixture: Some(fixture),
        dir,
    }
}

/// Loads and renders a source for the cartridge (`Runtime::Local`); panics on errors.
fn load(dir: &Path) -> (Module, Rendered) {
    let (module, rendered, _) = crate::support::load_and_render(dir, Runtime::Local);
    (module, rendered)
}

/// A cartridge written into `<tmp>/cartridge`: the rendered files and [`cc::write`]'s files.
struct Cartridge {
    tmp: tempfile::TempDir,
    module: Module,
    version: CcVersion,
    /// What `cc::write` returned.
    written: Vec<OutputFile>,
}

impl Cartridge {
    fn build(source: &Source, version: CcVersion) -> Cartridge {
        let (module, rendered) = load(&source.dir);
        Cartridge::write(module, &rendered, version)
    }

    fn write(module: Module, rendered: &Rendered, version: CcVersion) -> Cartridge {
        let written = cc::write(&module, rendered, version, &cc::Labels::english());
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("cartridge");
        let files = rendered
            .shared
            .iter()
            .chain(rendered.lessons.iter().flatten());
        for file in files.chain(&written) {
            let path = root.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            assert!(!path.exists(), "{} written twice", file.path);
            match &file.content {
                Content::Bytes(bytes) => std::fs::write(path, bytes).unwrap(),
                Content::File(from) => drop(std::fs::copy(from, path).unwrap()),
            }
        }
        Cartridge {
            tmp,
            module,
            version,
            written,
        }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("cartridge")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    fn manifest(&self) -> String {
        self.read("imsmanifest.xml")
    }

    fn parsed(&self) -> El {
        El::parse(&self.manifest())
    }

    /// The path of each resource of `part`'s type, with the resource's identifier.
    fn documents(&self, part: CcPart) -> Vec<(String, String)> {
        let kind = self.version.resource_type(part);
        let root = self.parsed();
        let resources = root.one("resources").all("resource");
        let of_kind = resources
            .into_iter()
            .filter(|r| r.attr("type") == Some(kind));
        of_kind
            .map(|r| {
                let id = r.attr("identifier").unwrap().to_string();
                (id, r.one("file").attr("href").unwrap().to_string())
            })
            .collect()
    }
}

/// `schemas/<rel>`.
fn schema(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(rel)
}

/// The official root schema of the manifest or of a part's document.
fn root_schema(version: CcVersion, part: Option<CcPart>) -> (&'static str, PathBuf) {
    let file = match (version, part) {
        (CcVersion::V1_1, None) => "cc11/ccv1p1_imscp_v1p2_v1p0.xsd",
        (CcVersion::V1_3, None) => "cc13/ccv1p3_imscp_v1p2_v1p0.xsd",
        (CcVersion::V1_1, Some(CcPart::Discussion)) => "cc11/ccv1p1_imsdt_v1p1.xsd",
        (CcVersion::V1_3, Some(CcPart::Discussion)) => "cc13/ccv1p3_imsdt_v1p3.xsd",
        (CcVersion::V1_1, Some(CcPart::WebLink)) => "cc11/ccv1p1_imswl_v1p1.xsd",
        (CcVersion::V1_3, Some(CcPart::WebLink)) => "cc13/ccv1p3_imswl_v1p3.xsd",
        (_, Some(CcPart::Lti)) => "cc11/imslticc_v1p0p1.xsd",
        (_, Some(CcPart::Page)) => unreachable!("pages are HTML"),
    };
    let namespace = match part {
        None => version.namespace(),
        Some(CcPart::Lti) => LTI_V1P0,
        Some(part) => version.document_namespace(part).unwrap(),
    };
    (namespace, schema(file))
}

/// The Basic LTI 1.0 cartridge-link namespace, the one IMS schema for LTI link documents here.
const LTI_V1P0: &str = "http://www.imsglobal.org/xsd/imslticc_v1p0";

/// Validates `<cartridge>/<rel>` against the root schema of `part` (the manifest for `None`).
///
/// The CC 1.3 LTI link (`imslticc_v1p3`) has no XSD in any reachable repository
/// (`schemas/SOURCES.md`); its content is the CC 1.1 one, so it is validated as that: a copy
/// with the root namespace swapped to `imslticc_v1p0` against `imslticc_v1p0p1.xsd`, with the
/// `blti`, `lticm`, `lticp` children (namespaces shared by both versions) checked unchanged.
fn validate(cartridge: &Cartridge, rel: &str, part: Option<CcPart>) -> Result<(), String> {
    let (namespace, xsd) = root_schema(cartridge.version, part);
    let path = cartridge.root().join(rel);
    if part == Some(CcPart::Lti) && cartridge.version == CcVersion::V1_3 {
        let text = std::fs::read_to_string(&path).unwrap();
        let v1p3 = cartridge.version.document_namespace(CcPart::Lti).unwrap();
        assert_eq!(v1p3, "http://www.imsglobal.org/xsd/imslticc_v1p3");
        let root = format!("xmlns=\"{v1p3}\"");
        assert!(text.contains(&root), "{text}");
        let swapped = text.replacen(&root, &format!("xmlns=\"{LTI_V1P0}\""), 1);
        let copy = cartridge.tmp.path().join("lti-as-v1p0.xml");
        std::fs::write(&copy, swapped).unwrap();
        return validate_against(&copy, &[(namespace, &xsd)]);
    }
    validate_against(&path, &[(namespace, &xsd)])
}

const DOCUMENT_PARTS: [CcPart; 3] = [CcPart::Discussion, CcPart::WebLink, CcPart::Lti];

#[test]
fn cartridges_and_their_documents_validate_against_the_official_schemas() {
    for version in VERSIONS {
        let mut validated = [0; 3];
        for source in [sample(), basic(), rich()] {
            let cartridge = Cartridge::build(&source, version);
            if let Err(e) = validate(&cartridge, "imsmanifest.xml", None) {
                panic!("{version:?} manifest: {e}\n{}", cartridge.manifest());
            }
            for (n, part) in DOCUMENT_PARTS.into_iter().enumerate() {
                for (_, path) in cartridge.documents(part) {
                    if let Err(e) = validate(&cartridge, &path, Some(part)) {
                        panic!("{version:?} {path}: {e}\n{}", cartridge.read(&path));
                    }
                    validated[n] += 1;
                }
            }
        }
        // sample + basic + rich: 1 + 1 + 3 topics, 0 + 1 + 4 web links, 0 + 0 + 4 LTI links.
        assert_eq!(validated, [5, 5, 4], "{version:?}");
    }
}

#[test]
fn cartridges_are_deterministic_and_ship_no_schema_files() {
    let source = rich();
    let (module, rendered) = load(&source.dir);
    for version in VERSIONS {
        let a = cc::write(&module, &rendered, version, &cc::Labels::english());
        assert_eq!(
            a,
            cc::write(&module, &rendered, version, &cc::Labels::english()),
            "{version:?}"
        );
        assert_eq!(a[0].path, "imsmanifest.xml");
        let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
        assert!(
            paths
                .iter()
                .all(|p| !p.ends_with(".xsd") && !p.ends_with(".dtd"))
        );
        assert_eq!(paths.len(), 1 + 3 + 4 + 4, "{paths:?}");
        let cartridge = Cartridge::write(module.clone(), &rendered, version);
        assert_eq!(cartridge.written, a);
    }
}
