//! The preview as a cmi5 LMS and LRS (cmi5 Quartz §8–§11, xAPI 1.0.3), in memory.
//!
//! - `launch`: what an LMS does before the AU starts: reads the AUs from the built
//!   `cmi5.xml`, writes `LMS.LaunchData`, records `launched`, makes the launch URL;
//! - `xapi`: the LRS resources under `/xapi/` (statements, activity state, agent profile),
//!   answered only for the token a fetch URL handed out;
//! - `routes`: the HTTP side (axum): `/api/cmi5/…` for the host page, `/cmi5/fetch/…`,
//!   `/xapi/…`;
//! - `mint`: random ids and timestamps.
//!
//! One registration at a time (the learner's enrolment: every AU, every relaunch); *Reset
//! attempt* forgets it and everything stored with it. Every request the LRS answers becomes
//! a record the panel shows, and a new record is announced on `/events`.

mod launch;
pub(crate) mod mint;
pub(crate) mod routes;
#[cfg(test)]
mod tests;
mod xapi;

pub(crate) use launch::{Au, Profile, read_aus};

use super::query;

use launch::Session;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tokio::sync::broadcast;

/// The most records the panel can ask for again (older ones are dropped).
const MAX_RECORDS: usize = 5000;

/// A state document or agent profile as stored: its bytes and media type.
#[derive(Debug, Clone)]
struct Document {
    content_type: String,
    body: Vec<u8>,
}

impl Document {
    /// The document for the panel: its JSON, else its text.
    fn shown(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(&self.body)))
    }
}

/// A state document's key: activity id, agent (its identifier), registration, state id.
type StateKey = (String, String, String, String);

/// The LMS and LRS: sessions, statements, documents, and the records the panel shows.
pub(crate) struct Lrs {
    port: u16,
    registration: String,
    /// Every launch since the preview started (old tokens stay valid: a session's last
    /// statements may arrive after the next launch or a reset).
    sessions: Vec<Session>,
    /// Publisher id → the activity id this LMS gave the AU, for this registration.
    activities: BTreeMap<String, String>,
    statements: Vec<Value>,
    state: BTreeMap<StateKey, Document>,
    profiles: BTreeMap<(String, String), Document>,
    records: Vec<Value>,
    next_record: u64,
    notify: broadcast::Sender<u64>,
}

impl Lrs {
    /// An empty LRS for the preview on `port`; `notify` hears each new record's number.
    pub(crate) fn new(port: u16, notify: broadcast::Sender<u64>) -> Lrs {
        Lrs {
            port,
            registration: mint::uuid(),
            sessions: Vec::new(),
            activities: BTreeMap::new(),
            statements: Vec::new(),
            state: BTreeMap::new(),
            profiles: BTreeMap::new(),
            records: Vec::new(),
            next_record: 0,
            notify,
        }
    }

    /// Forgets the registration and everything stored (*Reset attempt*): a new registration.
    pub(crate) fn reset(&mut self) {
        let old = std::mem::replace(&mut self.registration, mint::uuid());
        self.activities.clear();
        self.statements.clear();
        self.state.clear();
        self.profiles.clear();
        self.records.clear();
        self.note(
            None,
            format!(
                "Attempt reset: registration {old} and everything stored with it are forgotten; \
                 the next launch starts registration {}.",
                self.registration
            ),
        );
    }

    /// Launches `au` as the LMS of `profile` does: a new session of the registration, its
    /// `LMS.LaunchData` and (the spec's LMS) `launched` statement; answers what the host page
    /// needs (the launch URL, relative to `origin`, the address the page was reached at).
    pub(crate) fn launch(&mut self, au: &Au, origin: &str, profile: Profile) -> Value {
        let activity_id = match profile {
            // Open edX: the course id for every AU, so one state document for all of them.
            Profile::OpenEdx => au.course.clone(),
            Profile::Spec => self
                .activities
                .entry(au.id.clone())
                .or_insert_with(|| {
                    format!(
                        "http://127.0.0.1:{}/cmi5/activities/{}",
                        self.port,
                        mint::uuid()
                    )
                })
                .clone(),
        };
        let session = Session {
            number: u32::try_from(self.sessions.len() + 1).unwrap_or(u32::MAX),
            fetch_key: mint::secret(),
            token: mint::secret(),
            fetches: 0,
            registration: self.registration.clone(),
            activity_id,
            publisher_id: au.id.clone(),
            session_id: mint::uuid(),
            actor: launch::actor(self.port),
            profile,
        };
        let separator = if au.url.contains('?') { '&' } else { '?' };
        let url = format!(
            "/package/{}{separator}{}",
            au.url,
            session.launch_query(origin)
        );
        let data = session.launch_data(au, origin);
        let key = (
            session.activity_id.clone(),
            agent_key(&session.actor),
            session.registration.clone(),
            "LMS.LaunchData".to_string(),
        );
        self.state.insert(
            key,
            Document {
                content_type: "application/json".into(),
                body: data.to_string().into_bytes(),
            },
        );
        let launched = session.launched(au, &format!("{origin}{url}"));
        let answer = json!({
            "url": url,
            "session": session.number,
            "registration": session.registration,
            "activityId": session.activity_id,
            "publisherId": session.publisher_id,
            "sessionId": session.session_id,
            "launchMode": "Normal",
            "moveOn": au.move_on,
            "profile": match profile { Profile::OpenEdx => "openedx", Profile::Spec => "spec" },
        });
        let number = session.number;
        self.sessions.push(session);
        if profile == Profile::OpenEdx {
            self.note(
                Some(number),
                format!(
                    "Open edX's cmi5 block launched {} with the course id `{}` as activityId \
                     (every lesson of the package gets it, and shares one state document) and \
                     records no launched statement.",
                    au.id, au.course
                ),
            );
        } else {
            self.store(launched.clone());
            self.record(json!({
                "session": number, "lms": true, "method": "LMS", "resource": "launched",
                "status": 200, "statement": launched,
                "text": format!("LMS.LaunchData written for {}; launch URL issued", au.id),
            }));
        }
        answer
    }

    /// The fetch URL `key` posted to (§8.2): the token the first time, `error-code` 1 after.
    pub(crate) fn fetch(&mut self, key: &str) -> Value {
        let Some(session) = self.sessions.iter_mut().find(|s| s.fetch_key == key) else {
            let answer =
                json!({ "error-code": "2", "error-text": "No launch has this fetch URL." });
            self.note(None, "A fetch URL no launch issued was posted to.".into());
            return answer;
        };
        session.fetches += 1;
        let (number, fetches, token) = (session.number, session.fetches, session.token.clone());
        // Open edX's `lrs_auth_endpoint` hands out the same token every time.
        if fetches > 1 && session.profile != Profile::OpenEdx {
            self.record(json!({
                "session": number, "method": "POST", "resource": "fetch", "status": 200,
                "failed": true,
                "text": format!("posted again ({fetches} times): error-code 1, the token was already returned (§8.2.3)"),
            }));
            return json!({
                "error-code": "1",
                "error-text": "The authorization token has already been returned."
            });
        }
        self.record(json!({
            "session": number, "method": "POST", "resource": "fetch", "status": 200,
            "text": "auth-token returned (once per launch)",
        }));
        json!({ "auth-token": token })
    }

    /// Records after number `after`, the registration and its state documents (the panel).
    pub(crate) fn panel(&self, after: u64) -> Value {
        let records: Vec<&Value> = self
            .records
            .iter()
            .filter(|r| r["n"].as_u64().is_some_and(|n| n > after))
            .collect();
        let state: Vec<Value> = self
            .state
            .iter()
            .filter(|((_, _, registration, _), _)| *registration == self.registration)
            .map(|((activity, _, _, id), doc)| {
                json!({ "activityId": activity, "stateId": id, "document": doc.shown() })
            })
            .collect();
        let session = self.sessions.last().map(|s| {
            json!({
                "number": s.number, "registration": s.registration, "activityId": s.activity_id,
                "publisherId": s.publisher_id, "sessionId": s.session_id, "actor": s.actor,
            })
        });
        let gradebook = self
            .sessions
            .last()
            .filter(|s| s.profile == Profile::OpenEdx)
            .map(|s| self.open_edx_grade(&s.actor, &s.activity_id));
        json!({
            "last": self.next_record,
            "registration": self.registration,
            "session": session,
            "statements": self.statements.len(),
            "records": records,
            "state": state,
            "gradebook": gradebook,
        })
    }

    /// What Open edX's gradebook shows for `actor` (the block's `get_grade`, weight 1): the
    /// last `passed`/`failed` decides (a `failed` after a pass is ignored); `passed` counts
    /// its `score.scaled`, or the whole weight without a score; `completed` completes the
    /// unit but grades nothing.
    fn open_edx_grade(&self, actor: &Value, course: &str) -> Value {
        let (mut status, mut grade, mut completion) = ("unknown", None, 0.0);
        let block = |s: &&Value| &s["actor"] == actor && s["object"]["id"] == course;
        for s in self.statements.iter().filter(block) {
            match s["verb"]["display"]["en"].as_str() {
                Some("passed") => {
                    status = "passed";
                    grade = Some(s["result"]["score"]["scaled"].as_f64().unwrap_or(1.0));
                }
                Some("failed") if status != "passed" && status != "completed" => {
                    status = "failed";
                    grade = Some(0.0);
                }
                Some("completed") => {
                    if status != "passed" {
                        status = "completed";
                    }
                    completion = 1.0;
                }
                _ => {}
            }
        }
        let text = match grade {
            Some(g) => format!("{status}: {g}/1 points, completion {completion}"),
            None => format!("{status}: 0/1 points (no passed or failed), completion {completion}"),
        };
        json!({ "status": status, "grade": grade.unwrap_or(0.0), "max": 1, "completion": completion, "text": text })
    }

    /// Stores a statement (with its `stored` time), keeping arrival order.
    fn store(&mut self, mut statement: Value) {
        statement["stored"] = json!(mint::now());
        self.statements.push(statement);
    }

    /// A note of the LMS's own for the panel.
    fn note(&mut self, session: Option<u32>, text: String) {
        self.record(json!({ "session": session, "method": "LMS", "note": text }));
    }

    /// Adds a record for the panel (numbered, timed) and announces it.
    fn record(&mut self, mut record: Value) {
        self.next_record += 1;
        record["n"] = json!(self.next_record);
        record["at"] = json!(mint::now());
        self.records.push(record);
        if self.records.len() > MAX_RECORDS {
            self.records.drain(..self.records.len() - MAX_RECORDS);
        }
        let _ = self.notify.send(self.next_record);
    }
}

/// What identifies an agent (its inverse functional identifier), for keying documents.
fn agent_key(agent: &Value) -> String {
    ["account", "mbox", "mbox_sha1sum", "openid"]
        .iter()
        .find_map(|k| agent.get(k).map(|v| format!("{k}:{v}")))
        .unwrap_or_else(|| agent.to_string())
}
