//! The tool's HTTP side (axum): `GET|POST /lti/login`, `POST /lti/launch`, `POST /lti/score`
//! (a launched page reports completion with its session as bearer token),
//! `GET /lti/register` (Dynamic Registration), the tool JWKS
//! at `/.well-known/jwks.json` and `/lti/jwks`, and each module's web build under
//! `/lessons/<module-id>/`. A deep-linking launch gets the lesson picker. [`housekeeping`]
//! drops expired states and nonces and retries scores owed. Store and JWKS
//! work is blocking, so it runs on tokio's blocking pool. Every error page says what failed
//! and launches nothing.

use super::launch::{self, Message};
use super::session::{self, Session};
use super::url::escape_html;
use super::{Tool, completion, deep_link, keys, login, now, outbox, page, register};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::ServeDir;

/// A hosted lesson: the module it belongs to and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedLesson {
    /// The module id (the folder under `/lessons/`).
    pub module_id: String,
    /// The lesson title.
    pub title: String,
}

/// What the server hosts.
pub struct Catalog {
    /// Lesson id → lesson (lesson ids are unique across the hosted modules).
    pub lessons: BTreeMap<String, HostedLesson>,
    /// Module id → its web build folder.
    pub modules: BTreeMap<String, PathBuf>,
}

#[derive(Clone)]
struct Shared {
    tool: Arc<Tool>,
    catalog: Arc<Catalog>,
}

/// The application.
pub fn router(tool: Arc<Tool>, catalog: Arc<Catalog>) -> Router {
    let mut app = Router::new()
        .route("/lti/login", get(login_get).post(login_post))
        .route("/lti/launch", axum::routing::post(launch))
        .route("/lti/score", axum::routing::post(score))
        .route("/lti/register", get(register))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/lti/jwks", get(jwks));
    for (module, dir) in &catalog.modules {
        app = app.nest_service(&format!("/lessons/{module}"), ServeDir::new(dir));
    }
    app.with_state(Shared { tool, catalog })
}

async fn login_get(State(s): State<Shared>, Query(p): Query<HashMap<String, String>>) -> Response {
    login_any(s, p).await
}

async fn login_post(State(s): State<Shared>, Form(p): Form<HashMap<String, String>>) -> Response {
    login_any(s, p).await
}

async fn login_any(s: Shared, params: HashMap<String, String>) -> Response {
    let result = tokio::task::spawn_blocking(move || login::initiate(&s.tool, &params)).await;
    match result {
        Ok(Ok(redirect)) => {
            let mut response = StatusCode::FOUND.into_response();
            let headers = response.headers_mut();
            if let (Ok(location), Ok(cookie)) = (
                HeaderValue::from_str(&redirect.location),
                HeaderValue::from_str(&redirect.cookie),
            ) {
                headers.insert(header::LOCATION, location);
                headers.insert(header::SET_COOKIE, cookie);
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                return response;
            }
            error_page(500, "internal", "the redirect could not be made")
        }
        Ok(Err(e)) => error_page(e.status(), e.code(), &e.message()),
        Err(e) => error_page(500, "internal", &e.to_string()),
    }
}

async fn launch(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let cookies = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    let clear = form
        .get("state")
        .and_then(|state| login::clear_cookie(&s.tool, state))
        .and_then(|cookie| HeaderValue::from_str(&cookie).ok());
    let shared = s.clone();
    let result = tokio::task::spawn_blocking(move || {
        let launch = launch::validate(&shared.tool, &form, Some(&cookies), now())?;
        let page = after_launch(&shared, &launch)
            .map_err(|e| launch::LaunchError::Internal(format!("{e:#}")))?;
        Ok::<_, launch::LaunchError>(page)
    })
    .await;
    let mut response = match result {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            eprintln!("serve: launch refused: {}: {}", e.code(), e.message());
            error_page(e.status(), e.code(), &e.message())
        }
        Err(e) => error_page(500, "internal", &e.to_string()),
    };
    if let Some(clear) = clear {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

/// What a valid launch shows: the lesson (resource link) or the lesson picker (deep linking).
fn after_launch(s: &Shared, launch: &launch::Launch) -> anyhow::Result<Response> {
    match &launch.message {
        Message::ResourceLink {
            resource_link_id,
            lesson_id,
            grades,
        } => {
            let lesson_id = match lesson_id {
                Some(id) => id.clone(),
                None if s.catalog.lessons.len() == 1 => {
                    s.catalog.lessons.keys().next().cloned().unwrap_or_default()
                }
                None => {
                    return Ok(error_page(
                        404,
                        "no_lesson",
                        "the link has no `lesson_id` custom parameter; add it, or link the lesson again through content selection",
                    ));
                }
            };
            let Some(lesson) = s.catalog.lessons.get(&lesson_id) else {
                return Ok(error_page(
                    404,
                    "unknown_lesson",
                    &format!("this tool hosts no lesson `{lesson_id}`"),
                ));
            };
            let now = now();
            let token = session::mint(
                s.tool.store.as_ref(),
                &Session {
                    iss: s.tool.config.base_url.clone(),
                    aud: s.tool.config.base_url.clone(),
                    sub: launch.sub.clone().unwrap_or_default(),
                    reg: launch.registration_id,
                    dep: launch.deployment_id.clone(),
                    lesson: lesson_id.clone(),
                    rl: resource_link_id.clone(),
                    grades: grades.clone(),
                    iat: now,
                    exp: now + session::SESSION_SECONDS,
                },
            )?;
            let location = format!(
                "/lessons/{}/lessons/{lesson_id}/index.html#lti-session={token}",
                lesson.module_id
            );
            let mut response = StatusCode::SEE_OTHER.into_response();
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::from_str(&location)?);
            Ok(response)
        }
        Message::DeepLinking { return_url, data } => {
            let registration = s
                .tool
                .store
                .registration(launch.registration_id)?
                .ok_or_else(|| anyhow::anyhow!("the registration is gone"))?
                .registration;
            let request = deep_link::Request {
                client_id: registration.client_id,
                issuer: registration.issuer,
                deployment_id: launch.deployment_id.clone(),
                return_url: return_url.clone(),
                data: data.clone(),
            };
            let lessons: Vec<(String, String)> = s
                .catalog
                .lessons
                .iter()
                .map(|(id, l)| (id.clone(), l.title.clone()))
                .collect();
            Ok(html(
                200,
                deep_link::picker(&s.tool, &request, &lessons, now())?,
            ))
        }
    }
}

/// `POST /lti/score`: the page's learner completed the lesson. Answers JSON
/// `{"status": …, "detail": …}` as [`completion::report`] decides.
async fn score(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let result = tokio::task::spawn_blocking(move || {
        let title = |lesson: &str| s.catalog.lessons.get(lesson).map(|l| l.title.clone());
        completion::report(&s.tool, bearer.as_deref(), &title)
            .map(|answer| json(answer.status, answer.code, &answer.detail))
    })
    .await;
    match result {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => json(500, "internal", &format!("{e:#}")),
        Err(e) => json(500, "internal", &e.to_string()),
    }
}

fn json(status: u16, code: &str, detail: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "status": code, "detail": detail })),
    )
        .into_response()
}

/// Every `period`: drops expired login states and nonces, and retries the scores due.
pub async fn housekeeping(tool: Arc<Tool>, period: std::time::Duration) {
    let mut ticks = tokio::time::interval(period);
    loop {
        ticks.tick().await;
        let tool = tool.clone();
        let done = tokio::task::spawn_blocking(move || {
            tool.store.purge(now())?;
            outbox::deliver_due(&tool)
        })
        .await;
        if let Ok(Err(e)) = done {
            eprintln!("serve: housekeeping failed: {e:#}");
        }
    }
}

async fn register(State(s): State<Shared>, Query(p): Query<HashMap<String, String>>) -> Response {
    let result = tokio::task::spawn_blocking(move || {
        register::register(&s.tool, s.tool.http.as_ref(), &p)
            .map(|done| register::page(&s.tool, &done))
    })
    .await;
    match result {
        Ok(Ok(page)) => html(200, page),
        Ok(Err(e)) => titled_error(REGISTRATION_FAILED, e.status(), e.code(), &e.message()),
        Err(e) => titled_error(REGISTRATION_FAILED, 500, "internal", &e.to_string()),
    }
}

async fn jwks(State(s): State<Shared>) -> Response {
    let result =
        tokio::task::spawn_blocking(move || keys::jwks(s.tool.store.as_ref(), now())).await;
    match result {
        Ok(Ok(set)) => ([(header::CACHE_CONTROL, "max-age=300")], axum::Json(set)).into_response(),
        Ok(Err(e)) => error_page(500, "internal", &format!("{e:#}")),
        Err(e) => error_page(500, "internal", &e.to_string()),
    }
}

const REGISTRATION_FAILED: &str = "The registration failed";

/// A launch's error page: what failed, in words, and its code; never cached.
fn error_page(status: u16, code: &str, message: &str) -> Response {
    titled_error("The lesson cannot open", status, code, message)
}

/// An error page titled and headed `title`.
fn titled_error(title: &str, status: u16, code: &str, message: &str) -> Response {
    let main = format!(
        "<h1>{}</h1><p>{}</p><p><small>error <code>{}</code></small></p>",
        escape_html(title),
        page::with_code(message),
        escape_html(code)
    );
    html(status, page::document(title, &main, ""))
}

/// `page` (a whole HTML document), never cached.
fn html(status: u16, page: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}
