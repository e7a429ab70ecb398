//! The rule registry: every check `validate` runs, with its stable code, name, severity, the
//! LMSs it concerns and its documentation (`lessonpack explain CODE`, the README table).
//!
//! One rule per file, grouped by layer: [`container`] (the zip or folder), [`xml`] (reading
//! the manifest), [`schema`] (the official XSDs), [`refs`] (what XSD tools miss: identifiers, references, files, ranges) and
//! [`lms`] (what one LMS's import code does differently, `lms-import.md` §A/§B).

pub(crate) mod container;
pub(crate) mod lms;
pub(crate) mod refs;
pub(crate) mod schema;
pub(crate) mod xml;

use super::Cx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// The stable code (`PKG001`); never reused for another meaning.
    pub code: &'static str,
    /// The problem found, kebab-case (`manifest-not-at-root`).
    pub name: &'static str,
    /// The severity of its findings.
    pub severity: Severity,
    /// The LMSs its findings affect (empty: all of them / the standard itself).
    pub lms: &'static [Lms],
    /// One line for the rule table.
    pub summary: &'static str,
    /// One paragraph: what it checks, why it matters, the reference.
    pub doc: &'static str,
    /// The check.
    pub(crate) check: fn(&Cx<'_>, &mut Vec<Diagnostic>),
}

impl Rule {
    /// A finding of this rule, with its code, severity and LMSs, and no position yet.
    pub(crate) fn finding(&'static self, message: impl Into<String>) -> Diagnostic {
        let d = match self.severity {
            Severity::Error => Diagnostic::error(message),
            Severity::Warning => Diagnostic::warning(message),
        };
        d.with_code(self.code).with_lms(self.lms.iter().copied())
    }

    /// The severity as the rule table, `explain` and the JSON report spell it.
    pub(crate) fn severity_name(&self) -> &'static str {
        self.severity.as_str()
    }

    /// The LMSs its findings affect, for people (`all` when it concerns the standard itself).
    pub(crate) fn lms_label(&self) -> String {
        if self.lms.is_empty() {
            return "all".to_string();
        }
        self.lms
            .iter()
            .map(|l| l.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every rule, in the order they run and are listed.
pub static RULES: &[&Rule] = &[
    &container::pkg001::RULE,
    &container::pkg002::RULE,
    &container::pkg003::RULE,
    &container::pkg004::RULE,
    &container::pkg005::RULE,
    &container::pkg006::RULE,
    &container::pkg007::RULE,
    &container::pkg008::RULE,
    &container::pkg009::RULE,
    &container::pkg010::RULE,
    &container::pkg011::RULE,
    &container::pkg012::RULE,
    &container::pkg013::RULE,
    &container::pkg014::RULE,
    &container::pkg015::RULE,
    &container::pkg016::RULE,
    &container::pkg017::RULE,
    &xml::xml001::RULE,
    &xml::xml002::RULE,
    &xml::xml003::RULE,
    &xml::xml004::RULE,
    &xml::xml005::RULE,
    &xml::xml006::RULE,
    &xml::xml007::RULE,
    &xml::xml008::RULE,
    &xml::xml009::RULE,
    &schema::xsd001::RULE,
    &schema::xsd002::RULE,
    &refs::ref001::RULE,
    &refs::ref002::RULE,
    &refs::ref003::RULE,
    &refs::ref004::RULE,
    &refs::ref005::RULE,
    &refs::ref006::RULE,
    &refs::ref007::RULE,
    &refs::ref008::RULE,
    &refs::ref009::RULE,
    &refs::ref010::RULE,
    &refs::ref011::RULE,
    &refs::ref012::RULE,
    &refs::ref013::RULE,
    &refs::ref014::RULE,
    &refs::ref015::RULE,
    &refs::ref016::RULE,
    &refs::ref017::RULE,
    &refs::ref018::RULE,
    &refs::ref019::RULE,
    &lms::lms001::RULE,
    &lms::lms002::RULE,
    &lms::lms003::RULE,
    &lms::lms004::RULE,
    &lms::lms005::RULE,
    &lms::lms006::RULE,
    &lms::lms007::RULE,
    &lms::lms008::RULE,
    &lms::lms009::RULE,
    &lms::lms010::RULE,
    &lms::lms011::RULE,
    &lms::lms012::RULE,
    &lms::lms013::RULE,
    &lms::lms014::RULE,
    &lms::lms015::RULE,
    &lms::lms016::RULE,
    &lms::lms017::RULE,
    &lms::lms018::RULE,
    &lms::lms019::RULE,
    &lms::lms020::RULE,
    &lms::lms021::RULE,
    &lms::lms022::RULE,
    &lms::lms023::RULE,
];

/// The most findings one rule reports about one document or package before it only counts
/// the rest: a hostile document can repeat one mistake millions of times, and reporting each
/// would cost more than the document.
pub(crate) const MAX_REPEATS: usize = 20;

/// Pushes the first [`MAX_REPEATS`] of `findings` and returns how many were left out (the
/// caller reports that count as one more finding).
pub(crate) fn push_first(
    out: &mut Vec<Diagnostic>,
    findings: impl IntoIterator<Item = Diagnostic>,
) -> usize {
    let mut left = 0;
    for (i, d) in findings.into_iter().enumerate() {
        if i < MAX_REPEATS {
            out.push(d);
        } else {
            left += 1;
        }
    }
    left
}

/// The rule with this code (case-insensitive).
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// The rule table in Markdown (`| code | name | severity | LMSs | summary |`), as the README
/// shows it.
pub fn table() -> String {
    let mut out =
        String::from("| code | name | severity | LMSs | what it finds |\n|---|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity_name(),
            r.lms_label(),
            r.summary
        ));
    }
    out
}
