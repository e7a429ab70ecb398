//! The preview's HTTP side (axum): the host page and its assets, the build folder under
//! `/package/`, the state (`/api/state`), switching the target (`/api/target`), the live
//! reload stream (`/events`, Server-Sent Events: rebuilds, and new LRS records), and the
//! cmi5 LMS and LRS (`super::cmi5::routes`).
//!
//! Only requests addressed to the loopback name it was reached by are answered (a `Host`
//! other than `127.0.0.1:PORT` or `localhost:PORT` is refused), so a web page elsewhere
//! cannot read the preview through DNS rebinding; nothing is ever cached.

use super::cmi5::Lrs;
use super::paths::{self, Refusal};
use super::site::{BuildEvent, Site};
use crate::build::Target;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::stream::{self, Stream, StreamExt as _};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;
use tower_http::services::ServeFile;

/// State shared by every request.
#[derive(Clone)]
pub(crate) struct Shared {
    /// The site; locked briefly, and for a whole rebuild.
    pub(crate) site: Arc<Mutex<Site>>,
    /// Rebuilds, for the `/events` streams.
    pub(crate) events: broadcast::Sender<BuildEvent>,
    /// The port the server listens on (for the `Host` check).
    pub(crate) port: u16,
    /// The cmi5 LMS and LRS (in memory; used when the preview shows cmi5).
    pub(crate) lrs: Arc<Mutex<Lrs>>,
    /// The number of each new LRS record, for the `/events` streams.
    pub(crate) records: broadcast::Sender<u64>,
}

impl Shared {
    /// The site, locked.
    pub(crate) fn site(&self) -> MutexGuard<'_, Site> {
        // A panic during a rebuild must not take the preview down with it.
        self.site.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The LRS, locked.
    pub(crate) fn lrs(&self) -> MutexGuard<'_, Lrs> {
        self.lrs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The files of the host page, embedded in the binary.
const ASSETS: [(&str, &str, &str); 7] = [
    (
        "host.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/host.js"),
    ),
    (
        "lms.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/lms.js"),
    ),
    (
        "lrs.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/lrs.js"),
    ),
    (
        "returned.html",
        "text/html; charset=utf-8",
        include_str!("assets/returned.html"),
    ),
    (
        "host.css",
        "text/css; charset=utf-8",
        include_str!("assets/host.css"),
    ),
    (
        "scorm-again.min.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/scorm-again.min.js"),
    ),
    (
        "scorm-again-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_str!("assets/scorm-again-LICENSE.txt"),
    ),
];

/// The application: every route, behind the `Host` check and `no-store` headers.
pub(crate) fn router(shared: Shared) -> Router {
    Router::new()
        .route("/", get(host_page))
        .route("/preview/{name}", get(asset))
        .route("/api/state", get(state))
        .route("/api/target", post(switch))
        .route("/events", get(events))
        .merge(super::cmi5::routes::routes())
        .fallback(package)
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

/// Refuses requests for another host name; marks every response `no-store`.
async fn guard(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let allowed = [
        format!("127.0.0.1:{}", shared.port),
        format!("localhost:{}", shared.port),
    ];
    if !host.is_some_and(|h| allowed.iter().any(|a| a == h)) {
        let text = format!(
            "the preview answers only requests to http://127.0.0.1:{}/\n",
            shared.port
        );
        return (StatusCode::FORBIDDEN, text).into_response();
    }
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn host_page() -> Response {
    let html = include_str!("assets/host.html");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, text)) => ([(header::CONTENT_TYPE, *mime)], *text).into_response(),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

async fn state(State(shared): State<Shared>) -> Response {
    axum::Json(shared.site().state()).into_response()
}

/// The body of `POST /api/target`.
#[derive(serde::Deserialize)]
struct SwitchTo {
    target: String,
}

/// Switches the previewed target and builds it; answers with the new state.
async fn switch(State(shared): State<Shared>, axum::Json(to): axum::Json<SwitchTo>) -> Response {
    let Some(target) = Target::from_name(&to.target).filter(|t| super::TARGETS.contains(t)) else {
        let text = format!("cannot preview `{}`\n", to.target);
        return (StatusCode::BAD_REQUEST, text).into_response();
    };
    let site = shared.clone();
    let built = tokio::task::spawn_blocking(move || {
        let mut site = site.site();
        site.switch(target);
        site.state()
    })
    .await;
    match built {
        Ok(state) => axum::Json(state).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the build panicked\n").into_response(),
    }
}

/// Server-Sent Events: `hello` with the current build number, then `build` after each
/// rebuild and `lrs` (the record's number) after each request the cmi5 LRS answered.
async fn events(
    State(shared): State<Shared>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    let records = stream::unfold(shared.records.subscribe(), |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(n) => {
                    let sse = Event::default().event("lrs").data(n.to_string());
                    return Some((Ok(sse), receiver));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let hello = shared.site().state()["build"].to_string();
    let hello = stream::once(async move { Ok(Event::default().event("hello").data(hello)) });
    let builds = stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => {
                    let sse = Event::default().event("build").data(event.json());
                    return Some((Ok(sse), receiver));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let live = stream::select(builds, records);
    Sse::new(hello.chain(live)).keep_alive(KeepAlive::default())
}

/// `/package/…`: a file of the build folder, with Range support (video seeking) and the
/// MIME type from its extension; everything else is not found.
async fn package(State(shared): State<Shared>, req: Request) -> Response {
    let Some(rest) = req.uri().path().strip_prefix("/package/") else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let root = shared.site().package_root();
    match paths::resolve(&root, rest) {
        Ok(file) => match ServeFile::new(file).try_call(req).await {
            Ok(response) => response.map(Body::new),
            Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{err}\n")).into_response(),
        },
        Err(Refusal::BadRequest) => (
            StatusCode::BAD_REQUEST,
            "refused: the path must stay inside the package folder\n",
        )
            .into_response(),
        Err(Refusal::NotFound) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}
