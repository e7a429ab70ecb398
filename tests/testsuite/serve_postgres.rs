//! Two `lessonpack serve` instances on one PostgreSQL database, as behind a load balancer
//! (one `base-url`, two ports): a login started at instance A is launched at instance B (the
//! state lives in the shared database), and replaying that launch at A is refused (the
//! state was taken, once, by B). The platform is played here: a JWKS server on loopback and
//! an `id_token` signed in Rust with a key made by the tool's own key code.
//!
//! The test fails, never skips, when PostgreSQL cannot be installed or started.

use crate::fixture::Fixture;
use crate::serve::{exchange, start};
use crate::system::PgServer;
use lessonpack::lti::{claim, keys};
use serde_json::json;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

/// Serves `body` as JSON to every request on a free loopback port (for the life of the
/// test process); returns the port.
fn serve_json(body: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = write!(
                &stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// The value of query parameter `name` in `url`.
fn query_param<'a>(url: &'a str, name: &str) -> &'a str {
    let query = url.split_once('?').unwrap().1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no `{name}` in {url}"))
}

/// The value of header `name` (lowercase) in a raw response head.
fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
        .unwrap_or_else(|| panic!("no `{name}` header in\n{head}"))
}

#[test]
fn a_login_at_one_instance_launches_at_another_and_replays_are_refused_at_either() {
    let server = PgServer::start();
    let database = server.create_database();
    let platform_key = keys::generate(lessonpack::lti::now()).unwrap();
    let jwks = json!({ "keys": [keys::public_jwk(&platform_key).unwrap()] });
    let jwks_port = serve_json(jwks.to_string());

    let fixture = Fixture::copy_from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("module"));
    let config = format!(
        r#"base-url = "http://127.0.0.1:8000"
database = "{database}"
[[registrations]]
issuer = "http://127.0.0.1:9001"
client-id = "test-client-1"
auth-login-url = "http://127.0.0.1:9001/auth"
token-url = "http://127.0.0.1:9001/token"
jwks-url = "http://127.0.0.1:{jwks_port}/jwks"
deployments = ["deploy-1"]
"#
    );
    std::fs::write(fixture.root().join("lti.toml"), config).unwrap();
    let (mut a, port_a) = start(&fixture);
    let (mut b, port_b) = start(&fixture);

    let login = "/lti/login?iss=http%3A%2F%2F127.0.0.1%3A9001&login_hint=u1\
                 &target_link_uri=http%3A%2F%2F127.0.0.1%3A8000%2Flti%2Flaunch";
    let (status, head, _) = exchange(port_a, "GET", login, "", "");
    assert_eq!(status, 302, "{head}");
    let location = header(&head, "location");
    let (state, nonce) = (
        query_param(location, "state"),
        query_param(location, "nonce"),
    );
    let cookie = header(&head, "set-cookie").split(';').next().unwrap();

    let now = lessonpack::lti::now();
    let claims = json!({
        "iss": "http://127.0.0.1:9001", "aud": "test-client-1", "azp": "test-client-1",
        "sub": "user-1", "nonce": nonce, "iat": now, "exp": now + 300,
        claim::MESSAGE_TYPE: "LtiResourceLinkRequest",
        claim::VERSION: "1.3.0",
        claim::DEPLOYMENT_ID: "deploy-1",
        claim::ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        claim::TARGET_LINK_URI: "http://127.0.0.1:8000/lti/launch",
        claim::RESOURCE_LINK: { "id": "rl-1" },
        claim::CUSTOM: { "lesson_id": "international-perspective" },
    });
    let _ = jsonwebtoken::crypto::CryptoProvider::install_default(
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
    );
    let mut jwt_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    jwt_header.kid = Some(platform_key.kid.clone());
    let key = jsonwebtoken::EncodingKey::from_rsa_der(&platform_key.der);
    let id_token = jsonwebtoken::encode(&jwt_header, &claims, &key).unwrap();

    let headers =
        format!("Content-Type: application/x-www-form-urlencoded\r\nCookie: {cookie}\r\n");
    let form = format!("id_token={id_token}&state={state}");
    let (status, head, page) = exchange(port_b, "POST", "/lti/launch", &headers, &form);
    assert_eq!(status, 303, "the launch at B failed:\n{head}\n{page}");
    assert!(
        header(&head, "location").starts_with(
            "/lessons/digital-leadership-china/lessons/international-perspective/index.html#lti-session="
        ),
        "{head}"
    );

    for port in [port_a, port_b] {
        let (status, _, page) = exchange(port, "POST", "/lti/launch", &headers, &form);
        assert_eq!(status, 401, "a replay was accepted:\n{page}");
        assert!(page.contains("unknown_state"), "{page}");
    }
    for instance in [&mut a, &mut b] {
        let code = instance.terminate(Duration::from_secs(10));
        assert_eq!(code, Some(0), "closing the connections must not fail");
    }
}
