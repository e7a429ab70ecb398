//! `lessonpack preview`: the real binary serving a copy of the sample on loopback. It serves
//! the host page, the build and its state; refuses every path outside the build folder; and
//! rebuilds and tells the page when the source changes. One test drives the page in headless
//! Chromium (`tests/browser/preview.test.mjs`).

use crate::child::{Running, Stream};
use crate::fixture::Fixture;
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

    /// Sends a raw HTTP/1.1 request (the target exactly as given) and returns the status code,
    /// the headers (lowercase names) and the body.
    fn request(&self, target: &str, headers: &str) -> (u16, String, Vec<u8>) {
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
        write!(
            stream,
            "GET {target} HTTP/1.1\r\n{host}{headers}Connection: close\r\n\r\n"
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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !dir.join("node_modules/playwright-core").is_dir()
        || !Path::new("/usr/bin/chromium").exists()
    {
        let status = std::process::Command::new("bash")
            .arg(dir.join("setup.sh"))
            .status()
            .expect("bash runs tests/browser/setup.sh");
        assert!(status.success(), "tests/browser/setup.sh failed ({status})");
    }
    let output = std::process::Command::new("node")
        .args(["--test", "--test-concurrency=1", "preview.test.mjs"])
        .current_dir(&dir)
        .env("LESSONPACK_BIN", env!("CARGO_BIN_EXE_lessonpack"))
        .output()
        .expect("node runs (install Node.js)");
    assert!(
        output.status.success(),
        "preview.test.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
