//! One test per step of the launch checklist: a good token passes, and each forgery or
//! mistake is refused with its own error.

use super::launch::{LaunchError, Message, validate};
use super::testkit::{self, FakeFetch, other_key, platform_key, resource_link_claims};
use super::{Tool, claim, login, now};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A login through the tool: the state, its cookie header and the nonce.
struct Login {
    state: String,
    cookie: String,
    nonce: String,
}

fn login(tool: &Tool) -> Login {
    let params: HashMap<String, String> = [
        ("iss", "http://127.0.0.1:9001"),
        ("login_hint", "user-1"),
        ("target_link_uri", "http://127.0.0.1:8000/lti/launch"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let redirect = login::initiate(tool, &params).unwrap();
    let query = |name: &str| {
        redirect
            .location
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_string()
    };
    Login {
        state: query("state"),
        nonce: query("nonce"),
        cookie: redirect.cookie.split(';').next().unwrap().to_string(),
    }
}

fn post(tool: &Tool, login: &Login, token: &str) -> Result<super::launch::Launch, LaunchError> {
    let form: HashMap<String, String> = [
        ("id_token".to_string(), token.to_string()),
        ("state".to_string(), login.state.clone()),
        (
            "authenticity_token".to_string(),
            "canvas sends more".to_string(),
        ),
    ]
    .into();
    validate(
        tool,
        &form,
        Some(&format!("other=1; {}", login.cookie)),
        now(),
    )
}

/// Logs in, lets `edit` change the claims, signs with the platform key and launches.
fn launch_with(edit: impl FnOnce(&mut Value)) -> Result<super::launch::Launch, LaunchError> {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let mut claims = resource_link_claims(&login.nonce);
    edit(&mut claims);
    post(&tool, &login, &platform_key().sign(&claims))
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[test]
fn a_good_token_launches_the_lesson() {
    let launch = launch_with(|_| {}).unwrap();
    assert_eq!(launch.deployment_id, "deploy-1");
    assert_eq!(launch.sub.as_deref(), Some("user-1"));
    let Message::ResourceLink {
        resource_link_id,
        lesson_id,
        grades,
    } = launch.message
    else {
        panic!("not a resource link");
    };
    assert_eq!(resource_link_id, "rl-1");
    assert_eq!(lesson_id.as_deref(), Some("first-lesson"));
    let grades = grades.unwrap();
    assert!(grades.lineitem.unwrap().ends_with("?type_id=1"));
    assert_eq!(grades.lineitems, None);
    assert_eq!(grades.scopes, [crate::lti::ags::SCORE_SCOPE]);
}

#[test]
fn a_deep_linking_request_passes_with_its_settings() {
    let launch = launch_with(|c| {
        c[claim::MESSAGE_TYPE] = json!("LtiDeepLinkingRequest");
        c[claim::DEEP_LINKING_SETTINGS] = json!({
            "deep_link_return_url": "http://127.0.0.1:9001/dl/return",
            "accept_types": ["ltiResourceLink"], "data": {"opaque": 1}
        });
    })
    .unwrap();
    assert!(matches!(
        launch.message,
        Message::DeepLinking { data: Some(_), .. }
    ));
}

#[test]
fn platform_errors_and_missing_fields_are_shown() {
    let tool = testkit::tool(None);
    let form: HashMap<String, String> = [("error".to_string(), "access_denied".to_string())].into();
    assert!(matches!(
        validate(&tool, &form, None, now()),
        Err(LaunchError::PlatformError(_))
    ));
    let form: HashMap<String, String> = [("state".to_string(), "x".to_string())].into();
    assert_eq!(
        validate(&tool, &form, None, now()),
        Err(LaunchError::MissingField("id_token"))
    );
}

#[test]
fn a_tampered_state_is_refused() {
    let tool = testkit::tool(None);
    let mut login = login(&tool);
    let token = platform_key().sign(&resource_link_claims(&login.nonce));
    login.state.push('x');
    assert_eq!(post(&tool, &login, &token), Err(LaunchError::StateNotBound));
}

#[test]
fn a_state_without_its_cookie_is_refused() {
    let tool = testkit::tool(None);
    let mut login = login(&tool);
    let token = platform_key().sign(&resource_link_claims(&login.nonce));
    login.cookie = String::new();
    assert_eq!(post(&tool, &login, &token), Err(LaunchError::StateNotBound));
}

#[test]
fn a_replayed_id_token_is_refused() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let token = platform_key().sign(&resource_link_claims(&login.nonce));
    assert!(post(&tool, &login, &token).is_ok());
    // The same form again: the state was used up.
    assert_eq!(post(&tool, &login, &token), Err(LaunchError::UnknownState));
    // The token with a fresh login: its nonce is not the new one.
    let fresh = self::login(&tool);
    assert_eq!(post(&tool, &fresh, &token), Err(LaunchError::NonceMismatch));
}

#[test]
fn a_used_nonce_is_refused_even_with_a_matching_state() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let claims = resource_link_claims(&login.nonce);
    assert!(tool.store.use_nonce(1, &login.nonce, now() + 600).unwrap());
    let token = platform_key().sign(&claims);
    assert_eq!(post(&tool, &login, &token), Err(LaunchError::ReplayedNonce));
}

#[test]
fn alg_none_is_refused() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let header = json!({"alg": "none", "typ": "JWT", "kid": platform_key().kid});
    let token = format!(
        "{}.{}.",
        b64(&header),
        b64(&resource_link_claims(&login.nonce))
    );
    assert_eq!(
        post(&tool, &login, &token),
        Err(LaunchError::Algorithm("none".into()))
    );
}

#[test]
fn hs256_signed_with_the_public_key_is_refused() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(platform_key().kid.clone());
    let key = EncodingKey::from_secret(&platform_key().public_der).unwrap();
    let token = jsonwebtoken::encode(&header, &resource_link_claims(&login.nonce), &key).unwrap();
    assert_eq!(
        post(&tool, &login, &token),
        Err(LaunchError::Algorithm("HS256".into()))
    );
}

#[test]
fn a_missing_or_unknown_kid_is_refused() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let claims = resource_link_claims(&login.nonce);
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &platform_key().encoding,
    )
    .unwrap();
    assert_eq!(post(&tool, &login, &token), Err(LaunchError::MissingKid));
    // Signed by a key the platform does not publish: one refetch, then refused.
    let fetch = FakeFetch::new(vec![platform_key().jwk()]);
    let tool = testkit::tool(Some(fetch.clone()));
    let good = self::login(&tool);
    let token = platform_key().sign(&resource_link_claims(&good.nonce));
    assert!(post(&tool, &good, &token).is_ok(), "fills the cache");
    let login = self::login(&tool);
    let token = other_key().sign(&resource_link_claims(&login.nonce));
    let refused = post(&tool, &login, &token).unwrap_err();
    assert_eq!(refused.code(), "unknown_kid");
    assert_eq!(
        fetch.count(),
        2,
        "the first fetch, then one refetch for the unknown kid"
    );
}

#[test]
fn a_bad_signature_is_refused() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let token = platform_key().sign(&resource_link_claims(&login.nonce));
    let (head, _) = token.rsplit_once('.').unwrap();
    let other = other_key().sign(&resource_link_claims(&login.nonce));
    let forged = format!("{head}.{}", other.rsplit_once('.').unwrap().1);
    assert_eq!(post(&tool, &login, &forged), Err(LaunchError::Signature));
}

#[test]
fn platform_key_rotation_is_accepted() {
    let fetch = FakeFetch::new(vec![platform_key().jwk()]);
    let tool = testkit::tool(Some(fetch.clone()));
    let first = login(&tool);
    assert!(
        post(
            &tool,
            &first,
            &platform_key().sign(&resource_link_claims(&first.nonce))
        )
        .is_ok()
    );
    fetch.set(vec![other_key().jwk()]);
    let second = login(&tool);
    let token = other_key().sign(&resource_link_claims(&second.nonce));
    assert!(post(&tool, &second, &token).is_ok());
}

#[test]
fn each_claim_check_has_its_own_error() {
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "wrong_issuer",
            Box::new(|c| c["iss"] = json!("http://127.0.0.1:9002")),
        ),
        (
            "wrong_audience",
            Box::new(|c| c["aud"] = json!("someone-else")),
        ),
        (
            "wrong_azp",
            Box::new(|c| {
                c["aud"] = json!(["test-client-1", "other"]);
                c.as_object_mut().unwrap().remove("azp");
            }),
        ),
        ("wrong_azp", Box::new(|c| c["azp"] = json!("other"))),
        ("expired", Box::new(|c| c["exp"] = json!(now() - 3600))),
        (
            "not_yet_valid",
            Box::new(|c| c["iat"] = json!(now() + 3600)),
        ),
        ("nonce_mismatch", Box::new(|c| c["nonce"] = json!("forged"))),
        (
            "unknown_deployment",
            Box::new(|c| c[claim::DEPLOYMENT_ID] = json!("deploy-9")),
        ),
        (
            "wrong_version",
            Box::new(|c| c[claim::VERSION] = json!("1.1")),
        ),
        (
            "wrong_message_type",
            Box::new(|c| c[claim::MESSAGE_TYPE] = json!("LtiSubmissionReviewRequest")),
        ),
        (
            "missing_claim",
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("sub");
            }),
        ),
        (
            "missing_claim",
            Box::new(|c| {
                c.as_object_mut().unwrap().remove(claim::RESOURCE_LINK);
            }),
        ),
        (
            "missing_claim",
            Box::new(|c| {
                c.as_object_mut().unwrap().remove(claim::ROLES);
            }),
        ),
    ];
    for (code, edit) in cases {
        let refused = launch_with(edit).expect_err(code);
        assert_eq!(refused.code(), code, "{refused:?}");
        assert_eq!(refused.status(), 401);
    }
    // Several audiences with the right `azp` pass.
    assert!(launch_with(|c| c["aud"] = json!(["test-client-1", "other"])).is_ok());
}

#[test]
fn an_expired_state_is_refused() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let token = platform_key().sign(&resource_link_claims(&login.nonce));
    let form: HashMap<String, String> = [
        ("id_token".to_string(), token),
        ("state".to_string(), login.state.clone()),
    ]
    .into();
    let later = now() + login::STATE_SECONDS + 1;
    assert_eq!(
        validate(&tool, &form, Some(&login.cookie), later),
        Err(LaunchError::ExpiredState)
    );
}

#[test]
fn a_registration_suspended_after_login_launches_nothing() {
    let tool = testkit::tool(None);
    let login = login(&tool);
    let id = tool.store.all_registrations().unwrap()[0].id;
    tool.store.set_active(id, false).unwrap();
    let refused = post(
        &tool,
        &login,
        &platform_key().sign(&resource_link_claims(&login.nonce)),
    )
    .unwrap_err();
    assert_eq!(refused, LaunchError::PendingApproval);
    assert_eq!(
        (refused.code(), refused.status()),
        ("pending_approval", 403)
    );
}
