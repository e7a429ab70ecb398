//! Load test of `lessonpack serve` on loopback: 1,000 LTI 1.3 launches through the full
//! browser flow, with a plain-GET baseline (`benches/lti.sh` builds and runs it).
//!
//! The bench plays the platform ([`platform`]): its JWKS on a loopback port, an `lti.toml`
//! registering it, the real release binary as the tool. Each launch is what a browser does
//! between an LMS and the tool: `GET /lti/login` (302 to the platform's `/auth` with `state`,
//! `nonce` and a state cookie) → the platform's signed `id_token` (made here, in process:
//! the `/auth` hop is not timed) → `POST /lti/launch` with the cookie (303 to the lesson) →
//! `GET` the lesson page (200). Workers are threads, each a "browser" with its own
//! keep-alive connection (ureq). Launch latency is login plus launch round trips; the
//! bench's own signing is timed apart. Any failure prints its status and body, and the bench
//! exits 1.
//!
//! Settings (environment): `LAUNCHES` (1000), `WORKERS` (16), `WARMUP` (50 launches, not
//! counted), `LESSONPACK_BIN` (default: the binary Cargo built for this bench),
//! `DATABASE_DIR` (where the tool's SQLite file goes; default: the temporary folder, on
//! the disk `$TMPDIR` is on).

#[path = "lti_load/platform.rs"]
mod platform;
#[path = "lti_load/report.rs"]
mod report;

use platform::Platform;
use report::{Row, Spread};
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Why one launch (or request) failed.
struct Failure {
    n: usize,
    step: &'static str,
    status: u16,
    body: String,
}

/// The times of one launch.
struct Timing {
    login: Duration,
    launch: Duration,
    page: Duration,
    sign: Duration,
}

/// The tool process, the URL it serves on and its database (deleted at the end).
struct Server {
    child: Child,
    url: String,
    database: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.database.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts `lessonpack serve` on the sample module, trusting `platform`. The port is chosen
/// here, not with `--port 0`, because `lti.toml`'s `base-url` must name it.
fn start_server(dir: &Path, platform: &Platform) -> anyhow::Result<Server> {
    let bin = std::env::var_os("LESSONPACK_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_lessonpack")),
        PathBuf::from,
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let config = dir.join("lti.toml");
    let database = std::env::var_os("DATABASE_DIR")
        .map_or_else(|| dir.to_path_buf(), PathBuf::from)
        .join(format!("lti-load-{port}.sqlite"));
    std::fs::write(&config, platform.tool_config(&url, &database))?;
    let mut child = Command::new(&bin)
        .args(["serve", "--lessons"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("module"))
        .arg("--config")
        .arg(&config)
        .args(["--port", &port.to_string()])
        .env("TMPDIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let server = Server {
        child,
        url,
        database,
    };
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().transpose()?.unwrap_or_default();
    let address = first
        .strip_prefix("serve: ")
        .and_then(|rest| rest.split_once("/ "))
        .map(|(address, _)| address);
    anyhow::ensure!(
        address == Some(server.url.as_str()),
        "the tool did not start on {}: {first:?}",
        server.url
    );
    std::thread::spawn(move || lines.for_each(drop));
    Ok(server)
}

/// A browser: one keep-alive connection, no redirects followed, every status returned.
fn browser() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Sends `request`, reads the body; fails unless the status is `expect`.
fn call(
    n: usize,
    step: &'static str,
    expect: u16,
    request: impl FnOnce() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(ureq::http::HeaderMap, Duration), Failure> {
    let fail = |status, body| Failure {
        n,
        step,
        status,
        body,
    };
    let start = Instant::now();
    let mut response = request().map_err(|e| fail(0, e.to_string()))?;
    let body = response.body_mut().read_to_string();
    let took = start.elapsed();
    let status = response.status().as_u16();
    let body = body.map_err(|e| fail(status, e.to_string()))?;
    if status != expect {
        return Err(fail(status, body));
    }
    Ok((response.headers().clone(), took))
}

fn header(headers: &ureq::http::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Launch `n`, the whole browser flow.
fn launch(agent: &ureq::Agent, p: &Platform, tool: &str, n: usize) -> Result<Timing, Failure> {
    let bad = |step, body: String| Failure {
        n,
        step,
        status: 0,
        body,
    };
    let (headers, login) = call(n, "login", 302, || agent.get(p.login_url(tool, n)).call())?;
    let location = header(&headers, "location");
    let cookie = header(&headers, "set-cookie");
    let cookie = cookie.split(';').next().unwrap_or_default();
    // `state` and `nonce` are base64url (nothing to decode); `redirect_uri` is compared
    // encoded.
    let (Some(state), Some(nonce)) = (
        platform::query_value(&location, "state"),
        platform::query_value(&location, "nonce"),
    ) else {
        return Err(bad("login", format!("no state or nonce in {location:?}")));
    };
    let launch_url = format!("{tool}/lti/launch");
    let redirect_uri = platform::query_value(&location, "redirect_uri");
    if redirect_uri != Some(platform::encode(&launch_url).as_str())
        || cookie != format!("lp_state_{state}={state}")
    {
        return Err(bad("login", format!("{redirect_uri:?}, cookie {cookie:?}")));
    }

    let start = Instant::now();
    let token = p
        .id_token(tool, n, nonce)
        .map_err(|e| bad("sign", e.to_string()))?;
    let sign = start.elapsed();

    let (headers, launch) = call(n, "launch", 303, || {
        agent
            .post(&launch_url)
            .header("Cookie", cookie)
            .send_form([("id_token", token.as_str()), ("state", state)])
    })?;
    let lesson = header(&headers, "location");
    let page_path = format!(
        "/lessons/{}/lessons/{}/index.html",
        platform::MODULE,
        platform::LESSON
    );
    let Some(("", _session)) = lesson
        .strip_prefix(&page_path)
        .and_then(|rest| rest.split_once("#lti-session="))
    else {
        return Err(bad("launch", format!("303 to {lesson:?}")));
    };
    let (_, page) = call(n, "page", 200, || {
        agent.get(format!("{tool}{page_path}")).call()
    })?;
    Ok(Timing {
        login,
        launch,
        page,
        sign,
    })
}

/// Runs `job(agent, n)` for n in `0..count` on `workers` threads; the results, the
/// failures and the wall time.
fn run<T: Send>(
    count: usize,
    workers: usize,
    job: impl Fn(&ureq::Agent, usize) -> Result<T, Failure> + Sync,
) -> (Vec<T>, Vec<Failure>, Duration) {
    let next = AtomicUsize::new(0);
    let done = Mutex::new((Vec::with_capacity(count), Vec::new()));
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let agent = browser();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        break;
                    }
                    let result = job(&agent, n);
                    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
                    match result {
                        Ok(t) => done.0.push(t),
                        Err(f) => done.1.push(f),
                    }
                }
            });
        }
    });
    let wall = start.elapsed();
    let (ok, failed) = done.into_inner().unwrap_or_else(|e| e.into_inner());
    (ok, failed, wall)
}

/// Prints the failures (status and body, the first 20 in full) and whether there were none.
fn no_failures(what: &str, failures: &[Failure]) -> bool {
    for f in failures.iter().take(20) {
        let body: String = f.body.chars().take(600).collect();
        eprintln!(
            "FAIL {what} #{} at {}: status {}: {body}",
            f.n, f.step, f.status
        );
    }
    if failures.len() > 20 {
        eprintln!("… and {} more failures", failures.len() - 20);
    }
    failures.is_empty()
}

fn bench() -> anyhow::Result<bool> {
    let (launches, workers, warmup) = (
        setting("LAUNCHES", 1000),
        setting("WORKERS", 16),
        setting("WARMUP", 50),
    );
    let _ = jsonwebtoken::crypto::CryptoProvider::install_default(
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
    );
    let dir = tempfile::Builder::new()
        .prefix("lessonpack-lti-load-")
        .tempdir()?;
    let platform = Platform::start()?;
    let server = start_server(dir.path(), &platform)?;
    let (tool, pid) = (server.url.as_str(), server.child.id().to_string());
    let rss_start = report::status_kib(&pid, "VmRSS")?;
    let hwm_start = report::status_kib(&pid, "VmHWM")?;

    let (_, failed, _) = run(warmup, workers, |a, n| launch(a, &platform, tool, n));
    if !no_failures("warm-up launch", &failed) {
        return Ok(false);
    }
    let rss_warm = report::status_kib(&pid, "VmRSS")?;
    let (cpu_server, cpu_bench) = (report::cpu_time(&pid)?, report::cpu_time("self")?);
    let (timings, failed, wall) = run(launches, workers, |a, n| {
        launch(a, &platform, tool, warmup + n)
    });
    let cpu_server = report::cpu_time(&pid)? - cpu_server;
    let cpu_bench = report::cpu_time("self")? - cpu_bench;
    let (rss_end, hwm_end) = (
        report::status_kib(&pid, "VmRSS")?,
        report::status_kib(&pid, "VmHWM")?,
    );
    let launches_ok = no_failures("launch", &failed);

    let jwks_url = format!("{tool}/lti/jwks");
    let (jwks, jwks_failed, jwks_wall) = run(launches, workers, |a, n| {
        call(n, "jwks", 200, || a.get(&jwks_url).call()).map(|(_, took)| took)
    });
    let jwks_ok = no_failures("JWKS GET", &jwks_failed);

    let pick = |f: fn(&Timing) -> Duration| timings.iter().map(f).collect::<Vec<_>>();
    let row = |name, samples: Vec<Duration>, wall| Row {
        name,
        count: samples.len(),
        wall,
        spread: Spread::of(&samples),
    };
    let rows = [
        row(
            "launch (login + launch)",
            pick(|t| t.login + t.launch),
            wall,
        ),
        row("  GET /lti/login → 302", pick(|t| t.login), wall),
        row("  POST /lti/launch → 303", pick(|t| t.launch), wall),
        row("lesson page GET → 200", pick(|t| t.page), wall),
        row("baseline: GET /lti/jwks", jwks, jwks_wall),
    ];
    let signing = Spread::of(&pick(|t| t.sign));
    println!(
        "\nlessonpack serve, {launches} launches, {workers} workers ({warmup} warm-up launches \
         not counted), {} cores, store {}; {} failures\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        server.database.display(),
        failed.len() + jwks_failed.len()
    );
    print!("{}", report::table(&rows));
    println!(
        "\nserver RSS: {} MiB after start, {} MiB after warm-up, {} MiB after the run; \
         peak (VmHWM) {} MiB at start, {} MiB after the run",
        report::mib(rss_start),
        report::mib(rss_warm),
        report::mib(rss_end),
        report::mib(hwm_start),
        report::mib(hwm_end)
    );
    println!(
        "CPU during the launches: server {:.2} s ({:.2} ms per launch), bench {:.2} s \
         (signing p50 {:.2} ms per token), in {:.2} s of wall time",
        cpu_server.as_secs_f64(),
        cpu_server.as_secs_f64() * 1000.0 / launches.max(1) as f64,
        cpu_bench.as_secs_f64(),
        signing.p50.as_secs_f64() * 1000.0,
        wall.as_secs_f64()
    );
    let whole = Spread::of(&pick(|t| t.login + t.launch));
    println!(
        "\n{} launches in {:.2} s: {:.0} launches/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, \
         {} failures, server peak RSS {} MiB",
        timings.len(),
        wall.as_secs_f64(),
        timings.len() as f64 / wall.as_secs_f64(),
        whole.p50.as_secs_f64() * 1000.0,
        whole.p99.as_secs_f64() * 1000.0,
        whole.max.as_secs_f64() * 1000.0,
        failed.len(),
        report::mib(hwm_end)
    );
    Ok(launches_ok && jwks_ok)
}

fn main() -> ExitCode {
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("lti_load: {e:#}");
            ExitCode::from(2)
        }
    }
}
