//! What the tool keeps: registrations and their deployments, the tool's keys, login states
//! (single use, minutes) and used nonces (until the token they came in has expired).
//!
//! [`Store`] is the interface; [`SqliteStore`] the embedded default (one file, bundled
//! SQLite). A PostgreSQL store would implement the same trait over the same tables.

use super::config::Registration;
use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension as _, params};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A registration as stored, with its row id and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRegistration {
    /// Row id (what login states refer to).
    pub id: i64,
    /// Issuer, client id, endpoints, deployments.
    pub registration: Registration,
    /// `false` while a dynamic registration waits for an admin's approval.
    pub active: bool,
}

/// What login initiation remembers for the launch that follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    /// The `state` value (also in the browser's cookie).
    pub state: String,
    /// The `nonce` the `id_token` must carry.
    pub nonce: String,
    /// The registration the login was for.
    pub registration_id: i64,
    /// The `target_link_uri` of the login request.
    pub target_link_uri: String,
    /// Expiry, seconds since the epoch.
    pub expires: i64,
}

/// One of the tool's signing keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// The key id (RFC 7638 thumbprint).
    pub kid: String,
    /// The private key, PKCS #1 DER.
    pub der: Vec<u8>,
    /// When it was made, seconds since the epoch.
    pub created: i64,
    /// When it stopped signing (rotation), if it did.
    pub retired: Option<i64>,
}

/// Storage for the tool's state.
pub trait Store: Send + Sync {
    /// Adds or replaces the registration `(issuer, client_id)` and its deployments.
    fn put_registration(&self, registration: &Registration, active: bool) -> anyhow::Result<i64>;
    /// The registrations of `issuer`.
    fn registrations_for(&self, issuer: &str) -> anyhow::Result<Vec<StoredRegistration>>;
    /// The registration with row id `id`.
    fn registration(&self, id: i64) -> anyhow::Result<Option<StoredRegistration>>;
    /// Stores a new tool key.
    fn put_key(&self, key: &StoredKey) -> anyhow::Result<()>;
    /// Every tool key, newest first.
    fn keys(&self) -> anyhow::Result<Vec<StoredKey>>;
    /// Marks a key retired at `at`.
    fn retire_key(&self, kid: &str, at: i64) -> anyhow::Result<()>;
    /// Deletes a key.
    fn delete_key(&self, kid: &str) -> anyhow::Result<()>;
    /// Remembers a login state.
    fn put_state(&self, state: &LoginState) -> anyhow::Result<()>;
    /// Removes and returns a login state (single use), expired or not.
    fn take_state(&self, state: &str) -> anyhow::Result<Option<LoginState>>;
    /// Records a nonce as used until `expires`; `false` when it was already used.
    fn use_nonce(&self, registration_id: i64, nonce: &str, expires: i64) -> anyhow::Result<bool>;
    /// Drops login states and nonces that expired before `now`.
    fn purge(&self, now: i64) -> anyhow::Result<()>;
}

/// The SQLite store.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS registrations (
  id INTEGER PRIMARY KEY,
  issuer TEXT NOT NULL, client_id TEXT NOT NULL,
  auth_login_url TEXT NOT NULL, token_url TEXT NOT NULL, jwks_url TEXT NOT NULL,
  active INTEGER NOT NULL,
  UNIQUE (issuer, client_id));
CREATE TABLE IF NOT EXISTS deployments (
  registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL,
  PRIMARY KEY (registration_id, deployment_id));
CREATE TABLE IF NOT EXISTS tool_keys (
  kid TEXT PRIMARY KEY, der BLOB NOT NULL, created INTEGER NOT NULL, retired INTEGER);
CREATE TABLE IF NOT EXISTS oidc_states (
  state TEXT PRIMARY KEY, nonce TEXT NOT NULL, registration_id INTEGER NOT NULL,
  target_link_uri TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS used_nonces (
  registration_id INTEGER NOT NULL, nonce TEXT NOT NULL, expires INTEGER NOT NULL,
  PRIMARY KEY (registration_id, nonce));
";

impl SqliteStore {
    /// Opens (creating when missing) the database file at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the database `{}`", path.display()))?;
        Self::init(conn)
    }

    /// A database in memory (tests).
    pub fn in_memory() -> anyhow::Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> anyhow::Result<Self> {
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;")?;
        conn.execute_batch(SCHEMA)
            .context("cannot create the tool's tables")?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn load(conn: &Connection, id: i64) -> anyhow::Result<Option<StoredRegistration>> {
        let row = conn
            .query_row(
                "SELECT issuer, client_id, auth_login_url, token_url, jwks_url, active
                 FROM registrations WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        Registration {
                            issuer: r.get(0)?,
                            client_id: r.get(1)?,
                            auth_login_url: r.get(2)?,
                            token_url: r.get(3)?,
                            jwks_url: r.get(4)?,
                            deployments: Vec::new(),
                        },
                        r.get::<_, bool>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((mut registration, active)) = row else {
            return Ok(None);
        };
        let mut stmt = conn.prepare(
            "SELECT deployment_id FROM deployments WHERE registration_id = ?1 ORDER BY 1",
        )?;
        registration.deployments = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Some(StoredRegistration {
            id,
            registration,
            active,
        }))
    }
}

impl Store for SqliteStore {
    fn put_registration(&self, r: &Registration, active: bool) -> anyhow::Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO registrations
               (issuer, client_id, auth_login_url, token_url, jwks_url, active)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (issuer, client_id) DO UPDATE SET
               auth_login_url = excluded.auth_login_url, token_url = excluded.token_url,
               jwks_url = excluded.jwks_url, active = excluded.active",
            params![
                r.issuer,
                r.client_id,
                r.auth_login_url,
                r.token_url,
                r.jwks_url,
                active
            ],
        )?;
        let id: i64 = tx.query_row(
            "SELECT id FROM registrations WHERE issuer = ?1 AND client_id = ?2",
            params![r.issuer, r.client_id],
            |row| row.get(0),
        )?;
        tx.execute("DELETE FROM deployments WHERE registration_id = ?1", [id])?;
        for d in &r.deployments {
            tx.execute(
                "INSERT OR IGNORE INTO deployments (registration_id, deployment_id) VALUES (?1, ?2)",
                params![id, d],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    fn registrations_for(&self, issuer: &str) -> anyhow::Result<Vec<StoredRegistration>> {
        let conn = self.conn();
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM registrations WHERE issuer = ?1 ORDER BY id")?
            .query_map([issuer], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for id in ids {
            out.extend(Self::load(&conn, id)?);
        }
        Ok(out)
    }

    fn registration(&self, id: i64) -> anyhow::Result<Option<StoredRegistration>> {
        Self::load(&self.conn(), id)
    }

    fn put_key(&self, key: &StoredKey) -> anyhow::Result<()> {
        self.conn().execute(
            "INSERT INTO tool_keys (kid, der, created, retired) VALUES (?1, ?2, ?3, ?4)",
            params![key.kid, key.der, key.created, key.retired],
        )?;
        Ok(())
    }

    fn keys(&self) -> anyhow::Result<Vec<StoredKey>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT kid, der, created, retired FROM tool_keys ORDER BY created DESC, rowid DESC",
        )?;
        let keys = stmt
            .query_map([], |r| {
                Ok(StoredKey {
                    kid: r.get(0)?,
                    der: r.get(1)?,
                    created: r.get(2)?,
                    retired: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(keys)
    }

    fn retire_key(&self, kid: &str, at: i64) -> anyhow::Result<()> {
        self.conn().execute(
            "UPDATE tool_keys SET retired = ?2 WHERE kid = ?1 AND retired IS NULL",
            params![kid, at],
        )?;
        Ok(())
    }

    fn delete_key(&self, kid: &str) -> anyhow::Result<()> {
        self.conn()
            .execute("DELETE FROM tool_keys WHERE kid = ?1", [kid])?;
        Ok(())
    }

    fn put_state(&self, s: &LoginState) -> anyhow::Result<()> {
        self.conn().execute(
            "INSERT INTO oidc_states (state, nonce, registration_id, target_link_uri, expires)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                s.state,
                s.nonce,
                s.registration_id,
                s.target_link_uri,
                s.expires
            ],
        )?;
        Ok(())
    }

    fn take_state(&self, state: &str) -> anyhow::Result<Option<LoginState>> {
        let conn = self.conn();
        let found = conn
            .query_row(
                "DELETE FROM oidc_states WHERE state = ?1
                 RETURNING state, nonce, registration_id, target_link_uri, expires",
                [state],
                |r| {
                    Ok(LoginState {
                        state: r.get(0)?,
                        nonce: r.get(1)?,
                        registration_id: r.get(2)?,
                        target_link_uri: r.get(3)?,
                        expires: r.get(4)?,
                    })
                },
            )
            .optional()?;
        Ok(found)
    }

    fn use_nonce(&self, registration_id: i64, nonce: &str, expires: i64) -> anyhow::Result<bool> {
        let added = self.conn().execute(
            "INSERT OR IGNORE INTO used_nonces (registration_id, nonce, expires) VALUES (?1, ?2, ?3)",
            params![registration_id, nonce, expires],
        )?;
        Ok(added == 1)
    }

    fn purge(&self, now: i64) -> anyhow::Result<()> {
        let conn = self.conn();
        conn.execute("DELETE FROM oidc_states WHERE expires < ?1", [now])?;
        conn.execute("DELETE FROM used_nonces WHERE expires < ?1", [now])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::testkit;

    #[test]
    fn registrations_round_trip_and_update() {
        let store = SqliteStore::in_memory().unwrap();
        let mut reg = testkit::registration();
        let id = store.put_registration(&reg, true).unwrap();
        reg.deployments.push("deploy-2".into());
        assert_eq!(store.put_registration(&reg, true).unwrap(), id);
        let found = store.registrations_for(&reg.issuer).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].registration, reg);
        assert!(store.registrations_for("https://other").unwrap().is_empty());
    }

    #[test]
    fn states_and_nonces_are_single_use() {
        let store = SqliteStore::in_memory().unwrap();
        let state = LoginState {
            state: "s".into(),
            nonce: "n".into(),
            registration_id: 1,
            target_link_uri: "http://127.0.0.1/lti/launch".into(),
            expires: 100,
        };
        store.put_state(&state).unwrap();
        assert_eq!(store.take_state("s").unwrap(), Some(state));
        assert_eq!(store.take_state("s").unwrap(), None);
        assert!(store.use_nonce(1, "n", 100).unwrap());
        assert!(!store.use_nonce(1, "n", 100).unwrap());
        store.purge(101).unwrap();
        assert!(store.use_nonce(1, "n", 200).unwrap());
    }
}
