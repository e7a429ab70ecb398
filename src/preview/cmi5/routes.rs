//! The cmi5 side of the preview's HTTP server: `/api/cmi5/launch`, `/api/cmi5/reset` and
//! `/api/cmi5/records` for the host page; the fetch URLs (`/cmi5/fetch/<key>`, POST only,
//! §8.2); the LRS under `/xapi/`. Same origin as the page, so no CORS.

use super::xapi::Request as XapiRequest;
use crate::build::Target;
use crate::preview::server::Shared;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::json;

/// The routes, merged into the preview's router (behind its `Host` check).
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/cmi5/launch", post(launch))
        .route("/api/cmi5/reset", post(reset))
        .route("/api/cmi5/records", get(records))
        .route("/cmi5/fetch/{key}", any(fetch))
        .route("/xapi/{*resource}", any(xapi))
}

/// The body of `POST /api/cmi5/launch`: the AU's id (`<au id>` in `cmi5.xml`) and the LMS
/// profile (`openedx`; anything else, or none, is the spec's LMS).
#[derive(serde::Deserialize)]
struct LaunchAu {
    au: String,
    #[serde(default)]
    profile: Option<String>,
}

/// Launches an AU of the built `cmi5.xml`: answers the launch URL and the session.
async fn launch(
    State(shared): State<Shared>,
    headers: HeaderMap,
    axum::Json(wanted): axum::Json<LaunchAu>,
) -> Response {
    let (target, root) = {
        let site = shared.site();
        (site.target(), site.package_root())
    };
    if target != Target::Cmi5 {
        let text = format!("the preview shows `{}`, not cmi5\n", target.name());
        return (StatusCode::CONFLICT, text).into_response();
    }
    let aus = match super::read_aus(&root) {
        Ok(aus) => aus,
        Err(text) => return (StatusCode::CONFLICT, format!("{text}\n")).into_response(),
    };
    let Some(au) = aus.iter().find(|a| a.id == wanted.au) else {
        let text = format!("cmi5.xml has no AU `{}`\n", wanted.au);
        return (StatusCode::NOT_FOUND, text).into_response();
    };
    // The guard let only 127.0.0.1:PORT and localhost:PORT through: the page's own origin.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let profile = super::Profile::named(wanted.profile.as_deref());
    let answer = shared.lrs().launch(au, &format!("http://{host}"), profile);
    axum::Json(answer).into_response()
}

async fn reset(State(shared): State<Shared>) -> Response {
    shared.lrs().reset();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /api/cmi5/records?after=N`: the records after number N (all without it).
async fn records(State(shared): State<Shared>, uri: Uri) -> Response {
    let params = super::query::decode(uri.query().unwrap_or_default()).unwrap_or_default();
    let after = params
        .iter()
        .find(|(k, _)| k == "after")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    axum::Json(shared.lrs().panel(after)).into_response()
}

/// A fetch URL: POST hands out the token once (§8.2.1); anything else is refused.
async fn fetch(State(shared): State<Shared>, method: Method, Path(key): Path<String>) -> Response {
    if method != Method::POST {
        let body = json!({ "error-code": "2", "error-text": "The fetch URL takes POST only (cmi5 §8.2.1)." });
        return (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
    }
    axum::Json(shared.lrs().fetch(&key)).into_response()
}

async fn xapi(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(resource): Path<String>,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let request = XapiRequest {
        method: method.to_string(),
        resource,
        query: uri.query().unwrap_or_default().to_string(),
        authorization: header("authorization"),
        version: header("x-experience-api-version"),
        content_type: header("content-type"),
        body: body.to_vec(),
    };
    let reply = shared.lrs().xapi(&request);
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, reply.body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = reply.content_type.parse() {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        "x-experience-api-version",
        "1.0.3".parse().expect("a header value"),
    );
    response
}
