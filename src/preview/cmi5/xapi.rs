//! The LRS resources an AU uses (xAPI 1.0.3 Communication §2–§3, cmi5 §8.2–§11): statements
//! (PUT with `statementId`, POST, GET), activity state (GET, PUT, POST, DELETE) and agent
//! profiles (GET, PUT, POST, DELETE). Every request needs `Authorization: Basic <token>` with
//! a token a fetch URL handed out, and `X-Experience-API-Version: 1.0.x`; each one answered
//! becomes a record for the panel.

use super::{Document, Lrs, Profile, agent_key, mint, query};
use serde_json::{Value, json};

/// One request to `/xapi/…`, as the HTTP side read it.
#[derive(Debug, Default)]
pub(crate) struct Request {
    /// `GET`, `PUT`, …
    pub(crate) method: String,
    /// The path after `/xapi/`: `statements`, `activities/state`, `agents/profile`.
    pub(crate) resource: String,
    /// The raw query string.
    pub(crate) query: String,
    /// The `Authorization` header.
    pub(crate) authorization: Option<String>,
    /// The `X-Experience-API-Version` header.
    pub(crate) version: Option<String>,
    /// The `Content-Type` header.
    pub(crate) content_type: Option<String>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

/// The answer: status, media type, body.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The body's media type.
    pub(crate) content_type: String,
    /// The body (empty for 204).
    pub(crate) body: Vec<u8>,
}

impl Reply {
    fn empty() -> Reply {
        Reply::new(204, "application/json", Vec::new())
    }

    fn json(status: u16, value: &Value) -> Reply {
        Reply::new(status, "application/json", value.to_string().into_bytes())
    }

    fn error(status: u16, text: &str) -> Reply {
        Reply::json(status, &json!({ "error": text }))
    }

    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type: content_type.to_string(),
            body,
        }
    }
}

/// What the panel's record of a request says beyond method, resource and status.
#[derive(Default)]
struct Said {
    text: String,
    statement: Option<Value>,
    failed: bool,
}

impl Said {
    fn text(text: impl Into<String>) -> Said {
        Said {
            text: text.into(),
            ..Said::default()
        }
    }

    fn failed(text: impl Into<String>) -> Said {
        Said {
            failed: true,
            ..Said::text(text)
        }
    }
}

type Params = Vec<(String, String)>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl Lrs {
    /// Answers one `/xapi/` request and records it for the panel.
    pub(crate) fn xapi(&mut self, request: &Request) -> Reply {
        let what = (request.method.as_str(), request.resource.as_str());
        let token = request
            .authorization
            .as_deref()
            .and_then(|a| a.strip_prefix("Basic "));
        let session = token.and_then(|t| {
            self.sessions
                .iter()
                .position(|s| s.fetches > 0 && s.token == t)
        });
        let Some(session) = session else {
            let text = match token {
                None => "refused: no Authorization: Basic token",
                Some(_) => "refused: not a token any fetch URL of this preview handed out",
            };
            self.log(None, what, 401, Said::failed(text));
            return Reply::error(401, text);
        };
        let number = self.sessions[session].number;
        let version = request.version.as_deref().unwrap_or_default();
        if version != "1.0" && !version.starts_with("1.0.") {
            let text = format!(
                "refused: X-Experience-API-Version {version:?}; the LRS speaks 1.0.3 (xAPI §6.2)"
            );
            self.log(Some(number), what, 400, Said::failed(&text));
            return Reply::error(400, &text);
        }
        let Some(params) = query::decode(&request.query) else {
            let text = "refused: the query string is not percent-encoded UTF-8";
            self.log(Some(number), what, 400, Said::failed(text));
            return Reply::error(400, text);
        };
        if self.sessions[session].profile == Profile::OpenEdx
            && let Some(answer) = open_edx_refusal(request, &params)
        {
            let (reply, said) = answer;
            self.log(Some(number), what, reply.status, said);
            return reply;
        }
        let (reply, said) = match request.resource.as_str() {
            "statements" => self.statements(session, request, &params),
            "activities/state" => self.state_resource(session, request, &params),
            "agents/profile" => self.profile(request, &params),
            _ => (
                Reply::error(404, "not a resource of this LRS"),
                Said::failed(
                    "not a resource of this LRS (statements, activities/state, agents/profile)",
                ),
            ),
        };
        self.log(Some(number), what, reply.status, said);
        reply
    }

    fn log(&mut self, session: Option<u32>, what: (&str, &str), status: u16, said: Said) {
        let registration = session
            .and_then(|n| self.sessions.iter().find(|s| s.number == n))
            .map(|s| s.registration.clone());
        let mut record = json!({
            "session": session, "registration": registration, "method": what.0,
            "resource": what.1, "status": status, "text": said.text,
            "query": what.0 == "GET", "failed": said.failed || status >= 400,
        });
        if let Some(statement) = said.statement {
            record["statement"] = statement;
        }
        self.record(record);
    }

    fn statements(&mut self, session: usize, request: &Request, params: &Params) -> (Reply, Said) {
        match request.method.as_str() {
            "GET" => match param(params, "statementId") {
                Some(id) => match self.statements.iter().find(|s| s["id"] == id) {
                    Some(found) => (
                        Reply::json(200, found),
                        Said::text(format!("statementId={id}")),
                    ),
                    None => (
                        Reply::error(404, "no such statement"),
                        Said::text(format!("statementId={id}: none")),
                    ),
                },
                None => {
                    let all: Vec<&Value> = self.statements.iter().rev().collect();
                    let text = format!("{} statements", all.len());
                    (
                        Reply::json(200, &json!({ "statements": all, "more": "" })),
                        Said::text(text),
                    )
                }
            },
            "PUT" => {
                let Some(id) = param(params, "statementId").filter(|id| mint::is_uuid(id)) else {
                    let text = "refused: PUT needs ?statementId= with the statement's UUID";
                    return (Reply::error(400, text), Said::failed(text));
                };
                let statement = match parse_statement(&request.body, Some(id)) {
                    Ok(s) => s,
                    Err(text) => return (Reply::error(400, &text), Said::failed(text)),
                };
                match self.keep(session, statement.clone()) {
                    Ok(text) => (
                        Reply::empty(),
                        Said {
                            text,
                            statement: Some(statement),
                            failed: false,
                        },
                    ),
                    Err(text) => (
                        Reply::error(409, &text),
                        Said {
                            failed: true,
                            text,
                            statement: Some(statement),
                        },
                    ),
                }
            }
            "POST" => {
                let list = match serde_json::from_slice::<Value>(&request.body) {
                    Ok(Value::Array(list)) => list,
                    Ok(one @ Value::Object(_)) => vec![one],
                    _ => {
                        let text = "refused: POST needs a statement or a list of them (JSON)";
                        return (Reply::error(400, text), Said::failed(text));
                    }
                };
                let mut ids = Vec::new();
                let mut said = Said::default();
                for item in list {
                    let statement = match parse_statement(item.to_string().as_bytes(), None) {
                        Ok(s) => s,
                        Err(text) => return (Reply::error(400, &text), Said::failed(text)),
                    };
                    ids.push(statement["id"].clone());
                    if let Err(text) = self.keep(session, statement.clone()) {
                        return (Reply::error(409, &text), Said::failed(text));
                    }
                    // The panel shows the last of a batch in full; the text counts them.
                    said.statement = Some(statement);
                }
                said.text = format!("{} statement(s) stored", ids.len());
                (Reply::json(200, &Value::Array(ids)), said)
            }
            method => {
                let text = format!("{method} is not how statements are sent (PUT, POST)");
                (Reply::error(405, &text), Said::failed(text))
            }
        }
    }

    /// Stores a statement unless its id is taken by a different one (xAPI: 409).
    fn keep(&mut self, session: usize, statement: Value) -> Result<String, String> {
        let id = statement["id"].clone();
        if let Some(old) = self.statements.iter().find(|s| s["id"] == id) {
            let mut old = old.clone();
            if let Some(o) = old.as_object_mut() {
                o.remove("stored");
            }
            return if old == statement {
                Ok("sent again, unchanged: nothing new stored".into())
            } else {
                Err(format!(
                    "refused: statement {id} is stored already, with other content"
                ))
            };
        }
        let s = &self.sessions[session];
        let mut notes = Vec::new();
        if statement["actor"] != s.actor {
            notes.push("its actor is not the launch actor (§9.2)");
        }
        if statement["context"]["registration"] != s.registration.as_str() {
            notes.push("its registration is not the launch's (§9.6.1)");
        }
        self.store(statement);
        Ok(if notes.is_empty() {
            "stored".into()
        } else {
            format!("stored, but {}", notes.join("; "))
        })
    }

    fn state_resource(
        &mut self,
        session: usize,
        request: &Request,
        params: &Params,
    ) -> (Reply, Said) {
        let (Some(activity), Some(agent)) = (param(params, "activityId"), param(params, "agent"))
        else {
            let text = "refused: activity state needs activityId and agent";
            return (Reply::error(400, text), Said::failed(text));
        };
        let Ok(agent) = serde_json::from_str::<Value>(agent) else {
            let text = "refused: agent is not JSON";
            return (Reply::error(400, text), Said::failed(text));
        };
        let registration = param(params, "registration")
            .unwrap_or_default()
            .to_string();
        let s = &self.sessions[session];
        let open_edx = s.profile == Profile::OpenEdx;
        let mut warning = String::new();
        if activity != s.activity_id || registration != s.registration {
            warning = " (another activity or registration than the launch's)".into();
        }
        let id = param(params, "stateId");
        let key = |id: &str| {
            (
                activity.to_string(),
                agent_key(&agent),
                registration.clone(),
                id.to_string(),
            )
        };
        let method = request.method.as_str();
        if id == Some("LMS.LaunchData") && method != "GET" {
            let text = "refused: the AU must not change LMS.LaunchData (cmi5 §10)";
            return (Reply::error(403, text), Said::failed(text));
        }
        match (method, id) {
            ("GET", Some(id)) => match self.state.get(&key(id)) {
                Some(doc) => {
                    let text = format!("stateId={id}: {} bytes{warning}", doc.body.len());
                    (
                        Reply::new(200, &doc.content_type, doc.body.clone()),
                        Said::text(text),
                    )
                }
                // Open edX answers a document it does not have with an empty one.
                None if open_edx => (
                    Reply::json(200, &json!({})),
                    Said::text(format!(
                        "stateId={id}: none yet, answered {{}} as Open edX does"
                    )),
                ),
                None => (
                    Reply::error(404, "no such document"),
                    Said::text(format!("stateId={id}: none yet{warning}")),
                ),
            },
            ("GET", None) => {
                let ids: Vec<&str> = self
                    .state
                    .keys()
                    .filter(|(a, g, r, _)| {
                        *a == activity && *g == agent_key(&agent) && *r == registration
                    })
                    .map(|(_, _, _, id)| id.as_str())
                    .collect();
                let text = format!("{} state ids", ids.len());
                (Reply::json(200, &json!(ids)), Said::text(text))
            }
            ("PUT" | "POST", Some(id)) => {
                let mut doc = Document {
                    content_type: request
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/octet-stream".into()),
                    body: request.body.clone(),
                };
                if method == "POST" {
                    match merge(self.state.get(&key(id)), &doc) {
                        Ok(merged) => doc = merged,
                        Err(text) => return (Reply::error(400, text), Said::failed(text)),
                    }
                }
                let text = format!("stateId={id}: {} bytes stored{warning}", doc.body.len());
                self.state.insert(key(id), doc);
                (Reply::empty(), Said::text(text))
            }
            ("DELETE", id) => {
                let before = self.state.len();
                let agent = agent_key(&agent);
                self.state.retain(|(a, g, r, s), _| {
                    !(*a == activity
                        && *g == agent
                        && *r == registration
                        && id.is_none_or(|id| id == s))
                });
                let text = format!("{} document(s) deleted{warning}", before - self.state.len());
                (Reply::empty(), Said::text(text))
            }
            _ => {
                let text = "refused: a state document needs its stateId";
                (Reply::error(400, text), Said::failed(text))
            }
        }
    }

    fn profile(&mut self, request: &Request, params: &Params) -> (Reply, Said) {
        let Some(agent) =
            param(params, "agent").and_then(|a| serde_json::from_str::<Value>(a).ok())
        else {
            let text = "refused: an agent profile needs agent (JSON)";
            return (Reply::error(400, text), Said::failed(text));
        };
        let agent = agent_key(&agent);
        let Some(id) = param(params, "profileId") else {
            let ids: Vec<&str> = self
                .profiles
                .keys()
                .filter(|(a, _)| *a == agent)
                .map(|(_, id)| id.as_str())
                .collect();
            let text = format!("{} profile ids", ids.len());
            return (Reply::json(200, &json!(ids)), Said::text(text));
        };
        let key = (agent, id.to_string());
        match request.method.as_str() {
            "GET" => match self.profiles.get(&key) {
                Some(doc) => (
                    Reply::new(200, &doc.content_type, doc.body.clone()),
                    Said::text(format!("profileId={id}")),
                ),
                None => (
                    Reply::error(404, "no such profile"),
                    Said::text(format!(
                        "profileId={id}: none (the learner set no preferences)"
                    )),
                ),
            },
            "PUT" | "POST" => {
                let doc = Document {
                    content_type: request
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/octet-stream".into()),
                    body: request.body.clone(),
                };
                self.profiles.insert(key, doc);
                (Reply::empty(), Said::text(format!("profileId={id} stored")))
            }
            "DELETE" => {
                self.profiles.remove(&key);
                (
                    Reply::empty(),
                    Said::text(format!("profileId={id} deleted")),
                )
            }
            method => {
                let text = format!("{method} is not an agent profile method");
                (Reply::error(405, &text), Said::failed(text))
            }
        }
    }
}

/// A statement from `body`: a JSON object with actor, verb and object; its id checked
/// against `id` (PUT) or made up (POST without one).
fn parse_statement(body: &[u8], id: Option<&str>) -> Result<Value, String> {
    let Ok(mut statement @ Value::Object(_)) = serde_json::from_slice::<Value>(body) else {
        return Err("refused: the statement is not a JSON object".into());
    };
    for field in ["actor", "verb", "object"] {
        if statement.get(field).is_none() {
            return Err(format!("refused: the statement has no {field}"));
        }
    }
    if statement["verb"]["id"].as_str().is_none() {
        return Err("refused: the statement's verb has no id".into());
    }
    match (statement.get("id").and_then(Value::as_str), id) {
        (Some(have), Some(want)) if have != want => {
            return Err(format!(
                "refused: statement id {have} is not statementId={want}"
            ));
        }
        (Some(have), _) if !mint::is_uuid(have) => {
            return Err(format!("refused: statement id {have:?} is not a UUID"));
        }
        (None, want) => statement["id"] = json!(want.map_or_else(mint::uuid, str::to_string)),
        _ => {}
    }
    Ok(statement)
}

/// xAPI POST to a document: both JSON objects → merged (top-level properties replaced).
fn merge(old: Option<&Document>, new: &Document) -> Result<Document, &'static str> {
    let Ok(Value::Object(update)) = serde_json::from_slice::<Value>(&new.body) else {
        return Err("refused: POST to a document needs a JSON object");
    };
    let mut merged = match old {
        None => serde_json::Map::new(),
        Some(doc) => match serde_json::from_slice::<Value>(&doc.body) {
            Ok(Value::Object(map)) => map,
            _ => return Err("refused: the stored document is not a JSON object to merge into"),
        },
    };
    merged.extend(update);
    Ok(Document {
        content_type: "application/json".into(),
        body: Value::Object(merged).to_string().into_bytes(),
    })
}

/// What Open edX's `lrs_endpoint` does differently, before the spec's handling: it keeps only
/// `PUT ?statementId=` statements and the `suspendData` document (PUT), answers any other
/// write 200 and drops it, answers a missing `suspendData` with `{}`, and fails (500) on a
/// statement without `verb.display.en` or on a `passed`/`failed` without `result`.
fn open_edx_refusal(request: &Request, params: &Params) -> Option<(Reply, Said)> {
    let method = request.method.as_str();
    let state_id = param(params, "stateId");
    let dropped = |text: &str| {
        let text = format!("answered 200 and dropped by Open edX: {text}");
        Some((
            Reply::json(200, &json!({ "success": true })),
            Said::failed(text),
        ))
    };
    match (request.resource.as_str(), method) {
        ("statements", "POST") => dropped("it records only PUT ?statementId= statements"),
        ("statements", "PUT") => {
            let statement: Value = serde_json::from_slice(&request.body).ok()?;
            let display = statement["verb"]["display"]["en"].as_str();
            let fails = match display {
                None => Some("a statement without verb.display.en makes its handler fail"),
                Some("passed" | "failed") if statement.get("result").is_none() => {
                    Some("a passed or failed without result makes its handler fail")
                }
                _ => None,
            };
            fails.map(|text| (Reply::error(500, text), Said::failed(text)))
        }
        ("activities/state", "GET") if state_id == Some("suspendData") => None,
        ("activities/state", "PUT") if state_id == Some("suspendData") => None,
        ("activities/state", "GET" | "PUT") if state_id == Some("LMS.LaunchData") => None,
        ("activities/state", "GET") => None,
        ("activities/state", _) => dropped("it keeps only the suspendData document, by PUT"),
        _ => None,
    }
}
