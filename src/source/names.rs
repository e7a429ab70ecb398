//! Checks for the names the user chooses: module and lesson ids, BCP 47 language tags.

/// Longest id accepted; identifiers derived from it must stay short in manifests.
pub const MAX_ID_LEN: usize = 64;

/// Why an id is not accepted, or `None` when it is fine.
///
/// Ids are `[a-z][a-z0-9-]*`, at most [`MAX_ID_LEN`] long, with no doubled or trailing
/// hyphen: valid as XML `xs:ID` parts, URL paths and file names everywhere.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("id is empty".into());
    }
    if id.len() > MAX_ID_LEN {
        return Some(format!("id is longer than {MAX_ID_LEN} characters"));
    }
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some(format!("id `{id}` does not start with a lowercase letter"));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!("id `{id}` contains `{c}`"));
    }
    if id.ends_with('-') || id.contains("--") {
        return Some(format!("id `{id}` has a trailing or doubled `-`"));
    }
    None
}

/// An id made from a folder or file name: lowercase ASCII letters, digits and single hyphens,
/// starting with a letter (leading digits are dropped). `None` when the name has no letter.
pub fn slug(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let ascii = match c {
            'a'..='z' | '0'..='9' => Some(c.to_string()),
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => Some("a".into()),
            'ç' | 'č' | 'ć' => Some("c".into()),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ě' => Some("e".into()),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => Some("i".into()),
            'ñ' | 'ń' | 'ň' => Some("n".into()),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => Some("o".into()),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => Some("u".into()),
            'ý' | 'ÿ' => Some("y".into()),
            'š' | 'ś' => Some("s".into()),
            'ž' | 'ź' | 'ż' => Some("z".into()),
            'ł' => Some("l".into()),
            'ß' => Some("ss".into()),
            'æ' => Some("ae".into()),
            'œ' => Some("oe".into()),
            _ => None,
        };
        match ascii {
            Some(part) if !out.is_empty() || part.starts_with(|c: char| c.is_ascii_lowercase()) => {
                out.push_str(&part);
            }
            Some(_) => {}
            None if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            None => {}
        }
    }
    out.truncate(MAX_ID_LEN);
    while out.ends_with('-') {
        out.pop();
    }
    (!out.is_empty()).then_some(out)
}

/// Why `tag` is not a well-formed BCP 47 language tag, or `None` when it is.
///
/// Checks the syntax of RFC 5646 (language, extlang, script, region, variants, extensions,
/// private use), not the IANA registry; the language part must be a 2- or 3-letter code (no
/// 5–8 letter language subtag has ever been registered).
pub fn language_problem(tag: &str) -> Option<String> {
    if tag.contains('_') {
        return Some(format!(
            "`{tag}` uses `_`; language tags separate their parts with `-`"
        ));
    }
    let parts: Vec<&str> = tag.split('-').collect();
    let bad = |why: &str| Some(format!("`{tag}` is not a BCP 47 language tag: {why}"));
    if parts
        .iter()
        .any(|p| p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return bad("each part has 1 to 8 letters or digits");
    }
    let first = parts[0];
    if first.eq_ignore_ascii_case("x") {
        return (parts.len() < 2).then(|| "private-use tag has no value".to_string());
    }
    if !(2..=3).contains(&first.len()) || !is_alpha(first) {
        return bad("it must start with a 2- or 3-letter language code such as `en` or `zh`");
    }
    let mut rest = &parts[1..];
    let mut extlangs = 0;
    while let Some(p) = rest.first() {
        if p.len() == 3 && is_alpha(p) && extlangs < 3 {
            extlangs += 1;
            rest = &rest[1..];
        } else {
            break;
        }
    }
    if rest.first().is_some_and(|p| p.len() == 4 && is_alpha(p)) {
        rest = &rest[1..];
    }
    let region = |p: &&str| {
        (p.len() == 2 && is_alpha(p)) || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    if rest.first().is_some_and(region) {
        rest = &rest[1..];
    }
    while let Some(p) = rest.first() {
        let variant =
            (5..=8).contains(&p.len()) || (p.len() == 4 && p.as_bytes()[0].is_ascii_digit());
        if !variant {
            break;
        }
        rest = &rest[1..];
    }
    while let Some(p) = rest.first() {
        if p.len() != 1 {
            return bad(&format!("unexpected part `{p}`"));
        }
        let singleton = *p;
        rest = &rest[1..];
        let values = rest
            .iter()
            .take_while(|v| v.len() > 1 || singleton.eq_ignore_ascii_case("x"))
            .count();
        if values == 0 {
            return bad(&format!("`{singleton}` has no value after it"));
        }
        rest = &rest[values..];
    }
    None
}

fn is_alpha(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["a", "digital-leadership-china", "lesson-1", "m2"] {
            assert_eq!(id_problem(ok), None, "{ok}");
        }
        for bad in ["", "1abc", "Abc", "a_b", "a--b", "a-", "é", &"a".repeat(65)] {
            assert!(id_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Lesson Page").as_deref(), Some("lesson-page"));
        assert_eq!(
            slug("Digital Leadership: China!").as_deref(),
            Some("digital-leadership-china")
        );
        assert_eq!(
            slug("2024_Zürich  course!").as_deref(),
            Some("zurich-course")
        );
        assert_eq!(slug("123"), None);
        assert_eq!(slug("中国"), None);
        assert_eq!(id_problem(&slug(&"Long word ".repeat(20)).unwrap()), None);
    }

    #[test]
    fn language_tags() {
        for ok in [
            "en",
            "en-GB",
            "zh-Hant-TW",
            "ar",
            "fa-IR",
            "sr-Latn-RS",
            "es-419",
            "de-CH-1996",
            "en-US-x-twain",
            "x-whatever",
            "zh-yue-HK",
            "he",
        ] {
            assert_eq!(language_problem(ok), None, "{ok}");
        }
        for bad in [
            "", "en_GB", "english", "e", "en-", "en-GB-a", "123", "en--GB",
        ] {
            assert!(language_problem(bad).is_some(), "{bad}");
        }
    }
}
