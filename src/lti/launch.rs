//! The launch (`POST /lti/launch`): the `id_token` checked in exactly the order of the
//! reference checklist (`lti-cc-cmi5.md` §1.4), each failure its own [`LaunchError`], and
//! nothing launched unless every step passed. The key comes only from the registration the
//! login state names — never from the token (`jku`, `x5u`, `jwk` headers are ignored).

use super::jwks::KeyError;
use super::{Tool, claim};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::Value;
use std::collections::HashMap;

/// Seconds of clock skew allowed on `exp`, `iat` and `nbf`.
pub const LEEWAY: i64 = 60;

/// The message types the tool answers.
pub const MESSAGE_TYPES: [&str; 2] = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"];

/// A launch that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    /// The registration's row id.
    pub registration_id: i64,
    /// The deployment that launched.
    pub deployment_id: String,
    /// The user (`sub`), absent only in deep-linking requests without one.
    pub sub: Option<String>,
    /// What was asked for.
    pub message: Message,
    /// Every claim, for the page (escape before rendering: a platform may be hostile).
    pub claims: Value,
}

/// The two kinds of launch.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A learner opens a lesson.
    ResourceLink {
        /// `resource_link.id`.
        resource_link_id: String,
        /// `custom.lesson_id`, when the link carries one.
        lesson_id: Option<String>,
        /// The AGS endpoint claim, when the platform takes scores.
        grades: Option<Grades>,
    },
    /// A teacher picks a lesson to link.
    DeepLinking {
        /// Where the signed response goes.
        return_url: String,
        /// `deep_linking_settings.data`, echoed back verbatim.
        data: Option<Value>,
    },
}

/// What the AGS endpoint claim offers (reference §1.6).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grades {
    /// This link's line item, when the platform made one (Deep Linking `lineItem`, or a
    /// graded activity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineitem: Option<String>,
    /// The context's line item container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineitems: Option<String>,
    /// The scopes the platform grants this tool.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Why a launch was refused; the order of the variants is the order of the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaunchError {
    /// 1. The platform sent an error instead of a token.
    PlatformError(String),
    /// 1. A form field is missing.
    MissingField(&'static str),
    /// 2. The browser has no state cookie with this value (tampered or foreign state).
    StateNotBound,
    /// 2. The state is unknown to the server (never issued, or already used).
    UnknownState,
    /// 2. The state expired.
    ExpiredState,
    /// 2. The state's registration was suspended (pending approval) after the login.
    PendingApproval,
    /// 3. The token is not a three-part JWS with a JSON header.
    Malformed(String),
    /// 3. `alg` is not `RS256`.
    Algorithm(String),
    /// 3. No `kid` in the header.
    MissingKid,
    /// 4. No usable key for the `kid`.
    Key(KeyError),
    /// 5. The signature does not verify.
    Signature,
    /// 6. `iss` is not the registration's issuer.
    Issuer(String),
    /// 7. `aud` does not name the client id.
    Audience(String),
    /// 7. `azp` missing with several audiences, or not the client id.
    AuthorizedParty(String),
    /// 8. `exp` has passed.
    Expired,
    /// 8. `iat` is in the future, or `nbf` not reached.
    NotYetValid,
    /// 9. `nonce` is not the one issued with this state.
    NonceMismatch,
    /// 9. `nonce` was used before (a replayed token).
    ReplayedNonce,
    /// 10. The deployment is not registered.
    UnknownDeployment(String),
    /// 11. `version` is not `1.3.0`.
    Version(String),
    /// 11. The message type is missing or not supported.
    MessageType(String),
    /// 12. A claim required for this message type is missing.
    MissingClaim(String),
    /// The tool itself failed (store).
    Internal(String),
}

impl LaunchError {
    /// A short stable code (tests, logs).
    pub fn code(&self) -> &'static str {
        match self {
            LaunchError::PlatformError(_) => "platform_error",
            LaunchError::MissingField(_) => "missing_field",
            LaunchError::StateNotBound => "state_not_bound",
            LaunchError::UnknownState => "unknown_state",
            LaunchError::ExpiredState => "expired_state",
            LaunchError::PendingApproval => "pending_approval",
            LaunchError::Malformed(_) => "malformed_token",
            LaunchError::Algorithm(_) => "bad_alg",
            LaunchError::MissingKid => "missing_kid",
            LaunchError::Key(KeyError::UnknownKid(_)) => "unknown_kid",
            LaunchError::Key(KeyError::Fetch(_)) => "jwks_unavailable",
            LaunchError::Key(KeyError::Unusable(_)) => "unusable_key",
            LaunchError::Signature => "bad_signature",
            LaunchError::Issuer(_) => "wrong_issuer",
            LaunchError::Audience(_) => "wrong_audience",
            LaunchError::AuthorizedParty(_) => "wrong_azp",
            LaunchError::Expired => "expired",
            LaunchError::NotYetValid => "not_yet_valid",
            LaunchError::NonceMismatch => "nonce_mismatch",
            LaunchError::ReplayedNonce => "replayed_nonce",
            LaunchError::UnknownDeployment(_) => "unknown_deployment",
            LaunchError::Version(_) => "wrong_version",
            LaunchError::MessageType(_) => "wrong_message_type",
            LaunchError::MissingClaim(_) => "missing_claim",
            LaunchError::Internal(_) => "internal",
        }
    }

    /// A sentence for the error page saying what failed.
    pub fn message(&self) -> String {
        match self {
            LaunchError::PlatformError(e) => format!("the platform refused the login: {e}"),
            LaunchError::MissingField(f) => format!("the launch form has no `{f}`"),
            LaunchError::StateNotBound => "the `state` does not belong to this browser (no matching state cookie); start the launch again from the course".into(),
            LaunchError::UnknownState => "the `state` is unknown or was already used; start the launch again from the course".into(),
            LaunchError::ExpiredState => "the login took too long (`state` expired); start the launch again".into(),
            LaunchError::PendingApproval => "the platform's registration is pending approval: this tool's administrator has not approved it (`lessonpack lti registrations`)".into(),
            LaunchError::Malformed(e) => format!("the `id_token` is not a signed JWT: {e}"),
            LaunchError::Algorithm(a) => format!("the `id_token` is signed with `{a}`; only `RS256` is accepted"),
            LaunchError::MissingKid => "the `id_token` header has no `kid`".into(),
            LaunchError::Key(KeyError::UnknownKid(k)) => format!("the platform has no key `{k}` in its JWKS"),
            LaunchError::Key(KeyError::Fetch(e)) => format!("the platform's JWKS could not be fetched: {e}"),
            LaunchError::Key(KeyError::Unusable(e)) => format!("the platform's {e}"),
            LaunchError::Signature => "the `id_token` signature does not verify".into(),
            LaunchError::Issuer(i) => format!("the `id_token` issuer `{i}` is not the registered platform"),
            LaunchError::Audience(a) => format!("the `id_token` audience `{a}` is not this tool's client id"),
            LaunchError::AuthorizedParty(a) => format!("the `id_token` `azp` is {a}"),
            LaunchError::Expired => "the `id_token` has expired".into(),
            LaunchError::NotYetValid => "the `id_token` is not valid yet (`iat` or `nbf` in the future)".into(),
            LaunchError::NonceMismatch => "the `id_token` `nonce` is not the one issued at login".into(),
            LaunchError::ReplayedNonce => "the `id_token` was used before (replayed `nonce`)".into(),
            LaunchError::UnknownDeployment(d) => format!("the deployment `{d}` is not registered with this tool"),
            LaunchError::Version(v) => format!("the LTI version `{v}` is not `1.3.0`"),
            LaunchError::MessageType(m) => format!("the message type `{m}` is not supported"),
            LaunchError::MissingClaim(c) => format!("the `id_token` has no `{c}` claim"),
            LaunchError::Internal(e) => format!("the tool failed: {e}"),
        }
    }

    /// The HTTP status of the error page.
    pub fn status(&self) -> u16 {
        match self {
            LaunchError::MissingField(_) | LaunchError::Malformed(_) => 400,
            LaunchError::Key(KeyError::Fetch(_)) => 502,
            LaunchError::PendingApproval => 403,
            LaunchError::Internal(_) => 500,
            _ => 401,
        }
    }
}

/// Checks a launch form (`id_token`, `state`) against the `Cookie` header it came with.
pub fn validate(
    tool: &Tool,
    form: &HashMap<String, String>,
    cookies: Option<&str>,
    now: i64,
) -> Result<Launch, LaunchError> {
    let internal = |e: anyhow::Error| LaunchError::Internal(format!("{e:#}"));
    // 1. The form.
    if let Some(error) = form.get("error") {
        let detail = form.get("error_description").map_or("", String::as_str);
        return Err(LaunchError::PlatformError(
            format!("{error} {detail}").trim().to_string(),
        ));
    }
    let field = |name: &'static str| {
        form.get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or(LaunchError::MissingField(name))
    };
    let token = field("id_token")?;
    let state = field("state")?;

    // 2. State: bound to this browser, known, unexpired; consumed now.
    if cookie(cookies, &super::login::cookie_name(state)) != Some(state) {
        return Err(LaunchError::StateNotBound);
    }
    let login = tool.store.take_state(state).map_err(internal)?;
    let login = login.ok_or(LaunchError::UnknownState)?;
    if login.expires < now {
        return Err(LaunchError::ExpiredState);
    }
    let registration = tool
        .store
        .registration(login.registration_id)
        .map_err(internal)?
        .ok_or(LaunchError::UnknownState)?;
    if !registration.active {
        return Err(LaunchError::PendingApproval);
    }
    let reg = &registration.registration;

    // 3. The header, untrusted: RS256 only, kid required, nothing else used.
    let header = header(token)?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("(none given)");
    if alg != "RS256" {
        return Err(LaunchError::Algorithm(alg.to_string()));
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or(LaunchError::MissingKid)?;

    // 4. The registration's key with that kid.
    let key = tool
        .platform_keys
        .key(&reg.jwks_url, kid)
        .map_err(LaunchError::Key)?;

    // 5. The signature (claims are checked below, in order).
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|_| LaunchError::Signature)?
        .claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);

    // 6. Issuer.
    let iss = text("iss").unwrap_or("");
    if iss != reg.issuer {
        return Err(LaunchError::Issuer(iss.to_string()));
    }

    // 7. Audience and authorised party.
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&reg.client_id.as_str()) {
        return Err(LaunchError::Audience(audiences.join(", ")));
    }
    match text("azp") {
        None if audiences.len() > 1 => {
            return Err(LaunchError::AuthorizedParty(
                "missing with several audiences".into(),
            ));
        }
        Some(azp) if azp != reg.client_id => {
            return Err(LaunchError::AuthorizedParty(format!(
                "`{azp}`, not the client id"
            )));
        }
        _ => {}
    }

    // 8. Times.
    let time = |name: &str| claims.get(name).and_then(Value::as_i64);
    let exp = time("exp").ok_or_else(|| LaunchError::MissingClaim("exp".into()))?;
    let iat = time("iat").ok_or_else(|| LaunchError::MissingClaim("iat".into()))?;
    if exp <= now - LEEWAY {
        return Err(LaunchError::Expired);
    }
    if iat > now + LEEWAY || time("nbf").is_some_and(|nbf| nbf > now + LEEWAY) {
        return Err(LaunchError::NotYetValid);
    }

    // 9. Nonce: the one issued with this state, and never seen before.
    if text("nonce") != Some(login.nonce.as_str()) {
        return Err(LaunchError::NonceMismatch);
    }
    let fresh = tool
        .store
        .use_nonce(registration.id, &login.nonce, exp + LEEWAY)
        .map_err(internal)?;
    if !fresh {
        return Err(LaunchError::ReplayedNonce);
    }

    // 10. Deployment.
    let deployment = text(claim::DEPLOYMENT_ID).unwrap_or("");
    if !reg.deployments.iter().any(|d| d == deployment) {
        return Err(LaunchError::UnknownDeployment(deployment.to_string()));
    }

    // 11. Version and message type.
    let version = text(claim::VERSION).unwrap_or("");
    if version != "1.3.0" {
        return Err(LaunchError::Version(version.to_string()));
    }
    let message_type = text(claim::MESSAGE_TYPE).unwrap_or("");
    if !MESSAGE_TYPES.contains(&message_type) {
        return Err(LaunchError::MessageType(message_type.to_string()));
    }

    // 12. The claims of the message type.
    let message = message(&claims, message_type)?;
    Ok(Launch {
        registration_id: registration.id,
        deployment_id: deployment.to_string(),
        sub: text("sub").filter(|s| !s.is_empty()).map(str::to_string),
        message,
        claims,
    })
}

/// Step 12: `roles` always; `sub`, `target_link_uri` and `resource_link.id` for a
/// resource link; the deep-linking settings for a deep-linking request.
fn message(claims: &Value, message_type: &str) -> Result<Message, LaunchError> {
    let missing = |name: &str| LaunchError::MissingClaim(name.to_string());
    if !claims.get(claim::ROLES).is_some_and(Value::is_array) {
        return Err(missing(claim::ROLES));
    }
    let path = |a: &str, b: &str| claims.get(a).and_then(|v| v.get(b)).and_then(Value::as_str);
    if message_type == "LtiDeepLinkingRequest" {
        let settings = claims
            .get(claim::DEEP_LINKING_SETTINGS)
            .ok_or_else(|| missing(claim::DEEP_LINKING_SETTINGS))?;
        let return_url = path(claim::DEEP_LINKING_SETTINGS, "deep_link_return_url")
            .ok_or_else(|| missing("deep_linking_settings.deep_link_return_url"))?;
        let accepts_links = settings
            .get("accept_types")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t == "ltiResourceLink"));
        if !accepts_links {
            return Err(missing(
                "deep_linking_settings.accept_types ∋ ltiResourceLink",
            ));
        }
        return Ok(Message::DeepLinking {
            return_url: return_url.to_string(),
            data: settings.get("data").cloned(),
        });
    }
    if claims
        .get("sub")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(missing("sub"));
    }
    claims
        .get(claim::TARGET_LINK_URI)
        .and_then(Value::as_str)
        .ok_or_else(|| missing(claim::TARGET_LINK_URI))?;
    let resource_link_id =
        path(claim::RESOURCE_LINK, "id").ok_or_else(|| missing("resource_link.id"))?;
    Ok(Message::ResourceLink {
        resource_link_id: resource_link_id.to_string(),
        lesson_id: path(claim::CUSTOM, "lesson_id").map(str::to_string),
        grades: grades(claims.get(claim::AGS_ENDPOINT)),
    })
}

/// The AGS endpoint claim, when it offers a line item or a container to find one in.
fn grades(endpoint: Option<&Value>) -> Option<Grades> {
    let endpoint = endpoint?;
    let url = |name: &str| {
        endpoint
            .get(name)
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
    };
    let grades = Grades {
        lineitem: url("lineitem"),
        lineitems: url("lineitems"),
        scopes: endpoint
            .get("scope")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    };
    (grades.lineitem.is_some() || grades.lineitems.is_some()).then_some(grades)
}

/// The JOSE header as JSON, read without trusting it.
fn header(token: &str) -> Result<serde_json::Map<String, Value>, LaunchError> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(LaunchError::Malformed(format!(
            "{} parts, not 3",
            parts.len()
        )));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(parts[0])
        .map_err(|_| LaunchError::Malformed("the header is not base64url".into()))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(LaunchError::Malformed(
            "the header is not a JSON object".into(),
        )),
    }
}

/// The value of cookie `name` in a `Cookie` header.
fn cookie<'a>(header: Option<&'a str>, name: &str) -> Option<&'a str> {
    header?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}
