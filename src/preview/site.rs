//! What the preview serves and knows: the build folder of the target being previewed, the
//! result of the last rebuild, and the state the host page reads (`/api/state`).

use super::TARGETS;
use crate::build::{Options, Target};
use crate::model::Module;
use crate::watch::rebuild::{Layout, Outcome, Rebuilder, Step};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The previewed target, its build folder and the last rebuild's result.
pub(crate) struct Site {
    rebuilder: Rebuilder,
    target: Target,
    /// Counts rebuilds, so the host page can tell a new build from an old one.
    build: u64,
    ok: bool,
    summary: String,
    /// The rendered findings of the last rebuild (errors and warnings).
    findings: String,
    /// The module of the last good build.
    module: Option<Box<Module>>,
}

/// What a rebuild tells the host pages (sent as a Server-Sent Event).
#[derive(Debug, Clone)]
pub(crate) struct BuildEvent {
    /// The build number.
    pub(crate) build: u64,
    /// Whether the build succeeded (a failed one leaves the last good build served).
    pub(crate) ok: bool,
    /// The console line.
    pub(crate) summary: String,
}

impl BuildEvent {
    /// The event's JSON data.
    pub(crate) fn json(&self) -> String {
        json!({ "build": self.build, "ok": self.ok, "summary": self.summary }).to_string()
    }
}

impl Site {
    /// A site previewing `target` of the lesson source `dir`, built below `root`.
    pub(crate) fn new(dir: &Path, root: &Path, target: Target) -> Site {
        let layout = Layout::Folders(root.to_path_buf());
        Site {
            rebuilder: Rebuilder::new(dir, layout, Options::default()),
            target,
            build: 0,
            ok: false,
            summary: String::new(),
            findings: String::new(),
            module: None,
        }
    }

    /// The folder `/package/` serves: the previewed target's build.
    pub(crate) fn package_root(&self) -> PathBuf {
        self.rebuilder.layout().root().join(self.target.name())
    }

    /// Rebuilds the previewed target; prints the findings and a console line.
    pub(crate) fn rebuild(&mut self) -> BuildEvent {
        self.build += 1;
        match self.rebuilder.rebuild(&[self.target]) {
            Ok(outcome) => {
                let report = match &outcome {
                    Outcome::Failed(report) | Outcome::Built { report, .. } => report,
                };
                crate::cli::print_report(report);
                self.findings = report.render();
                self.summary = outcome.summary();
                self.ok = matches!(outcome, Outcome::Built { .. });
                if let Outcome::Built {
                    module, targets, ..
                } = outcome
                {
                    for t in &targets {
                        if let Step::Failed(err) = &t.step {
                            eprintln!("error: {err:#}");
                            self.findings.push_str(&format!("error: {err:#}\n"));
                            self.ok = false;
                        }
                    }
                    self.module = Some(module);
                }
            }
            Err(err) => {
                eprintln!("error: {err:#}");
                self.findings = format!("error: {err:#}\n");
                self.summary = "build failed".to_string();
                self.ok = false;
            }
        }
        println!("{} {}", crate::cli::clock(), self.summary);
        BuildEvent {
            build: self.build,
            ok: self.ok,
            summary: self.summary.clone(),
        }
    }

    /// The previewed target.
    pub(crate) fn target(&self) -> Target {
        self.target
    }

    /// Previews `target` from now on, building it.
    pub(crate) fn switch(&mut self, target: Target) -> BuildEvent {
        self.target = target;
        self.rebuild()
    }

    /// Everything the host page shows and launches from.
    pub(crate) fn state(&self) -> Value {
        let lessons = self.module.iter().flat_map(|m| &m.lessons).map(|l| {
            json!({
                "id": l.id,
                "title": l.title,
                "href": format!("{}index.html", crate::render::page_dir(&l.id)),
            })
        });
        let lessons: Vec<Value> = lessons.collect();
        // cmi5: the AUs as an LMS reads them from the built course structure.
        let aus = (self.target == Target::Cmi5).then(|| {
            match super::cmi5::read_aus(&self.package_root()) {
                Ok(aus) => json!(
                    aus.iter()
                        .map(|a| json!({
                            "id": a.id, "title": a.title, "url": a.url, "moveOn": a.move_on,
                        }))
                        .collect::<Vec<_>>()
                ),
                Err(text) => json!({ "error": text }),
            }
        });
        json!({
            "build": self.build,
            "ok": self.ok,
            "summary": self.summary,
            "findings": self.findings,
            "target": self.target.name(),
            "runtime": runtime(self.target),
            "targets": TARGETS.iter().map(|t| t.name()).collect::<Vec<_>>(),
            "module": self.module.as_ref().map(|m| json!({ "id": m.id, "title": m.title })),
            "lessons": lessons,
            "aus": aus,
            "version": env!("CARGO_PKG_VERSION"),
        })
    }
}

/// The LMS runtime the host page runs for a target: the SCORM API it exposes, cmi5 (the
/// launch URL's parameters and the LRS behind them, `super::cmi5`), or none.
pub(crate) fn runtime(target: Target) -> &'static str {
    match target {
        Target::Scorm12 => "scorm12",
        Target::Scorm2004 => "scorm2004",
        Target::Cmi5 => "cmi5",
        Target::Web | Target::Cc => "none",
    }
}
