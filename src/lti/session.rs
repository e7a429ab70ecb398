//! The tool's own session after a launch: a short-lived JWT signed with the tool key,
//! handed to the lesson page in the URL fragment (never sent to a server, never in a
//! `Referer`) so no third-party cookie is needed. The page's LTI adapter will send it back
//! as a header when it reports completion.

use super::keys;
use super::store::Store;
use jsonwebtoken::{Algorithm, Header};
use serde::{Deserialize, Serialize};

/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 4 * 3600;

/// What a session token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The tool's base URL (issuer and audience).
    pub iss: String,
    /// Same as `iss`.
    pub aud: String,
    /// The learner (`sub` of the launch).
    pub sub: String,
    /// The registration's row id.
    pub reg: i64,
    /// The deployment.
    pub dep: String,
    /// The lesson.
    pub lesson: String,
    /// `resource_link.id`.
    pub rl: String,
    /// The AGS line item, when scores are taken.
    pub lineitem: Option<String>,
    /// Issued at.
    pub iat: i64,
    /// Expiry.
    pub exp: i64,
}

/// Signs `session` with the tool's current key.
pub fn mint(store: &dyn Store, session: &Session) -> anyhow::Result<String> {
    let key = keys::current(store)?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid);
    Ok(jsonwebtoken::encode(&header, session, &key.key)?)
}
