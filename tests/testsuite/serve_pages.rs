//! `lessonpack serve`'s own HTML pages, checked with axe-core in headless Chromium
//! (`tests/browser/serve-pages.test.mjs`): an error page and the Dynamic Registration result
//! page as the running binary serves them (the registration made against a platform stand-in
//! on loopback), and the Deep Linking lesson picker as the library renders it (reaching it
//! over HTTP takes a platform signing a launch: `lti.rs` does that with a real one).

use crate::fixture::Fixture;
use lessonpack::lti::config::Config;
use lessonpack::lti::deep_link::{self, Request};
use lessonpack::lti::http::UreqHttp;
use lessonpack::lti::jwks::{HttpFetch, PlatformKeys};
use lessonpack::lti::store::SqliteStore;
use lessonpack::lti::{Tool, keys};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

/// A platform stand-in on a free loopback port for one Dynamic Registration: it serves its
/// OpenID configuration, then answers the registration POST with a client id and a
/// deployment. Returns the configuration URL and the thread (ends after the two requests).
fn platform() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let configuration = json!({
        "issuer": origin,
        "authorization_endpoint": format!("{origin}/auth"),
        "token_endpoint": format!("{origin}/token"),
        "jwks_uri": format!("{origin}/jwks"),
        "registration_endpoint": format!("{origin}/register"),
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "moodle",
        },
    });
    let registered = json!({
        "client_id": "dyn-client-1",
        "https://purl.imsglobal.org/spec/lti-tool-configuration": { "deployment_id": "7" },
    });
    let thread = std::thread::spawn(move || {
        for answer in [configuration, registered] {
            let (stream, _) = listener.accept().unwrap();
            answer_one(stream, &answer);
        }
    });
    (format!("{origin}/.well-known/openid-configuration"), thread)
}

/// Reads one request (head and body) from `stream` and answers `body` as JSON.
fn answer_one(stream: std::net::TcpStream, body: &Value) {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    reader.read_exact(&mut vec![0; length]).unwrap();
    let body = body.to_string();
    write!(
        reader.get_mut(),
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
}

/// The lesson picker a deep-linking launch shows, for two lessons (one title needing
/// escaping), from a tool on loopback with a fresh key.
fn picker() -> String {
    let store = SqliteStore::in_memory().unwrap();
    keys::ensure(&store, lessonpack::lti::now()).unwrap();
    let tool = Tool::new(
        Config::bare("http://127.0.0.1:8000"),
        Box::new(store),
        PlatformKeys::new(Box::new(HttpFetch::default()), Duration::ZERO),
        Box::new(UreqHttp::default()),
    );
    let request = Request {
        client_id: "test-client-1".into(),
        issuer: "http://127.0.0.1:9001".into(),
        deployment_id: "deploy-1".into(),
        return_url: "http://127.0.0.1:9001/dl/return".into(),
        data: None,
    };
    let lessons = [
        (
            "international-perspective".to_string(),
            "An international perspective".to_string(),
        ),
        (
            "leading-change".to_string(),
            "Leading change: <China & the world>".to_string(),
        ),
    ];
    deep_link::picker(&tool, &request, &lessons, lessonpack::lti::now()).unwrap()
}

/// `GET target` on the running tool: the status and the page.
fn get(port: u16, target: &str) -> (u16, String) {
    let (status, head, body) = crate::serve::exchange(port, "GET", target, "", "");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    (status, body)
}

#[test]
fn accessible_in_chromium() {
    let fixture = Fixture::copy_from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("module"));
    std::fs::write(fixture.root().join("lti.toml"), crate::serve::CONFIG).unwrap();
    let (mut running, port) = crate::serve::start(&fixture);

    let (status, error) = get(port, "/lti/login");
    assert_eq!(status, 400, "{error}");

    let (configuration, platform) = platform();
    let target = format!(
        "/lti/register?openid_configuration={}&registration_token=t1",
        configuration.replace(':', "%3A").replace('/', "%2F")
    );
    let (status, registration) = get(port, &target);
    platform.join().unwrap();
    assert_eq!(status, 200, "{registration}");
    assert!(
        registration.contains("lessonpack lti approve 2 --config "),
        "{registration}"
    );
    running.terminate(Duration::from_secs(10));

    let pages = tempfile::tempdir().unwrap();
    for (name, html, title) in [
        ("error", error, "The lesson cannot open"),
        (
            "registration-pending",
            registration,
            "Registration pending approval",
        ),
        ("lesson-picker", picker(), "Choose a lesson"),
    ] {
        let title = format!("<title>{title} — lessonpack</title>");
        assert!(html.contains(&title), "{name}: no {title} in {html}");
        std::fs::write(pages.path().join(format!("{name}.html")), html).unwrap();
    }
    crate::support::browser_test(
        "serve-pages.test.mjs",
        &[("LESSONPACK_SERVE_PAGES", pages.path().as_os_str())],
    );
}
