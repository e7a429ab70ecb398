//! Dynamic Registration against a platform in memory: the JSON the tool posts (with
//! Moodle's required fields), the pending registration it stores, and one refusal per
//! failure.

use super::http::{Answer, Http, Request};
use super::register::{self, RegisterError, SCOPES, TOOL_CONFIGURATION};
use super::testkit;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

const CONFIG_URL: &str = "http://127.0.0.1:9001/.well-known/openid-configuration";

/// A platform answering from memory, remembering what was posted.
struct FakePlatform {
    configuration: Value,
    answer: Answer,
    posted: Mutex<Vec<(String, Value, Option<String>)>>,
}

impl FakePlatform {
    fn new() -> Self {
        FakePlatform {
            configuration: json!({
                "issuer": "http://127.0.0.1:9001",
                "authorization_endpoint": "http://127.0.0.1:9001/auth",
                "token_endpoint": "http://127.0.0.1:9001/token",
                "jwks_uri": "http://127.0.0.1:9001/.well-known/jwks.json",
                "registration_endpoint": "http://127.0.0.1:9001/register",
                register::PLATFORM_CONFIGURATION: {
                    "product_family_code": "moodle",
                    "messages_supported": [{"type": "LtiDeepLinkingRequest"}],
                },
            }),
            answer: Answer {
                status: 200,
                body: json!({
                    "client_id": "dyn-client-1",
                    TOOL_CONFIGURATION: { "deployment_id": 7 },
                })
                .to_string(),
            },
            posted: Mutex::new(Vec::new()),
        }
    }
}

impl Http for FakePlatform {
    fn send(&self, request: &Request<'_>) -> Result<Answer, String> {
        if request.method == "GET" {
            return Ok(if request.url == CONFIG_URL {
                Answer {
                    status: 200,
                    body: self.configuration.to_string(),
                }
            } else {
                Answer {
                    status: 404,
                    body: String::new(),
                }
            });
        }
        assert_eq!(request.content_type, Some("application/json"));
        let body = serde_json::from_slice(request.body).map_err(|e| e.to_string())?;
        let bearer = request
            .authorization
            .and_then(|a| a.strip_prefix("Bearer "))
            .map(str::to_string);
        self.posted
            .lock()
            .expect("lock")
            .push((request.url.to_string(), body, bearer));
        Ok(self.answer.clone())
    }
}

/// A change to the fake platform, making one failure.
type Edit = Box<dyn Fn(&mut FakePlatform)>;

fn params(token: Option<&str>) -> HashMap<String, String> {
    let mut p = HashMap::from([("openid_configuration".to_string(), CONFIG_URL.to_string())]);
    if let Some(token) = token {
        p.insert("registration_token".into(), token.into());
    }
    p
}

#[test]
fn registers_pending_with_the_fields_moodle_requires() {
    let mut tool = testkit::tool(None);
    tool.config.tool_name = "Video lessons".into();
    tool.config.file = Some("/srv/lti.toml".into());
    let platform = FakePlatform::new();
    let done = register::register(&tool, &platform, &params(Some("tok-1"))).unwrap();

    let posted = platform.posted.lock().unwrap().clone();
    let (url, body, bearer) = &posted[0];
    assert_eq!(url, "http://127.0.0.1:9001/register");
    assert_eq!(bearer.as_deref(), Some("tok-1"));
    assert_eq!(body["application_type"], "web");
    assert_eq!(body["response_types"], json!(["id_token"]));
    assert_eq!(
        body["initiate_login_uri"],
        "http://127.0.0.1:8000/lti/login"
    );
    assert_eq!(
        body["redirect_uris"],
        json!(["http://127.0.0.1:8000/lti/launch"])
    );
    assert_eq!(body["client_name"], "Video lessons");
    assert_eq!(body["jwks_uri"], "http://127.0.0.1:8000/lti/jwks");
    assert_eq!(body["token_endpoint_auth_method"], "private_key_jwt");
    assert_eq!(body["scope"], SCOPES.join(" "));
    let tool_config = &body[TOOL_CONFIGURATION];
    assert_eq!(tool_config["domain"], "127.0.0.1:8000");
    assert_eq!(
        tool_config["target_link_uri"],
        "http://127.0.0.1:8000/lti/launch"
    );
    assert_eq!(tool_config["messages"][0]["type"], "LtiDeepLinkingRequest");

    let stored = tool.store.registration(done.id).unwrap().unwrap();
    assert!(!stored.active, "pending until approved");
    assert_eq!(stored.registration.client_id, "dyn-client-1");
    assert_eq!(stored.registration.deployments, ["7"]);
    assert_eq!(
        stored.registration.auth_login_url,
        "http://127.0.0.1:9001/auth"
    );
    assert_eq!(
        stored.registration.jwks_url,
        "http://127.0.0.1:9001/.well-known/jwks.json"
    );

    let page = register::page(&tool, &done);
    assert!(page.contains(&format!(
        "lessonpack lti approve {} --config /srv/lti.toml",
        done.id
    )));
    assert!(page.contains("<strong>pending</strong>"));
    assert!(page.contains(
        r#"(window.opener || window.parent).postMessage({subject:"org.imsglobal.lti.close"}, "*")"#
    ));

    // The same client id again is refused, and leaves the stored one as it was.
    let again = register::register(&tool, &platform, &params(None));
    assert_eq!(again, Err(RegisterError::AlreadyRegistered(done.id)));
}

#[test]
fn refuses_each_failure_with_its_own_code() {
    let tool = testkit::tool(None);
    let run = |edit: &dyn Fn(&mut FakePlatform), params: HashMap<String, String>| {
        let mut platform = FakePlatform::new();
        edit(&mut platform);
        register::register(&tool, &platform, &params).unwrap_err()
    };
    let none = |_: &mut FakePlatform| {};
    let refused = run(&none, HashMap::new());
    assert_eq!(
        (refused.code(), refused.status()),
        ("missing_parameter", 400)
    );
    let off_loopback = HashMap::from([(
        "openid_configuration".to_string(),
        "http://lms.example.org/config".to_string(),
    )]);
    assert_eq!(run(&none, off_loopback).code(), "bad_configuration_url");
    let mut public = testkit::tool(None);
    public.config.base_url = "https://lessons.example.org".into();
    let aimed_home = register::register(&public, &FakePlatform::new(), &params(None));
    assert_eq!(
        aimed_home.map_err(|e| e.code()),
        Err("bad_configuration_url"),
        "a public tool calls nothing on loopback"
    );
    let cases: Vec<(&str, Edit)> = vec![
        (
            "configuration_unavailable",
            Box::new(|p| p.configuration = json!([1])),
        ),
        (
            "incomplete_configuration",
            Box::new(|p| {
                p.configuration
                    .as_object_mut()
                    .unwrap()
                    .remove("registration_endpoint");
            }),
        ),
        (
            "incomplete_configuration",
            Box::new(|p| {
                p.configuration
                    .as_object_mut()
                    .unwrap()
                    .remove(register::PLATFORM_CONFIGURATION);
            }),
        ),
        (
            "insecure_endpoint",
            Box::new(|p| p.configuration["jwks_uri"] = json!("http://lms.example.org/keys")),
        ),
        (
            "issuer_mismatch",
            Box::new(|p| p.configuration["issuer"] = json!("https://evil.example")),
        ),
        (
            "registration_refused",
            Box::new(|p| {
                p.answer = Answer {
                    status: 401,
                    body: "bad token".into(),
                }
            }),
        ),
        (
            "bad_registration_response",
            Box::new(|p| p.answer.body = json!({"client_id": "c"}).to_string()),
        ),
        (
            "bad_registration_response",
            Box::new(|p| p.answer.body = "<html>".into()),
        ),
    ];
    for (code, edit) in cases {
        let refused = run(edit.as_ref(), params(None));
        assert_eq!(refused.code(), code, "{refused:?}");
        assert_eq!(refused.status(), 502, "{refused:?}");
    }
    assert_eq!(
        tool.store.all_registrations().unwrap().len(),
        1,
        "nothing stored but the test registration"
    );
}
