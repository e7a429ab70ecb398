//! PHP 8's loose `==` between two strings, as Moodle's `scorm_array_search()` uses it to match
//! a re-uploaded package's item identifiers with the old ones (`lms-import.md` §A 13).
//!
//! Two strings that are both numeric compare as numbers (`"1e1" == "10"`, `"10" == "10.0"`,
//! `" 10" == "10"`); otherwise they compare byte for byte. Two integer strings that both
//! overflow PHP's 64-bit integers compare as strings again, as PHP does.

/// Whether PHP 8 finds `a == b` for two strings.
pub(crate) fn loose_eq(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (numeric(a), numeric(b)) {
        (Some(Number::Int(x)), Some(Number::Int(y))) => x == y,
        (Some(Number::BigInt), Some(Number::BigInt)) => false,
        (Some(x), Some(y)) => x.as_f64(a) == y.as_f64(b),
        _ => false,
    }
}

/// Whether PHP reads `s` as a number: such identifiers can match others that look different.
pub(crate) fn is_numeric(s: &str) -> bool {
    numeric(s).is_some()
}

/// A PHP numeric string's value class.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    /// An integer string that fits in 64 bits.
    Int(i64),
    /// An integer string that does not fit (compared as a float against non-integers).
    BigInt,
    /// A decimal or exponent form.
    Float(f64),
}

impl Number {
    fn as_f64(self, text: &str) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
            Number::BigInt => trim(text).parse().unwrap_or(f64::NAN),
        }
    }
}

/// PHP's whitespace around numeric strings: space, `\t`, `\n`, `\r`, `\v`, `\f`.
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}'])
}

/// PHP 8's numeric-string grammar: whitespace, an optional sign, digits with an optional
/// fraction (or a fraction alone), an optional exponent, whitespace.
fn numeric(s: &str) -> Option<Number> {
    let body = trim(s).as_bytes();
    let mut i = 0;
    if matches!(body.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |from: usize| {
        body[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int_digits = digits(i);
    i += int_digits;
    let mut frac_digits = 0;
    let mut is_float = false;
    if body.get(i) == Some(&b'.') {
        frac_digits = digits(i + 1);
        i += 1 + frac_digits;
        is_float = true;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(body.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(body.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = digits(j);
        if exp > 0 {
            i = j + exp;
            is_float = true;
        }
    }
    if i != body.len() {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    if is_float {
        return text.parse().ok().map(Number::Float);
    }
    Some(match text.parse::<i64>() {
        Ok(n) => Number::Int(n),
        Err(_) => Number::BigInt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_strings_compare_as_numbers() {
        for (a, b) in [
            ("1e1", "10"),
            ("10", "10.0"),
            ("010", "10"),
            (" 10", "10"),
            ("10 ", "10"),
            ("1E1", "1e1"),
            ("+1", "1"),
            ("0", "-0"),
            (".5", "0.5"),
            ("5.", "5"),
            ("100", "1e2"),
        ] {
            assert!(loose_eq(a, b), "{a:?} == {b:?}");
            assert!(loose_eq(b, a), "{b:?} == {a:?}");
        }
    }

    #[test]
    fn other_strings_compare_exactly() {
        for (a, b) in [
            ("ITEM-1e1", "ITEM-10"),
            ("abc", "ABC"),
            ("1e", "1"),
            ("e1", "1"),
            ("0x1A", "26"),
            ("1_000", "1000"),
            ("", "0"),
            (".", "0"),
            ("inf", "INF"),
            ("9223372036854775808", "9223372036854775809"),
        ] {
            assert!(!loose_eq(a, b), "{a:?} != {b:?}");
        }
        assert!(loose_eq("ITEM-a", "ITEM-a"));
    }

    #[test]
    fn numeric_detection() {
        assert!(is_numeric("1e1") && is_numeric("10") && is_numeric(" 3.5 "));
        assert!(!is_numeric("ITEM-10") && !is_numeric("NaN") && !is_numeric("1e"));
    }
}
