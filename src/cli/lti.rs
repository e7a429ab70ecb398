//! `lessonpack lti …`: the LTI tool's administration, on the database `serve` uses
//! (`--config lti.toml`'s `database`, or `lti.sqlite` in the working directory): list,
//! approve, suspend and remove platform registrations; rotate and list the tool's keys.
//! Changes reach a running `serve` at once (it reads the database on every request).

use super::ExitStatus;
use crate::lti::config::{Config, Database, Registration};
use crate::lti::keys::{self, GRACE_SECONDS, KeyState, PUBLISH_AHEAD};
use crate::lti::now;
use crate::lti::store::{self, Store, StoredRegistration};
use std::path::PathBuf;

/// Arguments of `lti`.
#[derive(Debug, clap::Args)]
pub struct LtiArgs {
    /// The `lti.toml` that `lessonpack serve` runs with (its `database` is the one changed);
    /// without it, `lti.sqlite` in the working directory, as `serve` uses.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: LtiCommand,
}

/// The `lti` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum LtiCommand {
    /// List the platform registrations: id, status (active or pending), issuer, client id,
    /// deployments.
    Registrations,
    /// Approve a registration (made pending by Dynamic Registration, or suspended):
    /// launches from it work at once, without restarting `serve`.
    ///
    /// Exit status: 0 approved, 1 no registration has this id, 2 bad usage or config.
    Approve {
        /// The registration id, as `lessonpack lti registrations` lists it.
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Suspend a registration: its logins and launches are refused (`pending_approval`)
    /// until it is approved again.
    ///
    /// A registration listed in `lti.toml` is made active again when `serve` starts; take
    /// it out of `lti.toml` to keep it off.
    ///
    /// Exit status: 0 suspended, 1 no registration has this id, 2 bad usage or config.
    Suspend {
        /// The registration id, as `lessonpack lti registrations` lists it.
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Remove a registration and its deployments, with its queued scores.
    ///
    /// A registration listed in `lti.toml` is added again when `serve` starts; take it out
    /// of `lti.toml` too.
    ///
    /// Exit status: 0 removed, 1 no registration has this id, 2 bad usage or config.
    Remove {
        /// The registration id, as `lessonpack lti registrations` lists it.
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Make a new signing key for the tool: published in the JWKS (`/lti/jwks`) at once,
    /// signing 24 hours later (platforms cache the JWKS); the key it replaces signs until
    /// then and stays published 48 hours more, so tokens it signed still verify.
    ///
    /// A running `serve` follows without a restart.
    RotateKey {
        /// Sign with the new key at once (a leaked key): platforms that cached the JWKS
        /// must fetch it again to verify the tool's next tokens.
        #[arg(long)]
        now: bool,
    },
    /// List the tool's signing keys: kid, state (next, current, retired), signs from,
    /// retired, published until (UTC).
    Keys,
}

/// Runs an `lti` subcommand.
pub fn run(args: LtiArgs) -> anyhow::Result<ExitStatus> {
    let bare = "http://127.0.0.1:8000";
    let Some(config) = super::serve::load_config(args.config.as_deref(), bare)? else {
        return Ok(ExitStatus::Error);
    };
    if let Database::Sqlite(path) = &config.database {
        anyhow::ensure!(
            path.is_file(),
            "there is no database `{}`; pass the `--config` that `lessonpack serve` runs with, or start `serve` once to make it",
            path.display()
        );
    }
    let store = store::open(&config)?;
    let store = store.as_ref();
    match args.command {
        LtiCommand::Registrations => {
            print!("{}", registrations(store)?);
            Ok(ExitStatus::Success)
        }
        LtiCommand::Approve { id } => change(store, &config, id, Change::Approve),
        LtiCommand::Suspend { id } => change(store, &config, id, Change::Suspend),
        LtiCommand::Remove { id } => change(store, &config, id, Change::Remove),
        LtiCommand::RotateKey { now } => {
            print!("{}", rotate(store, now)?);
            Ok(ExitStatus::Success)
        }
        LtiCommand::Keys => {
            print!("{}", key_table(store)?);
            Ok(ExitStatus::Success)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Approve,
    Suspend,
    Remove,
}

fn change(store: &dyn Store, config: &Config, id: i64, what: Change) -> anyhow::Result<ExitStatus> {
    let Some(found) = store.registration(id)? else {
        eprintln!(
            "error: there is no registration `{id}`; `lessonpack lti registrations` lists them"
        );
        return Ok(ExitStatus::Failure);
    };
    let done = match what {
        Change::Approve => store.set_active(id, true)?,
        Change::Suspend => store.set_active(id, false)?,
        Change::Remove => store.delete_registration(id)?,
    };
    anyhow::ensure!(done, "registration `{id}` went away meanwhile");
    let name = describe(&found.registration);
    match what {
        Change::Approve => println!("approved registration {id} ({name}): its launches work now"),
        Change::Suspend => println!(
            "suspended registration {id} ({name}): its launches are refused until `lessonpack lti approve {id}`"
        ),
        Change::Remove => println!("removed registration {id} ({name}) and its deployments"),
    }
    let listed = config.registrations.iter().any(|r| {
        r.issuer == found.registration.issuer && r.client_id == found.registration.client_id
    });
    if listed && what != Change::Approve {
        eprintln!(
            "note: `lti.toml` lists this registration; `lessonpack serve` makes it active again when it starts, unless it is taken out of `lti.toml`"
        );
    }
    Ok(ExitStatus::Success)
}

fn describe(r: &Registration) -> String {
    format!("`{}`, client `{}`", r.issuer, r.client_id)
}

/// The registrations as a table (or a line saying there are none).
fn registrations(store: &dyn Store) -> anyhow::Result<String> {
    let all = store.all_registrations()?;
    if all.is_empty() {
        return Ok("no registrations: `serve` adds those of `lti.toml` when it starts, and platforms add theirs through `<base-url>/lti/register`\n".into());
    }
    let rows = all
        .iter()
        .map(
            |StoredRegistration {
                 id,
                 registration: r,
                 active,
             }| {
                vec![
                    id.to_string(),
                    if *active { "active" } else { "pending" }.to_string(),
                    r.issuer.clone(),
                    r.client_id.clone(),
                    r.deployments.join(", "),
                ]
            },
        )
        .collect::<Vec<_>>();
    Ok(table(
        &["id", "status", "issuer", "client id", "deployments"],
        &rows,
    ))
}

/// Rotates the tool key, staged or at once, and says what signs when.
fn rotate(store: &dyn Store, at_once: bool) -> anyhow::Result<String> {
    let now = now();
    let signing: Vec<String> = {
        let keys = store.keys()?;
        let states = keys::states(&keys, now);
        keys.into_iter()
            .zip(states)
            .filter(|(_, s)| *s == KeyState::Current)
            .map(|(k, _)| k.kid)
            .collect()
    };
    let mut out = String::new();
    let replaced_until = if at_once {
        let kid = keys::rotate(store, now)?;
        out.push_str(&format!(
            "new signing key `{kid}`: tokens are signed with it from now on\n"
        ));
        now
    } else {
        let (kid, starts) = keys::stage(store, now)?;
        out.push_str(&format!(
            "new signing key `{kid}`: published in the JWKS now, signing from {} ({} h from \
             now, once platforms have fetched it)\n",
            utc(starts),
            PUBLISH_AHEAD / 3600
        ));
        starts
    };
    if signing.is_empty() {
        out.push_str("the tool had no key before\n");
    }
    for old in signing {
        out.push_str(&format!(
            "the previous key `{old}` signs until {} and stays published in the JWKS for the \
             {} h grace period, until {}\n",
            utc(replaced_until),
            GRACE_SECONDS / 3600,
            utc(replaced_until + GRACE_SECONDS)
        ));
    }
    Ok(out)
}

/// The tool keys as a table.
fn key_table(store: &dyn Store) -> anyhow::Result<String> {
    let keys = store.keys()?;
    if keys.is_empty() {
        return Ok("no keys: `lessonpack serve` makes the first one when it starts\n".into());
    }
    let now = now();
    let rows = keys
        .iter()
        .zip(keys::states(&keys, now))
        .map(|(k, state)| {
            let (name, retired, until) = match state {
                KeyState::Next => ("next", "-".to_string(), "-".to_string()),
                KeyState::Current => ("current", "-".to_string(), "-".to_string()),
                KeyState::Retired(at) if at + GRACE_SECONDS < now => (
                    "retired",
                    utc(at),
                    format!("{}(over)", utc(at + GRACE_SECONDS)),
                ),
                KeyState::Retired(at) => ("retired", utc(at), utc(at + GRACE_SECONDS)),
            };
            vec![k.kid.clone(), name.into(), utc(k.created), retired, until]
        })
        .collect::<Vec<_>>();
    Ok(table(
        &["kid", "state", "signs from", "retired", "published until"],
        &rows,
    ))
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc(secs: i64) -> String {
    let millis = u128::try_from(secs.max(0)).unwrap_or(0) * 1000;
    crate::preview::cmi5::mint::timestamp(millis).replace(".000Z", "Z")
}

/// Left-aligned columns, two spaces apart, with a header line.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let text = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        format!("{}\n", text.trim_end())
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}
