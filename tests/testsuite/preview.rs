//! `lessonpack preview`: the real binary serving a copy of the sample on loopback. It serves
//! the host page, the build and its state; refuses every path outside the build folder; and
//! rebuilds and tells the page when the source changes; for cmi5 it is the LMS and LRS (launch,
//! one-time fetch URL, token-checked statements). One test drives the page in headless
//! Chromium (`tests/browser/preview.test.mjs`).

use crate::child::{Running, Stream};
use crate::fixture::Fixture;
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

const STARTUP: Duration = Duration::from_secs(30);

/// A preview of a fixture: the process, the fixture, and the port it listens on.
struct Preview {
    running: Running,
    fixture: Fixture,
    port: u16,
}

impl Preview {
    /// Starts `lessonpack preview <copy> --port 0 [extra]`, with its temporary folder inside
    /// the fixture's, and reads the port from the address it prints.
    fn start(fixture: Fixture, extra: &[&str]) -> Preview {
        let mut args: Vec<&OsStr> = vec![OsStr::new("preview"), fixture.dir.as_os_str()];
        args.extend([OsStr::new("--port"), OsStr::new("0")]);
        args.extend(extra.iter().map(OsStr::new));
        let mut running = Running::start(&args, &[("TMPDIR", fixture.root())]);
        let line = running.expect(Stream::Stdout, STARTUP, "the address", |l| {
            l.starts_with("preview: http://127.0.0.1:")
        });
        let port = line["preview: http://127.0.0.1:".len()..]
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        Preview {
            running,
            fixture,
            port,
        }
    }

    /// Sends a raw HTTP/1.1 GET (the target exactly as given) and returns the status code,
    /// the headers (lowercase names) and the body.
    fn request(&self, target: &str, headers: &str) -> (u16, String, Vec<u8>) {
        self.send("GET", target, headers, "")
    }

    /// Sends a raw HTTP/1.1 request with `body` (sent with its length unless empty).
    fn send(
        &self,
        method: &str,
        target: &str,
        headers: &str,
        body: &str,
    ) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let host = format!("Host: 127.0.0.1:{}\r\n", self.port);
        let host = if headers.to_ascii_lowercase().contains("host:") {
            ""
        } else {
            &host
        };
        let length = if body.is_empty() && method == "GET" {
            String::new()
        } else {
            format!("Content-Length: {}\r\n", body.len())
        };
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\n{host}{headers}{length}Connection: close\r\n\r\n{body}"
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header");
        let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, head, response[split + 4..].to_vec())
    }

    fn get(&self, target: &str) -> (u16, String) {
        let (status, _, body) = self.request(target, "");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Sends a request and reads the body as JSON (`null` when empty).
    fn json(&self, method: &str, target: &str, headers: &str, body: &str) -> (u16, Value) {
        let (status, _, body) = self.send(method, target, headers, body);
        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, value)
    }
}

/// The header of a JSON request body.
const JSON: &str = "Content-Type: application/json\r\n";

/// Percent-encodes everything but the unreserved characters.
fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of `name` in a URL's query string (percent-decoded, `+` a space).
fn query_param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let raw = query
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {url}"));
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(&raw[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn sample() -> Fixture {
    Fixture::copy_from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("module"))
}

#[test]
fn serves_the_host_page_the_build_and_its_state() {
    let preview = Preview::start(sample(), &["--target", "scorm12"]);
    let (status, page) = preview.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("<title>lessonpack preview</title>"), "{page}");
    for asset in [
        "host.js",
        "lms.js",
        "host.css",
        "scorm-again.min.js",
        "scorm-again-LICENSE.txt",
    ] {
        assert_eq!(preview.get(&format!("/preview/{asset}")).0, 200, "{asset}");
    }
    let (status, state) = preview.get("/api/state");
    assert_eq!(status, 200);
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["ok"], true, "{state}");
    assert_eq!(state["target"], "scorm12");
    assert_eq!(state["runtime"], "scorm12");
    assert_eq!(state["module"]["id"], "digital-leadership-china");
    let href = state["lessons"][0]["href"].as_str().unwrap();
    assert_eq!(href, "lessons/international-perspective/index.html");

    let (status, manifest) = preview.get("/package/imsmanifest.xml");
    assert_eq!(status, 200);
    assert!(manifest.contains("<schemaversion>1.2</schemaversion>"));
    let (status, head, page) = preview.request(&format!("/package/{href}"), "");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert!(String::from_utf8_lossy(&page).contains("assets/scorm.js"));
    assert_eq!(preview.get("/package/no-such-file.html").0, 404);
}

#[test]
fn cmi5_is_launched_with_a_one_time_token_and_an_lrs_behind_it() {
    let preview = Preview::start(Fixture::copy("basic"), &["--target", "cmi5"]);
    let (status, page) = preview.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("/preview/lrs.js"), "{page}");
    let (_, state) = preview.json("GET", "/api/state", "", "");
    assert_eq!(state["ok"], true, "{state}");
    assert_eq!(
        (&state["target"], &state["runtime"]),
        (&json!("cmi5"), &json!("cmi5"))
    );
    assert!(
        state["targets"]
            .as_array()
            .unwrap()
            .contains(&json!("cmi5"))
    );
    let au = &state["aus"][0];
    assert_eq!(
        au["id"], "urn:lessonpack:basic-module:first-lesson",
        "{state}"
    );
    assert_eq!(
        au["moveOn"], "CompletedAndPassed",
        "a scored lesson asks for passed"
    );

    // The launch: the AU's url from cmi5.xml with the five parameters, on this preview.
    let body = json!({ "au": au["id"] }).to_string();
    let (status, launch) = preview.json("POST", "/api/cmi5/launch", JSON, &body);
    assert_eq!(status, 200, "{launch}");
    let url = launch["url"].as_str().unwrap();
    assert!(
        url.starts_with("/package/lessons/first-lesson/index.html?endpoint="),
        "{url}"
    );
    let origin = format!("http://127.0.0.1:{}", preview.port);
    assert_eq!(query_param(url, "endpoint"), format!("{origin}/xapi/"));
    let actor: Value = serde_json::from_str(&query_param(url, "actor")).unwrap();
    assert_eq!(
        actor["account"],
        json!({ "homePage": origin, "name": "learner" })
    );
    let registration = query_param(url, "registration");
    assert_eq!(registration, launch["registration"].as_str().unwrap());
    let activity = query_param(url, "activityId");
    let fetch = query_param(url, "fetch");
    let fetch = fetch
        .strip_prefix(&origin)
        .expect("the fetch URL is on the preview");

    // Nothing is answered before the token is fetched, nor without it.
    let version = "X-Experience-API-Version: 1.0.3\r\n";
    let statement_id = "4c1a3d0e-8f7b-4c2a-9d6e-2b5f1a7c9e01";
    let statement = json!({
        "id": statement_id,
        "actor": actor,
        "verb": { "id": "http://adlnet.gov/expapi/verbs/initialized", "display": { "en": "initialized" } },
        "object": { "objectType": "Activity", "id": activity },
        "context": { "registration": registration },
    })
    .to_string();
    let put = format!("/xapi/statements?statementId={statement_id}");
    assert_eq!(
        preview.json("PUT", &put, version, &statement).0,
        401,
        "no token"
    );
    assert_eq!(preview.get(fetch).0, 405, "the fetch URL takes POST only");
    let (status, token) = preview.json("POST", fetch, "", "");
    assert_eq!(status, 200);
    let token = token["auth-token"].as_str().expect("a token").to_string();
    let (status, again) = preview.json("POST", fetch, "", "");
    assert_eq!(
        (status, &again["error-code"]),
        (200, &json!("1")),
        "{again}"
    );
    assert!(again.get("auth-token").is_none());

    let auth = format!("Authorization: Basic {token}\r\n");
    let wrong = "Authorization: Basic 0123456789abcdef0123456789abcdef\r\n";
    let (status, _) = preview.json("PUT", &put, &format!("{wrong}{version}"), &statement);
    assert!(matches!(status, 401 | 403), "{status}");
    assert_eq!(
        preview.json("PUT", &put, &auth, &statement).0,
        400,
        "no version header"
    );

    // LMS.LaunchData as cmi5 §10 asks, read with the token; the AU may not change it.
    let agent = escape(&actor.to_string());
    let state_url = |id: &str| {
        format!(
            "/xapi/activities/state?stateId={id}&activityId={}&agent={agent}&registration={registration}",
            escape(&activity)
        )
    };
    let headers = format!("{auth}{version}");
    let (status, data) = preview.json("GET", &state_url("LMS.LaunchData"), &headers, "");
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["launchMode"], "Normal");
    assert_eq!(data["moveOn"], "CompletedAndPassed");
    assert_eq!(
        data["contextTemplate"]["contextActivities"]["grouping"][0]["id"],
        au["id"]
    );
    assert!(data["returnURL"].as_str().unwrap().starts_with(&origin));
    assert_eq!(
        preview
            .json("PUT", &state_url("LMS.LaunchData"), &headers, "{}")
            .0,
        403
    );
    assert_eq!(
        preview
            .json("GET", &state_url("suspendData"), &headers, "")
            .0,
        404
    );
    assert_eq!(
        preview
            .json(
                "PUT",
                &state_url("suspendData"),
                &headers,
                r#"{"position":3}"#
            )
            .0,
        204
    );
    let (_, saved) = preview.json("GET", &state_url("suspendData"), &headers, "");
    assert_eq!(saved, json!({ "position": 3 }));
    let profile = format!("/xapi/agents/profile?profileId=cmi5LearnerPreferences&agent={agent}");
    assert_eq!(preview.json("GET", &profile, &headers, "").0, 404);

    // A statement stored with the token is readable, and in the panel's records.
    assert_eq!(preview.json("PUT", &put, &headers, &statement).0, 204);
    let (status, stored) = preview.json("GET", &put, &headers, "");
    assert_eq!(status, 200);
    assert_eq!(
        stored["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/initialized"
    );
    assert!(stored["stored"].is_string());
    let other = statement.replace("initialized", "terminated");
    assert_eq!(
        preview.json("PUT", &put, &headers, &other).0,
        409,
        "the same id, other content"
    );
    let (_, panel) = preview.json("GET", "/api/cmi5/records", "", "");
    let verbs: Vec<&str> = panel["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["statement"]["verb"]["display"]["en"].as_str())
        .collect();
    assert_eq!(verbs[..2], ["launched", "initialized"], "{panel}");
    assert_eq!(panel["statements"], 2);
    let refused = panel["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 401)
        .count();
    assert_eq!(refused, 2, "the refusals are shown too");

    // A relaunch is a new session of the same registration; a reset forgets it all.
    let (_, second) = preview.json("POST", "/api/cmi5/launch", JSON, &body);
    assert_eq!(second["registration"], launch["registration"]);
    assert_eq!(second["session"], 2);
    assert_ne!(
        query_param(second["url"].as_str().unwrap(), "fetch"),
        query_param(url, "fetch")
    );
    assert_eq!(preview.json("POST", "/api/cmi5/reset", "", "").0, 204);
    let (_, third) = preview.json("POST", "/api/cmi5/launch", JSON, &body);
    assert_ne!(third["registration"], launch["registration"]);
    let (_, panel) = preview.json("GET", "/api/cmi5/records", "", "");
    assert_eq!(
        panel["statements"], 1,
        "only the new launch's launched: {panel}"
    );
}

#[test]
fn never_serves_a_file_outside_its_folder() {
    let preview = Preview::start(sample(), &[]);
    // Files the requests below try to reach: the repository's Cargo.toml (up from the
    // working folder) and a file beside the lesson source.
    preview.fixture.write("../secret.txt", "TOP SECRET");
    for target in [
        "/package/../Cargo.toml",
        "/package/../../Cargo.toml",
        "/package/%2e%2e/Cargo.toml",
        "/package/%2E%2E/%2E%2E/secret.txt",
        "/package/..%2F..%2Fsecret.txt",
        "/package/.%2e/.%2e/module/module.toml",
        "/package/lessons/../../../secret.txt",
        "/package/..%5c..%5csecret.txt",
        "/package//etc/passwd",
        "/package/%2Fetc%2Fpasswd",
    ] {
        let (status, body) = preview.get(target);
        assert!(matches!(status, 400 | 404), "{target}: {status}");
        assert!(
            !body.contains("SECRET") && !body.contains("[package]"),
            "{target}: {body}"
        );
        assert!(!body.contains("root:"), "{target}: {body}");
    }
    // A name other than the loopback address it serves is refused (DNS rebinding).
    let (status, _, _) = preview.request("/api/state", "Host: attacker.example\r\n");
    assert_eq!(status, 403);
    let (status, _, _) = preview.request(
        "/api/state",
        &format!("Host: localhost:{}\r\n", preview.port),
    );
    assert_eq!(status, 200);
}

#[test]
fn bundled_video_is_served_with_byte_ranges() {
    let preview = Preview::start(Fixture::copy("rtl"), &["--target", "web"]);
    let (status, head, body) = preview.request(
        "/package/media/first-lesson/lecture.webm",
        "Range: bytes=100-199\r\n",
    );
    assert_eq!(status, 206, "{head}");
    assert!(head.contains("content-range: bytes 100-199/4096"), "{head}");
    assert!(head.contains("content-type: video/webm"), "{head}");
    assert_eq!(body.len(), 100);
    let original = std::fs::read(preview.fixture.path("media/lecture.webm")).unwrap();
    assert_eq!(body, original[100..200]);
}

#[test]
fn editing_the_source_rebuilds_and_tells_the_page() {
    let mut preview = Preview::start(sample(), &["--target", "scorm2004"]);
    let mut events = TcpStream::connect(("127.0.0.1", preview.port)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        events,
        "GET /events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        preview.port
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let mut next_event = |name: &str| -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut current = String::new();
        while Instant::now() < deadline {
            let mut line = String::new();
            assert!(
                events.read_line(&mut line).unwrap() > 0,
                "the event stream closed"
            );
            let line = line.trim_end();
            if let Some(event) = line.strip_prefix("event: ") {
                current = event.to_string();
            } else if let Some(data) = line.strip_prefix("data: ")
                && current == name
            {
                return data.to_string();
            }
        }
        panic!("no `{name}` event");
    };
    assert_eq!(next_event("hello"), "1");

    // A broken edit: the build fails, the page hears of it, the last build stays served.
    let toml = preview.fixture.read("module.toml");
    preview.fixture.write(
        "module.toml",
        toml.replace("id = \"international", "id = \"International"),
    );
    let failed: serde_json::Value = serde_json::from_str(&next_event("build")).unwrap();
    assert_eq!(
        (failed["build"].as_u64(), failed["ok"].as_bool()),
        (Some(2), Some(false))
    );
    let (_, state) = preview.get("/api/state");
    assert!(state.contains("error:"), "{state}");
    let lesson = "/package/lessons/international-perspective/index.html";
    assert_eq!(preview.get(lesson).0, 200);

    // The fix with a new title: rebuilt, and the page served has the new title.
    let edited = toml.replace(
        "\ntitle = \"An international perspective\"\nsummary",
        "\ntitle = \"An international perspective, edited\"\nsummary",
    );
    assert_ne!(edited, toml);
    preview.fixture.write("module.toml", edited);
    let rebuilt: serde_json::Value = serde_json::from_str(&next_event("build")).unwrap();
    assert_eq!(
        (rebuilt["build"].as_u64(), rebuilt["ok"].as_bool()),
        (Some(3), Some(true))
    );
    assert!(
        rebuilt["summary"]
            .as_str()
            .unwrap()
            .starts_with("rebuilt scorm2004")
    );
    let (status, page) = preview.get(lesson);
    assert_eq!(status, 200);
    assert!(
        page.contains("<h1>An international perspective, edited</h1>"),
        "{page}"
    );
    // The console says so too, one line per rebuild.
    preview.running.expect(
        Stream::Stdout,
        Duration::from_secs(5),
        "the rebuilt line",
        |l| l.ends_with(" rebuilt scorm2004") || l.contains(" rebuilt scorm2004 ("),
    );
}

#[test]
fn stops_on_sigterm_and_removes_its_build_folder() {
    let mut preview = Preview::start(sample(), &[]);
    let temp = |root: &Path| -> Vec<String> {
        std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("lessonpack-preview-"))
            .collect()
    };
    assert_eq!(temp(preview.fixture.root()).len(), 1);
    assert_eq!(preview.running.terminate(Duration::from_secs(10)), Some(0));
    assert_eq!(temp(preview.fixture.root()), Vec::<String>::new());
}

/// Drives the preview in headless Chromium: `tests/browser/preview.test.mjs` (installs the
/// browser test set-up with `tests/browser/setup.sh` when it is missing).
#[test]
fn browser() {
    crate::support::browser_test(
        "preview.test.mjs",
        &[("LESSONPACK_BIN", env!("CARGO_BIN_EXE_lessonpack").as_ref())],
    );
}
