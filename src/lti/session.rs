//! The tool's own session after a launch: a short-lived JWT signed with the tool key,
//! handed to the lesson page in the URL fragment (never sent to a server, never in a
//! `Referer`) so no third-party cookie is needed. The page's LTI adapter (`lti.js`) sends it
//! back as a bearer token when it reports completion; [`verify`] checks it with the tool's
//! published keys (so a rotation does not cut off pages already open).

use super::keys;
use super::store::Store;
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
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
    /// What the launch offered for grades (AGS), when anything.
    pub grades: Option<super::launch::Grades>,
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

/// The session a page's bearer token carries, when the tool signed it, for `base_url`, and
/// it has not expired at `now`.
pub fn verify(store: &dyn Store, base_url: &str, token: &str, now: i64) -> Result<Session, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("not a session: {e}"))?;
    if header.alg != Algorithm::RS256 {
        return Err("not a session: wrong algorithm".into());
    }
    let kid = header.kid.ok_or("not a session: no `kid`")?;
    let published = keys::jwks(store, now).map_err(|e| format!("{e:#}"))?;
    let set: jsonwebtoken::jwk::JwkSet =
        serde_json::from_value(published).map_err(|e| e.to_string())?;
    let jwk = set
        .find(&kid)
        .ok_or("the session was signed by a key the tool no longer publishes")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[base_url]);
    validation.set_audience(&[base_url]);
    validation.leeway = 0;
    let session = jsonwebtoken::decode::<Session>(token, &key, &validation)
        .map_err(|e| format!("the session is not valid: {e}"))?
        .claims;
    if session.exp <= now {
        return Err("the session expired; open the lesson from the course again".into());
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::{now, testkit};

    fn session(now: i64) -> Session {
        Session {
            iss: "http://127.0.0.1:8000".into(),
            aud: "http://127.0.0.1:8000".into(),
            sub: "user-1".into(),
            reg: 1,
            dep: "deploy-1".into(),
            lesson: "first-lesson".into(),
            rl: "rl-1".into(),
            grades: None,
            iat: now,
            exp: now + SESSION_SECONDS,
        }
    }

    #[test]
    fn sessions_verify_across_a_key_rotation_and_not_otherwise() {
        let tool = testkit::tool(None);
        let store = tool.store.as_ref();
        let now = now();
        keys::ensure(store, now).unwrap();
        let token = mint(store, &session(now)).unwrap();
        let base = "http://127.0.0.1:8000";
        assert_eq!(verify(store, base, &token, now).unwrap(), session(now));
        keys::rotate(store, now).unwrap();
        assert!(
            verify(store, base, &token, now).is_ok(),
            "old key still published"
        );
        assert!(verify(store, "http://other", &token, now).is_err());
        assert!(verify(store, base, &token, now + SESSION_SECONDS).is_err());
        let mut forged = token.clone();
        forged.pop();
        assert!(verify(store, base, &forged, now).is_err());
        let other = testkit::tool(None);
        keys::ensure(other.store.as_ref(), now).unwrap();
        let foreign = mint(other.store.as_ref(), &session(now)).unwrap();
        assert!(verify(store, base, &foreign, now).is_err());
    }
}
