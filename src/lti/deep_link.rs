//! Deep Linking 2.0 (reference §1.5): the teacher's lesson picker and the signed
//! `LtiDeepLinkingResponse` it posts back to the platform.
//!
//! The picker holds no server state: each lesson is a form, `method=post` to the request's
//! `deep_link_return_url`, carrying in the field `JWT` a response already signed for that
//! lesson (RS256, the tool's current key and its `kid`; `iss` the client id, `aud` the
//! platform issuer as a string, five minutes of validity, a fresh `nonce`, the request's
//! `data` echoed verbatim). Its one content item is an `ltiResourceLink` to the tool's
//! launch URL with the custom parameter `lesson_id` and a `lineItem` with
//! `scoreMaximum` 1, so the platform makes a gradebook column for completion.

use super::url::escape_html;
use super::{Tool, keys, random_token};
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};

/// How long a signed response stays valid (the most the reference allows).
pub const RESPONSE_SECONDS: i64 = 300;

/// What a deep-linking request said, for the response.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The client id the platform gave the tool (the response's `iss`).
    pub client_id: String,
    /// The platform issuer (the response's `aud`).
    pub issuer: String,
    /// The deployment that asked.
    pub deployment_id: String,
    /// Where the response goes.
    pub return_url: String,
    /// `deep_linking_settings.data`, echoed when present.
    pub data: Option<Value>,
}

/// The content item linking lesson `lesson_id` titled `title`.
pub fn content_item(tool: &Tool, lesson_id: &str, title: &str) -> Value {
    json!({
        "type": "ltiResourceLink",
        "title": title,
        "url": tool.launch_url(),
        "custom": { "lesson_id": lesson_id },
        "lineItem": {
            "scoreMaximum": 1,
            "label": format!("{title} (completion)"),
            "resourceId": lesson_id,
            "tag": "completion",
        },
    })
}

/// The signed `LtiDeepLinkingResponse` returning the link to one lesson.
pub fn response_jwt(
    tool: &Tool,
    request: &Request,
    lesson_id: &str,
    title: &str,
    now: i64,
) -> anyhow::Result<String> {
    let mut claims = json!({
        "iss": request.client_id,
        "aud": request.issuer,
        "iat": now,
        "exp": now + RESPONSE_SECONDS,
        "nonce": random_token(16)?,
        super::claim::DEPLOYMENT_ID: request.deployment_id,
        super::claim::MESSAGE_TYPE: "LtiDeepLinkingResponse",
        super::claim::VERSION: "1.3.0",
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items":
            [content_item(tool, lesson_id, title)],
    });
    if let Some(data) = &request.data {
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] = data.clone();
    }
    let key = keys::current(tool.store.as_ref())?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid);
    Ok(jsonwebtoken::encode(&header, &claims, &key.key)?)
}

/// The picker page: one form per lesson `(id, title)`, each posting its own signed
/// response in the field `JWT` from a button named by the lesson's title.
pub fn picker(
    tool: &Tool,
    request: &Request,
    lessons: &[(String, String)],
    now: i64,
) -> anyhow::Result<String> {
    let mut main = String::from(
        "<h1>Choose a lesson to link</h1>\
         <p>The lesson you choose is linked here, with a gradebook column for its completion. \
         Choose within five minutes, or launch the selection again.</p><ul>",
    );
    for (id, title) in lessons {
        let jwt = response_jwt(tool, request, id, title, now)?;
        main.push_str(&format!(
            "<li><form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"JWT\" value=\"{}\"><button type=\"submit\">{}</button> <code>{}</code></form></li>",
            escape_html(&request.return_url),
            escape_html(&jwt),
            escape_html(title),
            escape_html(id),
        ));
    }
    main.push_str("</ul>");
    Ok(super::page::document("Choose a lesson", &main, ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::testkit;
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{DecodingKey, Validation};

    fn request() -> Request {
        Request {
            client_id: "test-client-1".into(),
            issuer: "http://127.0.0.1:9001".into(),
            deployment_id: "deploy-1".into(),
            return_url: "http://127.0.0.1:9001/dl/return?x=1&y=\"2\"".into(),
            data: Some(json!({"opaque": "abc"})),
        }
    }

    #[test]
    fn the_response_verifies_with_the_published_tool_key() {
        let tool = testkit::tool(None);
        let now = crate::lti::now();
        keys::ensure(tool.store.as_ref(), now).unwrap();
        let jwt = response_jwt(&tool, &request(), "photosynthesis", "Photo <b>", now).unwrap();

        let set: JwkSet =
            serde_json::from_value(keys::jwks(tool.store.as_ref(), now).unwrap()).unwrap();
        let kid = jsonwebtoken::decode_header(&jwt).unwrap().kid.unwrap();
        let jwk = set.find(&kid).expect("the kid is published");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&["http://127.0.0.1:9001"]);
        validation.set_issuer(&["test-client-1"]);
        let claims =
            jsonwebtoken::decode::<Value>(&jwt, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
                .unwrap()
                .claims;

        assert_eq!(
            claims["aud"], "http://127.0.0.1:9001",
            "a string, not an array"
        );
        assert_eq!(claims["exp"].as_i64().unwrap() - now, RESPONSE_SECONDS);
        assert_eq!(
            claims[crate::lti::claim::MESSAGE_TYPE],
            "LtiDeepLinkingResponse"
        );
        assert_eq!(claims[crate::lti::claim::VERSION], "1.3.0");
        assert_eq!(claims[crate::lti::claim::DEPLOYMENT_ID], "deploy-1");
        assert_eq!(
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"],
            json!({"opaque": "abc"})
        );
        let items = &claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"];
        assert_eq!(items.as_array().unwrap().len(), 1);
        let item = &items[0];
        assert_eq!(item["type"], "ltiResourceLink");
        assert_eq!(item["url"], "http://127.0.0.1:8000/lti/launch");
        assert_eq!(item["custom"]["lesson_id"], "photosynthesis");
        assert_eq!(item["lineItem"]["scoreMaximum"], 1);
        assert!(claims["nonce"].as_str().unwrap().len() >= 16);
    }

    #[test]
    fn the_picker_posts_one_signed_jwt_per_lesson_escaped() {
        let tool = testkit::tool(None);
        let now = crate::lti::now();
        keys::ensure(tool.store.as_ref(), now).unwrap();
        let mut no_data = request();
        no_data.data = None;
        let lessons = [
            ("a".to_string(), "<script>A</script>".to_string()),
            ("b".to_string(), "B".to_string()),
        ];
        let page = picker(&tool, &no_data, &lessons, now).unwrap();
        assert_eq!(page.matches("name=\"JWT\"").count(), 2);
        assert!(
            page.contains("action=\"http://127.0.0.1:9001/dl/return?x=1&amp;y=&quot;2&quot;\"")
        );
        assert!(!page.contains("<script>"));
        let jwt = page.split("name=\"JWT\" value=\"").nth(1).unwrap();
        let jwt = &jwt[..jwt.find('"').unwrap()];
        let payload = jwt.split('.').nth(1).unwrap();
        use base64::Engine as _;
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap();
        assert!(
            claims
                .get("https://purl.imsglobal.org/spec/lti-dl/claim/data")
                .is_none()
        );
    }
}
