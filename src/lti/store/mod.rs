//! What the tool keeps: registrations and their deployments, the tool's keys, login states
//! (single use, minutes), used nonces (until the token they came in has expired) and the
//! completion scores owed to platforms (an outbox: queued, retried, delivered).
//!
//! [`Store`] is the interface; [`SqliteStore`] the embedded default (one file, bundled
//! SQLite), `PgStore` (feature `postgres`) a PostgreSQL database several server instances
//! share. Every implementation keeps the same tables (see [`sqlite::SCHEMA`]) and passes
//! the same behaviour tests (`conformance`).

#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;

#[cfg(test)]
pub(crate) mod conformance;
#[cfg(all(test, feature = "postgres"))]
#[path = "../../../tests/testsuite/system.rs"]
pub(crate) mod test_system;

#[cfg(feature = "postgres")]
pub use self::postgres::PgStore;
pub use sqlite::SqliteStore;

use super::config::{Config, Database, Registration};

/// What a build without PostgreSQL support says about a `postgres://` database.
#[cfg(not(feature = "postgres"))]
const NO_POSTGRES: &str = "this lessonpack was built without the `postgres` feature (PostgreSQL \
                           support): rebuild it with `cargo build --features postgres`";

/// Opens the store the configuration names (`database`), creating its tables when missing.
pub fn open(config: &Config) -> anyhow::Result<Box<dyn Store>> {
    match &config.database {
        Database::Sqlite(path) => Ok(Box::new(SqliteStore::open(path)?)),
        #[cfg(feature = "postgres")]
        Database::Postgres(url) => Ok(Box::new(PgStore::open(url)?)),
        #[cfg(not(feature = "postgres"))]
        Database::Postgres(_) => anyhow::bail!("`database`: {NO_POSTGRES}"),
    }
}

/// Checks a `postgres://` database URL: `Err` says what is wrong with it (never repeating a
/// password), or that this build has no PostgreSQL support (feature `postgres`).
pub fn check_postgres_url(url: &str) -> Result<(), String> {
    #[cfg(feature = "postgres")]
    return self::postgres::parse_url(url).map(drop);
    #[cfg(not(feature = "postgres"))]
    {
        let _ = url;
        Err(NO_POSTGRES.into())
    }
}

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

    /// Every registration, active or pending, in row order.
    fn all_registrations(&self) -> anyhow::Result<Vec<StoredRegistration>>;
    /// Approves (`true`) or suspends (`false`) registration `id`; `false` when there is none.
    fn set_active(&self, id: i64, active: bool) -> anyhow::Result<bool>;
    /// Deletes registration `id` and its deployments; `false` when there is none.
    fn delete_registration(&self, id: i64) -> anyhow::Result<bool>;

    /// Queues the completion score of `sub` on `lineitem` for delivery, stamped
    /// `max(now_ms, last stamp + 1)` so stamps strictly increase per (registration, line
    /// item, learner) even across server instances. `None` when that score was already
    /// delivered (a completion is sent once).
    fn queue_score(
        &self,
        registration_id: i64,
        lineitem: &str,
        sub: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<ScoreJob>>;
    /// The pending scores whose next try is due at `now` (seconds).
    fn due_scores(&self, now: i64) -> anyhow::Result<Vec<ScoreJob>>;
    /// Records how a delivery attempt of `job` ended (its state, attempts, next try, error).
    fn update_score(&self, job: &ScoreJob) -> anyhow::Result<()>;
    /// The score of `sub` on `lineitem`, if one was ever queued.
    fn score(
        &self,
        registration_id: i64,
        lineitem: &str,
        sub: &str,
    ) -> anyhow::Result<Option<ScoreJob>>;
}

/// Where a score stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreState {
    /// Waiting for (another) delivery attempt.
    Pending,
    /// The platform accepted it.
    Delivered,
    /// The platform refused it for good (or every retry was spent).
    Failed,
}

impl ScoreState {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreState::Pending => "pending",
            ScoreState::Delivered => "delivered",
            ScoreState::Failed => "failed",
        }
    }

    /// The state a column value names.
    pub fn parse(text: &str) -> Option<ScoreState> {
        [
            ScoreState::Pending,
            ScoreState::Delivered,
            ScoreState::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// A completion score owed to a platform: one row per (registration, line item, learner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreJob {
    /// The registration whose token endpoint authorises the post.
    pub registration_id: i64,
    /// The AGS line item URL.
    pub lineitem: String,
    /// The learner (`userId`).
    pub sub: String,
    /// The score's `timestamp`, milliseconds since the epoch.
    pub timestamp_ms: i64,
    /// Delivery attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due, seconds since the epoch.
    pub next_try: i64,
    /// Pending, delivered or failed.
    pub state: ScoreState,
    /// What the last failed attempt said.
    pub last_error: Option<String>,
}
