//! The delivery rules against a scripted platform: the token grant and the score as Moodle
//! wants them, the token cache, a 401 (new token, once), a 409 (newer stamp, once), outages
//! (retry with backoff) and refusals (final).

use super::outbox::{backoff, deliver};
use super::store::{ScoreJob, ScoreState};
use super::testkit::{self, FakeHttp};
use super::{Tool, keys, now, now_millis};
use jsonwebtoken::{DecodingKey, Validation};

const LINEITEM: &str = "http://127.0.0.1:9001/ags/lineitems/1/lineitem?type_id=1";
const SCORES: &str = "http://127.0.0.1:9001/ags/lineitems/1/lineitem/scores?type_id=1";
const GRANT: &str = r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}"#;

fn setup() -> (Tool, FakeHttp) {
    let http = FakeHttp::default();
    let tool = testkit::tool_with_http(http.clone());
    keys::ensure(tool.store.as_ref(), now()).unwrap();
    (tool, http)
}

fn queue(tool: &Tool, sub: &str) -> ScoreJob {
    tool.store
        .queue_score(1, LINEITEM, sub, now_millis())
        .unwrap()
        .unwrap()
}

fn field<'a>(form: &'a str, name: &str) -> &'a str {
    form.split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
}

#[test]
fn a_score_is_posted_as_moodle_wants_it_with_a_granted_token() {
    let (tool, http) = setup();
    http.answer(200, GRANT).answer(200, "{}");
    let job = deliver(&tool, queue(&tool, "user-1")).unwrap();
    assert_eq!((job.state, job.attempts), (ScoreState::Delivered, 1));

    let sent = http.sent();
    let (grant, score) = (&sent[0], &sent[1]);
    assert_eq!(grant.url, "http://127.0.0.1:9001/token");
    assert_eq!(
        grant.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(field(&grant.body, "grant_type"), "client_credentials");
    assert_eq!(
        field(&grant.body, "scope"),
        "https%3A%2F%2Fpurl.imsglobal.org%2Fspec%2Flti-ags%2Fscope%2Fscore"
    );
    let assertion = field(&grant.body, "client_assertion");
    let jwks: jsonwebtoken::jwk::JwkSet =
        serde_json::from_value(keys::jwks(tool.store.as_ref(), now()).unwrap()).unwrap();
    let kid = jsonwebtoken::decode_header(assertion).unwrap().kid.unwrap();
    let mut validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&["http://127.0.0.1:9001/token"]);
    validation.set_issuer(&["test-client-1"]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(
        assertion,
        &DecodingKey::from_jwk(jwks.find(&kid).unwrap()).unwrap(),
        &validation,
    )
    .unwrap()
    .claims;
    assert_eq!(claims["sub"], "test-client-1");
    assert!(claims["jti"].as_str().unwrap().len() >= 20);

    assert_eq!(score.url, SCORES);
    assert_eq!(score.authorization.as_deref(), Some("Bearer tok-1"));
    assert_eq!(
        score.content_type.as_deref(),
        Some("application/vnd.ims.lis.v1.score+json")
    );
    let body: serde_json::Value = serde_json::from_str(&score.body).unwrap();
    assert_eq!(body["userId"], "user-1");
    assert_eq!(body["gradingProgress"], "FullyGraded");

    // The next learner's score reuses the token.
    http.answer(200, "{}");
    deliver(&tool, queue(&tool, "user-2")).unwrap();
    assert_eq!(http.sent().len(), 3);
}

#[test]
fn a_401_gets_a_new_token_and_a_409_a_newer_stamp() {
    let (tool, http) = setup();
    http.answer(200, GRANT)
        .answer(401, "token expired")
        .answer(200, GRANT)
        .answer(409, "stale")
        .answer(200, "{}");
    let queued = queue(&tool, "user-1");
    let job = deliver(&tool, queued.clone()).unwrap();
    assert_eq!(job.state, ScoreState::Delivered);
    let sent = http.sent();
    assert_eq!(sent.len(), 5);
    assert!(sent[2].url.ends_with("/token"), "a new token after the 401");
    let stamp = |i: usize| {
        let body: serde_json::Value = serde_json::from_str(&sent[i].body).unwrap();
        body["timestamp"].as_str().unwrap().to_string()
    };
    assert_eq!(stamp(1), stamp(3));
    assert!(stamp(4) > stamp(3), "{} then {}", stamp(3), stamp(4));
    assert!(job.timestamp_ms > queued.timestamp_ms);
}

#[test]
fn outages_are_retried_with_backoff_and_refusals_are_final() {
    let (tool, http) = setup();
    http.fail();
    let job = deliver(&tool, queue(&tool, "user-1")).unwrap();
    assert_eq!((job.state, job.attempts), (ScoreState::Pending, 1));
    assert!(job.next_try >= now() + 29, "retried in 30 s");
    assert!(
        job.last_error
            .unwrap()
            .contains("token endpoint did not answer")
    );

    http.answer(200, GRANT).answer(503, "busy");
    let job = deliver(&tool, queue(&tool, "user-2")).unwrap();
    assert_eq!(job.state, ScoreState::Pending);
    assert!(job.last_error.unwrap().contains("503"));

    http.answer(400, "user is not gradable");
    let job = deliver(&tool, queue(&tool, "teacher")).unwrap();
    assert_eq!(job.state, ScoreState::Failed);
    assert!(job.last_error.unwrap().contains("not gradable"));
    assert_eq!(
        tool.store
            .score(1, LINEITEM, "teacher")
            .unwrap()
            .unwrap()
            .state,
        ScoreState::Failed
    );

    assert_eq!(
        [backoff(1), backoff(2), backoff(3), backoff(12)],
        [30, 60, 120, 3600]
    );
}
