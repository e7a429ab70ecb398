//! The LMS and LRS without HTTP: launches, the one-time fetch, token checks, documents.

use super::xapi::Request;
use super::{Au, Lrs, Profile, query};
use serde_json::{Value, json};

pub(super) fn au() -> Au {
    Au {
        id: "urn:lessonpack:m:l".into(),
        title: "L".into(),
        url: "lessons/l/index.html".into(),
        move_on: "Completed".into(),
        mastery_score: None,
        launch_parameters: None,
        course: "urn:lessonpack:m".into(),
    }
}

/// A launch whose token was fetched: (the launch's answer, the token, its parameters).
fn launched(lrs: &mut Lrs) -> (Value, String, Vec<(String, String)>) {
    let answer = lrs.launch(&au(), "http://127.0.0.1:9", Profile::Spec);
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

#[test]
fn the_open_edx_profile_behaves_as_its_cmi5_block() {
    let (notify, _) = tokio::sync::broadcast::channel(16);
    let mut lrs = Lrs::new(9, notify);
    let second_au = Au {
        id: "urn:lessonpack:m:l2".into(),
        url: "lessons/l2/index.html".into(),
        ..au()
    };
    // Launches one lesson, fetches twice: the same token both times.
    let launch = |lrs: &mut Lrs, au: &Au| {
        let answer = lrs.launch(au, "http://127.0.0.1:9", Profile::OpenEdx);
        let url = answer["url"].as_str().unwrap().to_string();
        let params = query::decode(url.split_once('?').unwrap().1).unwrap();
        let key = params[1].1.rsplit('/').next().unwrap().to_string();
        let token = lrs.fetch(&key)["auth-token"].as_str().unwrap().to_string();
        assert_eq!(
            lrs.fetch(&key)["auth-token"],
            token.as_str(),
            "the same token again"
        );
        (answer, token, params)
    };
    let (first, token1, params1) = launch(&mut lrs, &au());
    let (second, token2, params2) = launch(&mut lrs, &second_au);
    // The course id for every lesson; no launched statement.
    assert_eq!(first["activityId"], "urn:lessonpack:m");
    assert_eq!(second["activityId"], "urn:lessonpack:m");
    assert_eq!(lrs.panel(0)["statements"], 0);

    // One suspendData document for both lessons: {} before any, then what either wrote.
    let suspend1 = state_query(&params1, "suspendData");
    let suspend2 = state_query(&params2, "suspendData");
    let empty = lrs.xapi(&request("GET", "activities/state", &suspend1, &token1, ""));
    assert_eq!(
        (empty.status, empty.body.as_slice()),
        (200, b"{}".as_slice())
    );
    let put = request(
        "PUT",
        "activities/state",
        &suspend1,
        &token1,
        r#"{"lesson":1}"#,
    );
    assert_eq!(lrs.xapi(&put).status, 204);
    let read = lrs.xapi(&request("GET", "activities/state", &suspend2, &token2, ""));
    assert_eq!(read.body, br#"{"lesson":1}"#);
    // A POST merge is answered 200 and dropped.
    let post = request(
        "POST",
        "activities/state",
        &suspend2,
        &token2,
        r#"{"lesson":2}"#,
    );
    assert_eq!(lrs.xapi(&post).status, 200);
    let read = lrs.xapi(&request("GET", "activities/state", &suspend1, &token1, ""));
    assert_eq!(read.body, br#"{"lesson":1}"#);

    // Statements: POST dropped; a passed without result fails; completed grades nothing;
    // passed with score.scaled 1 grades 1/1.
    let actor = serde_json::from_str::<Value>(&params2[2].1).unwrap();
    let statement = |verb: &str, result: Option<Value>| {
        let mut s = json!({
            "id": super::mint::uuid(), "actor": actor,
            "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": { "en": verb } },
            "object": { "objectType": "Activity", "id": "urn:lessonpack:m" },
        });
        if let Some(result) = result {
            s["result"] = result;
        }
        s
    };
    let send = |lrs: &mut Lrs, s: &Value| {
        let id = s["id"].as_str().unwrap();
        let put = request(
            "PUT",
            "statements",
            &format!("statementId={id}"),
            &token2,
            &s.to_string(),
        );
        lrs.xapi(&put).status
    };
    assert_eq!(send(&mut lrs, &statement("passed", None)), 500);
    let completed = statement("completed", Some(json!({ "completion": true })));
    assert_eq!(send(&mut lrs, &completed), 204);
    let book = |lrs: &Lrs| lrs.panel(0)["gradebook"].clone();
    assert_eq!(book(&lrs)["grade"], 0.0, "completed alone: 0/1");
    assert_eq!(book(&lrs)["completion"], 1.0);
    let passed = statement(
        "passed",
        Some(json!({ "success": true, "score": { "scaled": 1 } })),
    );
    assert_eq!(send(&mut lrs, &passed), 204);
    assert_eq!(book(&lrs)["grade"], 1.0);
    let posted = request(
        "POST",
        "statements",
        "",
        &token2,
        &statement("failed", Some(json!({}))).to_string(),
    );
    assert_eq!(lrs.xapi(&posted).status, 200);
    assert_eq!(
        lrs.panel(0)["statements"],
        2,
        "the POSTed statement was dropped"
    );
    assert_eq!(book(&lrs)["grade"], 1.0);
}
