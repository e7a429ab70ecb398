//! `lessonpack serve --lessons DIR… [--config lti.toml]`: run the LTI 1.3 tool, hosting
//! the web build of each lesson source folder.

use super::ExitStatus;
use crate::build::{Options, Project, Target};
use crate::lti::config::Config;
use crate::lti::http::UreqHttp;
use crate::lti::jwks::{HttpFetch, PlatformKeys};
use crate::lti::server::{Catalog, HostedLesson};
use crate::lti::{Tool, keys, now};
use anyhow::Context as _;
use axum::serve::ListenerExt as _;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Lesson source folders (each holding `module.toml`) to host.
    #[arg(long, num_args = 1.., required = true, value_name = "DIR")]
    pub lessons: Vec<PathBuf>,
    /// The tool configuration (base URL, platform registrations).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one (the address is printed either way).
    #[arg(long, default_value_t = 8000, value_name = "N")]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_name = "ADDR")]
    pub bind: IpAddr,
}

/// The configuration at `path` (its problems printed, and `None`, when it has any), or
/// without a path the bare one on `bare_base_url`; `Err` when the file cannot be read.
pub(crate) fn load_config(
    path: Option<&Path>,
    bare_base_url: &str,
) -> anyhow::Result<Option<Config>> {
    let Some(path) = path else {
        return Ok(Some(Config::bare(bare_base_url)));
    };
    Ok(match Config::load(path)? {
        Ok(config) => Some(config),
        Err(report) => {
            super::print_report(&report);
            None
        }
    })
}

/// Builds the lessons, opens the store, makes the first key if needed, and serves until
/// Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitStatus> {
    let bare = format!("http://{}:{}", args.bind, args.port);
    let Some(config) = load_config(args.config.as_deref(), &bare)? else {
        return Ok(ExitStatus::Failure);
    };
    let temp = tempfile::Builder::new()
        .prefix("lessonpack-serve-")
        .tempdir()
        .context("cannot create a temporary folder for the lessons")?;
    let mut catalog = Catalog {
        lessons: BTreeMap::new(),
        modules: BTreeMap::new(),
    };
    for dir in &args.lessons {
        let (project, report) = Project::load(dir)?;
        super::print_report(&report);
        let Some(project) = project else {
            return Ok(ExitStatus::Failure);
        };
        let module = &project.module;
        anyhow::ensure!(
            !catalog.modules.contains_key(&module.id),
            "the module `{}` is given twice",
            module.id
        );
        let files = project
            .files(
                Target::Web,
                &Options {
                    lti_pages: true,
                    ..Options::default()
                },
            )
            .map_err(|d| anyhow::anyhow!("cannot build `{}`: {}", dir.display(), d.message))?;
        let dest = temp.path().join(&module.id);
        crate::build::write(Target::Web, &dest, &files, &|_| {})?;
        for lesson in &module.lessons {
            let twin = catalog.lessons.insert(
                lesson.id.clone(),
                HostedLesson {
                    module_id: module.id.clone(),
                    title: lesson.title.clone(),
                },
            );
            anyhow::ensure!(
                twin.is_none(),
                "the lesson id `{}` is used by two hosted modules",
                lesson.id
            );
        }
        catalog.modules.insert(module.id.clone(), dest);
    }

    let store = crate::lti::store::open(&config)?;
    for registration in &config.registrations {
        store.put_registration(registration, true)?;
    }
    let kid = keys::ensure(store.as_ref(), now())?;
    let _ = jsonwebtoken::crypto::CryptoProvider::install_default(
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
    );
    let platform_keys = PlatformKeys::new(
        Box::new(HttpFetch::default()),
        Duration::from_secs(config.jwks_refetch_cooldown),
    );
    let tool = Arc::new(Tool::new(
        config,
        store,
        platform_keys,
        Box::new(UreqHttp::default()),
    ));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server")?;
    let result = runtime.block_on(async {
        let address = SocketAddr::new(args.bind, args.port);
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        let address = listener.local_addr()?;
        let stop = crate::preview::stopped()?;
        println!(
            "serve: http://{address}/ ({} lessons; tool key `{kid}`; base URL {})",
            catalog.lessons.len(),
            tool.config.base_url
        );
        tokio::spawn(crate::lti::server::housekeeping(
            tool.clone(),
            Duration::from_secs(30),
        ));
        let app = crate::lti::server::router(tool, Arc::new(catalog));
        // Without TCP_NODELAY a response written in two parts (a lesson file's headers,
        // then its body) waits for the browser's delayed ACK: 40 ms on a keep-alive
        // connection (`benches/lti.sh`).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::select! {
            served = axum::serve(listener, app) => served.context("the server stopped"),
            () = stop => Ok(()),
        }
    });
    runtime.shutdown_background();
    drop(temp);
    result.map(|()| ExitStatus::Success)
}
