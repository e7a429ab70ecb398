//! `lti` (feature `lti`): lessonpack as an LTI 1.3 tool, run by `lessonpack serve`.
//!
//! - `config` reads `lti.toml` (the tool's base URL, the platforms it trusts);
//! - `store` keeps registrations, deployments, tool keys, login states and used nonces
//!   (a SQLite file by default, or a PostgreSQL database several instances share, behind
//!   the [`store::Store`] trait);
//! - `keys` makes and rotates the tool's RSA keys and publishes them as a JWKS;
//! - `jwks` fetches and caches each platform's JWKS (one rate-limited refetch on an
//!   unknown `kid`), over `http` (the tool's outbound client: timeouts, size cap);
//! - `register` is LTI Dynamic Registration: it registers the tool with a platform that
//!   asks, and stores the registration pending until `lessonpack lti approve`;
//! - `login` answers the OIDC login initiation, `launch` validates the `id_token` in the
//!   order of the reference checklist (`lti-cc-cmi5.md` §1.4), `session` mints the
//!   short-lived session a launched lesson page carries, `deep_link` the teacher's lesson
//!   picker and its signed Deep Linking response;
//! - `ags` posts the completion score to the launch's line item, `token` gets and caches the
//!   access tokens it needs, `lineitems` finds or makes the line item of a link that came
//!   without one, `outbox` queues, retries and records each score, `completion` handles a
//!   page's completion report;
//! - `server` is the axum application: `/lti/login`, `/lti/launch`, `/lti/score`,
//!   `/lti/register`, the JWKS and the hosted lessons under `/lessons/`.

pub mod ags;
pub mod completion;
pub mod config;
pub mod deep_link;
pub mod http;
pub mod jwks;
pub mod keys;
pub mod launch;
pub mod lineitems;
pub mod login;
pub mod outbox;
mod page;
pub mod register;
pub mod server;
pub mod session;
pub mod store;
pub mod token;
mod url;

#[cfg(test)]
mod launch_tests;
#[cfg(test)]
mod outbox_tests;
#[cfg(test)]
mod register_tests;
#[cfg(test)]
mod testkit;

/// The LTI claim names this tool reads.
pub mod claim {
    /// `…/claim/message_type`.
    pub const MESSAGE_TYPE: &str = "https://purl.imsglobal.org/spec/lti/claim/message_type";
    /// `…/claim/version`.
    pub const VERSION: &str = "https://purl.imsglobal.org/spec/lti/claim/version";
    /// `…/claim/deployment_id`.
    pub const DEPLOYMENT_ID: &str = "https://purl.imsglobal.org/spec/lti/claim/deployment_id";
    /// `…/claim/roles`.
    pub const ROLES: &str = "https://purl.imsglobal.org/spec/lti/claim/roles";
    /// `…/claim/target_link_uri`.
    pub const TARGET_LINK_URI: &str = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri";
    /// `…/claim/resource_link`.
    pub const RESOURCE_LINK: &str = "https://purl.imsglobal.org/spec/lti/claim/resource_link";
    /// `…/claim/custom`.
    pub const CUSTOM: &str = "https://purl.imsglobal.org/spec/lti/claim/custom";
    /// The Deep Linking settings claim.
    pub const DEEP_LINKING_SETTINGS: &str =
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings";
    /// The AGS endpoint claim.
    pub const AGS_ENDPOINT: &str = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
}

/// Seconds since the Unix epoch (the clock every expiry in this module is measured with).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Milliseconds since the Unix epoch (score timestamps).
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `bytes` random bytes from the operating system, base64url without padding.
pub fn random_token(bytes: usize) -> anyhow::Result<String> {
    use base64::Engine as _;
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no random numbers: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// Everything a request needs: the configuration, the store and the platform key cache.
pub struct Tool {
    /// `lti.toml`.
    pub config: config::Config,
    /// Registrations, keys, states, nonces.
    pub store: Box<dyn store::Store>,
    /// Platform JWKS cache.
    pub platform_keys: jwks::PlatformKeys,
    /// Outgoing calls to platform services.
    pub http: Box<dyn http::Http>,
    /// Access tokens for platform services.
    pub tokens: token::Tokens,
    /// Line items found or made for links that came without one.
    pub lineitems: lineitems::Cache,
}

impl Tool {
    /// A tool with no cached tokens, calling platforms with `http`.
    pub fn new(
        config: config::Config,
        store: Box<dyn store::Store>,
        platform_keys: jwks::PlatformKeys,
        http: Box<dyn http::Http>,
    ) -> Tool {
        Tool {
            config,
            store,
            platform_keys,
            http,
            tokens: token::Tokens::default(),
            lineitems: lineitems::Cache::default(),
        }
    }

    /// The tool's launch URL (the OIDC `redirect_uri`).
    pub fn launch_url(&self) -> String {
        format!("{}/lti/launch", self.config.base_url)
    }
}
