//! The line item a link's completion goes to when the launch named none (reference §1.6):
//! a link placed by hand in Canvas, say, comes with the context's line item container but
//! no line item. The tool then looks in the container for the one bound to the resource
//! link (`?resource_link_id=`) and, when there is none and the platform granted the
//! `lineitem` scope, makes one (`scoreMaximum` 1, labelled with the lesson title, tagged
//! `completion`). Found or made, the URL is remembered per (registration, container,
//! resource link), and making one is serialised, so two learners finishing at once do not
//! make two gradebook columns.

use super::Tool;
use super::http::Request;
use super::launch::Grades;
use super::store::StoredRegistration;
use super::token::{CallError, send_authorized, short};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

/// Managing line items.
pub const LINEITEM_SCOPE: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem";
/// Reading line items.
pub const LINEITEM_READONLY_SCOPE: &str =
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly";
const CONTAINER_TYPE: &str = "application/vnd.ims.lis.v2.lineitemcontainer+json";
const LINEITEM_TYPE: &str = "application/vnd.ims.lis.v2.lineitem+json";

/// Line items found or made, per (registration, container, resource link).
#[derive(Default)]
pub struct Cache {
    known: Mutex<HashMap<(i64, String, String), String>>,
}

/// What a link's grades go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// This line item.
    Lineitem(String),
    /// Nothing: why, in words.
    NotGraded(String),
}

/// The line item for `resource_link_id` (lesson `lesson_id`, titled `title`) under the
/// launch's `grades`; `Err` when the platform could not be asked (try again later).
pub fn target(
    tool: &Tool,
    registration: &StoredRegistration,
    grades: &Grades,
    resource_link_id: &str,
    (lesson_id, title): (&str, &str),
) -> Result<Target, String> {
    if let Some(lineitem) = &grades.lineitem {
        return Ok(Target::Lineitem(lineitem.clone()));
    }
    let Some(container) = &grades.lineitems else {
        return Ok(Target::NotGraded("the platform sent no line item".into()));
    };
    let granted = |scope: &str| grades.scopes.iter().any(|s| s == scope);
    let scope = if granted(LINEITEM_SCOPE) {
        LINEITEM_SCOPE
    } else if granted(LINEITEM_READONLY_SCOPE) {
        LINEITEM_READONLY_SCOPE
    } else {
        return Ok(Target::NotGraded(
            "the platform sent no line item and grants no line item scope".into(),
        ));
    };
    let key = (
        registration.id,
        container.clone(),
        resource_link_id.to_string(),
    );
    // Held while asking: a second learner of the same link waits for the first answer.
    let mut known = tool
        .lineitems
        .known
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(found) = known.get(&key) {
        return Ok(Target::Lineitem(found.clone()));
    }
    let call = Call {
        tool,
        registration,
        scope,
    };
    let found = match call.find(container, resource_link_id)? {
        Some(found) => found,
        None if scope == LINEITEM_SCOPE => {
            call.create(container, resource_link_id, lesson_id, title)?
        }
        None => {
            return Ok(Target::NotGraded(
                "the platform has no line item for this link and does not let the tool make one"
                    .into(),
            ));
        }
    };
    known.insert(key, found.clone());
    Ok(Target::Lineitem(found))
}

struct Call<'a> {
    tool: &'a Tool,
    registration: &'a StoredRegistration,
    scope: &'a str,
}

impl Call<'_> {
    /// The first line item of `container` bound to the resource link.
    fn find(&self, container: &str, resource_link_id: &str) -> Result<Option<String>, String> {
        let separator = if container.contains('?') { '&' } else { '?' };
        let url = format!(
            "{container}{separator}resource_link_id={}",
            super::url::encode(resource_link_id)
        );
        let body = self.send("GET", &url, None, b"")?;
        let items: Value = serde_json::from_str(&body)
            .map_err(|e| format!("`{url}`: not a line item list: {e}"))?;
        Ok(items.as_array().and_then(|items| {
            items
                .iter()
                .filter(|i| {
                    i.get("resourceLinkId")
                        .and_then(Value::as_str)
                        .is_none_or(|id| id == resource_link_id)
                })
                .find_map(|i| i.get("id").and_then(Value::as_str).map(str::to_string))
        }))
    }

    /// Makes the completion line item and returns its URL.
    fn create(
        &self,
        container: &str,
        resource_link_id: &str,
        lesson_id: &str,
        title: &str,
    ) -> Result<String, String> {
        let item = json!({
            "scoreMaximum": 1,
            "label": format!("{title} (completion)"),
            "resourceLinkId": resource_link_id,
            "resourceId": lesson_id,
            "tag": "completion",
        });
        let body = self.send(
            "POST",
            container,
            Some(LINEITEM_TYPE),
            item.to_string().as_bytes(),
        )?;
        let made: Value = serde_json::from_str(&body)
            .map_err(|e| format!("`{container}`: not a line item: {e}"))?;
        made.get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("`{container}` made a line item without an `id`"))
    }

    /// One call with a token for the scope (a 401 gets a new token and one more try); the
    /// body of a 2xx answer.
    fn send(
        &self,
        method: &'static str,
        url: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<String, String> {
        let request = Request {
            method,
            url,
            authorization: None,
            content_type,
            accept: Some(if method == "GET" {
                CONTAINER_TYPE
            } else {
                LINEITEM_TYPE
            }),
            body,
        };
        let answer = send_authorized(self.tool, self.registration, &[self.scope], &request)
            .map_err(|e| match e {
                CallError::Token(e) => e.message().to_string(),
                CallError::Transport(e) => e,
            })?;
        match answer.status {
            200..=299 => Ok(answer.body),
            401 => Err(format!("`{url}` refused two fresh tokens")),
            status => Err(format!(
                "`{url}` answered {status}: {}",
                short(&answer.body)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::testkit::{self, FakeHttp};

    const GRANT: &str = r#"{"access_token":"tok","expires_in":3600}"#;
    const CONTAINER: &str = "http://127.0.0.1:9001/ags/lineitems?type_id=1";

    fn grades(scopes: &[&str]) -> Grades {
        Grades {
            lineitem: None,
            lineitems: Some(CONTAINER.into()),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn ask(tool: &Tool, grades: &Grades, link: &str) -> Result<Target, String> {
        crate::lti::keys::ensure(tool.store.as_ref(), crate::lti::now()).unwrap();
        let registration = tool.store.registration(1).unwrap().unwrap();
        target(
            tool,
            &registration,
            grades,
            link,
            ("lesson-1", "Lesson one"),
        )
    }

    #[test]
    fn a_given_line_item_is_used_as_it_is() {
        let http = FakeHttp::default();
        let tool = testkit::tool_with_http(http.clone());
        let given = Grades {
            lineitem: Some("http://x/li/1".into()),
            ..grades(&[])
        };
        assert_eq!(
            ask(&tool, &given, "rl-1"),
            Ok(Target::Lineitem("http://x/li/1".into()))
        );
        assert!(http.sent().is_empty());
    }

    #[test]
    fn a_bound_line_item_is_found_once_and_a_missing_one_made() {
        let http = FakeHttp::default();
        let tool = testkit::tool_with_http(http.clone());
        let found = r#"[{"id":"http://x/li/7","resourceLinkId":"rl-1","scoreMaximum":1}]"#;
        http.answer(200, GRANT).answer(200, found);
        let scopes = grades(&[LINEITEM_SCOPE]);
        assert_eq!(
            ask(&tool, &scopes, "rl-1"),
            Ok(Target::Lineitem("http://x/li/7".into()))
        );
        assert_eq!(
            http.sent()[1].url,
            format!("{CONTAINER}&resource_link_id=rl-1")
        );
        assert_eq!(
            ask(&tool, &scopes, "rl-1"),
            Ok(Target::Lineitem("http://x/li/7".into()))
        );
        assert_eq!(http.sent().len(), 2, "remembered");

        http.answer(200, "[]")
            .answer(201, r#"{"id":"http://x/li/8"}"#);
        assert_eq!(
            ask(&tool, &scopes, "rl-2"),
            Ok(Target::Lineitem("http://x/li/8".into()))
        );
        let made = &http.sent()[3];
        assert_eq!(made.url, CONTAINER);
        assert_eq!(made.content_type.as_deref(), Some(LINEITEM_TYPE));
        let item: Value = serde_json::from_str(&made.body).unwrap();
        assert_eq!(item["resourceLinkId"], "rl-2");
        assert_eq!(item["scoreMaximum"], 1);
        assert_eq!(item["label"], "Lesson one (completion)");
    }

    #[test]
    fn without_the_scopes_nothing_is_made_and_outages_are_errors() {
        let http = FakeHttp::default();
        let tool = testkit::tool_with_http(http.clone());
        assert!(matches!(
            ask(&tool, &grades(&[]), "rl-1"),
            Ok(Target::NotGraded(_))
        ));
        http.answer(200, GRANT).answer(200, "[]");
        assert!(matches!(
            ask(&tool, &grades(&[LINEITEM_READONLY_SCOPE]), "rl-1"),
            Ok(Target::NotGraded(why)) if why.contains("does not let the tool make one")
        ));
        http.answer(200, GRANT).answer(503, "down");
        let outage = ask(&tool, &grades(&[LINEITEM_SCOPE]), "rl-3").unwrap_err();
        assert!(outage.contains("503"), "{outage}");
    }
}
