//! The PostgreSQL store's connections: the URL checked (no TLS: `sslmode=disable` only), and
//! a small pool, opened lazily, at most [`MAX_CONNECTIONS`] per store. A caller waits while
//! all are busy; a connection that broke is dropped, not pooled. The `postgres` client blocks
//! on a runtime of its own, which panics on an async worker thread: so does closing it, and
//! the pool's `Drop` closes idle connections on a plain thread.

use anyhow::Context as _;
use postgres::{Client, NoTls};
use std::sync::{Condvar, Mutex, MutexGuard};

/// At most this many connections per store (per server instance).
const MAX_CONNECTIONS: usize = 8;

/// Checks a `postgres://` / `postgresql://` URL: `Err` says what is wrong with it (without
/// repeating a password).
pub(in crate::lti::store) fn parse_url(url: &str) -> Result<postgres::Config, String> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err("a PostgreSQL URL starts with `postgres://` or `postgresql://`".into());
    }
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let sslmode = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("sslmode="));
    if sslmode.is_some_and(|mode| mode != "disable") {
        return Err(
            "TLS connections are not supported (only `sslmode=disable`): the \
                    connection is not encrypted, so keep the database on a private network \
                    or reach it through a tunnel"
                .into(),
        );
    }
    let config: postgres::Config = url
        .parse()
        .map_err(|e| format!("not a PostgreSQL connection URL: {e}"))?;
    if config.get_hosts().is_empty() {
        return Err("the URL names no host (`postgres://user@host:port/database`)".into());
    }
    if config.get_user().is_none() {
        return Err("the URL names no user (`postgres://user@host:port/database`)".into());
    }
    Ok(config)
}

/// The connections of one store.
pub(super) struct Pool {
    config: postgres::Config,
    state: Mutex<Connections>,
    freed: Condvar,
}

#[derive(Default)]
struct Connections {
    idle: Vec<Client>,
    open: usize,
}

impl Pool {
    /// A pool for the database `url` names (checked with [`parse_url`]); connects lazily.
    pub(super) fn new(url: &str) -> anyhow::Result<Pool> {
        let mut config = parse_url(url).map_err(|e| anyhow::anyhow!("`database`: {e}"))?;
        config.ssl_mode(postgres::config::SslMode::Disable);
        Ok(Pool {
            config,
            state: Mutex::new(Connections::default()),
            freed: Condvar::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, Connections> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on a pooled connection (opening one when none is idle and the pool has
    /// room, waiting otherwise); a connection that broke is not returned to the pool.
    pub(super) fn with<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> anyhow::Result<T> {
        let mut state = self.state();
        let idle = loop {
            if let Some(client) = state.idle.pop() {
                break Some(client);
            }
            if state.open < MAX_CONNECTIONS {
                state.open += 1;
                break None;
            }
            state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
        };
        drop(state);
        let mut client = match idle.filter(|c| !c.is_closed()) {
            Some(client) => client,
            None => match self.config.connect(NoTls) {
                Ok(client) => client,
                Err(e) => {
                    self.release(None);
                    return Err(e).context("cannot connect to the PostgreSQL database");
                }
            },
        };
        let result = f(&mut client);
        self.release(Some(client).filter(|c| !c.is_closed()));
        Ok(result?)
    }

    fn release(&self, client: Option<Client>) {
        let mut state = self.state();
        match client {
            Some(client) => state.idle.push(client),
            None => state.open -= 1,
        }
        self.freed.notify_one();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let idle = std::mem::take(&mut self.state().idle);
        if !idle.is_empty() {
            // Closing blocks on the client's own runtime: never on an async worker thread.
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}
