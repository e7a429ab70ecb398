//! Whether decoded text is a well-formed XML 1.0 document (with Namespaces in XML), judged
//! by the reader of `xsd-schema` — the crate the schema layer validates with — driven over a
//! schema that declares nothing, so only its well-formedness layer speaks.
//!
//! That layer checks the whole grammar the LMS parsers enforce and quick-xml leaves open:
//! characters (raw and by reference) outside XML 1.0 `Char`, text or a second element
//! outside the root, the XML declaration's place and the order of its pseudo-attributes,
//! comments with `--`, `]]>` in text, names, attribute syntax, unclosed markup, prefixes
//! bound. It never processes a DTD: a reference to an entity the internal subset declares is
//! refused like any undeclared one, so callers neutralise the references they report
//! themselves (dangling `&`, undefined or DTD-declared entities) before asking.

use std::cell::RefCell;
use xsd_schema::validation::{
    DriveWithError, NoopHandler, SchemaValidator, ValidationError, ValidationFlags, ValidationSink,
    ValidationWarning, drive_quick_xml_with,
};
use xsd_schema::{SchemaSet, SchemaSetBuilder};

/// The first place `text` is not well-formed: byte offset and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotWellFormed {
    /// Byte offset in the text (a leading byte order mark included).
    pub(crate) offset: usize,
    /// What is wrong, with the XML 1.0 production or constraint.
    pub(crate) message: String,
}

/// Validation findings are beside the point here (nothing is declared): dropped.
struct Ignore;

impl ValidationSink for Ignore {
    fn on_error(&mut self, _: ValidationError) {}
    fn on_warning(&mut self, _: ValidationWarning) {}
}

thread_local! {
    /// The empty schema set, compiled once per thread (`SchemaSet` is not `Sync`).
    static EMPTY: RefCell<Option<Result<SchemaSet, String>>> = const { RefCell::new(None) };
}

fn compile() -> Result<SchemaSet, String> {
    let schema = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>";
    let builder = SchemaSetBuilder::new()
        .add_source(schema, "embedded:///well-formedness.xsd")
        .map_err(|e| e.to_string())?;
    Ok(builder.compile().map_err(|e| e.to_string())?.schema_set)
}

/// Checks that `text` is a well-formed document.
///
/// # Errors
///
/// The first violation, with its byte offset.
pub(crate) fn check(text: &str) -> Result<(), NotWellFormed> {
    EMPTY.with(|cell| {
        let mut slot = cell.borrow_mut();
        let set = match slot.get_or_insert_with(compile) {
            Ok(set) => set,
            // An empty schema always compiles; if it ever did not, the tree reader's own
            // checks still stand, so the document is not refused for it.
            Err(_) => return Ok(()),
        };
        let validator = SchemaValidator::new(set, ValidationFlags::empty());
        let mut runtime = validator.start_run(Ignore);
        let driven = drive_quick_xml_with(text.as_bytes(), &mut runtime, set, &mut NoopHandler);
        match driven {
            Ok(_) => Ok(()),
            Err(DriveWithError::NotWellFormed(e)) => Err(NotWellFormed {
                offset: usize::try_from(e.position()).unwrap_or(usize::MAX),
                message: format!("{} ({})", e.message(), e.rule().citation()),
            }),
            // No limits are set, the source is a slice and the handler cannot fail: nothing
            // else can happen; were it to, the tree reader's checks still stand.
            Err(_) => Ok(()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_expat_and_libxml2_refuse_is_refused_with_its_offset() {
        for (xml, at) in [
            ("<a>x\0y</a>", 4),
            ("<a>&#1;</a>", 3),
            ("<a b='&#1;'/>", 6),
            ("hello<a/>", 0),
            ("<a/><b/>", 4),
            ("<a/>tail", 4),
            (
                "<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><a/>",
                37,
            ),
            ("<a><!-- x </a>", 3),
            ("<a><![CDATA[ x </a>", 3),
            ("<a><!-- a -- b --></a>", 3),
            ("\n<?xml version=\"1.0\"?><a/>", 1),
            ("<a>]]></a>", 3),
            ("<a b=\"<\"/>", 3),
            ("<1a/>", 1),
            ("<a>\u{ffff}</a>", 3),
            // Python's parser (Open edX) refuses an unbound prefix; xmllint only warns
            // (`tests/fixtures/validate/DIFFERENTIAL.md`).
            ("<a><p:b/></a>", 3),
        ] {
            let err = check(xml).expect_err(xml);
            assert!(
                err.offset.abs_diff(at) <= 12,
                "{xml:?}: at {} ({}), expected near {at}",
                err.offset,
                err.message
            );
        }
        for ok in [
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<a b='&#233;'>&amp;<![CDATA[<&]]><!-- c --><?pi x?></a>\n",
            "\u{feff}<a/>",
            "<!DOCTYPE a [<!ELEMENT a ANY>]><a/>",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok:?}");
        }
    }
}
