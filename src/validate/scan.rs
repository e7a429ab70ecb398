//! Walking a manifest tree the way every rule needs: resources, organizations, items,
//! identifiers, and turning an `href` into a package path.

use crate::xmltree::El;

/// The `<resource>` elements under `<resources>`, in document order.
pub(crate) fn resources(root: &El) -> Vec<&El> {
    root.child("resources")
        .map(|r| r.children_named("resource").collect())
        .unwrap_or_default()
}

/// The `<organization>` elements, in document order.
pub(crate) fn organizations(root: &El) -> Vec<&El> {
    root.child("organizations")
        .map(|o| o.children_named("organization").collect())
        .unwrap_or_default()
}

/// Every `<item>` in every organization, depth first, in document order.
pub(crate) fn items(root: &El) -> Vec<&El> {
    let mut out = Vec::new();
    for org in organizations(root) {
        for el in org.descendants() {
            if el.local() == "item" {
                out.push(el);
            }
        }
    }
    out
}

/// The kind of cartridge document a resource `type` names, if it is one we read.
pub(crate) fn inner_kind(kind: &str) -> Option<&'static str> {
    let kind = kind.to_ascii_lowercase();
    if kind.starts_with("imsdt_") {
        Some("topic")
    } else if kind.starts_with("imswl_") {
        Some("webLink")
    } else if kind.starts_with("imsbasiclti_") {
        Some("cartridge_basiclti_link")
    } else {
        None
    }
}

/// The package path an `href` names, relative to `base`: query and fragment dropped, `%XX`
/// decoded, `.` segments removed. `None` for absolute URLs and paths that leave the package.
pub(crate) fn package_path(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.contains("://") || href.starts_with("//") || href.starts_with('/') {
        return None;
    }
    let end = href.find(['?', '#']).unwrap_or(href.len());
    let joined = format!("{base}{}", percent_decode(&href[..end]));
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The scheme of a URL (`https`, `file`, `javascript`), lower case, if `href` has one. A
/// single letter before `:` is a Windows drive, not a scheme. Browsers drop tabs and line
/// breaks inside a URL, so they are dropped here too (`java\tscript:` is `javascript:`).
pub(crate) fn scheme(href: &str) -> Option<String> {
    let cleaned: String = href
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && scheme.len() > 1).then(|| scheme.to_ascii_lowercase())
}

/// Why a reference resolved against `base` (the folder it is relative to, `/`-terminated or
/// empty for the package root) leaves the package, if it does: a `file:` URL, an absolute
/// path (`/x`, `\\server\x`, `C:\x`), or `..` segments (also `%2e%2e`, also with `\`) that
/// climb above the package root. Other URLs (`https:`, `//host/…`) are remote, not a way out.
pub(crate) fn leaves(base: &str, href: &str) -> Option<&'static str> {
    let href = href.trim();
    match scheme(href).as_deref() {
        Some("file") => return Some("a `file:` URL"),
        Some(_) => return None,
        None => {}
    }
    let bytes = href.as_bytes();
    let drive = bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic();
    if drive || href.starts_with('\\') || (href.starts_with('/') && !href.starts_with("//")) {
        return Some("an absolute path");
    }
    if href.starts_with("//") {
        return None;
    }
    let end = href.find(['?', '#']).unwrap_or(href.len());
    let mut depth = 0usize;
    for part in format!("{base}{}", percent_decode(&href[..end])).split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if depth == 0 => return Some("`..` segments that climb out of the package"),
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    None
}

/// `%XX` sequences decoded (invalid ones kept as written).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The attribute whose name ends in `:local` in any letter case (`adlcp:scormType`).
pub(crate) fn prefixed_attr<'a>(el: &'a El, local: &str) -> Option<(&'a str, &'a str)> {
    el.attrs
        .iter()
        .find(|(k, _)| {
            k.rsplit_once(':')
                .is_some_and(|(_, l)| l.eq_ignore_ascii_case(local))
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_become_package_paths() {
        assert_eq!(
            package_path("", "a/b.html?x=1#t").as_deref(),
            Some("a/b.html")
        );
        assert_eq!(
            package_path("c/", "./a%20b.html").as_deref(),
            Some("c/a b.html")
        );
        assert_eq!(package_path("c/", "../x.html").as_deref(), Some("x.html"));
        assert_eq!(package_path("", "../x.html"), None);
        assert_eq!(package_path("", "https://e.org/x"), None);
    }

    #[test]
    fn references_that_leave_the_package_are_named() {
        for (base, href) in [
            ("", "/etc/passwd"),
            ("", "\\\\server\\share\\x"),
            ("", "C:\\Windows\\x"),
            ("", "file:///etc/passwd"),
            ("", " FILE:x"),
            ("", "../x.html"),
            ("a/", "../../x.html"),
            ("", "a/../../x.html"),
            ("", "%2e%2e/x.html"),
            ("", "a\\..\\..\\x"),
        ] {
            assert!(leaves(base, href).is_some(), "{base}{href}");
        }
        for (base, href) in [
            ("", "a/b.html"),
            ("a/", "../b.html"),
            ("", "a/../b.html?x=../../y"),
            ("", "https://example.org/../x"),
            ("", "//cdn.example.org/x.js"),
            ("", "mailto:someone@example.org"),
        ] {
            assert_eq!(leaves(base, href), None, "{base}{href}");
        }
        assert_eq!(
            scheme(" Java\tScript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme("C:\\x"), None);
        assert_eq!(scheme("a/b:c"), None);
    }
}
