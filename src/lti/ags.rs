//! Assignment and Grade Services 2.0 (reference §1.6): the score a completed lesson earns
//! (1 of 1, `Completed`, `FullyGraded`) posted to the launch's line item.
//!
//! The quirks that break naive tools are handled here: `/scores` is inserted into the line
//! item's *path*, keeping its query (Moodle's line items carry `?type_id=N`); the body goes
//! as `application/vnd.ims.lis.v1.score+json` (Moodle refuses other media types); the
//! `timestamp` has millisecond precision and comes from the store, strictly increasing per
//! learner and line item (Moodle answers 409 to a stamp that is not newer than the last).

use super::Tool;
use super::http::Request;
use super::store::StoredRegistration;
use super::token::{CallError, send_authorized, short};
use serde_json::{Value, json};

/// The scope for posting scores.
pub const SCORE_SCOPE: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/score";
/// The score media type.
pub const SCORE_MEDIA_TYPE: &str = "application/vnd.ims.lis.v1.score+json";

/// How one post went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// 2xx: the platform took the score.
    Accepted,
    /// 401, even with a new access token.
    Unauthorized(String),
    /// 409: the timestamp is not newer than the platform's last one.
    Stale(String),
    /// No answer, no token, 429 or 5xx: try again later.
    Unavailable(String),
    /// Any other 4xx: the platform will not take this score (e.g. a teacher, who is not a
    /// gradable learner, or a deleted line item).
    Refused(String),
}

/// The scores endpoint of `lineitem`: `/scores` appended to the path, query and fragment kept.
pub fn scores_url(lineitem: &str) -> String {
    let (rest, fragment) = match lineitem.find('#') {
        Some(i) => lineitem.split_at(i),
        None => (lineitem, ""),
    };
    let (path, query) = match rest.find('?') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    format!("{}/scores{query}{fragment}", path.trim_end_matches('/'))
}

/// The completion score of learner `sub` stamped `timestamp_ms`.
pub fn completion_score(sub: &str, timestamp_ms: i64) -> Value {
    json!({
        "userId": sub,
        "scoreGiven": 1,
        "scoreMaximum": 1,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": iso8601_millis(timestamp_ms),
    })
}

/// Posts `score` to the scores endpoint of `lineitem` with a token of `registration` (a
/// 401 gets a new token and one more try).
pub fn post_score(
    tool: &Tool,
    registration: &StoredRegistration,
    lineitem: &str,
    score: &Value,
) -> Posted {
    let url = scores_url(lineitem);
    let body = score.to_string();
    let request = Request {
        method: "POST",
        url: &url,
        authorization: None,
        content_type: Some(SCORE_MEDIA_TYPE),
        accept: Some("application/json"),
        body: body.as_bytes(),
    };
    let answer = match send_authorized(tool, registration, &[SCORE_SCOPE], &request) {
        Ok(answer) => answer,
        // A refused grant usually needs an admin (a key or a scope to set on the platform);
        // once fixed, a retry goes through.
        Err(CallError::Token(e)) => return Posted::Unavailable(e.message().to_string()),
        Err(CallError::Transport(e)) => {
            return Posted::Unavailable(format!("the scores endpoint did not answer: {e}"));
        }
    };
    let said = format!(
        "`{url}` answered {}: {}",
        answer.status,
        short(&answer.body)
    );
    match answer.status {
        200..=299 => Posted::Accepted,
        401 => Posted::Unauthorized(said),
        409 => Posted::Stale(said),
        408 | 429 | 500..=599 => Posted::Unavailable(said),
        _ => Posted::Refused(said),
    }
}

/// `YYYY-MM-DDThh:mm:ss.sssZ` for milliseconds since the epoch (UTC); the same format as
/// the preview's xAPI timestamps.
pub fn iso8601_millis(ms: i64) -> String {
    crate::preview::cmi5::mint::timestamp(u128::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_go_into_the_path_and_keep_the_query() {
        assert_eq!(
            scores_url(
                "https://moodle.example.org/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3"
            ),
            "https://moodle.example.org/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3"
        );
        assert_eq!(
            scores_url("https://canvas.example.org/api/lti/courses/1/line_items/5"),
            "https://canvas.example.org/api/lti/courses/1/line_items/5/scores"
        );
        assert_eq!(
            scores_url("https://x.org/li/5/"),
            "https://x.org/li/5/scores"
        );
        assert_eq!(
            scores_url("https://x.org/li?a=1#f"),
            "https://x.org/li/scores?a=1#f"
        );
    }

    #[test]
    fn timestamps_have_milliseconds() {
        assert_eq!(iso8601_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_millis(951_782_400_007), "2000-02-29T00:00:00.007Z");
        assert_eq!(
            iso8601_millis(1_795_910_400_123),
            "2026-11-29T00:00:00.123Z"
        );
        assert_eq!(
            iso8601_millis(4_102_444_799_999),
            "2099-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn the_score_is_one_of_one_completed_and_fully_graded() {
        let score = completion_score("u-1", 0);
        assert_eq!(score["scoreGiven"], 1);
        assert_eq!(score["scoreMaximum"], 1);
        assert_eq!(score["activityProgress"], "Completed");
        assert_eq!(score["gradingProgress"], "FullyGraded");
        assert_eq!(score["userId"], "u-1");
    }
}
