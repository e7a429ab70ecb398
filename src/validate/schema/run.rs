//! Driving `xsd-schema` over a manifest's text and turning its errors into findings with the
//! byte offset of the element they concern.
//!
//! The driver's `on_element_start_offset` hook pushes the offset of each element's `<` on a
//! stack shared (`Rc<RefCell<…>>`) with the [`ValidationSink`]; `after_end_element` pops it.
//! The runtime reports an element's errors while it is on top of that stack (its start, its
//! attributes, its content, and at its end tag the content it misses), so each error lands
//! on the element it is about.

use super::Compiled;
use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;
use xsd_schema::validation::{
    ElementStartView, EndElementInfo, SchemaValidator, ValidationError, ValidationEventHandler,
    ValidationFlags, ValidationSink, ValidationWarning, drive_quick_xml_with,
};

/// The most findings kept from one document (a badly broken manifest repeats itself).
pub(crate) const MAX_FINDINGS: usize = 200;

/// One schema error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// The constraint broken (`cvc-complex-type.2.4.a`).
    pub(crate) constraint: String,
    /// The validator's message.
    pub(crate) message: String,
    /// Byte offset of the `<` of the element it concerns (0 when unknown).
    pub(crate) offset: usize,
    /// The attribute it concerns, as `{namespace}local` parts, when it is about one.
    pub(crate) attribute: Option<(String, String)>,
    /// The namespace the set does not bundle, when the error is about an extension element
    /// or attribute (or lies inside one).
    pub(crate) foreign: Option<String>,
}

/// The result of validating one document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    /// The errors, in document order, at most [`MAX_FINDINGS`].
    pub(crate) findings: Vec<Finding>,
    /// The errors past [`MAX_FINDINGS`], not kept.
    pub(crate) dropped: usize,
    /// Why the document could not be driven at all (not well-formed for the validator's
    /// stricter reader, a limit); the XML rules report such documents.
    pub(crate) not_run: Option<String>,
}

/// What the hooks and the sink share: open elements (offset, namespace, inside a foreign
/// element) and the findings.
#[derive(Debug, Default)]
struct Shared {
    open: Vec<(usize, String, Option<String>)>,
    pending: Option<usize>,
    findings: Vec<Finding>,
    dropped: usize,
}

struct Hooks<'a> {
    shared: Rc<RefCell<Shared>>,
    namespaces: &'a [String],
}

impl ValidationEventHandler for Hooks<'_> {
    type Error = Infallible;

    fn on_element_start_offset(&mut self, byte_pos: usize) -> Result<(), Infallible> {
        self.shared.borrow_mut().pending = Some(byte_pos);
        Ok(())
    }

    fn before_element(&mut self, view: ElementStartView<'_>) -> Result<(), Infallible> {
        let mut s = self.shared.borrow_mut();
        let offset = s.pending.take().unwrap_or(0);
        let ns = view.namespace_uri.to_string();
        let inherited = s.open.last().and_then(|(_, _, f)| f.clone());
        let foreign = inherited
            .or_else(|| (!ns.is_empty() && !self.namespaces.contains(&ns)).then(|| ns.clone()));
        s.open.push((offset, ns, foreign));
        Ok(())
    }

    fn after_end_element(&mut self, _: &EndElementInfo, _: usize) -> Result<(), Infallible> {
        self.shared.borrow_mut().open.pop();
        Ok(())
    }
}

struct Sink<'a> {
    shared: Rc<RefCell<Shared>>,
    namespaces: &'a [String],
}

impl ValidationSink for Sink<'_> {
    fn on_error(&mut self, error: ValidationError) {
        let mut s = self.shared.borrow_mut();
        if s.findings.len() >= MAX_FINDINGS {
            s.dropped += 1;
            return;
        }
        let (offset, mut foreign) = s
            .open
            .last()
            .map(|(o, _, f)| (*o, f.clone()))
            .unwrap_or_default();
        let mut attribute = None;
        if let Some(subject) = error.subject() {
            let name = subject.name();
            let ns = name.namespace_uri().to_string();
            if foreign.is_none() && !ns.is_empty() && !self.namespaces.contains(&ns) {
                foreign = Some(ns.clone());
            }
            if matches!(
                subject,
                xsd_schema::validation::ValidationSubject::Attribute(_)
            ) {
                attribute = Some((ns, name.local_name().to_string()));
            }
        }
        s.findings.push(Finding {
            constraint: error.constraint.to_string(),
            message: error.message.clone(),
            offset,
            attribute,
            foreign,
        });
    }

    fn on_warning(&mut self, _warning: ValidationWarning) {}
}

/// Validates `text` against a compiled set.
pub(crate) fn validate(compiled: &Compiled, text: &str) -> Outcome {
    let shared = Rc::new(RefCell::new(Shared::default()));
    let validator = SchemaValidator::new(&compiled.set, ValidationFlags::default());
    let mut runtime = validator.start_run(Sink {
        shared: Rc::clone(&shared),
        namespaces: &compiled.namespaces,
    });
    let mut hooks = Hooks {
        shared: Rc::clone(&shared),
        namespaces: &compiled.namespaces,
    };
    let driven = drive_quick_xml_with(text.as_bytes(), &mut runtime, &compiled.set, &mut hooks);
    let not_run = match driven {
        Ok(_) => runtime.end_validation().err().map(|e| e.to_string()),
        Err(e) => Some(e.to_string()),
    };
    drop(runtime);
    let s = shared.take();
    Outcome {
        findings: s.findings,
        dropped: s.dropped,
        not_run,
    }
}
