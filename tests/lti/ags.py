"""The platform's grade side for `platform.py`: the OAuth 2 token endpoint, line items,
the scores endpoint and the Deep Linking return, on PyPI `lti1p3platform`.

The library verifies the client assertion's signature (against the tool's JWKS, fetched
afresh for every grant so a tool key rotation shows) and signs access tokens; what it
leaves out (reference `lti-cc-cmi5.md` §2.2) is checked here the way Moodle does:

- token: form content type only, `grant_type` / `client_assertion_type`, `iss` = `sub` =
  client id, `aud` = the token URL exactly, a lifetime of at most five minutes, no reused
  `jti`; a bad grant is a 400 with an OAuth error, never a 500;
- line items: `GET /ags/lineitems?resource_link_id=` and `POST /ags/lineitems` (media type
  `application/vnd.ims.lis.v2.lineitem+json`, a label and a positive `scoreMaximum`), with
  a token granted the line item scope;
- scores: only under `/ags/lineitems/<id>/lineitem/scores?type_id=1` (Moodle's line item
  URLs carry a query), bearer token valid and granted the score scope (401 otherwise,
  also for tokens issued before `revoke()` — a platform restart), media type
  `application/vnd.ims.lis.v1.score+json` (Moodle answers 400 otherwise), `userId`,
  `timestamp`, `activityProgress`, `gradingProgress` present, a timestamp with a fraction of
  a second, strictly newer than the learner's last on that line item (409 otherwise);
- deep linking: the library's signature and message type check, plus `aud` a string equal
  to the issuer, `iss` the client id, the deployment, `data` echoed verbatim, one
  `ltiResourceLink` to the tool's launch URL whose `lineItem` becomes a new line item.
"""

from __future__ import annotations

import json
import re
import time
import typing as t
from datetime import datetime
from urllib.parse import parse_qs

import jwt

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DL_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

Reply = t.Tuple[int, str]


def reply(status: int, body: t.Any) -> Reply:
    return status, json.dumps(body)


class Gradebook:
    """Line items, scores, issued tokens and what the tool sent, for the scenarios."""

    def __init__(self, platform: t.Any) -> None:
        self.platform = platform
        self.lineitems: t.Dict[str, dict] = {
            "1": {"scoreMaximum": 1, "label": "Lesson link", "resourceLinkId": "rl-1"}
        }
        self.scores: t.Dict[str, t.List[dict]] = {}
        self.jtis: t.Set[str] = set()
        self.grants = 0
        self.refused: t.List[str] = []  # every 4xx this side answered, with its reason
        self.live: t.Set[str] = set()  # access tokens issued and not revoked
        self.links: t.Dict[str, dict] = {}  # deep-linked resource links
        self.made: t.List[str] = []  # line items the tool made

    def lineitem_url(self, item: str) -> str:
        return f"{self.platform.issuer}/ags/lineitems/{item}/lineitem?type_id=1"

    def refuse(self, status: int, reason: str) -> Reply:
        self.refused.append(f"{status} {reason}")
        return reply(status, {"error": "invalid_request", "error_description": reason})

    def revoke(self) -> None:
        """Forget every access token issued so far (what a platform restart does)."""
        self.live.clear()

    # -- token endpoint ----------------------------------------------------------------

    def token(self, content_type: str, form: t.Dict[str, str]) -> Reply:
        if content_type.split(";")[0].strip() != "application/x-www-form-urlencoded":
            return self.refuse(400, f"content type {content_type!r}")
        if form.get("grant_type") != "client_credentials":
            return self.refuse(400, "grant_type")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return self.refuse(400, "client_assertion_type")
        assertion = form.get("client_assertion", "")
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as e:
            return self.refuse(400, f"assertion: {e}")
        client = self.platform.client_id
        url = f"{self.platform.issuer}/token"
        problems = [
            claims.get("iss") != client and "iss",
            claims.get("sub") != client and "sub",
            claims.get("aud") not in (url, [url]) and f"aud {claims.get('aud')!r}",
            not 0 < claims.get("exp", 0) - claims.get("iat", 0) <= 300 and "lifetime",
            claims.get("exp", 0) < time.time() and "expired",
            (not claims.get("jti") or claims["jti"] in self.jtis) and "jti reused",
        ]
        problems = [p for p in problems if p]
        if problems:
            return self.refuse(400, f"assertion: {', '.join(problems)}")
        self.jtis.add(claims["jti"])
        self.platform.registration.set_tool_key_set(None)  # fetch the tool JWKS afresh
        try:
            grant = self.platform.config.get_access_token(form)
        except Exception as e:  # the library's verdict on the signature
            return self.refuse(401, f"assertion refused: {type(e).__name__}: {e}")
        self.grants += 1
        self.live.add(grant["access_token"])
        return reply(200, grant)

    # -- scores --------------------------------------------------------------------------

    def score(self, path: str, query: str, headers: t.Any, body: bytes) -> Reply:
        found = re.fullmatch(r"/ags/lineitems/([^/]+)/lineitem/scores", path)
        if not found or found.group(1) not in self.lineitems or query != "type_id=1":
            return self.refuse(404, f"no line item at {path}?{query}")
        item = found.group(1)
        unauthorized = self.unauthorized(headers, {SCORE_SCOPE})
        if unauthorized:
            return unauthorized
        if headers.get("Content-Type", "").split(";")[0].strip() != SCORE_TYPE:
            return self.refuse(400, f"media type {headers.get('Content-Type')!r}")
        try:
            score = json.loads(body)
        except ValueError:
            return self.refuse(400, "not JSON")
        missing = [
            k for k in ("userId", "timestamp", "activityProgress", "gradingProgress")
            if k not in score
        ]
        if missing:
            return self.refuse(400, f"missing {missing}")
        stamp = str(score["timestamp"])
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)", stamp):
            return self.refuse(400, f"timestamp {stamp!r} lacks sub-second precision")
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        history = self.scores.setdefault(item, [])
        last = [s for s in history if s["userId"] == score["userId"]]
        if last and when <= datetime.fromisoformat(last[-1]["timestamp"].replace("Z", "+00:00")):
            return self.refuse(409, "timestamp not newer than the last score")
        if score.get("scoreGiven", 0) > score.get("scoreMaximum", 0):
            return self.refuse(400, "scoreGiven above scoreMaximum")
        history.append(score)
        return reply(200, {})

    def unauthorized(self, headers: t.Any, scopes: t.Set[str]) -> Reply | None:
        """A 401 unless the bearer token is live, ours, and granted one of `scopes`."""
        bearer = headers.get("Authorization", "")
        if not bearer.startswith("Bearer "):
            return self.refuse(401, "no bearer token")
        try:
            token = jwt.decode(
                bearer[7:], self.platform.public_pem, algorithms=["RS256"],
                options={"verify_aud": False},
            )
        except jwt.PyJWTError as e:
            return self.refuse(401, f"token: {e}")
        if bearer[7:] not in self.live:
            return self.refuse(401, "token unknown (issued before a restart)")
        if not scopes & set(token.get("scopes", "").split()):
            return self.refuse(401, f"token lacks the scope {sorted(scopes)}")
        return None

    # -- line items ----------------------------------------------------------------------

    def find_lineitems(self, query: str, headers: t.Any) -> Reply:
        """`GET /ags/lineitems[?resource_link_id=…]`."""
        unauthorized = self.unauthorized(headers, {LINEITEM_SCOPE, LINEITEM_SCOPE + ".readonly"})
        if unauthorized:
            return unauthorized
        wanted = parse_qs(query).get("resource_link_id", [None])[0]
        found = [
            {**item, "id": self.lineitem_url(number)}
            for number, item in self.lineitems.items()
            if wanted is None or item.get("resourceLinkId") == wanted
        ]
        return reply(200, found)

    def make_lineitem(self, headers: t.Any, body: bytes) -> Reply:
        """`POST /ags/lineitems`: a new column."""
        unauthorized = self.unauthorized(headers, {LINEITEM_SCOPE})
        if unauthorized:
            return unauthorized
        if headers.get("Content-Type", "").split(";")[0].strip() != LINEITEM_TYPE:
            return self.refuse(400, f"media type {headers.get('Content-Type')!r}")
        try:
            item = json.loads(body)
        except ValueError:
            return self.refuse(400, "not JSON")
        if not item.get("label") or not item.get("scoreMaximum", 0) > 0:
            return self.refuse(400, f"line item {item!r}")
        number = str(len(self.lineitems) + 1)
        self.lineitems[number] = item
        self.made.append(number)
        return reply(201, {**item, "id": self.lineitem_url(number)})

    def scores_of(self, item: str, user: str) -> t.List[dict]:
        return [s for s in self.scores.get(item, []) if s["userId"] == user]

    # -- deep linking return ---------------------------------------------------------------

    def deep_link_return(self, form: t.Dict[str, str], data: dict) -> Reply:
        """Validates the tool's response and creates the link and its line item."""
        self.platform.registration.set_tool_key_set(None)
        try:
            items = self.platform.config.validate_deeplinking_resp(form)
        except Exception as e:
            return self.refuse(400, f"deep linking response refused: {e}")
        claims = jwt.decode(form["JWT"], options={"verify_signature": False})
        deployment = claims.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id")
        problems = [
            claims.get("aud") != self.platform.issuer and f"aud {claims.get('aud')!r}",
            claims.get("iss") != self.platform.client_id and "iss",
            deployment != self.platform.deployment and "deployment_id",
            claims.get(DL_DATA) != data and "data not echoed",
            not claims.get("nonce") and "nonce",
            len(items) != 1 and f"{len(items)} items",
        ]
        problems = [p for p in problems if p]
        if problems:
            return self.refuse(400, f"deep linking response: {', '.join(problems)}")
        item = items[0]
        line = item.get("lineItem") or {}
        if (
            item.get("type") != "ltiResourceLink"
            or item.get("url") != f"{self.platform.tool}/lti/launch"
            or not item.get("custom", {}).get("lesson_id")
            or line.get("scoreMaximum") != 1
        ):
            return self.refuse(400, f"content item {item!r}")
        link = f"rl-{len(self.links) + 2}"
        number = str(len(self.lineitems) + 1)
        self.lineitems[number] = {**line, "resourceLinkId": link}
        self.links[link] = {"custom": item["custom"], "lineitem": self.lineitem_url(number)}
        return reply(200, {"linked": link, "lineitem": number})
