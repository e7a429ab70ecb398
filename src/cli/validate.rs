//! `lessonpack validate PATH…`: findings for each package (human or JSON), exit 0 clean
//! (warnings allowed unless denied), 1 errors found, 2 a path could not be read. Every path
//! given is reported, an unreadable one as its own entry in plain words; the exit status is
//! the worst of them.

use super::ExitStatus;
use crate::diagnostic::Severity;
use crate::lms::Lms;
use crate::validate::{self, Options, report};
use std::path::PathBuf;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Packages: `.zip`/`.imscc` archives, extracted folders, or a bare `imsmanifest.xml` /
    /// `cmi5.xml`.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// LMSs to check for, comma-separated: `moodle`, `canvas`, `openedx`, or `all`.
    #[arg(long, default_value = "all", value_name = "LMS,…")]
    pub lms: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human", value_name = "FORMAT")]
    pub format: FormatArg,
    /// Drop the findings of these rules (codes or names, comma-separated; repeatable).
    #[arg(long, value_name = "CODE,…")]
    pub allow: Vec<String>,
    /// Report these rules' findings as warnings.
    #[arg(long, value_name = "CODE,…")]
    pub warn: Vec<String>,
    /// Report these rules' findings as errors; `warnings`: every warning counts as an error.
    #[arg(long, value_name = "CODE,…|warnings")]
    pub deny: Vec<String>,
}

/// What `--allow`, `--warn` and `--deny` (and `lessonpack.toml`'s `[validate]`) ask for.
#[derive(Debug, Default)]
struct Controls {
    allow: Vec<&'static str>,
    warn: Vec<&'static str>,
    deny: Vec<&'static str>,
    deny_warnings: bool,
}

/// `lessonpack.toml` in the current folder: `[validate]` with `allow`, `warn`, `deny`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    validate: ConfigValidate,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigValidate {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    warn: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
}

/// The file of project settings `validate` reads from the current folder.
pub const CONFIG_FILE: &str = "lessonpack.toml";
/// The largest `lessonpack.toml` read.
const CONFIG_LIMIT: u64 = 1024 * 1024;

impl Controls {
    /// The controls of `lessonpack.toml` (when there is one) and of the command line.
    fn read(args: &ValidateArgs) -> anyhow::Result<Controls> {
        // A settings file is a few lines; anything much larger is not one.
        let too_large = std::fs::metadata(CONFIG_FILE).is_ok_and(|m| m.len() > CONFIG_LIMIT);
        anyhow::ensure!(
            !too_large,
            "`{CONFIG_FILE}` is larger than {CONFIG_LIMIT} bytes; it holds a few lists of rule codes"
        );
        let config = match std::fs::read_to_string(CONFIG_FILE) {
            Ok(text) => toml::from_str::<ConfigFile>(&text)
                .map_err(|e| anyhow::anyhow!("`{CONFIG_FILE}`: {}", e.message()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::default(),
            Err(e) => return Err(anyhow::anyhow!("cannot read `{CONFIG_FILE}`: {e}")),
        };
        let mut controls = Controls::default();
        let lists = [
            (&config.validate.allow, &args.allow, 0),
            (&config.validate.warn, &args.warn, 1),
            (&config.validate.deny, &args.deny, 2),
        ];
        for (from_file, from_args, which) in lists {
            for name in from_file.iter().chain(from_args).flat_map(|l| l.split(',')) {
                let name = name.trim();
                if name.is_empty() {
                    continue;
                }
                if which == 2 && name.eq_ignore_ascii_case("warnings") {
                    controls.deny_warnings = true;
                    continue;
                }
                let rule = crate::validate::rules::find(name).ok_or_else(|| {
                    anyhow::anyhow!("no rule `{name}` (run `lessonpack explain` for the list)")
                })?;
                [&mut controls.allow, &mut controls.warn, &mut controls.deny][which]
                    .push(rule.code);
            }
        }
        Ok(controls)
    }

    /// Applies the controls to one package's findings.
    fn apply(&self, run: &mut validate::Validation) {
        let diagnostics = &mut run.report.diagnostics;
        diagnostics.retain(|d| !d.code.is_some_and(|c| self.allow.contains(&c)));
        for d in diagnostics.iter_mut() {
            match d.code {
                Some(c) if self.deny.contains(&c) => d.severity = Severity::Error,
                Some(c) if self.warn.contains(&c) => d.severity = Severity::Warning,
                _ => {}
            }
        }
    }
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// rustc-style findings with the source line and a caret.
    Human,
    /// One JSON document (`lessonpack-validate/1`, see the README).
    Json,
}

/// Parses `--lms`.
///
/// # Errors
///
/// On an unknown LMS name.
pub fn parse_lms(text: &str) -> anyhow::Result<Vec<Lms>> {
    let mut out = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        if part.trim().eq_ignore_ascii_case("all") {
            return Ok(Lms::ALL.to_vec());
        }
        let lms = Lms::parse(part).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown LMS `{}` (use moodle, canvas, openedx or all)",
                part.trim()
            )
        })?;
        if !out.contains(&lms) {
            out.push(lms);
        }
    }
    anyhow::ensure!(!out.is_empty(), "`--lms` names no LMS");
    Ok(out)
}

/// Why `path` could not be checked, in plain words: the outermost message ("`x` is
/// neither a folder nor a zip archive", not the zip reader's own) or that it does not exist.
fn unreadable(path: &std::path::Path, error: &anyhow::Error) -> String {
    let missing = error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
    });
    if missing {
        format!("`{}` does not exist", path.display())
    } else {
        error.to_string()
    }
}

/// What to give instead of an unreadable path.
const UNREADABLE_HELP: &str = "give a `.zip` or `.imscc` package, an extracted folder, or a bare `imsmanifest.xml` or `cmi5.xml`";

/// Validates every path and prints the findings.
pub fn run(args: ValidateArgs) -> anyhow::Result<ExitStatus> {
    let options = Options {
        lms: parse_lms(&args.lms)?,
    };
    let controls = Controls::read(&args)?;
    // In the order given: a checked package, or the path and why it could not be checked.
    let results: Vec<Result<validate::Validation, (PathBuf, String)>> = args
        .paths
        .iter()
        .map(|path| {
            let mut run = validate::validate(path, &options)
                .map_err(|e| (path.clone(), unreadable(path, &e)))?;
            controls.apply(&mut run);
            Ok(run)
        })
        .collect();
    match args.format {
        FormatArg::Json => {
            let packages = results
                .iter()
                .map(|r| match r {
                    Ok(run) => report::package(run),
                    Err((path, message)) => report::unreadable(path, message, UNREADABLE_HELP),
                })
                .collect();
            super::out(&format!("{:#}\n", report::document(packages)))?;
        }
        FormatArg::Human => {
            for result in &results {
                let run = match result {
                    Ok(run) => run,
                    Err((path, message)) => {
                        super::out(&format!(
                            "error: {message}\n  = help: {UNREADABLE_HELP}\n\n{}: not checked\n",
                            path.display()
                        ))?;
                        continue;
                    }
                };
                let errors = run.report.count(Severity::Error);
                let warnings = run.report.count(Severity::Warning);
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                super::out(&format!(
                    "{}{}: {} — {errors} error{}, {warnings} warning{}\n",
                    run.report.render(),
                    run.path.display(),
                    run.format.label(),
                    plural(errors),
                    plural(warnings)
                ))?;
            }
        }
    }
    let runs: Vec<&validate::Validation> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let failed = results.len() - runs.len();
    let errors = runs.iter().any(|r| r.report.has_errors());
    let warnings = runs.iter().any(|r| r.report.count(Severity::Warning) > 0);
    Ok(if failed > 0 {
        ExitStatus::Error
    } else if errors || (warnings && controls.deny_warnings) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
