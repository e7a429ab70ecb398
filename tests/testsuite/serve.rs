//! `lessonpack serve`: the real binary on loopback, as the LTI tool. It publishes one tool
//! key (kept across restarts), hosts the web build, starts an OIDC login for a registered
//! platform and refuses unknown ones, and launches nothing without a state bound to the
//! browser. (The launches themselves, from a real LTI platform, are in `lti.rs`.)

use crate::child::{Running, Stream};
use crate::fixture::Fixture;
use serde_json::Value;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

const STARTUP: Duration = Duration::from_secs(60);

/// An `lti.toml` trusting one platform on port 9001 (`lti_admin.rs` uses it too).
pub(crate) const CONFIG: &str = r#"base-url = "http://127.0.0.1:8000"
[[registrations]]
issuer = "http://127.0.0.1:9001"
client-id = "test-client-1"
auth-login-url = "http://127.0.0.1:9001/auth"
token-url = "http://127.0.0.1:9001/token"
jwks-url = "http://127.0.0.1:9001/.well-known/jwks.json"
deployments = ["deploy-1"]
"#;

/// Starts `serve` with `<fixture root>/lti.toml` on a free port; returns the process and
/// the port.
pub(crate) fn start(fixture: &Fixture) -> (Running, u16) {
    let config = fixture.root().join("lti.toml");
    let args: Vec<&OsStr> = vec![
        OsStr::new("serve"),
        OsStr::new("--lessons"),
        fixture.dir.as_os_str(),
        OsStr::new("--config"),
        config.as_os_str(),
        OsStr::new("--port"),
        OsStr::new("0"),
    ];
    let mut running = Running::start(&args, &[("TMPDIR", fixture.root())]);
    let line = running.expect(Stream::Stdout, STARTUP, "the address", |l| {
        l.starts_with("serve: http://127.0.0.1:")
    });
    let port = line["serve: http://127.0.0.1:".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (running, port)
}

/// A raw HTTP/1.1 request; status, lowercased head, body.
fn send(port: u16, method: &str, target: &str, headers: &str, body: &str) -> (u16, String, String) {
    let (status, head, body) = exchange(port, method, target, headers, body);
    (status, head.to_ascii_lowercase(), body)
}

/// A raw HTTP/1.1 request; status, head as sent, body.
pub(crate) fn exchange(
    port: u16,
    method: &str,
    target: &str,
    headers: &str,
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}

fn kids(port: u16) -> Vec<String> {
    let (status, _, body) = send(port, "GET", "/lti/jwks", "", "");
    assert_eq!(status, 200, "{body}");
    let set: Value = serde_json::from_str(&body).unwrap();
    set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn serves_keys_lessons_and_logins_and_refuses_unbound_launches() {
    let fixture = Fixture::copy_from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("module"));
    std::fs::write(fixture.root().join("lti.toml"), CONFIG).unwrap();
    let (mut running, port) = start(&fixture);

    let first = kids(port);
    assert_eq!(first.len(), 1);
    let (_, _, well_known) = send(port, "GET", "/.well-known/jwks.json", "", "");
    assert!(well_known.contains(&first[0]));

    let (status, _, page) = send(
        port,
        "GET",
        "/lessons/digital-leadership-china/lessons/international-perspective/index.html",
        "",
        "",
    );
    assert_eq!(status, 200, "{page}");

    let login = "/lti/login?iss=http%3A%2F%2F127.0.0.1%3A9001&login_hint=u1\
                 &target_link_uri=http%3A%2F%2F127.0.0.1%3A8000%2Flti%2Flaunch";
    let (status, head, _) = send(port, "GET", login, "", "");
    assert_eq!(status, 302);
    assert!(
        head.contains("location: http://127.0.0.1:9001/auth?scope=openid"),
        "{head}"
    );
    assert!(head.contains("set-cookie: lp_state_"), "{head}");

    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let body = "iss=https%3A%2F%2Fevil.example&login_hint=u1&target_link_uri=x";
    let (status, _, page) = send(port, "POST", "/lti/login", form, body);
    assert_eq!(status, 400);
    assert!(page.contains("is not registered with this tool"), "{page}");

    let (status, _, page) = send(port, "POST", "/lti/launch", form, "id_token=a.b.c&state=s");
    assert_eq!(status, 401);
    assert!(page.contains("does not belong to this browser"), "{page}");
    assert!(page.contains("state_not_bound"), "{page}");

    running.terminate(Duration::from_secs(10));
    let (_running, port) = start(&fixture);
    assert_eq!(kids(port), first, "the key is kept across restarts");
}
