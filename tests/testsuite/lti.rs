//! `lessonpack serve` against a real LTI 1.3 platform, end to end over HTTP on loopback.
//!
//! The platform is `tests/lti/platform.py` on PyPI's `lti1p3platform` (pinned in
//! `tests/lti/requirements.txt`, installed into `tests/lti/.venv` here or by
//! `scripts/test.sh`). It registers the tool from the same `lti.toml` the binary reads, and
//! plays every launch through a scripted browser: login initiation at the tool, the tool's
//! redirect to the platform's `/auth`, the auto-submitted `id_token` form back to the tool.
//! An honest resource-link launch must reach the lesson page; a replayed `id_token`, a
//! tampered `state`, an expired token, a wrong audience, issuer or nonce, an unknown
//! deployment, `alg: none`, HS256 keyed with the public key, an unknown `kid` and a bad
//! signature must each be refused with their error code (the platform forges them with its
//! own keys). Then the grade side: a launched page's completion report (what `lti.js`
//! sends) must reach the platform's gradebook as 1 of 1 through a client-credentials token,
//! also after the platform forgot its tokens, and a lesson chosen through Deep Linking must
//! launch and be graded on the line item the platform made for it, and the real page in
//! headless Chromium (`tests/browser/lti-page.mjs`) must report its own completion.
//! Then Dynamic Registration (`tests/lti/registration.py`): the tool registers itself with
//! the platform, stays pending (a launch is refused) until `lessonpack lti approve`, then
//! launches; and key rotation (`tests/lti/rotation.py`): the platform's (the tool refetches
//! its JWKS) and the tool's (`lessonpack lti rotate-key` while serving: both keys published,
//! new sessions signed with the new one). The validator's unit tests cover each rule; this
//! proves the HTTP path.
//!
//! The test fails, never skips, when the venv cannot be made.

use crate::child::{Running, Stream};
use crate::fixture::Fixture;
use std::ffi::OsStr;
use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every scenario the platform must report as passed.
const SCENARIOS: [&str; 20] = [
    "honest_resource_link_launch",
    "replayed_id_token_refused",
    "tampered_state_refused",
    "expired_token_refused",
    "wrong_audience_refused",
    "wrong_issuer_refused",
    "unknown_deployment_refused",
    "wrong_nonce_refused",
    "alg_none_refused",
    "hs256_with_public_key_refused",
    "unknown_kid_refused",
    "bad_signature_refused",
    "completion_graded",
    "completion_graded_after_platform_restart",
    "deep_linked_lesson_launched_and_graded",
    "completed_in_a_browser_and_graded",
    "link_without_line_item_gets_one_and_is_graded",
    "dynamic_registration",
    "platform_key_rotation",
    "tool_key_rotation",
];

/// `tests/lti`.
fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lti")
}

/// The venv's Python with `lti1p3platform` (`tests/lti/requirements.txt`), made when missing.
fn platform_python() -> PathBuf {
    crate::support::python_venv(
        &tools_dir(),
        "import lti1p3platform.ltiplatform, jwt, requests",
    )
}

/// A port free on 127.0.0.1 right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The tool's `lti.toml` trusting the platform on `platform_port`.
fn config(tool_port: u16, platform_port: u16) -> String {
    let platform = format!("http://127.0.0.1:{platform_port}");
    format!(
        r#"base-url = "http://127.0.0.1:{tool_port}"
jwks-refetch-cooldown = 0
[[registrations]]
issuer = "{platform}"
client-id = "test-client-1"
auth-login-url = "{platform}/auth"
token-url = "{platform}/token"
jwks-url = "{platform}/.well-known/jwks.json"
deployments = ["deploy-1"]
"#
    )
}

#[test]
fn a_real_lti_platform_launches_lessons_and_forged_launches_are_refused() {
    let python = platform_python();
    crate::support::browser_setup();
    let fixture = Fixture::copy_from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("module"));
    let (tool_port, platform_port) = (free_port(), free_port());
    assert_ne!(tool_port, platform_port);
    let config_path = fixture.root().join("lti.toml");
    std::fs::write(&config_path, config(tool_port, platform_port)).unwrap();

    let port = tool_port.to_string();
    let args: Vec<&OsStr> = vec![
        OsStr::new("serve"),
        OsStr::new("--lessons"),
        fixture.dir.as_os_str(),
        OsStr::new("--config"),
        config_path.as_os_str(),
        OsStr::new("--port"),
        OsStr::new(&port),
    ];
    let mut tool = Running::start(&args, &[("TMPDIR", fixture.root())]);
    tool.expect(
        Stream::Stdout,
        Duration::from_secs(60),
        "the address",
        |l| l.starts_with(&format!("serve: http://127.0.0.1:{tool_port}/")),
    );

    let report_path = fixture.root().join("platform.log");
    let report = std::fs::File::create(&report_path).unwrap();
    let mut platform = Command::new(&python)
        .arg(tools_dir().join("platform.py"))
        .arg("--config")
        .arg(&config_path)
        .args(["--module", "digital-leadership-china"])
        .args(["--lesson", "international-perspective"])
        .arg("--page-script")
        .arg(crate::support::browser_dir().join("lti-page.mjs"))
        .arg("--lessonpack")
        .arg(env!("CARGO_BIN_EXE_lessonpack"))
        .stdin(Stdio::null())
        .stdout(report.try_clone().unwrap())
        .stderr(report)
        .spawn()
        .expect("the platform starts");
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(status) = platform.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = platform.kill();
            let _ = platform.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut log = String::new();
    std::fs::File::open(&report_path)
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let tool_output = tool.lines_within(Stream::Stderr, Duration::from_millis(100));
    tool.terminate(Duration::from_secs(10));

    let context = format!("platform:\n{log}\ntool stderr:\n{}", tool_output.join("\n"));
    assert!(
        status.is_some_and(|s| s.success()),
        "the platform reported failures ({status:?}):\n{context}"
    );
    for scenario in SCENARIOS {
        assert!(
            log.lines()
                .any(|l| l.starts_with("PASS") && l.split_whitespace().nth(1) == Some(scenario)),
            "scenario {scenario} did not pass:\n{context}"
        );
    }
    assert!(
        log.contains(&format!("{} passed, 0 failed", SCENARIOS.len())),
        "{context}"
    );
}
