//! `lti.toml`: where the tool is reached and which platforms it trusts. Unknown keys are
//! refused with file:line:col, like `module.toml`.
//!
//! ```toml
//! base-url = "https://lessons.example.org"   # how platforms and browsers reach the tool
//! database = "lti.sqlite"                    # default: `lti.sqlite` next to this file
//! # database = "postgres://lessonpack@db.internal:5432/lessonpack?sslmode=disable"
//! jwks-refetch-cooldown = 10                 # seconds between refetches on an unknown kid
//! tool-name = "Video lessons"                # the name platforms show; default `lessonpack`
//!
//! [[registrations]]
//! issuer = "https://moodle.example.org"
//! client-id = "aBcD1234"
//! auth-login-url = "https://moodle.example.org/mod/lti/auth.php"
//! token-url = "https://moodle.example.org/mod/lti/token.php"
//! jwks-url = "https://moodle.example.org/mod/lti/certs.php"
//! deployments = ["1"]
//! ```
//!
//! `database` is a SQLite file path, relative to this file, unless it starts with
//! `postgres://` or `postgresql://`: then it is the URL of a PostgreSQL database (feature
//! `postgres`), which several `serve` instances behind a load balancer can share. The URL is
//! checked here (a malformed one, or one asking for TLS, is refused with its position).

use super::url::{Url, is_secure};
use crate::diagnostic::{Diagnostic, Report};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The tool's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `scheme://host[:port]` the tool is reached at, without a trailing slash.
    pub base_url: String,
    /// Where the tool keeps its state.
    pub database: Database,
    /// Seconds between two fetches of a platform's JWKS caused by an unknown `kid`.
    pub jwks_refetch_cooldown: u64,
    /// The platforms the tool trusts.
    pub registrations: Vec<Registration>,
    /// The name the tool registers under (Dynamic Registration's `client_name`).
    pub tool_name: String,
    /// The file this was read from (`None` for [`Config::bare`]).
    pub file: Option<PathBuf>,
}

/// Where the tool keeps its state (`database` in `lti.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (absolute, or relative to the working directory).
    Sqlite(PathBuf),
    /// A PostgreSQL database: its `postgres://` or `postgresql://` URL, as written.
    Postgres(String),
}

impl Database {
    /// What `value` (the `database` key) names: a PostgreSQL URL when it starts with
    /// `postgres:` or `postgresql:`, otherwise a SQLite file relative to `dir`.
    fn from_key(dir: &Path, value: &str) -> Database {
        let lower = value.to_ascii_lowercase();
        if lower.starts_with("postgres:") || lower.starts_with("postgresql:") {
            Database::Postgres(value.to_string())
        } else {
            Database::Sqlite(dir.join(value))
        }
    }
}
/// The tool name when `lti.toml` gives none.
pub const DEFAULT_TOOL_NAME: &str = "lessonpack";

/// One platform registration: an issuer and the client id it gave this tool.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Registration {
    /// The platform's `iss` (exact string).
    pub issuer: String,
    /// The client id the platform issued to this tool.
    pub client_id: String,
    /// The platform's OIDC authentication request endpoint.
    pub auth_login_url: String,
    /// The platform's OAuth 2 token endpoint (AGS).
    pub token_url: String,
    /// The platform's public keys.
    pub jwks_url: String,
    /// The deployment ids allowed to launch.
    pub deployments: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    database: Option<String>,
    jwks_refetch_cooldown: Option<u64>,
    tool_name: Option<String>,
    #[serde(default)]
    registrations: Vec<Registration>,
}

impl Config {
    /// The configuration used when `serve` is given no `--config`: the tool on
    /// `base_url`, no registrations, the database in the working directory.
    pub fn bare(base_url: &str) -> Config {
        Config {
            base_url: base_url.trim_end_matches('/').to_string(),
            database: Database::Sqlite(PathBuf::from("lti.sqlite")),
            jwks_refetch_cooldown: 10,
            registrations: Vec::new(),
            tool_name: DEFAULT_TOOL_NAME.to_string(),
            file: None,
        }
    }

    /// Reads and checks `path`; `Err` holds every problem found, with positions.
    pub fn load(path: &Path) -> anyhow::Result<Result<Config, Report>> {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))?;
        Ok(Self::parse(path, &bytes))
    }

    /// Parses the text of an `lti.toml` found at `path`.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Config, Report> {
        let mut report = Report::default();
        report.sources.insert(path, bytes.to_vec());
        let Ok(text) = std::str::from_utf8(bytes) else {
            report.push(Diagnostic::error("`lti.toml` is not UTF-8 text").at(path, 0..0));
            return Err(report);
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(err) => {
                report.push(crate::source::toml_error::diagnostic(&err, path));
                return Err(report);
            }
        };
        let at = |needle: &str| {
            text.find(needle)
                .map_or(0..0, |start| start..start + needle.len())
        };
        let mut check_url = |key: &str, value: &str| {
            if !is_secure(value) {
                report.push(
                    Diagnostic::error(format!("`{key}` must be an https URL"))
                        .at(path, at(value))
                        .with_help(
                            "plain `http` is accepted only for 127.0.0.1 and localhost (tests)",
                        ),
                );
            }
        };
        check_url("base-url", &raw.base_url);
        for r in &raw.registrations {
            check_url("issuer", &r.issuer);
            check_url("auth-login-url", &r.auth_login_url);
            check_url("token-url", &r.token_url);
            check_url("jwks-url", &r.jwks_url);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let database = Database::from_key(dir, raw.database.as_deref().unwrap_or("lti.sqlite"));
        if let Database::Postgres(url) = &database
            && let Err(problem) = super::store::check_postgres_url(url)
        {
            report.push(
                Diagnostic::error(format!("`database`: {problem}"))
                    .at(path, at(url))
                    .with_help(
                        "write `postgres://user:password@host:port/database?sslmode=disable`",
                    ),
            );
        }
        for (i, r) in raw.registrations.iter().enumerate() {
            let twin = raw.registrations[..i]
                .iter()
                .any(|o| o.issuer == r.issuer && o.client_id == r.client_id);
            if twin {
                report.push(
                    Diagnostic::error(format!(
                        "registration `{}` / `{}` is listed twice",
                        r.issuer, r.client_id
                    ))
                    .at(path, at(&r.client_id)),
                );
            }
            if r.deployments.is_empty() {
                report.push(
                    Diagnostic::error(format!("registration `{}` has no deployments", r.issuer))
                        .at(path, at(&r.issuer))
                        .with_help(
                            "add `deployments = [\"…\"]`: the platform shows the deployment id",
                        ),
                );
            }
        }
        if report.has_errors() {
            return Err(report);
        }
        Ok(Config {
            base_url: raw.base_url.trim_end_matches('/').to_string(),
            database,
            jwks_refetch_cooldown: raw.jwks_refetch_cooldown.unwrap_or(10),
            registrations: raw.registrations,
            tool_name: raw
                .tool_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_TOOL_NAME.to_string()),
            file: Some(path.to_path_buf()),
        })
    }

    /// Whether the tool runs on plain `http` on loopback (tests): cookies then go without
    /// `Secure`, which browsers refuse to store over `http`.
    pub fn is_insecure_loopback(&self) -> bool {
        Url::parse(&self.base_url).is_some_and(|u| u.scheme == "http")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"base-url = "http://127.0.0.1:8000/"
[[registrations]]
issuer = "http://127.0.0.1:9001"
client-id = "test-client-1"
auth-login-url = "http://127.0.0.1:9001/auth"
token-url = "http://127.0.0.1:9001/token"
jwks-url = "http://127.0.0.1:9001/.well-known/jwks.json"
deployments = ["deploy-1"]
"#;

    #[test]
    fn reads_a_registration() {
        let config = Config::parse(Path::new("/x/lti.toml"), GOOD.as_bytes()).unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:8000");
        assert_eq!(config.database, Database::Sqlite("/x/lti.sqlite".into()));
        assert_eq!(config.registrations[0].deployments, ["deploy-1"]);
        assert!(config.is_insecure_loopback());
        assert_eq!(config.tool_name, "lessonpack");
        assert_eq!(config.file.as_deref(), Some(Path::new("/x/lti.toml")));
        let named = format!("tool-name = \"Video lessons\"\n{GOOD}");
        let config = Config::parse(Path::new("lti.toml"), named.as_bytes()).unwrap();
        assert_eq!(config.tool_name, "Video lessons");
    }

    #[test]
    fn refuses_unknown_keys_with_a_position() {
        let text = GOOD.replace("token-url", "tokn-url");
        let report = Config::parse(Path::new("lti.toml"), text.as_bytes()).unwrap_err();
        let out = report.render();
        assert!(out.contains("unknown key `tokn-url`"), "{out}");
        assert!(out.contains("lti.toml:6:1"), "{out}");
    }

    #[test]
    fn refuses_plain_http_off_loopback() {
        let text = GOOD.replace("http://127.0.0.1:9001/auth", "http://lms.example.org/auth");
        let report = Config::parse(Path::new("lti.toml"), text.as_bytes()).unwrap_err();
        assert!(
            report
                .render()
                .contains("`auth-login-url` must be an https URL")
        );
    }

    #[test]
    fn a_postgres_url_selects_postgresql_and_a_malformed_one_is_refused() {
        let url = "postgresql://lp@127.0.0.1:5432/lp?sslmode=disable";
        let text = format!("database = \"{url}\"\n{GOOD}");
        let parsed = Config::parse(Path::new("lti.toml"), text.as_bytes());
        if cfg!(feature = "postgres") {
            assert_eq!(parsed.unwrap().database, Database::Postgres(url.into()));
        } else {
            let out = parsed.unwrap_err().render();
            assert!(out.contains("`postgres` feature"), "{out}");
        }
        for (bad, says) in [
            (
                "postgres://lp@127.0.0.1:notaport/lp",
                "not a PostgreSQL connection URL",
            ),
            (
                "postgres://lp@127.0.0.1/lp?sslmode=require",
                "only `sslmode=disable`",
            ),
            ("postgres:lp@127.0.0.1/lp", "postgres://"),
        ] {
            let text = format!("base-url = \"http://127.0.0.1:8000\"\ndatabase = \"{bad}\"\n");
            let out = Config::parse(Path::new("lti.toml"), text.as_bytes())
                .unwrap_err()
                .render();
            if cfg!(feature = "postgres") {
                assert!(out.contains(says), "{bad}: {out}");
            }
            assert!(out.contains("lti.toml:2:13"), "{bad}: {out}");
        }
    }
}
