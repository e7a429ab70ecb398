//! Interface strings of the lesson pages: the built-in English table, tables added in
//! `module/theme/strings/<tag>.toml`, and the writing direction of a language.

use std::collections::BTreeMap;

/// The built-in English table.
const ENGLISH: &str = include_str!("strings/en.toml");

/// A table of interface strings, key → text.
pub type Strings = BTreeMap<String, String>;

/// The built-in English strings.
pub fn english() -> Strings {
    toml::from_str(ENGLISH).expect("the built-in English strings parse")
}

/// The strings for `language`: the best table among `tables` (keyed by lowercase tag), with
/// every key it lacks taken from English. `None` when no table matches and the language is
/// not English.
pub fn for_language(language: &str, tables: &BTreeMap<String, Strings>) -> Option<Strings> {
    let tag = language.to_ascii_lowercase();
    let primary = tag.split('-').next().unwrap_or_default().to_string();
    let mut strings = english();
    let table = tables.get(&tag).or_else(|| tables.get(&primary));
    match table {
        Some(table) => {
            strings.extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
            Some(strings)
        }
        None if primary == "en" => Some(strings),
        None => None,
    }
}

/// `rtl` for languages written right to left (by script subtag, else by language), else `ltr`.
pub fn direction(language: &str) -> &'static str {
    const RTL_SCRIPTS: [&str; 8] = [
        "arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand",
    ];
    const RTL_LANGUAGES: [&str; 14] = [
        "ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr", "arc", "ku-arab",
    ];
    let tag = language.to_ascii_lowercase();
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    if let Some(script) = parts.find(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return if RTL_SCRIPTS.contains(&script) {
            "rtl"
        } else {
            "ltr"
        };
    }
    if RTL_LANGUAGES.contains(&primary) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The camelCase keys the page script reads, from the kebab-case table keys it needs.
pub fn script_strings(strings: &Strings) -> BTreeMap<String, String> {
    const KEYS: [&str; 15] = [
        "watched",
        "completed",
        "transcript-path",
        "saved",
        "saved-local",
        "empty",
        "matches",
        "one-match",
        "no-matches",
        "resumed",
        "truncated",
        "response-needed",
        "review",
        "session-ended",
        "not-recorded",
    ];
    KEYS.iter()
        .filter_map(|k| strings.get(*k).map(|v| (camel(k), v.clone())))
        .collect()
}

fn camel(key: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in key.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("he-IL"), "rtl");
        assert_eq!(direction("en-GB"), "ltr");
        assert_eq!(direction("az-Arab"), "rtl");
        assert_eq!(direction("ku-Latn"), "ltr");
    }

    #[test]
    fn tables_fall_back_to_english_key_by_key() {
        let mut fr = Strings::new();
        fr.insert("transcript".into(), "Transcription".into());
        let tables = BTreeMap::from([("fr".to_string(), fr)]);
        let strings = for_language("fr-CA", &tables).unwrap();
        assert_eq!(strings["transcript"], "Transcription");
        assert_eq!(strings["discussion"], "Discussion");
        assert!(for_language("de", &tables).is_none());
        assert!(for_language("en-US", &tables).is_some());
        assert_eq!(
            script_strings(&strings)["savedLocal"],
            "Response saved in this browser"
        );
    }
}
