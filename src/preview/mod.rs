//! `preview` (feature `preview`): builds a lesson into a temporary folder and serves it on
//! 127.0.0.1 inside an LMS-like host page, rebuilding and reloading on every source change.
//!
//! - [`run`] is the entry point: first build, watcher thread, HTTP server until Ctrl-C;
//! - `site` holds the build folder and the last rebuild's result, rebuilt through
//!   [`crate::watch::rebuild::Rebuilder`] (only the previewed target, as a folder);
//! - `server` answers HTTP (axum), `paths` maps `/package/…` requests into the folder;
//! - `query`: percent-encoding and query strings (also the LTI tool's);
//! - `cmi5` is the LMS and LRS a cmi5 launch needs (launch data, fetch URL, statements,
//!   State API), in memory;
//! - `assets/` is the host page: a frame launching the SCO from the package's manifest as an
//!   LMS does, a real SCORM API (scorm-again, vendored with its licence), and the side panel
//!   that logs every call (for cmi5: every statement and LRS request) and shows the CMI data
//!   (for cmi5: the state documents). The panel's state lives in the page (`sessionStorage`);
//!   live reload relaunches only the frame.

pub(crate) mod cmi5;
mod paths;
pub(crate) mod query;
mod server;
mod site;

use crate::build::Target;
use anyhow::Context as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The targets the preview can show (the cartridge needs an LTI platform, which it is not).
pub const TARGETS: [Target; 4] = [
    Target::Scorm12,
    Target::Scorm2004,
    Target::Cmi5,
    Target::Web,
];

/// What to preview, and where.
#[derive(Debug, Clone)]
pub struct Config {
    /// The lesson source folder.
    pub dir: PathBuf,
    /// The target to show first (one of [`TARGETS`]).
    pub target: Target,
    /// The loopback port; 0 picks a free one.
    pub port: u16,
}

/// Builds, serves and rebuilds until Ctrl-C (or SIGTERM); prints `preview: http://…/` once
/// the server listens.
///
/// `Err` when the preview cannot start: the folder cannot be read or watched, the port is
/// taken. Errors in the lesson source do not stop it: the page shows them until they are fixed.
pub fn run(config: Config) -> anyhow::Result<()> {
    anyhow::ensure!(
        TARGETS.contains(&config.target),
        "cannot preview the `{}` target",
        config.target.name()
    );
    anyhow::ensure!(
        config.dir.is_dir(),
        "`{}` is not a folder; give the folder that holds `module.toml`",
        config.dir.display()
    );
    let temp = tempfile::Builder::new()
        .prefix("lessonpack-preview-")
        .tempdir()
        .context("cannot create a temporary folder for the preview")?;
    let site = Arc::new(Mutex::new(site::Site::new(
        &config.dir,
        temp.path(),
        config.target,
    )));
    let watcher = crate::watch::Watcher::new(&config.dir, &[temp.path().to_path_buf()])?;
    site.lock().unwrap_or_else(|e| e.into_inner()).rebuild();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the preview server")?;
    let result = runtime.block_on(async {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        let address = listener.local_addr()?;
        let (events, _) = tokio::sync::broadcast::channel(16);
        let (records, _) = tokio::sync::broadcast::channel(256);
        let shared = server::Shared {
            site: site.clone(),
            events: events.clone(),
            port: address.port(),
            lrs: Arc::new(Mutex::new(cmi5::Lrs::new(address.port(), records.clone()))),
            records,
        };
        std::thread::spawn(move || {
            while let Some(batch) = watcher.next() {
                match batch {
                    Ok(_) => {
                        let event = site.lock().unwrap_or_else(|e| e.into_inner()).rebuild();
                        let _ = events.send(event);
                    }
                    Err(err) => eprintln!("error: {err:#}"),
                }
            }
        });
        let stop = stopped()?;
        println!("preview: http://{address}/ (Ctrl-C stops)");
        // As in `serve`: without TCP_NODELAY a file's body waits for the browser's delayed
        // ACK of its headers (40 ms per file on a keep-alive connection).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::select! {
            served = axum::serve(listener, server::router(shared)) => {
                served.context("the preview server stopped")
            }
            () = stop => Ok(()),
        }
    });
    runtime.shutdown_background();
    drop(temp);
    result
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, before
/// the address is printed, so a signal sent as soon as the preview is up is never missed.
#[cfg(unix)]
pub(crate) fn stopped() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
pub(crate) fn stopped() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
