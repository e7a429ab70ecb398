//! Turns the TOML parser's errors into diagnostics that say what to do.

use crate::diagnostic::Diagnostic;
use std::path::Path;

/// A diagnostic for a `module.toml` that did not parse into the expected shape.
pub(crate) fn diagnostic(err: &toml::de::Error, path: &Path) -> Diagnostic {
    let raw = err.message().trim();
    let range = err.span().unwrap_or(0..0);
    let (message, help) = explain(raw);
    let mut d = Diagnostic::error(message).at(path, range);
    if let Some(help) = help {
        d = d.with_help(help);
    }
    d
}

fn explain(raw: &str) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        return unknown_key(rest);
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        return (
            format!("missing key `{key}`"),
            Some(format!(
                "add `{key} = …` to this table; the README's \"Lesson source\" section lists every key"
            )),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return (
            format!(
                "wrong type: found {found}, expected {}",
                expected_name(expected)
            ),
            Some(type_help(expected).to_string()),
        );
    }
    if raw.contains("untagged enum DurationToml") {
        return (
            "a duration must be `\"m:ss\"`, `\"h:mm:ss\"` or a number of seconds".into(),
            Some("e.g. `duration = \"4:31\"` or `duration = 271`".into()),
        );
    }
    (
        raw.to_string(),
        Some("fix the TOML syntax here; strings need double quotes, tables `[name]`".into()),
    )
}

/// `unknown field `titel`, expected one of `id`, `title`` → message and nearest-key help.
fn unknown_key(rest: &str) -> (String, Option<String>) {
    let (key, expected) = rest.split_once(", ").unwrap_or((rest, ""));
    let key = key.trim_matches('`');
    let valid: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|k| !k.is_empty())
        .collect();
    let message = format!("unknown key `{key}`");
    if valid.is_empty() {
        return (message, Some("this table takes no keys; remove it".into()));
    }
    let nearest = valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(key, v), *v))
        .filter(|(d, v)| *d <= 2.max(v.len() / 3))
        .min();
    let list = valid
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match nearest {
        Some((_, v)) => format!("did you mean `{v}`? keys allowed here: {list}"),
        None => format!("keys allowed here: {list}"),
    };
    (message, Some(help))
}

fn expected_name(expected: &str) -> &str {
    match expected {
        "i64" | "u64" | "u8" | "u32" | "i32" => "a whole number",
        "a boolean" => "`true` or `false`",
        other => other,
    }
}

fn type_help(expected: &str) -> &'static str {
    match expected {
        "a string" => "write the value in double quotes, e.g. `key = \"…\"`",
        "i64" | "u64" | "u8" | "u32" | "i32" => "write a whole number without quotes, e.g. `90`",
        "a boolean" => "write `true` or `false` without quotes",
        "a sequence" => "write a list in brackets, e.g. `[\"a\", \"b\"]`",
        _ => "see the README's \"Lesson source\" section for the shape of this value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_suggests_nearest() {
        let (msg, help) =
            explain("unknown field `titel`, expected one of `id`, `title`, `language`");
        assert_eq!(msg, "unknown key `titel`");
        assert!(help.unwrap().starts_with("did you mean `title`?"));
        let (_, help) = explain("unknown field `zzz`, expected `url`");
        assert_eq!(help.unwrap(), "keys allowed here: `url`");
    }

    #[test]
    fn wrong_type_explained() {
        let (msg, help) = explain("invalid type: integer `5`, expected a string");
        assert_eq!(msg, "wrong type: found integer `5`, expected a string");
        assert!(help.unwrap().contains("double quotes"));
    }
}
