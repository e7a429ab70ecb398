//! The discussion prompt's Markdown, turned into HTML that is safe in every target (the
//! lesson pages, the cartridge's discussion topic, the preview and `serve`). Raw HTML in the
//! source is shown as text, never passed through, and what Markdown itself makes goes
//! through the ammonia sanitizer with a short allowlist ([`ALLOWED_TAGS`]): links only to
//! `http`, `https` and `mailto` addresses (a `javascript:` link loses its address), no
//! scripts, event handlers, frames, forms, images or `style`. Images become their
//! description: a lesson page loads nothing from the network but its video.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;

/// The elements a prompt may hold (the README lists them for authors).
pub(crate) const ALLOWED_TAGS: [&str; 17] = [
    "p",
    "em",
    "strong",
    "del",
    "a",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
];

/// The address schemes a prompt's links may use.
pub(crate) const LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// HTML for a Markdown prompt; headings are shifted below the page's `h2` sections.
pub(crate) fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|event| {
        Some(match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            // An image's description stays, as text.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => return None,
            other => other,
        })
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    sanitize(&shift_headings(&out))
}

/// What the allowlist keeps of `html`.
fn sanitize(html: &str) -> String {
    ammonia::Builder::empty()
        .tags(HashSet::from(ALLOWED_TAGS))
        .tag_attributes(
            [
                ("a", HashSet::from(["href"])),
                ("ol", HashSet::from(["start"])),
            ]
            .into(),
        )
        .url_schemes(HashSet::from(LINK_SCHEMES))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// `<h1>`…`<h5>` become `<h3>`…`<h6>`: the prompt sits inside the "Discussion" `h2`.
fn shift_headings(html: &str) -> String {
    let mut out = html.to_string();
    for level in (1..=5).rev() {
        let to = (level + 2).min(6);
        out = out
            .replace(&format!("<h{level}>"), &format!("<h{to}>"))
            .replace(&format!("</h{level}>"), &format!("</h{to}>"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_becomes_html_and_raw_html_is_escaped() {
        assert_eq!(
            to_html("Share *one* example."),
            "<p>Share <em>one</em> example.</p>\n"
        );
        assert_eq!(
            to_html("<script>x</script>"),
            "<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
        );
        assert_eq!(to_html("# Task"), "<h3>Task</h3>\n");
    }

    #[test]
    fn only_safe_links_and_elements_survive() {
        let cases = [
            (
                "[a](javascript:alert(1))",
                "<p><a rel=\"noopener noreferrer\">a</a></p>\n",
            ),
            (
                "<javascript:alert(1)>",
                "<p><a rel=\"noopener noreferrer\">javascript:alert(1)</a></p>\n",
            ),
            (
                "[a](JaVaScRiPt:alert(1))",
                "<p><a rel=\"noopener noreferrer\">a</a></p>\n",
            ),
            (
                "[a](data:text/html,x)",
                "<p><a rel=\"noopener noreferrer\">a</a></p>\n",
            ),
            (
                "[a](vbscript:x)",
                "<p><a rel=\"noopener noreferrer\">a</a></p>\n",
            ),
            (
                "[a](/etc/passwd)",
                "<p><a rel=\"noopener noreferrer\">a</a></p>\n",
            ),
            (
                "[a](https://example.org/?q=1&r=\"x\")",
                "<p><a href=\"https://example.org/?q=1&amp;r=%22x%22\" rel=\"noopener noreferrer\">a</a></p>\n",
            ),
            (
                "<mailto:tutor@example.org>",
                "<p><a href=\"mailto:tutor@example.org\" rel=\"noopener noreferrer\">mailto:tutor@example.org</a></p>\n",
            ),
            (
                "![a tracking pixel](https://x.example/p.gif)",
                "<p>a tracking pixel</p>\n",
            ),
            (
                "<a href=\"javascript:x\" onclick=\"y\">z</a>",
                "<p>&lt;a href=\"javascript:x\" onclick=\"y\"&gt;z&lt;/a&gt;</p>\n",
            ),
            (
                "<iframe src=x></iframe><form><style>p{}</style>",
                "<p>&lt;iframe src=x&gt;&lt;/iframe&gt;&lt;form&gt;&lt;style&gt;p{}&lt;/style&gt;</p>\n",
            ),
        ];
        for (markdown, html) in cases {
            assert_eq!(to_html(markdown), html, "{markdown}");
        }
    }
}
