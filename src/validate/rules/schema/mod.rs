//! Schema rules: the manifest against the official XSDs of its detected format, bundled in
//! the binary ([`crate::validate::schema`]). `XSD001` is a schema violation; `XSD002` is an
//! element or attribute of a namespace no bundled schema describes, which strict wildcards
//! of the official schemas reject but which says nothing about the standard's own parts.

pub(crate) mod xsd001;
pub(crate) mod xsd002;

use super::super::Cx;
use crate::validate::schema::run::Finding;
use crate::xmltree::El;
use std::ops::Range;

/// The byte range a schema finding points at: the attribute it concerns, else the
/// element's start tag, else (an error reported after the document, such as a dangling
/// IDREF) the attribute holding the value the message quotes, else the root's start tag.
pub(super) fn range(cx: &Cx<'_>, f: &Finding) -> Range<usize> {
    let Some(root) = cx.root() else { return 0..0 };
    let all = root.descendants();
    let element = all
        .iter()
        .find(|e| e.span.start == f.offset && f.offset > 0);
    if let Some(el) = element {
        return match &f.attribute {
            Some((_, local)) => attr_by_local(el, local).unwrap_or_else(|| el.span.clone()),
            None => el.span.clone(),
        };
    }
    let quoted = quoted_values(&f.message);
    for el in &all {
        for ((_, value), span) in el.attrs.iter().zip(&el.attr_spans) {
            if quoted.iter().any(|q| q == value) {
                return span.clone();
            }
        }
    }
    root.span.clone()
}

fn attr_by_local(el: &El, local: &str) -> Option<Range<usize>> {
    let i = el
        .attrs
        .iter()
        .position(|(k, _)| k.rsplit(':').next() == Some(local))?;
    el.attr_spans.get(i).cloned()
}

/// Values the message quotes (`'…'` or `"…"`).
fn quoted_values(message: &str) -> Vec<String> {
    ['\'', '"']
        .iter()
        .flat_map(|q| message.split(*q).skip(1).step_by(2))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The schema set's name, for messages.
pub(super) fn set_label(cx: &Cx<'_>) -> &'static str {
    crate::validate::schema::SetId::for_format(cx.format()).map_or("bundled", |s| s.label())
}
