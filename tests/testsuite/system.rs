//! Debian packages the tests install when missing, and a throwaway PostgreSQL server: a
//! cluster made with `initdb` in a temporary directory, listening on a free loopback port
//! (its unix socket inside that directory), stopped and deleted on drop.
//!
//! Shared by the integration tests and the library's unit tests (`src/lti/store/mod.rs`
//! includes this file by path), so it uses std and `tempfile` only.
//!
//! PostgreSQL refuses to run as root: when the tests run as root (CI, these machines) the
//! cluster belongs to `nobody` and `initdb` / `pg_ctl` run through `runuser -u nobody`.
//! Nothing here skips: a server that cannot be installed or started fails the test.

// Only the PostgreSQL tests (feature `postgres`) start a server.
#![cfg_attr(not(feature = "postgres"), allow(dead_code))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Installs a Debian package with apt-get (updating the lists once if the first try fails);
/// panics with what to do when it cannot.
pub(crate) fn apt_install(package: &str) {
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    let install = ["install", "-y", "-qq", package];
    assert!(
        apt(&install) || (apt(&["update", "-qq"]) && apt(&install)),
        "`apt-get install -y {package}` failed: install the Debian package {package} (or run \
         scripts/test.sh as root)"
    );
}

/// The folder of PostgreSQL's server programs: the one holding `initdb` on `PATH`, else the
/// newest `/usr/lib/postgresql/<version>/bin` (Debian), installing Debian's `postgresql`
/// first when there is neither.
fn postgres_bin() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let find = || {
            let on_path = std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .unwrap_or_default();
            let on_path = on_path.into_iter().map(|d| d.join("initdb"));
            let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path())))
                .collect();
            debian.sort();
            let debian = debian.into_iter().rev().map(|(_, d)| d.join("bin/initdb"));
            let initdb = on_path.chain(debian).find(|p| p.is_file())?;
            let initdb = initdb.canonicalize().ok()?;
            Some(initdb.parent()?.to_path_buf())
        };
        find().unwrap_or_else(|| {
            apt_install("postgresql");
            find().expect("postgresql was installed but no `initdb` is found")
        })
    })
    .clone()
}

/// The user PostgreSQL runs as when the tests run as root.
const UNPRIVILEGED: &str = "nobody";

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("`id -u` runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// A running PostgreSQL server of its own; stopped, and its files deleted, on drop.
pub(crate) struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    root: bool,
    /// The TCP port on 127.0.0.1.
    pub(crate) port: u16,
    databases: AtomicUsize,
}

impl PgServer {
    /// Makes a cluster (superuser `lessonpack`, trust authentication) and starts it; panics
    /// with the server's log when it cannot.
    pub(crate) fn start() -> PgServer {
        let bin = postgres_bin();
        let dir = tempfile::Builder::new()
            .prefix("lessonpack-pg-")
            .tempdir()
            .expect("a temporary directory");
        let root = is_root();
        if root {
            let status = Command::new("chown")
                .arg(format!("{UNPRIVILEGED}:"))
                .arg(dir.path())
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "cannot chown the cluster"
            );
        }
        let mut server = PgServer {
            dir,
            bin,
            root,
            port: 0,
            databases: AtomicUsize::new(0),
        };
        let data = server.dir.path().join("data");
        server.run(
            "initdb",
            &["-D".as_ref(), data.as_os_str()],
            &[
                "-U",
                "lessonpack",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--no-locale",
            ],
        );
        for attempt in 1..=3 {
            server.port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let options = format!(
                "-k {} -p {} -h 127.0.0.1 -c fsync=off",
                server.dir.path().display(),
                server.port
            );
            let log = server.dir.path().join("server.log");
            let ok = server.try_run(
                "pg_ctl",
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-l".as_ref(),
                    log.as_os_str(),
                ],
                &["-w", "-t", "60", "-o", &options, "start"],
            );
            if ok {
                return server;
            }
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            assert!(
                attempt < 3,
                "PostgreSQL could not be started ({}): install Debian's `postgresql` \
                 package (scripts/test.sh does it as root). Server log:\n{log}",
                server.bin.display()
            );
        }
        unreachable!()
    }

    /// The URL of database `name` on this server.
    pub(crate) fn url(&self, name: &str) -> String {
        format!(
            "postgres://lessonpack@127.0.0.1:{}/{name}?sslmode=disable",
            self.port
        )
    }

    /// Creates a new, empty database and returns its URL.
    pub(crate) fn create_database(&self) -> String {
        let name = format!("db{}", self.databases.fetch_add(1, Ordering::SeqCst));
        let port = self.port.to_string();
        let status = Command::new(self.bin.join("createdb"))
            .args(["-h", "127.0.0.1", "-p", &port, "-U", "lessonpack", &name])
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "`createdb {name}` failed on the test server (port {port})"
        );
        self.url(&name)
    }

    /// Runs `<bin>/<program> <paths> <args>` as the cluster's owner; `true` on success.
    fn try_run(&self, program: &str, paths: &[&std::ffi::OsStr], args: &[&str]) -> bool {
        let program = self.bin.join(program);
        let mut command = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", UNPRIVILEGED, "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command
            .args(paths)
            .args(args)
            .current_dir(self.dir.path())
            .stdout(std::process::Stdio::null());
        command.status().is_ok_and(|s| s.success())
    }

    fn run(&self, program: &str, paths: &[&std::ffi::OsStr], args: &[&str]) {
        assert!(
            self.try_run(program, paths, args),
            "`{program}` failed in {} (PostgreSQL from {})",
            self.dir.path().display(),
            self.bin.display()
        );
    }

    /// The cluster's folder.
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.data();
        let data: &Path = &data;
        self.try_run(
            "pg_ctl",
            &["-D".as_ref(), data.as_os_str()],
            &["-m", "immediate", "-w", "stop"],
        );
    }
}
