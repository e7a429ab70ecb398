//! The little URL handling the tool needs: scheme, authority and path of an absolute
//! `http(s)` URL, and whether it is a loopback address (where plain `http` is allowed).

/// An absolute `http`/`https` URL split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url<'a> {
    /// `http` or `https`, lowercase.
    pub(crate) scheme: String,
    /// `host[:port]`, lowercase.
    pub(crate) authority: String,
    /// The rest: path, query and fragment (may be empty).
    pub(crate) rest: &'a str,
}

impl<'a> Url<'a> {
    /// Splits `text`, or `None` when it is not an absolute `http(s)` URL with a host.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let (scheme, after) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        if authority.is_empty() || authority.contains(['@', ' ', '\\']) {
            return None;
        }
        Some(Url {
            scheme,
            authority: authority.to_ascii_lowercase(),
            rest,
        })
    }

    /// `scheme://authority`.
    pub(crate) fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }

    /// The host without the port.
    pub(crate) fn host(&self) -> &str {
        if self.authority.starts_with('[') {
            return self
                .authority
                .split_once(']')
                .map_or(self.authority.as_str(), |(h, _)| h)
                .trim_start_matches('[');
        }
        self.authority
            .rsplit_once(':')
            .map_or(self.authority.as_str(), |(h, _)| h)
    }

    /// Whether the host is a loopback name or address.
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self.host();
        host == "localhost" || host == "::1" || host.starts_with("127.")
    }
}

/// Whether `text` is an `https` URL, or plain `http` on loopback (tests): what the tool
/// accepts for its own base URL and for every platform endpoint.
pub(crate) fn is_secure(text: &str) -> bool {
    Url::parse(text).is_some_and(|u| u.scheme == "https" || u.is_loopback())
}

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
pub(crate) use crate::preview::query::escape as encode;

/// `base` with `pairs` appended as a query (after `&` when it already has one).
pub(crate) fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return base.to_string();
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}", crate::preview::query::encode(pairs))
}

/// HTML-escapes text for element content and quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Url;

    #[test]
    fn splits_and_recognises_loopback() {
        let url = Url::parse("HTTP://127.0.0.1:9001/auth?x=1").unwrap();
        assert_eq!(url.origin(), "http://127.0.0.1:9001");
        assert_eq!(url.rest, "/auth?x=1");
        assert!(url.is_loopback());
        assert!(!Url::parse("https://lms.example.org").unwrap().is_loopback());
        assert_eq!(Url::parse("https://[::1]:8/").unwrap().host(), "::1");
        assert!(Url::parse("ftp://x/").is_none());
        assert!(Url::parse("https://user@evil/").is_none());
        assert!(Url::parse("/relative").is_none());
        assert_eq!(
            super::with_query("http://p/auth?a=1", &[("x", "a b&c")]),
            "http://p/auth?a=1&x=a%20b%26c"
        );
        assert_eq!(
            super::escape_html("<a href=\"x\">'"),
            "&lt;a href=&quot;x&quot;&gt;&#39;"
        );
    }
}
