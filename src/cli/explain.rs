//! `lessonpack explain CODE`: a validation rule's documentation; `--all` the rule table.

use super::ExitStatus;
use crate::validate::rules;

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule code (`PKG002`) or name (`manifest-not-at-root`); without one, the rule table.
    pub code: Option<String>,
}

/// Prints the rule's documentation, or the table of all rules.
pub fn run(args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    let Some(code) = args.code else {
        super::out(&rules::table())?;
        return Ok(ExitStatus::Success);
    };
    let rule = rules::find(&code).ok_or_else(|| {
        anyhow::anyhow!("no rule `{code}` (run `lessonpack explain` for the list)")
    })?;
    super::out(&format!(
        "{} {} ({}; LMSs: {})\n\n{}\n\n{}\n\n\
         To change how `validate` reports it: `--allow {code}` drops its findings, `--warn {code}` \
         reports them as warnings, `--deny {code}` as errors; or list it under `allow`, `warn` or \
         `deny` in the `[validate]` table of a `{config}` in the folder `validate` runs in.\n",
        rule.code,
        rule.name,
        rule.severity_name(),
        rule.lms_label(),
        rule.summary,
        rule.doc,
        code = rule.code,
        config = super::validate::CONFIG_FILE,
    ))?;
    Ok(ExitStatus::Success)
}
