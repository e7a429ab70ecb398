//! Running `lessonpack` on hostile input (a package for `validate`, a lesson source for
//! `build`) and measuring what it cost: peak resident memory and CPU time as the kernel
//! accounts them (`rusage`), so the budget — 512 MiB peak RSS, 10 s of CPU — is checked on
//! the figures that matter rather than on a wall clock other jobs share.
//!
//! The figures come from GNU `time` (Debian package `time`, installed on first use), which
//! runs `timeout -s KILL 120 lessonpack …` and reports its child's `wait4` usage. A small
//! process in between is needed: Linux keeps a process's peak RSS across `exec`, so a
//! `lessonpack` forked straight from this test binary would report the test binary's own
//! resident memory at the fork (hundreds of MiB) as its peak.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The memory budget of every hostile case.
pub(crate) const PEAK_KIB: u64 = 512 * 1024;
/// The CPU budget of every hostile case.
pub(crate) const CPU: Duration = Duration::from_secs(10);

/// What one run did and cost.
#[derive(Debug)]
pub(crate) struct Measured {
    /// The exit code.
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// Peak resident set size, KiB.
    pub(crate) peak_kib: u64,
    /// User plus system CPU time.
    pub(crate) cpu: Duration,
    /// Wall-clock time (reported, not judged: the machine is shared).
    pub(crate) wall: Duration,
}

impl Measured {
    /// Asserts the budget and prints the figures (`--nocapture` shows them).
    pub(crate) fn within_budget(&self, case: &str) -> &Self {
        println!(
            "hostile case {case}: exit {:?}, peak RSS {:.1} MiB, CPU {:.2} s, wall {:.2} s",
            self.code,
            self.peak_kib as f64 / 1024.0,
            self.cpu.as_secs_f64(),
            self.wall.as_secs_f64()
        );
        assert!(
            self.peak_kib < PEAK_KIB,
            "{case}: peak RSS {} MiB",
            self.peak_kib / 1024
        );
        assert!(self.cpu < CPU, "{case}: CPU {:?}", self.cpu);
        assert!(!self.stderr.contains("panicked"), "{case}: {}", self.stderr);
        self
    }
}

/// GNU time, installing Debian's `time` on first use when it is missing.
fn gnu_time() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = PathBuf::from("/usr/bin/time");
        if !path.is_file() {
            crate::support::apt_install("time");
        }
        assert!(path.is_file(), "GNU time is not at {}", path.display());
        path
    })
    .clone()
}

/// Runs `lessonpack <args>` (killed after 120 s) and reads its cost.
pub(crate) fn measure<S: AsRef<OsStr>>(args: &[S]) -> Measured {
    measure_in(None, args)
}

/// Runs `lessonpack <args>` in `cwd` (killed after 120 s) and reads its cost.
pub(crate) fn measure_in<S: AsRef<OsStr>>(cwd: Option<&Path>, args: &[S]) -> Measured {
    let report = tempfile::NamedTempFile::new().unwrap();
    let started = Instant::now();
    let mut command = Command::new(gnu_time());
    command
        .args(["-f", "%M %U %S", "-o"])
        .arg(report.path())
        .args(["timeout", "-s", "KILL", "120"])
        .arg(env!("CARGO_BIN_EXE_lessonpack"))
        .args(args)
        .stdin(Stdio::null());
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let out = command.output().unwrap();
    let wall = started.elapsed();
    let figures = std::fs::read_to_string(report.path()).unwrap();
    // `time` writes "Command exited with non-zero status N" before the figures.
    let last = figures.lines().last().unwrap_or_default();
    let parts: Vec<&str> = last.split_whitespace().collect();
    assert_eq!(parts.len(), 3, "GNU time said: {figures}");
    let secs = |s: &str| Duration::from_secs_f64(s.parse::<f64>().unwrap());
    let code = out.status.code();
    assert_ne!(
        code,
        Some(137),
        "lessonpack {:?} hung and was killed",
        args.iter()
            .map(|a| a.as_ref().to_owned())
            .collect::<Vec<_>>()
    );
    Measured {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        peak_kib: parts[0].parse().unwrap(),
        cpu: secs(parts[1]) + secs(parts[2]),
        wall,
    }
}
