//! Test helpers: a registration on loopback, RSA keys made once per test process, a JWKS
//! fetcher that counts its calls, and id_token signing.

use super::config::Registration;
use super::jwks::Fetch;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, OnceLock};

/// The registration the tests use (the reference harness's contract, §2.4).
pub(crate) fn registration() -> Registration {
    Registration {
        issuer: "http://127.0.0.1:9001".into(),
        client_id: "test-client-1".into(),
        auth_login_url: "http://127.0.0.1:9001/auth".into(),
        token_url: "http://127.0.0.1:9001/token".into(),
        jwks_url: "http://127.0.0.1:9001/.well-known/jwks.json".into(),
        deployments: vec!["deploy-1".into()],
    }
}

/// A platform key: its id, signing key, public JWK and public key bytes.
pub(crate) struct TestKey {
    pub(crate) kid: String,
    pub(crate) encoding: EncodingKey,
    jwk: Value,
    pub(crate) public_der: Vec<u8>,
}

impl TestKey {
    fn make() -> TestKey {
        let stored = super::keys::generate(0).expect("key");
        let jwk = super::keys::public_jwk(&stored).expect("jwk");
        let private =
            <rsa::PrivateKey as rsa::pkcs1::DecodeRsaPrivateKey>::from_pkcs1_der(&stored.der)
                .expect("der");
        TestKey {
            public_der: private
                .to_public_key()
                .to_pkcs1_der()
                .expect("public der")
                .as_bytes()
                .to_vec(),
            encoding: EncodingKey::from_rsa_der(&stored.der),
            kid: stored.kid,
            jwk,
        }
    }

    /// The public JWK.
    pub(crate) fn jwk(&self) -> Jwk {
        serde_json::from_value(self.jwk.clone()).expect("jwk")
    }

    /// `claims` signed RS256 with this key and its `kid`.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("sign")
    }
}

/// The platform's key (made once per process).
pub(crate) fn platform_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(TestKey::make)
}

/// A second key (rotation, forgeries).
pub(crate) fn other_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(TestKey::make)
}

/// A JWKS "fetched" from memory, counting fetches (and failing them when told to).
#[derive(Clone)]
pub(crate) struct FakeFetch(Arc<Mutex<(Vec<Jwk>, usize, bool)>>);

impl FakeFetch {
    pub(crate) fn new(keys: Vec<Jwk>) -> Self {
        FakeFetch(Arc::new(Mutex::new((keys, 0, false))))
    }
    pub(crate) fn fail(&self, fail: bool) {
        self.0.lock().expect("lock").2 = fail;
    }
    pub(crate) fn set(&self, keys: Vec<Jwk>) {
        self.0.lock().expect("lock").0 = keys;
    }
    pub(crate) fn count(&self) -> usize {
        self.0.lock().expect("lock").1
    }
}

impl Fetch for FakeFetch {
    fn fetch(&self, _url: &str) -> Result<JwkSet, String> {
        let mut inner = self.0.lock().expect("lock");
        inner.1 += 1;
        if inner.2 {
            return Err("the platform is unreachable".into());
        }
        Ok(JwkSet {
            keys: inner.0.clone(),
        })
    }
}

/// The claims of a good resource-link launch for `nonce`, issued now.
pub(crate) fn resource_link_claims(nonce: &str) -> Value {
    let now = super::now();
    json!({
        "iss": "http://127.0.0.1:9001",
        "aud": "test-client-1",
        "azp": "test-client-1",
        "sub": "user-1",
        "nonce": nonce,
        "iat": now,
        "exp": now + 300,
        super::claim::MESSAGE_TYPE: "LtiResourceLinkRequest",
        super::claim::VERSION: "1.3.0",
        super::claim::DEPLOYMENT_ID: "deploy-1",
        super::claim::ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        super::claim::TARGET_LINK_URI: "http://127.0.0.1:8000/lti/launch",
        super::claim::RESOURCE_LINK: { "id": "rl-1", "title": "<b>Lesson</b>" },
        super::claim::CUSTOM: { "lesson_id": "first-lesson" },
        super::claim::AGS_ENDPOINT: {
            "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            "lineitem": "http://127.0.0.1:9001/ags/course-1/lineitems/li-1/lineitem?type_id=1"
        }
    })
}

/// A tool on `http://127.0.0.1:8000` with the test registration, an in-memory store and
/// `fetch` (default: a JWKS holding [`platform_key`]) with no refetch cooldown.
pub(crate) fn tool(fetch: Option<FakeFetch>) -> super::Tool {
    let store = super::store::SqliteStore::in_memory().expect("store");
    super::store::Store::put_registration(&store, &registration(), true).expect("registration");
    let fetch = fetch.unwrap_or_else(|| FakeFetch::new(vec![platform_key().jwk()]));
    let mut config = super::config::Config::bare("http://127.0.0.1:8000");
    config.registrations = vec![registration()];
    super::Tool::new(
        config,
        Box::new(store),
        super::jwks::PlatformKeys::new(Box::new(fetch), std::time::Duration::ZERO),
        Box::new(FakeHttp::default()),
    )
}

/// One request a [`FakeHttp`] received.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) url: String,
    pub(crate) authorization: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: String,
}

type Answer = Result<super::http::Response, String>;

/// A platform that answers from a script (status, body) and records what it was sent.
#[derive(Clone, Default)]
pub(crate) struct FakeHttp(Arc<Mutex<(std::collections::VecDeque<Answer>, Vec<Sent>)>>);

impl FakeHttp {
    /// Queues the next answer.
    pub(crate) fn answer(&self, status: u16, body: &str) -> &Self {
        let response = super::http::Response {
            status,
            body: body.into(),
        };
        self.0.lock().expect("lock").0.push_back(Ok(response));
        self
    }

    /// Queues a transport failure.
    pub(crate) fn fail(&self) -> &Self {
        self.0
            .lock()
            .expect("lock")
            .0
            .push_back(Err("connection refused".into()));
        self
    }

    /// Everything sent so far.
    pub(crate) fn sent(&self) -> Vec<Sent> {
        self.0.lock().expect("lock").1.clone()
    }
}

impl super::http::Http for FakeHttp {
    fn send(&self, request: &super::http::Request<'_>) -> Answer {
        let mut inner = self.0.lock().expect("lock");
        inner.1.push(Sent {
            url: request.url.into(),
            authorization: request.authorization.map(str::to_string),
            content_type: request.content_type.map(str::to_string),
            body: String::from_utf8_lossy(request.body).into_owned(),
        });
        inner
            .0
            .pop_front()
            .unwrap_or_else(|| Err("no answer scripted".into()))
    }
}

/// [`tool`] calling platforms through `http`.
pub(crate) fn tool_with_http(http: FakeHttp) -> super::Tool {
    let mut tool = tool(None);
    tool.http = Box::new(http);
    tool
}
