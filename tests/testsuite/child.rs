//! A long-running `lessonpack` child process (`watch`, `preview`): its output read line by
//! line on threads, waited for with bounded timeouts, and stopped (SIGTERM, then kill) on drop.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// A running `lessonpack` command.
pub(crate) struct Running {
    child: Child,
    lines: Receiver<(Stream, String)>,
    /// Every line read so far, for failure messages.
    seen: Vec<(Stream, String)>,
    /// Lines read but not yet matched by [`Running::expect`] (stdout and stderr interleave).
    pending: Vec<(Stream, String)>,
}

impl Running {
    /// Starts `lessonpack <args>` with extra environment variables.
    pub(crate) fn start(args: &[&std::ffi::OsStr], env: &[(&str, &std::path::Path)]) -> Running {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lessonpack"));
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("lessonpack starts");
        let (tx, lines) = channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        for (stream, reader) in [
            (
                Stream::Stdout,
                Box::new(out) as Box<dyn std::io::Read + Send>,
            ),
            (Stream::Stderr, Box::new(err)),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(reader).lines().map_while(Result::ok) {
                    if tx.send((stream, line)).is_err() {
                        break;
                    }
                }
            });
        }
        Running {
            child,
            lines,
            seen: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Waits up to `timeout` for a line of `stream` that `wanted` accepts and returns it,
    /// skipping (on that stream) the lines before it; panics with everything read so far
    /// otherwise. Lines of the other stream are kept for later calls.
    pub(crate) fn expect(
        &mut self,
        stream: Stream,
        timeout: Duration,
        what: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(at) = self
                .pending
                .iter()
                .position(|(s, l)| *s == stream && wanted(l))
            {
                let found = self.pending[at].1.clone();
                let mut index = 0;
                self.pending.retain(|(s, _)| {
                    index += 1;
                    *s != stream || index > at + 1
                });
                return found;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((s, line)) => {
                    self.seen.push((s, line.clone()));
                    self.pending.push((s, line));
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no {what} within {timeout:?}; output:\n{}",
                        self.transcript()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the process ended before {what}; output:\n{}",
                        self.transcript()
                    )
                }
            }
        }
    }

    /// The unmatched lines of `stream` so far and those that arrive within `wait`.
    pub(crate) fn lines_within(&mut self, stream: Stream, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        while let Ok((s, line)) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.seen.push((s, line.clone()));
            self.pending.push((s, line));
        }
        let (found, rest) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(s, _)| *s == stream);
        self.pending = rest;
        found
            .into_iter()
            .map(|(_, l): (Stream, String)| l)
            .collect()
    }

    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit; returns the exit code.
    pub(crate) fn terminate(&mut self, timeout: Duration) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    fn transcript(&self) -> String {
        self.seen
            .iter()
            .map(|(s, l)| {
                format!(
                    "{}: {l}\n",
                    if *s == Stream::Stdout { "out" } else { "err" }
                )
            })
            .collect()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.is_running() && self.terminate(Duration::from_secs(5)).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
