//! OIDC login initiation (`GET` or `POST /lti/login`, reference §1.2): find the
//! registration, check that `target_link_uri` is ours, make `state` and `nonce` (256 random
//! bits each, from the OS), remember them, set the state cookie and send the browser to
//! the platform's authentication endpoint (§1.3).
//!
//! The state cookie is `lp_state_<state>=<state>; HttpOnly; Path=/lti; Max-Age=600`, plus
//! `SameSite=None; Secure` when the tool runs on https (the launch is a cross-site POST).
//! On plain http (allowed only on loopback, for tests) it goes without `Secure`, which
//! browsers would refuse over http, and without `SameSite=None`, which needs `Secure`: two
//! ports of 127.0.0.1 are the same site, so the default (`Lax`) still sends it on the
//! platform's form POST.

use super::store::LoginState;
use super::url::{self, Url};
use super::{Tool, now, random_token};
use std::collections::HashMap;

/// How long a login state waits for its launch.
pub const STATE_SECONDS: i64 = 600;

/// Where to send the browser, and the cookie to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The platform's authentication request URL with its query.
    pub location: String,
    /// The `Set-Cookie` value binding the state to this browser.
    pub cookie: String,
}

/// Why a login initiation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// A required parameter is absent.
    Missing(&'static str),
    /// No registration has this issuer (and client id).
    UnknownIssuer(String),
    /// Several registrations share the issuer and no `client_id` says which.
    Ambiguous(String),
    /// The registration (issuer, row id) waits for an admin's approval.
    Pending(String, i64),
    /// `target_link_uri` points somewhere else than this tool.
    ForeignTarget(String),
    /// The store failed.
    Internal(String),
}

impl LoginError {
    /// A sentence for the error page.
    pub fn message(&self) -> String {
        match self {
            LoginError::Missing(name) => format!("the login request has no `{name}`"),
            LoginError::UnknownIssuer(iss) => {
                format!("the platform `{iss}` is not registered with this tool")
            }
            LoginError::Ambiguous(iss) => {
                format!("the platform `{iss}` has several registrations and sent no `client_id`")
            }
            LoginError::Pending(iss, id) => format!(
                "the registration of `{iss}` is pending approval: this tool's administrator has not approved it yet (`lessonpack lti approve {id}`)"
            ),
            LoginError::ForeignTarget(uri) => {
                format!("`target_link_uri` `{uri}` is not on this tool's host")
            }
            LoginError::Internal(e) => format!("the tool could not store the login: {e}"),
        }
    }

    /// A short stable code (tests, logs).
    pub fn code(&self) -> &'static str {
        match self {
            LoginError::Missing(_) => "missing_parameter",
            LoginError::UnknownIssuer(_) => "unknown_issuer",
            LoginError::Ambiguous(_) => "ambiguous_client",
            LoginError::Pending(..) => "pending_approval",
            LoginError::ForeignTarget(_) => "foreign_target",
            LoginError::Internal(_) => "internal",
        }
    }

    /// The HTTP status of the error page.
    pub fn status(&self) -> u16 {
        match self {
            LoginError::Internal(_) => 500,
            LoginError::Pending(..) => 403,
            _ => 400,
        }
    }
}

/// The name of the cookie that carries `state`.
pub fn cookie_name(state: &str) -> String {
    format!("lp_state_{state}")
}

/// Answers a login initiation with the given parameters (query or form, alike).
pub fn initiate(tool: &Tool, params: &HashMap<String, String>) -> Result<Redirect, LoginError> {
    let get = |name: &'static str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or(LoginError::Missing(name))
    };
    let iss = get("iss")?;
    let login_hint = get("login_hint")?;
    let target = get("target_link_uri")?;
    let client_id = params.get("client_id").filter(|c| !c.is_empty());

    let internal = |e: anyhow::Error| LoginError::Internal(format!("{e:#}"));
    let mut candidates = tool.store.registrations_for(iss).map_err(internal)?;
    if let Some(client_id) = client_id {
        candidates.retain(|r| &r.registration.client_id == client_id);
    }
    let registration = match candidates.len() {
        0 => return Err(LoginError::UnknownIssuer(iss.to_string())),
        1 => candidates.remove(0),
        _ => return Err(LoginError::Ambiguous(iss.to_string())),
    };
    if !registration.active {
        return Err(LoginError::Pending(iss.to_string(), registration.id));
    }
    let ours = Url::parse(&tool.config.base_url).map(|u| u.origin());
    if Url::parse(target).map(|u| u.origin()) != ours || ours.is_none() {
        return Err(LoginError::ForeignTarget(target.to_string()));
    }

    let state = random_token(32).map_err(internal)?;
    let nonce = random_token(32).map_err(internal)?;
    tool.store
        .put_state(&LoginState {
            state: state.clone(),
            nonce: nonce.clone(),
            registration_id: registration.id,
            target_link_uri: target.to_string(),
            expires: now() + STATE_SECONDS,
        })
        .map_err(internal)?;

    let reg = &registration.registration;
    let redirect_uri = tool.launch_url();
    let mut query = vec![
        ("scope", "openid"),
        ("response_type", "id_token"),
        ("response_mode", "form_post"),
        ("prompt", "none"),
        ("client_id", reg.client_id.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("login_hint", login_hint),
        ("state", state.as_str()),
        ("nonce", nonce.as_str()),
    ];
    if let Some(hint) = params.get("lti_message_hint") {
        query.push(("lti_message_hint", hint.as_str()));
    }
    Ok(Redirect {
        location: url::with_query(&reg.auth_login_url, &query),
        cookie: format!(
            "{}={state}; HttpOnly; Path=/lti; Max-Age={STATE_SECONDS}{}",
            cookie_name(&state),
            cross_site(tool)
        ),
    })
}

/// The `Set-Cookie` value that deletes the state cookie of `state` (sent with the launch's
/// answer: the state is used up either way); `None` for a value no cookie of ours can have.
pub fn clear_cookie(tool: &Tool, state: &str) -> Option<String> {
    let ours = !state.is_empty()
        && state
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ours.then(|| {
        format!(
            "{}=; HttpOnly; Path=/lti; Max-Age=0{}",
            cookie_name(state),
            cross_site(tool)
        )
    })
}

/// The cookie attributes for a platform's cross-site form POST (none on plain-http loopback,
/// where browsers drop `Secure` cookies).
fn cross_site(tool: &Tool) -> &'static str {
    if tool.config.is_insecure_loopback() {
        ""
    } else {
        "; SameSite=None; Secure"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::testkit;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const GOOD: [(&str, &str); 4] = [
        ("iss", "http://127.0.0.1:9001"),
        ("login_hint", "user-1"),
        ("target_link_uri", "http://127.0.0.1:8000/lti/launch"),
        ("lti_message_hint", "42"),
    ];

    #[test]
    fn the_state_cookie_is_cleared_only_for_values_we_could_have_set() {
        let tool = testkit::tool(None);
        assert_eq!(
            clear_cookie(&tool, "aB-_9").as_deref(),
            Some("lp_state_aB-_9=; HttpOnly; Path=/lti; Max-Age=0")
        );
        assert_eq!(clear_cookie(&tool, ""), None);
        assert_eq!(clear_cookie(&tool, "x; Domain=evil"), None);
    }

    #[test]
    fn redirects_to_the_platform_with_state_and_nonce() {
        let tool = testkit::tool(None);
        let redirect = initiate(&tool, &params(&GOOD)).unwrap();
        assert!(
            redirect
                .location
                .starts_with("http://127.0.0.1:9001/auth?scope=openid")
        );
        for part in [
            "response_type=id_token",
            "response_mode=form_post",
            "prompt=none",
            "client_id=test-client-1",
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Flti%2Flaunch",
            "login_hint=user-1",
            "lti_message_hint=42",
        ] {
            assert!(redirect.location.contains(part), "{part}");
        }
        assert!(redirect.cookie.starts_with("lp_state_"));
        assert!(
            !redirect.cookie.contains("Secure"),
            "plain http on loopback"
        );
    }

    #[test]
    fn refuses_unknown_issuers_and_foreign_targets() {
        let tool = testkit::tool(None);
        let mut p = params(&GOOD);
        p.insert("iss".into(), "http://127.0.0.1:9999".into());
        assert!(matches!(
            initiate(&tool, &p),
            Err(LoginError::UnknownIssuer(_))
        ));
        let mut p = params(&GOOD);
        p.insert(
            "target_link_uri".into(),
            "http://evil.example/lti/launch".into(),
        );
        assert!(matches!(
            initiate(&tool, &p),
            Err(LoginError::ForeignTarget(_))
        ));
        let mut p = params(&GOOD);
        p.remove("login_hint");
        assert_eq!(initiate(&tool, &p), Err(LoginError::Missing("login_hint")));
    }

    #[test]
    fn refuses_a_pending_registration_until_it_is_approved() {
        let tool = testkit::tool(None);
        let mut pending = testkit::registration();
        pending.client_id = "dyn-client-1".into();
        let id = tool.store.put_registration(&pending, false).unwrap();
        let mut p = params(&GOOD);
        p.insert("client_id".into(), "dyn-client-1".into());
        let refused = initiate(&tool, &p).unwrap_err();
        assert_eq!(
            (refused.code(), refused.status()),
            ("pending_approval", 403)
        );
        assert!(refused.message().contains("is pending approval"));
        assert!(
            refused
                .message()
                .contains(&format!("lessonpack lti approve {id}"))
        );
        tool.store.set_active(id, true).unwrap();
        assert!(initiate(&tool, &p).is_ok());
    }
}
