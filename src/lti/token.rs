//! OAuth 2 access tokens for the platform's services (LTI Security Framework §4.1): a
//! `client_credentials` grant whose client is authenticated by a JWT assertion signed with
//! the tool's current key (`iss` = `sub` = client id, `aud` = the token URL exactly as
//! registered — Canvas refuses a changed trailing slash — five minutes, a unique `jti`).
//! Tokens are cached per (registration, scopes) until 30 s before they expire, and dropped
//! when a service answers 401 so the next call asks again.

use super::http::{Request, Response};
use super::store::StoredRegistration;
use super::{Tool, keys, random_token};
use jsonwebtoken::{Algorithm, Header};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a client assertion is valid.
pub const ASSERTION_SECONDS: i64 = 300;
/// A cached token is not used in its last seconds.
pub const EXPIRY_MARGIN: i64 = 30;

/// Why no token could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// No answer, or a 5xx/429: worth asking again later.
    Unavailable(String),
    /// The platform refused the grant (a 4xx): the registration or its key needs an admin.
    Refused(String),
}

impl TokenError {
    /// What went wrong, in words.
    pub fn message(&self) -> &str {
        match self {
            TokenError::Unavailable(m) | TokenError::Refused(m) => m,
        }
    }
}

#[derive(Deserialize)]
struct Grant {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// The token cache.
#[derive(Default)]
pub struct Tokens {
    cache: Mutex<HashMap<(i64, String), (String, i64)>>,
}

impl Tokens {
    /// A token for `scopes` of `registration`, from the cache or the token endpoint.
    pub fn get(
        &self,
        tool: &Tool,
        registration: &StoredRegistration,
        scopes: &[&str],
        now: i64,
    ) -> Result<String, TokenError> {
        let key = (registration.id, scopes.join(" "));
        if let Some((token, expires)) = self.lock().get(&key)
            && now < *expires
        {
            return Ok(token.clone());
        }
        let (token, expires) = request(tool, registration, &key.1, now)?;
        self.lock().insert(key, (token.clone(), expires));
        Ok(token)
    }

    /// Drops the cached token for `scopes` of registration `id` (after a 401).
    pub fn forget(&self, id: i64, scopes: &[&str]) {
        self.lock().remove(&(id, scopes.join(" ")));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(i64, String), (String, i64)>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Why an authorized call got no answer to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No token could be had.
    Token(TokenError),
    /// The service did not answer.
    Transport(String),
}

/// Sends `request` with a bearer token for `scopes` of `registration`. A 401 drops the
/// cached token and sends once more with a new one (a platform restart or key change
/// invalidates tokens); the answer is returned whatever its status.
pub fn send_authorized(
    tool: &Tool,
    registration: &StoredRegistration,
    scopes: &[&str],
    request: &Request<'_>,
) -> Result<Response, CallError> {
    for fresh in [false, true] {
        if fresh {
            tool.tokens.forget(registration.id, scopes);
        }
        let token = tool
            .tokens
            .get(tool, registration, scopes, super::now())
            .map_err(CallError::Token)?;
        let authorization = format!("Bearer {token}");
        let answer = tool
            .http
            .send(&Request {
                authorization: Some(&authorization),
                ..*request
            })
            .map_err(CallError::Transport)?;
        if answer.status != 401 || fresh {
            return Ok(answer);
        }
    }
    unreachable!("the second try always returns")
}

/// The signed client assertion for `registration`.
pub fn client_assertion(
    tool: &Tool,
    registration: &StoredRegistration,
    now: i64,
) -> anyhow::Result<String> {
    let reg = &registration.registration;
    let claims = json!({
        "iss": reg.client_id,
        "sub": reg.client_id,
        "aud": reg.token_url,
        "iat": now,
        "exp": now + ASSERTION_SECONDS,
        "jti": random_token(18)?,
    });
    let key = keys::current(tool.store.as_ref())?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid);
    Ok(jsonwebtoken::encode(&header, &claims, &key.key)?)
}

/// Asks the token endpoint; returns the token and when to stop using it.
fn request(
    tool: &Tool,
    registration: &StoredRegistration,
    scope: &str,
    now: i64,
) -> Result<(String, i64), TokenError> {
    let url = &registration.registration.token_url;
    let assertion = client_assertion(tool, registration, now)
        .map_err(|e| TokenError::Unavailable(format!("cannot sign the client assertion: {e:#}")))?;
    let body = crate::preview::query::encode(&[
        ("grant_type", "client_credentials"),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", &assertion),
        ("scope", scope),
    ]);
    let answer = tool
        .http
        .send(&Request {
            method: "POST",
            url,
            authorization: None,
            content_type: Some("application/x-www-form-urlencoded"),
            accept: Some("application/json"),
            body: body.as_bytes(),
        })
        .map_err(|e| TokenError::Unavailable(format!("the token endpoint did not answer: {e}")))?;
    let said = || {
        format!(
            "the token endpoint `{url}` answered {}: {}",
            answer.status,
            short(&answer.body)
        )
    };
    match answer.status {
        200..=299 => {}
        429 | 500..=599 => return Err(TokenError::Unavailable(said())),
        _ => return Err(TokenError::Refused(said())),
    }
    let grant: Grant = serde_json::from_str(&answer.body)
        .map_err(|e| TokenError::Refused(format!("{}; not a token response: {e}", said())))?;
    if grant
        .token_type
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
    {
        return Err(TokenError::Refused(format!(
            "{}; not a bearer token",
            said()
        )));
    }
    let lifetime = grant.expires_in.unwrap_or(3600).max(0);
    Ok((grant.access_token, now + lifetime - EXPIRY_MARGIN))
}

/// The first 300 characters of a platform's answer, for messages.
pub(crate) fn short(body: &str) -> String {
    let text: String = body.chars().take(300).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
