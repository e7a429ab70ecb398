//! The discussion prompt's Markdown, turned into HTML. Raw HTML in the source is shown as
//! text, never passed through: the page must stay valid and accessible whatever is written.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// HTML for a Markdown prompt; headings are shifted below the page's `h2` sections.
pub(crate) fn to_html(markdown: &str) -> String {
    let parser =
        Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            other => other,
        });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    shift_headings(&out)
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
}
