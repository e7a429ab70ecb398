//! The HTML document around each page the tool shows teachers and administrators (error
//! pages, the Deep Linking lesson picker, the Dynamic Registration result): English, a
//! title naming the page, the content in `<main>`, a few inline styles (readable width,
//! system fonts, large buttons with a visible focus ring) and nothing loaded from elsewhere.

use super::url::escape_html;

const STYLE: &str = "body{margin:0;background:#fff;color:#1b1b1b;font:1rem/1.5 system-ui,sans-serif}\
main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem}\
h1{font-size:1.6rem;line-height:1.25}\
code,pre{font-family:ui-monospace,monospace}\
pre{background:#f2f2f2;padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere}\
ul{padding:0;list-style:none}li{margin:.6rem 0}\
button{font:inherit;min-height:2.75rem;padding:.4rem 1rem;cursor:pointer}\
button:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}";

/// The page titled "`title` — lessonpack" with `main` (HTML) as its main content and
/// `tail` (HTML: a script) after it, at the end of the body.
pub(crate) fn document(title: &str, main: &str, tail: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — lessonpack</title><style>{STYLE}</style></head>\
         <body><main>{main}</main>{tail}</body></html>",
        escape_html(title)
    )
}

/// `text` escaped for HTML, its `backquoted` spans as `<code>` (an unpaired backquote
/// stays as it is).
pub(crate) fn with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        let part = escape_html(part);
        if i % 2 == 0 {
            out.push_str(&part);
        } else if i + 1 < parts.len() {
            out.push_str(&format!("<code>{part}</code>"));
        } else {
            out.push('`');
            out.push_str(&part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn titled_in_english_with_a_main_landmark() {
        let page = super::document("A & B", "<h1>A</h1>", "<script></script>");
        assert!(page.starts_with("<!doctype html><html lang=\"en\">"));
        assert!(page.contains("<title>A &amp; B — lessonpack</title>"));
        assert!(page.ends_with("<main><h1>A</h1></main><script></script></body></html>"));
    }

    #[test]
    fn backquoted_spans_become_code() {
        assert_eq!(
            super::with_code("no `iss` in <b> `a&b` or `odd"),
            "no <code>iss</code> in &lt;b&gt; <code>a&amp;b</code> or `odd"
        );
    }
}
