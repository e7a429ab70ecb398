//! `LMS014` `cc-organization-shape`: a cartridge organization is not `item(root) > item(module) > item(resource)`

use super::super::{Cx, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lms::Lms;
use crate::xmltree::El;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "LMS014",
    name: "cc-organization-shape",
    severity: Severity::Warning,
    lms: &[Lms::Canvas, Lms::Moodle],
    summary: "a cartridge organization is not shaped `item(root) > item(module, title) > item(identifierref, title)`",
    doc: "What it checks: (Common Cartridge) that each `<organization>` holds one root `<item>` without a title and resource, whose children are titled module items without `identifierref`, whose children are titled items. Why it matters: Canvas turns each second-level item (`organization > item > item`) into a module and Moodle into a course section (`ROOT_DEEP = 2`). A root item that launches a resource is placed in no module; a second-level item with an `identifierref` goes into a generated \"Misc Module\" in Canvas and becomes a section without its content in Moodle; an untitled module becomes an unnamed module/section. Nothing is dropped from the import, so this is a warning. Reference: IMS CC 1.1 Profile §4.3 (organization structure); lms-import.md §A 23.",
    check,
};

fn id(el: &El) -> &str {
    el.attr("identifier").unwrap_or("?")
}

fn titled(el: &El) -> bool {
    el.child("title").is_some_and(|t| !t.text.trim().is_empty())
}

fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.root() else { return };
    if !cx.format().is_cc() {
        return;
    }
    let mut warn = |el: &El, message: String, help: &str| {
        let d = RULE.finding(message).with_help(help.to_string());
        out.push(cx.at(d, el.span.clone()));
    };
    for org in crate::validate::scan::organizations(root) {
        let tops: Vec<&El> = org.children_named("item").collect();
        if tops.len() > 1 {
            warn(
                org,
                format!(
                    "organization `{}` has {} top-level items; Canvas and Moodle expect one root item",
                    id(org),
                    tops.len()
                ),
                "wrap the modules in one root `<item>` without a title",
            );
        }
        for top in tops {
            if top.attr("identifierref").is_some() {
                warn(
                    top,
                    format!(
                        "root item `{}` launches a resource; Canvas makes modules only of second-level items, so it is not placed in any module",
                        id(top)
                    ),
                    "make the root item a plain container and put the resource two levels below it",
                );
            }
            if titled(top) {
                warn(
                    top,
                    format!(
                        "root item `{}` has a title; Canvas and Moodle ignore it",
                        id(top)
                    ),
                    "drop the root item's `<title>`; title the module items below it",
                );
            }
            let modules: Vec<&El> = top.children_named("item").collect();
            for module in modules {
                if module.attr("identifierref").is_some() {
                    warn(
                        module,
                        format!(
                            "second-level item `{}` launches a resource; Canvas puts it in a generated \"Misc Module\" and Moodle makes it a section of its own",
                            id(module)
                        ),
                        "put the resource item inside a titled module item",
                    );
                }
                if !titled(module) {
                    warn(
                        module,
                        format!(
                            "module item `{}` has no title; Canvas and Moodle show an unnamed module/section",
                            id(module)
                        ),
                        "give the module item a `<title>`",
                    );
                }
                for leaf in module.children_named("item") {
                    if !titled(leaf) {
                        warn(
                            leaf,
                            format!("item `{}` has no title", id(leaf)),
                            "give the item a `<title>`",
                        );
                    }
                }
            }
        }
    }
}
