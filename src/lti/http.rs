//! The tool's outgoing HTTP calls to platforms (JWKS, OpenID configurations, Dynamic
//! Registration, token endpoint, AGS) behind one small trait, so the callers can be tested
//! without a network. [`UreqHttp`] is the real
//! client: rustls, a 10 s timeout, 1 MiB response limit, no redirects followed, and every
//! status returned as a value (a 409 or a 401 is an answer the caller acts on, not an error).

use serde_json::Value;
use std::time::Duration;

/// A platform's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The body as text (cut at the size limit).
    pub body: String,
}

/// One outgoing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The URL, exactly as the platform gave it.
    pub url: &'a str,
    /// `Authorization` value, when the call carries one.
    pub authorization: Option<&'a str>,
    /// `Content-Type` of the body.
    pub content_type: Option<&'a str>,
    /// `Accept`.
    pub accept: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

/// An answer of a JSON exchange (Dynamic Registration's name for [`Response`]).
pub type Answer = Response;

/// Sends requests; `Err` is a transport failure (no answer at all).
pub trait Http: Send + Sync {
    /// Sends `request` and returns the platform's answer, whatever its status.
    fn send(&self, request: &Request<'_>) -> Result<Response, String>;

    /// The JSON document at `url` (any status but 2xx is an error).
    fn get_json(&self, url: &str) -> Result<Value, String> {
        let answer = self.send(&Request {
            method: "GET",
            url,
            authorization: None,
            content_type: None,
            accept: Some("application/json"),
            body: b"",
        })?;
        if !(200..300).contains(&answer.status) {
            return Err(format!("HTTP status {}", answer.status));
        }
        serde_json::from_str(&answer.body).map_err(|e| format!("not JSON: {e}"))
    }

    /// POSTs `body` as JSON, with `Authorization: Bearer <bearer>` when given; the answer
    /// whatever its status.
    fn post_json(&self, url: &str, body: &Value, bearer: Option<&str>) -> Result<Answer, String> {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        self.send(&Request {
            method: "POST",
            url,
            authorization: authorization.as_deref(),
            content_type: Some("application/json"),
            accept: Some("application/json"),
            body: body.to_string().as_bytes(),
        })
    }
}

/// The real client.
pub struct UreqHttp {
    agent: ureq::Agent,
}

impl Default for UreqHttp {
    fn default() -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        UreqHttp { agent }
    }
}

impl Http for UreqHttp {
    fn send(&self, request: &Request<'_>) -> Result<Response, String> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method)
            .uri(request.url);
        for (name, value) in [
            ("authorization", request.authorization),
            ("content-type", request.content_type),
            ("accept", request.accept),
        ] {
            if let Some(value) = value {
                builder = builder.header(name, value);
            }
        }
        let made =
            |e: ureq::http::Error| format!("cannot make the request to `{}`: {e}", request.url);
        let sent = if request.body.is_empty() {
            self.agent.run(builder.body(()).map_err(made)?)
        } else {
            self.agent
                .run(builder.body(request.body.to_vec()).map_err(made)?)
        };
        let mut response = sent.map_err(|e| format!("`{}`: {e}", request.url))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()
            .unwrap_or_default();
        Ok(Response { status, body })
    }
}
