//! `<item parameters>` composed with the launch URL as IMS CP and the SCORM CAM describe it:
//! a value starting with `#` is a fragment appended as is (and dropped when the URL already
//! has one); any other value is a query: leading `?`/`&` removed, then appended after `&`
//! when the URL already has a `?`, else after `?`. The result must be a URL reference
//! (RFC 3986 §4.1); every way the value deviates from that is reported.

/// The composed launch URL and the deviations found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Composed {
    /// `href` + `parameters`, as an LMS following the CAM launches it.
    pub(crate) url: String,
    /// What is wrong, lowercase, code in backticks.
    pub(crate) problems: Vec<String>,
}

/// Composes `href` and `parameters` (already trimmed of surrounding whitespace by the caller
/// or not: whitespace is itself a problem).
pub(crate) fn compose(href: &str, parameters: &str) -> Composed {
    let mut problems = Vec::new();
    let url = if let Some(fragment) = parameters.strip_prefix('#') {
        if href.contains('#') {
            problems.push(
                "the launch URL already has a fragment, so the fragment in `parameters` is dropped"
                    .to_string(),
            );
            href.to_string()
        } else {
            format!("{href}#{fragment}")
        }
    } else {
        let query = parameters.trim_start_matches(['?', '&']);
        let pairs = query.split('#').next().unwrap_or_default();
        for pair in pairs.split('&').filter(|p| !p.is_empty()) {
            if pair.split_once('=').is_none_or(|(name, _)| name.is_empty()) {
                problems.push(format!("`{pair}` is not a `name=value` pair"));
            }
        }
        if href.contains('#') {
            problems.push(
                "the launch URL has a fragment, and parameters appended after it end up inside the fragment, not in the query".to_string(),
            );
        }
        let sep = if href.contains('?') { '&' } else { '?' };
        format!("{href}{sep}{query}")
    };
    problems.extend(url_problems(&url));
    Composed { url, problems }
}

/// Why `url` is not an RFC 3986 URL reference: characters outside the allowed set,
/// malformed `%XX` escapes, more than one `#`.
pub(crate) fn url_problems(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?#%".contains(c);
    let mut bad: Vec<char> = url.chars().filter(|c| !allowed(*c)).collect();
    bad.sort_unstable();
    bad.dedup();
    if !bad.is_empty() {
        let shown: String = bad
            .iter()
            .map(|c| match c {
                ' ' => "a space".to_string(),
                c => format!("`{}`", c.escape_default()),
            })
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!("{shown} must be percent-encoded in a URL"));
    }
    let bytes = url.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(i, b)| {
        *b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if malformed {
        out.push("a `%` is not followed by two hexadecimal digits".to_string());
    }
    if url.matches('#').count() > 1 {
        out.push("the URL has more than one `#`".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_fragments_compose_as_the_cam_says() {
        let ok = |href: &str, p: &str, url: &str| {
            let c = compose(href, p);
            assert_eq!(c.url, url);
            assert!(c.problems.is_empty(), "{p}: {:?}", c.problems);
        };
        ok("a.html", "?x=1&y=2", "a.html?x=1&y=2");
        ok("a.html?z=0", "?x=1", "a.html?z=0&x=1");
        ok("a.html", "x=1", "a.html?x=1");
        ok("a.html", "#part2", "a.html#part2");
        ok("a.html", "?x=%C3%A9", "a.html?x=%C3%A9");
    }

    #[test]
    fn deviations_are_named() {
        assert_eq!(
            compose("a.html", "chapter1").problems,
            ["`chapter1` is not a `name=value` pair"]
        );
        assert_eq!(compose("a.html#t", "#u").url, "a.html#t");
        assert!(compose("a.html#t", "?x=1").problems[0].contains("inside the fragment"));
        assert!(compose("a.html", "?x=a b").problems[0].starts_with("a space"));
        assert!(compose("a.html", "?x=%zz").problems[0].contains("`%`"));
    }
}
