//! Percent-encoding and URL query strings: the cmi5 launch URL's five parameters (§8.1) and
//! the LTI tool's redirects written, the xAPI resources' parameters read
//! (`application/x-www-form-urlencoded`), `/package/…` request paths decoded.

/// Encodes `pairs` as a query string, escaping everything but the unreserved characters.
pub(crate) fn encode(pairs: &[(&str, &str)]) -> String {
    let pairs = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)));
    pairs.collect::<Vec<_>>().join("&")
}

/// Percent-encodes `text` (RFC 3986: only `A–Z a–z 0–9 - . _ ~` stay as they are).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The parameters of a query string, decoded; `+` is a space. A malformed escape or UTF-8
/// makes the whole query `None`.
pub(crate) fn decode(query: &str) -> Option<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((unescape(k)?, unescape(v)?))
        })
        .collect()
}

fn unescape(text: &str) -> Option<String> {
    String::from_utf8(unescape_bytes(text, true)?).ok()
}

/// Decodes the `%XX` escapes of a URL path (`+` stays `+`); `None` for a malformed escape.
pub(crate) fn percent_decode(text: &str) -> Option<Vec<u8>> {
    unescape_bytes(text, false)
}

fn unescape_bytes(text: &str, plus_is_space: bool) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let actor = r#"{"account":{"homePage":"http://127.0.0.1:1","name":"learner"}}"#;
        let text = encode(&[("actor", actor), ("a b", "x&y=z+é")]);
        assert!(!text.contains(['{', '"', ':', ' ', '+']), "{text}");
        let back = decode(&text).unwrap();
        assert_eq!(back[0], ("actor".to_string(), actor.to_string()));
        assert_eq!(back[1], ("a b".to_string(), "x&y=z+é".to_string()));
        assert_eq!(decode("a=1+2&b&&c=%41").unwrap().len(), 3);
        assert_eq!(decode("a=1+2").unwrap()[0].1, "1 2");
        assert_eq!(decode("a=%zz"), None);
        assert_eq!(decode("a=%ff"), None);
    }
}
