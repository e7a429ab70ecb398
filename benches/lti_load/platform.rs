//! The platform side of the load test: an RSA key made like the tool's own
//! (`lessonpack::lti::keys`), its JWKS served on a loopback port by a tiny HTTP/1.1 server,
//! and the `id_token` a platform signs after the tool's login redirect, with the claim set
//! the `lti1p3platform` test platform (`tests/lti/platform.py`) sends.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lessonpack::lti::{claim, keys, now};
use serde_json::json;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

/// The client id the tool's `lti.toml` registers.
pub(crate) const CLIENT_ID: &str = "load-client";
/// The deployment the tool's `lti.toml` registers.
pub(crate) const DEPLOYMENT: &str = "deploy-1";
/// The module of `module/`, the sample the tool hosts.
pub(crate) const MODULE: &str = "digital-leadership-china";
/// The lesson every launch opens (`custom.lesson_id`).
pub(crate) const LESSON: &str = "international-perspective";
const LEARNER: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";

/// The platform: issuer URL, signing key, and the JWKS server's port.
pub(crate) struct Platform {
    /// `http://127.0.0.1:<port>`.
    pub(crate) issuer: String,
    kid: String,
    key: EncodingKey,
}

impl Platform {
    /// Makes a 2048-bit key and serves its JWKS at `<issuer>/.well-known/jwks.json`.
    pub(crate) fn start() -> anyhow::Result<Platform> {
        let stored = keys::generate(now())?;
        let jwks = json!({ "keys": [keys::public_jwk(&stored)?] }).to_string();
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let issuer = format!("http://{}", listener.local_addr()?);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = answer(stream, &jwks);
            }
        });
        Ok(Platform {
            issuer,
            key: EncodingKey::from_rsa_der(&stored.der),
            kid: stored.kid,
        })
    }

    /// The `lti.toml` registering this platform with the tool at `tool`, its store in
    /// `database`.
    pub(crate) fn tool_config(&self, tool: &str, database: &Path) -> String {
        let iss = &self.issuer;
        let database = database.display();
        format!(
            "base-url = \"{tool}\"\ndatabase = \"{database}\"\njwks-refetch-cooldown = 10\n\n\
             [[registrations]]\n\
             issuer = \"{iss}\"\nclient-id = \"{CLIENT_ID}\"\nauth-login-url = \"{iss}/auth\"\n\
             token-url = \"{iss}/token\"\njwks-url = \"{iss}/.well-known/jwks.json\"\n\
             deployments = [\"{DEPLOYMENT}\"]\n"
        )
    }

    /// The login initiation URL of launch `n` at the tool on `tool`.
    pub(crate) fn login_url(&self, tool: &str, n: usize) -> String {
        let query = [
            ("iss", self.issuer.as_str()),
            ("login_hint", &format!("user-{n}")),
            ("target_link_uri", &format!("{tool}/lti/launch")),
            ("lti_message_hint", "rl-1"),
            ("client_id", CLIENT_ID),
            ("lti_deployment_id", DEPLOYMENT),
        ];
        let query: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        format!("{tool}/lti/login?{}", query.join("&"))
    }

    /// The signed `id_token` answering the authentication request of launch `n`.
    pub(crate) fn id_token(&self, tool: &str, n: usize, nonce: &str) -> anyhow::Result<String> {
        let iat = now();
        let iss = &self.issuer;
        let claims = json!({
            "iss": iss, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": format!("user-{n}"),
            "iat": iat, "exp": iat + 300, "nonce": nonce,
            "name": "Ada Learner", "email": "ada@example.org",
            (claim::MESSAGE_TYPE): "LtiResourceLinkRequest",
            (claim::VERSION): "1.3.0",
            (claim::DEPLOYMENT_ID): DEPLOYMENT,
            (claim::TARGET_LINK_URI): format!("{tool}/lti/launch"),
            (claim::ROLES): [LEARNER],
            (claim::RESOURCE_LINK): { "id": "rl-1", "title": "Lesson link" },
            "https://purl.imsglobal.org/spec/lti/claim/context": { "id": "course-1", "title": "Course" },
            (claim::CUSTOM): { "lesson_id": LESSON },
            (claim::AGS_ENDPOINT): {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": format!("{iss}/ags/lineitems"),
                "lineitem": format!("{iss}/ags/lineitems/1/lineitem?type_id=1"),
            },
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, &claims, &self.key)?)
    }
}

/// Answers one connection with the JWKS, whatever was asked (the tool asks only for it).
fn answer(stream: TcpStream, jwks: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{jwks}",
        jwks.len()
    )
}

/// `text` percent-encoded for a query value (everything but unreserved characters).
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The raw (still percent-encoded) value of `name` in the query of `url`.
pub(crate) fn query_value<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}
