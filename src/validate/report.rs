//! `validate --format json`: one document per run, shape `lessonpack-validate/1` (documented
//! in the README; fields are only ever added).

use super::Validation;
use super::rules;
use crate::diagnostic::Severity;
use serde_json::{Value, json};

/// The JSON document for the validations of one run.
pub fn json(runs: &[Validation]) -> Value {
    document(runs.iter().map(package).collect())
}

/// The report document holding `packages` (each from [`package`] or [`unreadable`]).
pub fn document(packages: Vec<Value>) -> Value {
    json!({
        "schema": "lessonpack-validate/1",
        "packages": packages,
    })
}

/// The entry of a path that could not be checked: `format` `unreadable`, no findings, the
/// reason in `error` and what to do in `help`.
pub fn unreadable(path: &std::path::Path, message: &str, help: &str) -> Value {
    json!({
        "path": path.display().to_string(),
        "format": "unreadable",
        "format_label": "not checked",
        "manifest": null,
        "errors": 0,
        "warnings": 0,
        "findings": [],
        "error": message,
        "help": help,
    })
}

/// One checked package's entry.
pub fn package(v: &Validation) -> Value {
    let findings: Vec<Value> = v
        .report
        .diagnostics
        .iter()
        .map(|d| {
            let (file, range, line, column) = match &d.label {
                Some(label) => {
                    let pos = v
                        .report
                        .sources
                        .lines(&label.path)
                        .map(|(bytes, index)| index.line_col(bytes, label.range.start));
                    (
                        Value::from(label.path.display().to_string()),
                        json!({"start": label.range.start, "end": label.range.end}),
                        pos.map_or(Value::Null, |p| p.0.into()),
                        pos.map_or(Value::Null, |p| p.1.into()),
                    )
                }
                None => (Value::Null, Value::Null, Value::Null, Value::Null),
            };
            json!({
                "code": d.code,
                "name": d.code.and_then(rules::find).map(|r| r.name),
                "severity": d.severity.as_str(),
                "message": d.message,
                "file": file,
                "range": range,
                "line": line,
                "column": column,
                "help": d.help,
                "lms": d.lms.iter().map(|l| l.name()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "path": v.path.display().to_string(),
        "format": v.format.name(),
        "format_label": v.format.label(),
        "manifest": v.manifest,
        "errors": v.report.count(Severity::Error),
        "warnings": v.report.count(Severity::Warning),
        "findings": findings,
    })
}
