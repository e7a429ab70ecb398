//! LTI Dynamic Registration 1.0 (reference §1.7), tool side: `GET /lti/register?
//! openid_configuration=URL[&registration_token=T]`.
//!
//! The tool fetches the platform's OpenID configuration, checks that its `issuer` is on the
//! configuration URL's host and that it names every endpoint the tool needs (all `https`,
//! or `http` on loopback; loopback only for a tool on loopback itself), POSTs its own configuration (the JSON of §1.7, with the fields
//! Moodle requires) to `registration_endpoint` with the registration token as a bearer
//! token, reads the `client_id` and `deployment_id` the platform issued, and stores the
//! registration **pending**: nothing launches from it until an administrator runs
//! `lessonpack lti approve ID`. The page says so, shows that command, and its Close button
//! tells the platform the flow is over (`org.imsglobal.lti.close`).

use super::config::Registration;
use super::http::Http;
use super::url::{Url, escape_html, is_secure};
use super::{Tool, launch};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The platform configuration claim of an OpenID configuration.
pub const PLATFORM_CONFIGURATION: &str =
    "https://purl.imsglobal.org/spec/lti-platform-configuration";
/// The tool configuration claim of a registration.
pub const TOOL_CONFIGURATION: &str = "https://purl.imsglobal.org/spec/lti-tool-configuration";
/// The AGS scopes the tool asks for: posting scores, and creating its gradebook column.
pub const SCOPES: [&str; 2] = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
];
/// The fields an OpenID configuration must have, besides [`PLATFORM_CONFIGURATION`].
pub const REQUIRED: [&str; 5] = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "registration_endpoint",
];

/// A registration made and stored pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// Its row id (what `lessonpack lti approve` takes).
    pub id: i64,
    /// Issuer, client id, endpoints and the one deployment.
    pub registration: Registration,
}

/// Why a registration failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterError {
    /// The request has no `openid_configuration`.
    Missing(&'static str),
    /// `openid_configuration` is not an `https` URL (or `http` on loopback), or is on
    /// loopback while the tool is not.
    BadUrl(String),
    /// The configuration could not be fetched or is not a JSON object.
    Unavailable(String),
    /// The configuration lacks a required field.
    Incomplete(String),
    /// An endpoint of the configuration is not `https` (nor loopback `http`), or is on
    /// loopback while the tool is not.
    Insecure(String, String),
    /// `issuer` is on another host than the configuration URL.
    IssuerMismatch(String, String),
    /// The registration endpoint failed or answered an error.
    Refused(String),
    /// The registration endpoint's answer lacks `client_id` or `deployment_id`.
    BadAnswer(String),
    /// This issuer and client id are registered already (row id).
    AlreadyRegistered(i64),
    /// The store failed.
    Internal(String),
}

impl RegisterError {
    /// A short stable code (tests, logs).
    pub fn code(&self) -> &'static str {
        match self {
            RegisterError::Missing(_) => "missing_parameter",
            RegisterError::BadUrl(_) => "bad_configuration_url",
            RegisterError::Unavailable(_) => "configuration_unavailable",
            RegisterError::Incomplete(_) => "incomplete_configuration",
            RegisterError::Insecure(..) => "insecure_endpoint",
            RegisterError::IssuerMismatch(..) => "issuer_mismatch",
            RegisterError::Refused(_) => "registration_refused",
            RegisterError::BadAnswer(_) => "bad_registration_response",
            RegisterError::AlreadyRegistered(_) => "already_registered",
            RegisterError::Internal(_) => "internal",
        }
    }

    /// A sentence for the error page.
    pub fn message(&self) -> String {
        match self {
            RegisterError::Missing(name) => format!(
                "the registration request has no `{name}`; start the registration from the platform"
            ),
            RegisterError::BadUrl(url) => format!(
                "`openid_configuration` `{url}` is not an https URL (plain http only on 127.0.0.1 and localhost)"
            ),
            RegisterError::Unavailable(why) => {
                format!("the platform's OpenID configuration could not be read: {why}")
            }
            RegisterError::Incomplete(field) => {
                format!("the platform's OpenID configuration has no `{field}`")
            }
            RegisterError::Insecure(field, url) => {
                format!("the platform's `{field}` `{url}` is not an https URL off this tool's host")
            }
            RegisterError::IssuerMismatch(issuer, url) => format!(
                "the platform's `issuer` `{issuer}` is not on the host of its configuration URL `{url}`"
            ),
            RegisterError::Refused(why) => format!("the platform refused the registration: {why}"),
            RegisterError::BadAnswer(why) => {
                format!("the platform's registration answer is unusable: {why}")
            }
            RegisterError::AlreadyRegistered(id) => format!(
                "this platform registered the same client id before (registration {id}); remove it first with `lessonpack lti remove {id}`"
            ),
            RegisterError::Internal(e) => format!("the tool could not store the registration: {e}"),
        }
    }

    /// The HTTP status of the error page: 4xx for the request, 502 for the platform's
    /// answers, 500 for the tool itself.
    pub fn status(&self) -> u16 {
        match self {
            RegisterError::Missing(_) | RegisterError::BadUrl(_) => 400,
            RegisterError::AlreadyRegistered(_) => 409,
            RegisterError::Internal(_) => 500,
            _ => 502,
        }
    }
}

/// The tool's registration request (§1.7): the JSON posted to `registration_endpoint`.
pub fn request_body(tool: &Tool) -> Value {
    let base = &tool.config.base_url;
    let launch = tool.launch_url();
    let domain = Url::parse(base).map_or_else(|| base.clone(), |u| u.authority);
    json!({
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": format!("{base}/lti/login"),
        "redirect_uris": [launch],
        "client_name": tool.config.tool_name,
        "jwks_uri": format!("{base}/lti/jwks"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": SCOPES.join(" "),
        TOOL_CONFIGURATION: {
            "domain": domain,
            "target_link_uri": launch,
            "claims": ["iss", "sub", "name"],
            "messages": [{
                "type": launch::MESSAGE_TYPES[1],
                "target_link_uri": launch,
                "label": tool.config.tool_name,
            }],
        },
    })
}

/// Runs the registration the request `params` asks for; stores it pending.
pub fn register(
    tool: &Tool,
    http: &dyn Http,
    params: &HashMap<String, String>,
) -> Result<Registered, RegisterError> {
    let config_url = params
        .get("openid_configuration")
        .filter(|u| !u.is_empty())
        .ok_or(RegisterError::Missing("openid_configuration"))?;
    let config_host = Url::parse(config_url)
        .filter(|_| reachable(tool, config_url))
        .map(|u| u.host().to_string())
        .ok_or_else(|| RegisterError::BadUrl(config_url.clone()))?;
    let platform = http
        .get_json(config_url)
        .map_err(RegisterError::Unavailable)?;
    if !platform.is_object() {
        return Err(RegisterError::Unavailable("not a JSON object".into()));
    }
    let mut fields = HashMap::new();
    for name in REQUIRED {
        let value = platform
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| RegisterError::Incomplete(name.to_string()))?;
        if !reachable(tool, value) {
            return Err(RegisterError::Insecure(name.into(), value.into()));
        }
        fields.insert(name, value.trim_end_matches('/').to_string());
    }
    if !platform
        .get(PLATFORM_CONFIGURATION)
        .is_some_and(Value::is_object)
    {
        return Err(RegisterError::Incomplete(PLATFORM_CONFIGURATION.into()));
    }
    // The issuer exactly as the platform will put it in `iss`.
    let issuer = platform["issuer"].as_str().unwrap_or_default().to_string();
    if Url::parse(&issuer).map(|u| u.host().to_string()) != Some(config_host) {
        return Err(RegisterError::IssuerMismatch(issuer, config_url.clone()));
    }

    let token = params
        .get("registration_token")
        .map(String::as_str)
        .filter(|t| !t.is_empty());
    let answer = http
        .post_json(&fields["registration_endpoint"], &request_body(tool), token)
        .map_err(RegisterError::Refused)?;
    if !(200..300).contains(&answer.status) {
        let excerpt: String = answer.body.chars().take(300).collect();
        return Err(RegisterError::Refused(format!(
            "HTTP status {}: {excerpt}",
            answer.status
        )));
    }
    let answer: Value = serde_json::from_str(&answer.body)
        .map_err(|e| RegisterError::BadAnswer(format!("not JSON: {e}")))?;
    let client_id = answer
        .get("client_id")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| RegisterError::BadAnswer("no `client_id`".into()))?;
    let deployment = match answer
        .get(TOOL_CONFIGURATION)
        .and_then(|c| c.get("deployment_id"))
    {
        Some(Value::String(d)) if !d.is_empty() => d.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(RegisterError::BadAnswer(format!(
                "no `deployment_id` in `{TOOL_CONFIGURATION}`"
            )));
        }
    };

    let registration = Registration {
        issuer,
        client_id: client_id.to_string(),
        auth_login_url: fields["authorization_endpoint"].clone(),
        token_url: fields["token_endpoint"].clone(),
        jwks_url: fields["jwks_uri"].clone(),
        deployments: vec![deployment],
    };
    let internal = |e: anyhow::Error| RegisterError::Internal(format!("{e:#}"));
    let known = tool
        .store
        .registrations_for(&registration.issuer)
        .map_err(internal)?;
    if let Some(twin) = known
        .iter()
        .find(|r| r.registration.client_id == registration.client_id)
    {
        return Err(RegisterError::AlreadyRegistered(twin.id));
    }
    let id = tool
        .store
        .put_registration(&registration, false)
        .map_err(internal)?;
    Ok(Registered { id, registration })
}

/// Whether the tool may call `url`: `https`, or `http` on loopback; and loopback only when
/// the tool itself runs there (tests), so a registration cannot aim it at its own host's
/// services.
fn reachable(tool: &Tool, url: &str) -> bool {
    let on_loopback = Url::parse(&tool.config.base_url).is_some_and(|u| u.is_loopback());
    is_secure(url) && (on_loopback || !Url::parse(url).is_some_and(|u| u.is_loopback()))
}

/// The command that approves registration `id`, with the `--config` `serve` runs with.
pub fn approve_command(tool: &Tool, id: i64) -> String {
    match &tool.config.file {
        Some(file) => format!("lessonpack lti approve {id} --config {}", file.display()),
        None => format!("lessonpack lti approve {id}"),
    }
}

/// The page after a registration: pending, the approval command, and a Close button that
/// ends the platform's registration dialog (the script closing the body).
pub fn page(tool: &Tool, registered: &Registered) -> String {
    let reg = &registered.registration;
    let main = format!(
        "<h1>Registration received: waiting for approval</h1>\
         <p>{name} is registered with <code>{issuer}</code> as client <code>{client}</code> \
         (deployment <code>{deployment}</code>).</p>\
         <p>The registration is <strong>pending</strong>: it waits for an administrator of \
         this tool, and no launch from this platform works until it is approved. To approve \
         it, run on the tool's server:</p>\
         <pre><code>{command}</code></pre>\
         <p><code>lessonpack lti registrations</code> lists every registration.</p>\
         <p><button type=\"button\" id=\"lp-close\">Close</button></p>",
        name = escape_html(&tool.config.tool_name),
        issuer = escape_html(&reg.issuer),
        client = escape_html(&reg.client_id),
        deployment = escape_html(reg.deployments.first().map_or("", String::as_str)),
        command = escape_html(&approve_command(tool, registered.id)),
    );
    let close = "<script>document.getElementById(\"lp-close\").addEventListener(\"click\", function () { \
         (window.opener || window.parent).postMessage({subject:\"org.imsglobal.lti.close\"}, \"*\"); });</script>";
    super::page::document("Registration pending approval", &main, close)
}
