//! Figures for the load test: latency percentiles (nearest rank), a process's memory
//! (`VmRSS`, `VmHWM`) and CPU time from `/proc`, and the printed table.

use std::time::Duration;

/// p50, p90, p99 and max of a set of latencies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spread {
    /// Median.
    pub(crate) p50: Duration,
    /// 90th percentile.
    pub(crate) p90: Duration,
    /// 99th percentile.
    pub(crate) p99: Duration,
    /// Slowest.
    pub(crate) max: Duration,
}

impl Spread {
    /// The spread of `samples` (nearest-rank percentiles); zero when empty.
    pub(crate) fn of(samples: &[Duration]) -> Spread {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let rank = |p: f64| {
            if sorted.is_empty() {
                return Duration::ZERO;
            }
            let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
            sorted[i.clamp(1, sorted.len()) - 1]
        };
        Spread {
            p50: rank(50.0),
            p90: rank(90.0),
            p99: rank(99.0),
            max: rank(100.0),
        }
    }
}

/// A `/proc/<pid>/status` field in KiB (`VmRSS`, `VmHWM`).
pub(crate) fn status_kib(pid: &str, field: &str) -> anyhow::Result<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no {field} in /proc/{pid}/status"))
}

/// User plus system CPU time of process `pid` (all its threads) so far.
pub(crate) fn cpu_time(pid: &str) -> anyhow::Result<Duration> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces): state is field 3, utime 14.
    let rest = text
        .rsplit_once(") ")
        .ok_or_else(|| anyhow::anyhow!("cannot read /proc/{pid}/stat"))?
        .1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<u64>().ok());
    let (Some(user), Some(system)) = (ticks(14), ticks(15)) else {
        anyhow::bail!("cannot read the CPU times in /proc/{pid}/stat");
    };
    // USER_HZ is 100 on every Linux architecture the bench runs on.
    Ok(Duration::from_millis((user + system) * 10))
}

/// One row of the latency table.
pub(crate) struct Row<'a> {
    /// What was timed.
    pub(crate) name: &'a str,
    /// How many requests (or launches).
    pub(crate) count: usize,
    /// Wall time of the whole run.
    pub(crate) wall: Duration,
    /// The latencies.
    pub(crate) spread: Spread,
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// The Markdown table of `rows`.
pub(crate) fn table(rows: &[Row<'_>]) -> String {
    let mut out = String::from(
        "| what | n | wall s | per s | p50 ms | p90 ms | p99 ms | max ms |\n\
         |---|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for r in rows {
        let rate = r.count as f64 / r.wall.as_secs_f64().max(f64::MIN_POSITIVE);
        out.push_str(&format!(
            "| {} | {} | {:.2} | {:.0} | {} | {} | {} | {} |\n",
            r.name,
            r.count,
            r.wall.as_secs_f64(),
            rate,
            ms(r.spread.p50),
            ms(r.spread.p90),
            ms(r.spread.p99),
            ms(r.spread.max)
        ));
    }
    out
}

/// KiB as MiB with one decimal.
pub(crate) fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}
