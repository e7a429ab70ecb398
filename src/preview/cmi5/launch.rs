//! A cmi5 launch as an LMS makes it: the AUs read from the built `cmi5.xml`, the session's
//! `LMS.LaunchData` document (§10), the LMS's own `launched` statement (§9.3.1) and the launch
//! URL with its five parameters (§8.1).

use super::{mint, query};
use serde_json::{Value, json};
use std::path::Path;

/// cmi5's context IRIs (§9.6).
const CMI5: &str = "https://w3id.org/xapi/cmi5/context/";

/// The session id extension of the context template (§9.6.3.1).
pub(crate) const SESSION_ID: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";

/// An AU of the course structure, as an LMS reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Au {
    /// `<au id>`: the publisher id (§9.6.2.3).
    pub(crate) id: String,
    /// The first title `langstring`.
    pub(crate) title: String,
    /// `<url>`, relative to the package root.
    pub(crate) url: String,
    /// `moveOn` (`NotApplicable` when absent, as cmi5 §13.1.4 defaults it).
    pub(crate) move_on: String,
    /// `masteryScore`, when given.
    pub(crate) mastery_score: Option<String>,
    /// `<launchParameters>`, when given.
    pub(crate) launch_parameters: Option<String>,
    /// The course's id (`<course id>`), which Open edX passes as every AU's `activityId`.
    pub(crate) course: String,
}

/// Whose cmi5 LMS the preview plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Profile {
    /// What cmi5 says an LMS does.
    #[default]
    Spec,
    /// Open edX's cmi5 XBlock (openedx-cmi5-xblock 0.1.3, its `lrs_auth_endpoint` and
    /// `lrs_endpoint` handlers): the course id as every AU's `activityId` (so one state
    /// document for all of them), no `launched` statement, the same token on every fetch,
    /// only `PUT ?statementId=` statements kept, any other write answered 200 and dropped,
    /// and a gradebook that counts only `passed`/`failed`.
    OpenEdx,
}

impl Profile {
    /// The profile the host page names (`openedx`), else the spec's.
    pub(crate) fn named(name: Option<&str>) -> Profile {
        match name {
            Some("openedx") => Profile::OpenEdx,
            _ => Profile::Spec,
        }
    }
}

/// The AUs of the `cmi5.xml` in `root`, in course order; `Err` says what is wrong.
pub(crate) fn read_aus(root: &Path) -> Result<Vec<Au>, String> {
    let path = root.join(crate::manifest::cmi5::COURSE_STRUCTURE_PATH);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the package's cmi5.xml: {e}"))?;
    let (course, items) =
        crate::diff::cmi5_aus(&text).map_err(|e| format!("cmi5.xml cannot be launched: {e}"))?;
    Ok(items
        .into_iter()
        .map(|item| {
            let setting = |name: &str| item.settings.get(name).cloned();
            Au {
                url: item
                    .launch
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                move_on: setting("moveOn")
                    .filter(|m| !m.contains(' '))
                    .unwrap_or_else(|| "NotApplicable".into()),
                mastery_score: setting("masteryScore"),
                launch_parameters: setting("launchParameters"),
                id: item.identifier,
                title: item.title,
                course: course.clone(),
            }
        })
        .collect())
}

/// One launch of an AU: what the LMS issued for it and what it has seen since.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// 1, 2, …: the panel's name for it.
    pub(crate) number: u32,
    /// The secret part of the fetch URL (`/cmi5/fetch/<key>`).
    pub(crate) fetch_key: String,
    /// The `Authorization: Basic` token the fetch URL hands out once.
    pub(crate) token: String,
    /// How often the fetch URL was posted to.
    pub(crate) fetches: u32,
    /// The registration the session belongs to.
    pub(crate) registration: String,
    /// The AU's activity id in this LMS (the launch `activityId`).
    pub(crate) activity_id: String,
    /// The AU's publisher id (`<au id>`).
    pub(crate) publisher_id: String,
    /// The context template's session id (a UUID).
    pub(crate) session_id: String,
    /// The learner.
    pub(crate) actor: Value,
    /// Whose LMS made the launch.
    pub(crate) profile: Profile,
}

impl Session {
    /// The context template every statement of the session carries (§10): the publisher id
    /// grouping (§9.6.2.3) and the session id (§9.6.3.1).
    pub(crate) fn context_template(&self) -> Value {
        if self.profile == Profile::OpenEdx {
            // Open edX's `get_launch_state_data`: the registration and the course as parent.
            return json!({
                "registration": self.registration,
                "contextActivities": {
                    "parent": [{ "objectType": "Activity", "id": self.activity_id }]
                }
            });
        }
        json!({
            "contextActivities": {
                "grouping": [{ "objectType": "Activity", "id": self.publisher_id }]
            },
            "extensions": { SESSION_ID: self.session_id }
        })
    }

    /// The `LMS.LaunchData` state document (§10): always `Normal`, so the AU records
    /// completion, and `returnURL` the preview's page saying the session ended.
    pub(crate) fn launch_data(&self, au: &Au, origin: &str) -> Value {
        if self.profile == Profile::OpenEdx {
            return json!({
                "contextTemplate": self.context_template(),
                "launchMode": "Normal",
                "launchParameters": "",
            });
        }
        let mut data = json!({
            "contextTemplate": self.context_template(),
            "launchMode": "Normal",
            "launchMethod": "AnyWindow",
            "moveOn": au.move_on,
            "returnURL": format!("{origin}/preview/returned.html"),
        });
        if let Some(score) = mastery_score(au) {
            data["masteryScore"] = score;
        }
        if let Some(params) = &au.launch_parameters {
            data["launchParameters"] = json!(params);
        }
        data
    }

    /// The LMS's `launched` statement (§9.3.1): the context template, the registration, the
    /// cmi5 category and the launch mode, URL, moveOn (and mastery score, parameters)
    /// extensions (§9.6.3).
    pub(crate) fn launched(&self, au: &Au, launch_url: &str) -> Value {
        let mut context = self.context_template();
        context["registration"] = json!(self.registration);
        context["contextActivities"]["category"] =
            json!([{ "objectType": "Activity", "id": format!("{CMI5}categories/cmi5") }]);
        let extensions = &mut context["extensions"];
        extensions[format!("{CMI5}extensions/launchmode")] = json!("Normal");
        extensions[format!("{CMI5}extensions/launchurl")] = json!(launch_url);
        extensions[format!("{CMI5}extensions/moveon")] = json!(au.move_on);
        if let Some(score) = mastery_score(au) {
            extensions[format!("{CMI5}extensions/masteryscore")] = score;
        }
        if let Some(params) = &au.launch_parameters {
            extensions[format!("{CMI5}extensions/launchparameters")] = json!(params);
        }
        json!({
            "id": mint::uuid(),
            "timestamp": mint::now(),
            "actor": self.actor,
            "verb": {
                "id": "http://adlnet.gov/expapi/verbs/launched",
                "display": { "en": "launched" }
            },
            "object": { "objectType": "Activity", "id": self.activity_id },
            "context": context,
        })
    }

    /// The launch URL's query: `endpoint`, `fetch`, `actor`, `registration`, `activityId`
    /// (§8.1), each pointing back at the preview on `origin`.
    pub(crate) fn launch_query(&self, origin: &str) -> String {
        query::encode(&[
            ("endpoint", &format!("{origin}/xapi/")),
            ("fetch", &format!("{origin}/cmi5/fetch/{}", self.fetch_key)),
            ("actor", &self.actor.to_string()),
            ("registration", &self.registration),
            ("activityId", &self.activity_id),
        ])
    }
}

/// The AU's `masteryScore` as `LMS.LaunchData` and `launched` carry it: a decimal (§10), or
/// the text as written when it is none.
fn mastery_score(au: &Au) -> Option<Value> {
    let score = au.mastery_score.as_ref()?;
    Some(
        score
            .trim()
            .parse::<f64>()
            .map_or(json!(score), |s| json!(s)),
    )
}

/// The learner of every preview launch: an `account` agent of this preview (§9.2).
pub(crate) fn actor(port: u16) -> Value {
    json!({
        "objectType": "Agent",
        "account": { "homePage": format!("http://127.0.0.1:{port}"), "name": "learner" }
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::au;
    use super::*;

    fn session() -> Session {
        Session {
            number: 1,
            fetch_key: "k".into(),
            token: "t".into(),
            fetches: 0,
            registration: mint::uuid(),
            activity_id: "http://127.0.0.1:9/cmi5/activities/1".into(),
            publisher_id: au().id,
            session_id: mint::uuid(),
            actor: actor(9),
            profile: Profile::Spec,
        }
    }

    #[test]
    fn launch_data_and_launched_carry_the_template() {
        let s = session();
        let data = s.launch_data(&au(), "http://127.0.0.1:9");
        assert_eq!(data["launchMode"], "Normal");
        assert_eq!(data["moveOn"], "Completed");
        assert_eq!(
            data["returnURL"],
            "http://127.0.0.1:9/preview/returned.html"
        );
        let template = &data["contextTemplate"];
        assert_eq!(
            template["contextActivities"]["grouping"][0]["id"],
            "urn:lessonpack:m:l"
        );
        assert_eq!(template["extensions"][SESSION_ID], s.session_id.as_str());
        let launched = s.launched(&au(), "http://127.0.0.1:9/package/x");
        assert_eq!(launched["object"]["id"], s.activity_id.as_str());
        assert_eq!(launched["context"]["registration"], s.registration.as_str());
        let ext = &launched["context"]["extensions"];
        assert_eq!(ext[format!("{CMI5}extensions/moveon")], "Completed");
        assert_eq!(ext[SESSION_ID], s.session_id.as_str());
        assert!(ext.get(format!("{CMI5}extensions/masteryscore")).is_none());
        let mastered = Au {
            mastery_score: Some(" 0.8 ".into()),
            ..au()
        };
        assert_eq!(
            s.launch_data(&mastered, "http://127.0.0.1:9")["masteryScore"],
            0.8
        );
        let launched = s.launched(&mastered, "http://127.0.0.1:9/package/x");
        assert_eq!(
            launched["context"]["extensions"][format!("{CMI5}extensions/masteryscore")],
            0.8,
            "§9.6.3.2: launched carries the mastery score"
        );
        let query = query::decode(&s.launch_query("http://localhost:9")).unwrap();
        let names: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            ["endpoint", "fetch", "actor", "registration", "activityId"]
        );
        assert_eq!(query[0].1, "http://localhost:9/xapi/");
        assert_eq!(query[2].1, actor(9).to_string());
    }
}
