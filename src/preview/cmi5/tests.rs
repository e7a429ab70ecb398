//! The LMS and LRS without HTTP: launches, the one-time fetch, token checks, documents.

use super::xapi::Request;
use super::{Au, Lrs, query};
use serde_json::{Value, json};

pub(super) fn au() -> Au {
    Au {
        id: "urn:lessonpack:m:l".into(),
        title: "L".into(),
        url: "lessons/l/index.html".into(),
        move_on: "Completed".into(),
        mastery_score: None,
        launch_parameters: None,
    }
}

/// A launch whose token was fetched: (the launch's answer, the token, its parameters).
fn launched(lrs: &mut Lrs) -> (Value, String, Vec<(String, String)>) {
    let answer = lrs.launch(&au(), "http://127.0.0.1:9");
    let url = answer["url"].as_str().unwrap();
    let params = query::decode(url.split_once('?').unwrap().1).unwrap();
    let fetch = &params[1].1;
    let key = fetch.rsplit('/').next().unwrap();
    let token = lrs.fetch(key)["auth-token"].as_str().unwrap().to_string();
    (answer, token, params)
}

fn request(method: &str, resource: &str, query: &str, token: &str, body: &str) -> Request {
    Request {
        method: method.into(),
        resource: resource.into(),
        query: query.into(),
        authorization: Some(format!("Basic {token}")),
        version: Some("1.0.3".into()),
        content_type: Some("application/json".into()),
        body: body.as_bytes().to_vec(),
    }
}

fn state_query(params: &[(String, String)], id: &str) -> String {
    query::encode(&[
        ("stateId", id),
        ("activityId", &params[4].1),
        ("agent", &params[2].1),
        ("registration", &params[3].1),
    ])
}

#[test]
fn tokens_documents_and_statements() {
    let (notify, _) = tokio::sync::broadcast::channel(16);
    let mut lrs = Lrs::new(9, notify);
    let (answer, token, params) = launched(&mut lrs);
    let key = params[1].1.rsplit('/').next().unwrap().to_string();
    assert_eq!(lrs.fetch(&key)["error-code"], "1", "the token once");

    let state = state_query(&params, "LMS.LaunchData");
    let get = request("GET", "activities/state", &state, &token, "");
    assert_eq!(lrs.xapi(&get).status, 200);
    let mut unversioned = request("GET", "activities/state", &state, &token, "");
    unversioned.version = None;
    assert_eq!(lrs.xapi(&unversioned).status, 400);
    assert_eq!(
        lrs.xapi(&request("GET", "activities/state", &state, "nope", ""))
            .status,
        401
    );
    let put = request("PUT", "activities/state", &state, &token, "{}");
    assert_eq!(lrs.xapi(&put).status, 403, "LMS.LaunchData is the LMS's");

    let suspend = state_query(&params, "suspendData");
    let post = |body: &str| request("POST", "activities/state", &suspend, &token, body);
    assert_eq!(lrs.xapi(&post(r#"{"a":1}"#)).status, 204);
    assert_eq!(lrs.xapi(&post(r#"{"b":2}"#)).status, 204);
    let merged = lrs.xapi(&request("GET", "activities/state", &suspend, &token, ""));
    let merged: Value = serde_json::from_slice(&merged.body).unwrap();
    assert_eq!(merged, json!({ "a": 1, "b": 2 }));

    // POST without ids: the LRS gives them; a PUT whose id differs from statementId is refused.
    let statement = json!({
        "actor": serde_json::from_str::<Value>(&params[2].1).unwrap(), "verb": { "id": "http://adlnet.gov/expapi/verbs/initialized" },
        "object": { "id": params[4].1 },
    });
    let reply = lrs.xapi(&request(
        "POST",
        "statements",
        "",
        &token,
        &statement.to_string(),
    ));
    assert_eq!(reply.status, 200);
    let ids: Vec<String> = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(ids.len(), 1);
    let other = super::mint::uuid();
    let mismatch = request(
        "PUT",
        "statements",
        &format!("statementId={other}"),
        &token,
        &json!({ "id": ids[0], "actor": {}, "verb": { "id": "x" }, "object": {} }).to_string(),
    );
    assert_eq!(lrs.xapi(&mismatch).status, 400);

    // A reset forgets it all; the old session's late statements are still accepted.
    lrs.reset();
    let panel = lrs.panel(0);
    assert_eq!(panel["statements"], 0);
    assert_ne!(panel["registration"], answer["registration"]);
    assert!(panel["state"].as_array().unwrap().is_empty());
    let late = request("POST", "statements", "", &token, &statement.to_string());
    assert_eq!(lrs.xapi(&late).status, 200);
    let (second, _, _) = launched(&mut lrs);
    assert_eq!(second["session"], 2);
    assert_eq!(second["registration"], panel["registration"]);
}

#[test]
fn a_passed_statement_is_stored_and_shown_with_its_score() {
    // The lesson pages send "passed" right after "completed" (cmi5 §9.3.4): the LRS stores it
    // as sent, and the panel's record carries it whole, for lrs.js to check.
    let (notify, _) = tokio::sync::broadcast::channel(16);
    let mut lrs = Lrs::new(9, notify);
    let (answer, token, params) = launched(&mut lrs);
    let id = super::mint::uuid();
    let passed = json!({
        "id": id,
        "actor": serde_json::from_str::<Value>(&params[2].1).unwrap(),
        "verb": { "id": "http://adlnet.gov/expapi/verbs/passed", "display": { "en": "passed" } },
        "object": { "objectType": "Activity", "id": params[4].1 },
        "result": {
            "success": true,
            "score": { "scaled": 1, "raw": 100, "min": 0, "max": 100 },
            "duration": "PT12.5S"
        },
        "context": {
            "registration": answer["registration"],
            "contextActivities": { "category": [
                { "id": "https://w3id.org/xapi/cmi5/context/categories/cmi5" },
                { "id": "https://w3id.org/xapi/cmi5/context/categories/moveon" }
            ] }
        },
    });
    let put = request(
        "PUT",
        "statements",
        &format!("statementId={id}"),
        &token,
        &passed.to_string(),
    );
    assert_eq!(lrs.xapi(&put).status, 204);
    let panel = lrs.panel(0);
    let record = panel["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["statement"]["id"] == id.as_str())
        .expect("the passed statement's record");
    assert_eq!(record["text"], "stored");
    assert_eq!(record["failed"], false);
    assert_eq!(record["statement"]["result"]["score"]["scaled"], 1);
    assert_eq!(panel["statements"], 2, "launched and passed");
}
