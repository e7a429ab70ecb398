//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub(crate) use crate::system::apt_install;

/// The `tests/js` directory, with its npm packages installed (`npm ci` once, on first use).
///
/// Panics when npm is missing or the install fails: tests that need the tools must not pass
/// without them.
pub(crate) fn node_tools() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join("js");
        if !dir.join("node_modules").join("webvtt-parser").is_dir() {
            let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
            let status = Command::new(npm)
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot run `{npm} ci` in {}: {e} (install Node.js and npm)",
                        dir.display()
                    )
                });
            assert!(
                status.success(),
                "`{npm} ci` failed in {} ({status})",
                dir.display()
            );
        }
        dir
    })
    .clone()
}

/// A cue as the third-party WebVTT parser read it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParsedCue {
    /// Start in seconds.
    pub(crate) start_s: f64,
    /// End in seconds.
    pub(crate) end_s: f64,
    /// The first `<v>` annotation, as written (not unescaped).
    pub(crate) voice: Option<String>,
    /// The decoded cue text, lines joined with `\n`.
    pub(crate) text: String,
}

/// What `tests/js/validate-vtt.mjs` reported for a file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VttReport {
    /// The parser's errors, as `line:col: message`.
    pub(crate) errors: Vec<String>,
    /// The cues it parsed.
    pub(crate) cues: Vec<ParsedCue>,
}

/// Runs the W3C WebVTT parser (npm `webvtt-parser`) on `file`; panics if it cannot run.
pub(crate) fn validate_vtt(file: &Path) -> VttReport {
    let dir = node_tools();
    let output = Command::new("node")
        .arg(dir.join("validate-vtt.mjs"))
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (install Node.js): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "validate-vtt.mjs failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("bad JSON ({e}):\n{stdout}"));
    let items = |key: &str| json[key].as_array().cloned().unwrap_or_default();
    let errors = items("errors").into_iter().map(|e| {
        format!(
            "{}:{}: {}",
            e["line"],
            e["col"],
            e["message"].as_str().unwrap_or("")
        )
    });
    let cues = items("cues").into_iter().map(|c| ParsedCue {
        start_s: c["start"].as_f64().expect("start"),
        end_s: c["end"].as_f64().expect("end"),
        voice: c["voice"].as_str().map(str::to_owned),
        text: c["text"].as_str().expect("text").to_owned(),
    });
    let report = VttReport {
        errors: errors.collect(),
        cues: cues.collect(),
    };
    assert_eq!(
        code == Some(1),
        !report.errors.is_empty(),
        "exit status and errors disagree"
    );
    report
}

/// The path of `xmllint` (Debian package `libxml2-utils`), installing the package with
/// `apt-get` on first use when it is missing (`apt-get update` first if the install fails).
///
/// Panics when it cannot be installed: schema validation must not be skipped.
pub(crate) fn xmllint() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = PathBuf::from("/usr/bin/xmllint");
        if path.is_file() {
            return path;
        }
        apt_install("libxml2-utils");
        assert!(
            path.is_file(),
            "libxml2-utils was installed but {} does not exist",
            path.display()
        );
        path
    })
    .clone()
}

/// Validates `<package>/imsmanifest.xml` with xmllint against the schema files the package
/// itself ships (named by its `xsi:schemaLocation`), offline, through a driver schema that
/// imports each of them. `Ok` only when xmllint validates and says nothing else: a warning
/// (a schema that did not load) would otherwise let elements through unchecked.
pub(crate) fn validate_manifest(package: &Path) -> Result<(), String> {
    let manifest = std::fs::read_to_string(package.join("imsmanifest.xml")).unwrap();
    let (_, rest) = manifest.split_once("xsi:schemaLocation=\"").unwrap();
    let (location, _) = rest.split_once('"').unwrap();
    let parts: Vec<&str> = location.split_whitespace().collect();
    assert!(
        parts.len() >= 4 && parts.len().is_multiple_of(2),
        "{location}"
    );
    let schemas: Vec<(&str, PathBuf)> = parts
        .chunks(2)
        .map(|p| (p[0], package.join(p[1])))
        .collect();
    let schemas: Vec<(&str, &Path)> = schemas.iter().map(|(n, p)| (*n, p.as_path())).collect();
    validate_against(&package.join("imsmanifest.xml"), &schemas)
}

/// Validates the XML file `file` with xmllint against the official schemas `schemas` (pairs of
/// target namespace and XSD file), through [`run_xmllint`]. `Ok` only when xmllint validates and
/// says nothing else, as [`validate_manifest`] requires.
pub(crate) fn validate_against(file: &Path, schemas: &[(&str, &Path)]) -> Result<(), String> {
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let (status, stderr) =
        run_xmllint(file.parent().unwrap(), std::slice::from_ref(&name), schemas);
    let stderr = stderr.trim();
    if status.success() && stderr == format!("{name} validates") {
        Ok(())
    } else {
        Err(format!("xmllint {status}:\n{stderr}"))
    }
}

/// Runs xmllint once over `files` (names in `dir`, which is the working directory) against the
/// official schemas `schemas` (pairs of target namespace and XSD file), offline (`--nonet`, with
/// `tests/fixtures/schemas-catalog.xml` mapping the absolute URLs the schemas import each other
/// by to the copies in `schemas/`), through a driver schema that imports each of them. Returns
/// xmllint's exit status and its stderr (a verdict line per file, and the error lines).
pub(crate) fn run_xmllint(
    dir: &Path,
    files: &[String],
    schemas: &[(&str, &Path)],
) -> (std::process::ExitStatus, String) {
    let imports: String = schemas
        .iter()
        .map(|(namespace, xsd)| {
            let xsd = xsd
                .canonicalize()
                .unwrap_or_else(|e| panic!("{}: {e}", xsd.display()));
            format!(
                "  <xs:import namespace=\"{namespace}\" schemaLocation=\"{}\"/>\n",
                xsd.display()
            )
        })
        .collect();
    let driver_dir = tempfile::tempdir().unwrap();
    let driver = driver_dir.path().join("validation-driver.xsd");
    std::fs::write(
        &driver,
        format!(
            "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
             targetNamespace=\"urn:x-lessonpack-test-driver\">\n{imports}</xs:schema>\n"
        ),
    )
    .unwrap();
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas-catalog.xml");
    let output = Command::new(xmllint())
        .env("XML_CATALOG_FILES", &catalog)
        .current_dir(dir)
        .args(["--nonet", "--noout", "--schema"])
        .arg(&driver)
        .args(files)
        .output()
        .expect("xmllint runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// An element read back with quick-xml: name as written (with prefix), attributes, children,
/// and its own text with entities resolved.
#[derive(Debug, Default, Clone)]
pub(crate) struct El {
    /// The qualified name.
    pub(crate) name: String,
    /// Attributes in document order, values unescaped.
    pub(crate) attrs: Vec<(String, String)>,
    /// Child elements.
    pub(crate) children: Vec<El>,
    /// The element's own text (not its children's).
    pub(crate) text: String,
}

impl El {
    /// Parses a whole document into its root element; panics on malformed XML.
    pub(crate) fn parse(xml: &str) -> El {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack = vec![El::default()];
        loop {
            let event = reader.read_event().expect("well-formed XML");
            let is_empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let attrs = e.attributes().map(|a| {
                        let a = a.expect("attribute");
                        let v = a.normalized_value(quick_xml::XmlVersion::Explicit1_0);
                        let v = v.expect("attribute value").into_owned();
                        (a.key.as_ref().to_string(), v)
                    });
                    stack.push(El {
                        name: e.name().as_ref().to_string(),
                        attrs: attrs.collect(),
                        ..El::default()
                    });
                    if is_empty {
                        let done = stack.pop().unwrap();
                        stack.last_mut().unwrap().children.push(done);
                    }
                }
                Event::End(_) => {
                    let done = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(done);
                }
                Event::Text(t) => stack.last_mut().unwrap().text += &t,
                Event::CData(t) => stack.last_mut().unwrap().text += &t.into_inner(),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref().unwrap() {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&r)
                            .expect("predefined entity")
                            .to_string(),
                    };
                    stack.last_mut().unwrap().text += &resolved;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let mut doc = stack.pop().unwrap();
        assert_eq!(doc.children.len(), 1, "one root element");
        doc.children.pop().unwrap()
    }

    /// The value of attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        let found = self.attrs.iter().find(|(k, _)| k == name);
        found.map(|(_, v)| v.as_str())
    }

    /// The children named `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    /// The only child named `name`; panics unless there is exactly one.
    pub(crate) fn one(&self, name: &str) -> &El {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "<{}> needs one <{name}>", self.name);
        found[0]
    }

    /// This element and every element below it, in document order.
    pub(crate) fn walk(&self) -> Vec<&El> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

/// Loads a lesson source through the real pipeline (`build::Project::load`) and renders it for
/// `runtime`; panics when the source has errors. Returns the report with its warnings.
pub(crate) fn load_and_render(
    dir: &Path,
    runtime: lessonpack::render::Runtime,
) -> (
    lessonpack::model::Module,
    lessonpack::output::Rendered,
    lessonpack::diagnostic::Report,
) {
    let (project, report) = lessonpack::build::Project::load(dir).unwrap();
    let project = project.unwrap_or_else(|| panic!("{}", report.render()));
    let rendered = lessonpack::render::render(&project.engine, &project.module, runtime).unwrap();
    (project.module, rendered, report)
}

/// The Python of the venv `<dir>/.venv` with `<dir>/requirements.txt` installed, made when
/// `probe` (a Python statement, e.g. an import) does not run in it yet. Panics when it cannot:
/// tests that need these tools must not pass without them.
pub(crate) fn python_venv(dir: &Path, probe: &str) -> PathBuf {
    let venv = dir.join(".venv");
    let python = venv.join("bin/python");
    let works = |python: &Path| {
        Command::new(python)
            .args(["-c", probe])
            .status()
            .is_ok_and(|s| s.success())
    };
    if works(&python) {
        return python;
    }
    let make_venv = || {
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !make_venv() {
        apt_install("python3-venv"); // Debian's python3 lacks ensurepip without it
        assert!(make_venv(), "`python3 -m venv {}` failed", venv.display());
    }
    let requirements = dir.join("requirements.txt");
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "-q", "-r"])
        .arg(&requirements)
        .status()
        .expect("pip runs");
    assert!(
        status.success(),
        "pip could not install {}",
        requirements.display()
    );
    assert!(
        works(&python),
        "{} was installed but `{probe}` fails",
        requirements.display()
    );
    python
}

/// Every file below `dir`, as sorted relative paths with forward slashes.
pub(crate) fn files_below(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `tests/browser` (the Node.js browser tests and their Chromium set-up).
#[cfg(feature = "preview")]
pub(crate) fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Runs `tests/browser/setup.sh` (Chromium, Node.js packages) when its work is missing.
#[cfg(feature = "preview")]
pub(crate) fn browser_setup() {
    let dir = browser_dir();
    if !dir.join("node_modules/playwright-core").is_dir()
        || !Path::new("/usr/bin/chromium").exists()
    {
        let status = std::process::Command::new("bash")
            .arg(dir.join("setup.sh"))
            .status()
            .expect("bash runs tests/browser/setup.sh");
        assert!(status.success(), "tests/browser/setup.sh failed ({status})");
    }
}

/// Runs the Node.js test file `file` of `tests/browser` (after [`browser_setup`]) with the
/// environment `env`; fails with its output unless every test in it passes.
#[cfg(feature = "preview")]
pub(crate) fn browser_test(file: &str, env: &[(&str, &std::ffi::OsStr)]) {
    browser_setup();
    let output = std::process::Command::new("node")
        .args(["--test", "--test-concurrency=1", file])
        .current_dir(browser_dir())
        .envs(env.iter().copied())
        .output()
        .expect("node runs (install Node.js)");
    assert!(
        output.status.success(),
        "{file} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
