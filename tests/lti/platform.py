"""A real LTI 1.3 platform (PyPI `lti1p3platform`) played against `lessonpack serve`.

Reads the tool's `lti.toml` (its base URL, the registration of this platform: issuer,
client id, first deployment) and registers the tool with the library the way an LMS admin
would: login initiation URL `<base>/lti/login`, launch URL `<base>/lti/launch`, tool key
set `<base>/lti/jwks`. Serves the platform side on the issuer's port (127.0.0.1 only):
`/.well-known/jwks.json` (the platform key) and `/auth` (the OIDC authentication endpoint,
which checks the request like Moodle does and answers with the auto-submitting id_token
form). A scripted browser (`requests.Session` plus an HTML form parser) then runs every
scenario headless: login initiation -> tool's redirect -> `/auth` -> form POST to the tool.

Scenarios: an honest resource-link launch that must reach the lesson page; forged or
replayed launches the tool must refuse with a 4xx page naming the expected error code (the
platform crafts each forgery with its own key material at `/auth`); and the grade side
(`ags.py`: `/token`, `/ags/lineitems/…/scores`, `/dl/return`): a launched page's completion
reaching the gradebook as 1 of 1, again after the platform forgot its access tokens, and a
teacher's Deep Linking choice becoming a link whose launch is graded on its own line item.

Then Dynamic Registration with the tool's approval command (`registration.py`), and key
rotation of the platform and of the tool (`rotation.py`); `--lessonpack` is the binary they
run `lessonpack lti …` with, on the same `--config`.

Prints `PASS|FAIL name detail` per scenario and closes with `N passed, M failed`; exit
status 0 only when all passed.

    python platform.py --config lti.toml --module MODULE_ID --lesson LESSON_ID --lessonpack BIN
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import re
import subprocess
import sys
import threading
import time
import tomllib
import typing as t
from html import escape, unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

from ags import Gradebook

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def new_key() -> t.Tuple[rsa.RSAPrivateKey, str, str]:
    """A fresh RSA key: the key, its private PEM and its public PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    return key, private, public


class PlatformConfig(LTI1P3PlatformConfAbstract):
    """The library's platform configuration, holding one registration (the tool)."""

    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.registration


class DictRequest(Request):
    """A request as the library wants it, from a query dict."""

    def build_metadata(self, request: t.Any) -> t.Any:
        return {"method": "GET", "get_data": request, "form_data": {}, "path": "/auth"}


class Login(OIDCLoginAbstract):
    """OIDC login initiation: the URL the browser is sent to (a GET, like Moodle)."""

    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    """The message launch: renders the auto-submitting id_token form."""

    def render_launch_form(self, launch_data: t.Dict[str, t.Any], **kwargs: t.Any) -> str:
        fields = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(str(v))}">'
            for k, v in launch_data.items()
            if k != "launch_url"
        )
        return (
            f'<form id="f" method="post" action="{escape(launch_data["launch_url"])}">'
            f"{fields}</form><script>document.getElementById('f').submit()</script>"
        )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict, claims: dict) -> str:
    return b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())


class Platform:
    """The platform: key, registration, and the forgery the next `/auth` applies."""

    def __init__(self, config: dict, module: str, lesson: str) -> None:
        self.tool = config["base-url"].rstrip("/")
        reg = config["registrations"][0]
        self.issuer = reg["issuer"].rstrip("/")
        self.client_id = reg["client-id"]
        self.deployment = reg["deployments"][0]
        self.module, self.lesson = module, lesson
        _, self.private_pem, self.public_pem = new_key()
        self.registration = (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment)
            .set_oidc_login_url(f"{self.tool}/lti/login")
            .set_launch_url(f"{self.tool}/lti/launch")
            .set_deeplink_launch_url(f"{self.tool}/lti/launch")
            .set_tool_key_set_url(f"{self.tool}/lti/jwks")
            .set_platform_private_key(self.private_pem)
            .set_platform_public_key(self.public_pem)
        )
        self.config = PlatformConfig(registration=self.registration)
        self.config.get_registration()
        self.forge: t.Callable[[dict, dict], str] | None = None
        self.auth_errors: t.List[str] = []
        self.gradebook = Gradebook(self)
        # What the next launch is: who, which link (id, custom, line item), or deep linking.
        self.learner = "user-1"
        self.link = ("rl-1", {"lesson_id": lesson}, self.gradebook.lineitem_url("1"))
        self.deep_link_data: dict | None = None
        self.sent_data: dict | None = None

    def login_url(self) -> str:
        login = Login(None, self.config)
        login.set_lti_message_hint(hint=self.hint())
        return login.initiate_login(self.learner)

    def hint(self) -> str:
        return "deep-link" if self.deep_link_data is not None else self.link[0]

    def check_auth_request(self, query: dict) -> None:
        """What Moodle's auth.php checks and the library leaves out (reference §2.2)."""
        expect = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
            "redirect_uri": f"{self.tool}/lti/launch",
            "login_hint": self.learner,
            "lti_message_hint": self.hint(),
        }
        for name, value in expect.items():
            if query.get(name) != value:
                raise ValueError(f"auth request `{name}` = {query.get(name)!r}, not {value!r}")
        for name in ("state", "nonce"):
            if len(query.get(name, "")) < 16:
                raise ValueError(f"auth request `{name}` is missing or short")

    def auth(self, query: dict) -> str:
        """The authentication response: the id_token form (forged when asked)."""
        self.check_auth_request(query)
        launch = Launch(DictRequest(query), self.config)
        launch.set_launch_context_claim("course-1", context_title="Course")
        if self.deep_link_data is not None:
            launch.set_user_data(self.learner, [INSTRUCTOR], "Tess Teacher", "tess@example.org")
            launch.set_dl(
                f"{self.issuer}/dl/return", title="Add a lesson",
                accept_types={"ltiResourceLink"}, extra_data=self.deep_link_data,
            )
            return launch.lti_launch()
        link, custom, lineitem = self.link
        launch.set_user_data(self.learner, [LEARNER], "Ada Learner", "ada@example.org")
        launch.set_resource_link_claim(link, title="Lesson link")
        launch.set_custom_parameters_claim(custom)
        launch.set_ags(f"{self.issuer}/ags/lineitems", lineitem)
        if self.forge is None:
            return launch.lti_launch()
        launch._registration = self.registration  # what lti_launch() sets first
        launch.validate_preflight_response(query)
        claims, state = launch.get_launch_data()
        now = int(time.time())
        claims.update({"iat": now, "exp": now + 300})
        header = {"alg": "RS256", "typ": "JWT", "kid": self.registration.get_kid()}
        token = self.forge(header, claims)
        return launch.render_launch_form(
            {"state": state, "id_token": token, "launch_url": query["redirect_uri"]}
        )

    def sign(self, header: dict, claims: dict, pem: str | None = None) -> str:
        return jwt.encode(claims, pem or self.private_pem, algorithm="RS256", headers=header)


def serve(platform: Platform) -> ThreadingHTTPServer:
    """Starts the platform's HTTP side on the issuer's port."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: t.Any) -> None:
            pass

        def reply(self, status: int, body: str, kind: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/.well-known/jwks.json":
                self.reply(200, json.dumps(platform.config.get_jwks()), "application/json")
            elif url.path == "/ags/lineitems":
                status, text = platform.gradebook.find_lineitems(url.query, self.headers)
                self.reply(status, text, "application/json")
            elif url.path == "/auth":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                try:
                    self.reply(200, platform.auth(query), "text/html")
                except Exception as e:  # the platform's error page
                    platform.auth_errors.append(repr(e))
                    self.reply(400, f"auth refused: {escape(repr(e))}", "text/plain")
            else:
                self.reply(404, "not found", "text/plain")

        def do_POST(self) -> None:
            url = urlparse(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            form = {k: v[0] for k, v in parse_qs(body.decode(errors="replace")).items()}
            book = platform.gradebook
            if url.path == "/token":
                status, text = book.token(self.headers.get("Content-Type", ""), form)
            elif url.path == "/ags/lineitems":
                status, text = book.make_lineitem(self.headers, body)
            elif url.path.startswith("/ags/"):
                status, text = book.score(url.path, url.query, self.headers, body)
            elif url.path == "/dl/return":
                status, text = book.deep_link_return(form, platform.sent_data)
            else:
                status, text = 404, "{}"
            self.reply(status, text, "application/json")

    port = urlparse(platform.issuer).port
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def form_of(html: str) -> t.Tuple[str, dict]:
    """The action and fields of the auto-submitting form."""
    action = unescape(re.search(r'<form[^>]*action="([^"]*)"', html).group(1))
    fields = {
        unescape(n): unescape(v)
        for n, v in re.findall(r'<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"', html)
    }
    return action, fields


def browse_to_form(platform: Platform) -> t.Tuple[requests.Session, str, dict]:
    """A fresh browser: login initiation at the tool, its redirect to `/auth`, the form."""
    browser = requests.Session()
    page = browser.get(platform.login_url(), timeout=30)
    if page.status_code != 200:
        raise RuntimeError(f"login -> {page.status_code}: {page.text[:300]}")
    action, fields = form_of(page.text)
    return browser, action, fields


def post(browser: requests.Session, action: str, fields: dict) -> requests.Response:
    return browser.post(action, data=fields, allow_redirects=False, timeout=30)


def code_of(response: requests.Response) -> str:
    found = re.search(r"error <code>([a-z_]+)</code>", response.text)
    return found.group(1) if found else "(no error code)"


def honest(platform: Platform) -> t.Tuple[bool, str]:
    """An honest launch reaches the lesson page; replaying its form is refused."""
    platform.forge = None
    browser, action, fields = browse_to_form(platform)
    launched = post(browser, action, fields)
    location = launched.headers.get("Location", "")
    page_path = f"/lessons/{platform.module}/lessons/{platform.lesson}/index.html#lti-session="
    if launched.status_code != 303 or not location.startswith(page_path):
        return False, f"launch -> {launched.status_code} {location!r} {launched.text[:300]}"
    left = [c.name for c in browser.cookies if c.name.startswith("lp_state_")]
    if left:
        return False, f"the state cookie outlived the launch: {left}"
    page = browser.get(platform.tool + location, timeout=30)
    if page.status_code != 200 or "<html" not in page.text:
        return False, f"lesson page -> {page.status_code}"
    return True, f"303 -> {location.split('#')[0]} -> 200; state cookie cleared"


def launch_session(platform: Platform) -> t.Tuple[requests.Session, str]:
    """An honest launch of the current link: the lesson page loads with the LTI runtime;
    returns the browser and the session token the page got in its URL fragment."""
    platform.forge = None
    browser, action, fields = browse_to_form(platform)
    launched = post(browser, action, fields)
    location = launched.headers.get("Location", "")
    if launched.status_code != 303 or "#lti-session=" not in location:
        raise RuntimeError(f"launch -> {launched.status_code} {location!r} {launched.text[:300]}")
    page = browser.get(platform.tool + location, timeout=30)
    if page.status_code != 200 or "assets/lti.js" not in page.text:
        raise RuntimeError(f"lesson page -> {page.status_code}, without the LTI runtime")
    script = browser.get(f"{platform.tool}{location.split('#')[0].rsplit('/lessons/', 1)[0]}/assets/lti.js")
    if script.status_code != 200 or "/lti/score" not in script.text:
        raise RuntimeError(f"lti.js -> {script.status_code}")
    return browser, location.split("#lti-session=", 1)[1]


def complete(platform: Platform, browser: requests.Session, session: str) -> dict:
    """What the page's `lti.js` sends when the learner completes the lesson."""
    answer = browser.post(
        f"{platform.tool}/lti/score",
        headers={"Authorization": f"Bearer {session}"},
        json={"activityProgress": "Completed"},
        timeout=60,
    )
    body = answer.json()
    body["http"] = answer.status_code
    return body


def one_full_score(platform: Platform, item: str) -> t.Tuple[bool, str]:
    scores = platform.gradebook.scores_of(item, platform.learner)
    good = len(scores) == 1 and {
        k: scores[0].get(k) for k in ("scoreGiven", "scoreMaximum", "activityProgress", "gradingProgress")
    } == {"scoreGiven": 1, "scoreMaximum": 1, "activityProgress": "Completed", "gradingProgress": "FullyGraded"}
    return good, f"line item {item}: {scores}"


def graded(platform: Platform) -> t.Tuple[bool, str]:
    """A completed lesson is graded 1 of 1 once; reporting it again changes nothing."""
    platform.learner = "learner-10"
    browser, session = launch_session(platform)
    first = complete(platform, browser, session)
    if (first["http"], first["status"]) != (200, "delivered"):
        return False, f"score -> {first}"
    again = complete(platform, browser, session)
    ok, detail = one_full_score(platform, "1")
    return ok and again["status"] == "delivered", f"{first['detail']}; again: {again['detail']}; {detail}"


def graded_after_restart(platform: Platform) -> t.Tuple[bool, str]:
    """The platform forgot every access token: the tool's cached one gets a 401, a new grant
    follows and the score goes through."""
    platform.learner = "learner-11"
    browser, session = launch_session(platform)
    book = platform.gradebook
    grants, refused = book.grants, len(book.refused)
    book.revoke()
    answer = complete(platform, browser, session)
    saw_401 = any(r.startswith("401") for r in book.refused[refused:])
    ok, detail = one_full_score(platform, "1")
    good = ok and answer["status"] == "delivered" and saw_401 and book.grants == grants + 1
    return good, f"401 seen: {saw_401}; grants +{book.grants - grants}; {detail}"


def deep_linked_then_graded(platform: Platform) -> t.Tuple[bool, str]:
    """A teacher picks the lesson; the platform makes the link and its line item; a learner's
    launch of that link is graded on that line item."""
    default_link = platform.link
    platform.learner, platform.deep_link_data = "teacher-1", {"opaque": "dl-42", "n": [1, 2]}
    platform.sent_data = platform.deep_link_data
    try:
        browser, action, fields = browse_to_form(platform)
    finally:
        platform.deep_link_data = None
    picker = post(browser, action, fields)
    forms = re.findall(
        r'<form method="post" action="([^"]*)"><input type="hidden" name="JWT" value="([^"]*)">',
        picker.text,
    )
    chosen = [
        (unescape(a), unescape(j)) for a, j in forms
        if jwt.decode(unescape(j), options={"verify_signature": False})[
            "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
        ][0]["custom"]["lesson_id"] == platform.lesson
    ]
    if picker.status_code != 200 or len(chosen) != 1:
        return False, f"picker -> {picker.status_code}, {len(forms)} forms"
    return_url, response = chosen[0]
    linked = browser.post(return_url, data={"JWT": response}, timeout=30)
    if linked.status_code != 200:
        return False, f"deep linking return -> {linked.status_code} {linked.text[:300]}"
    link = linked.json()["linked"]
    made = platform.gradebook.links[link]
    platform.link = (link, made["custom"], made["lineitem"])
    platform.learner = "learner-12"
    try:
        browser, session = launch_session(platform)
        answer = complete(platform, browser, session)
    finally:
        platform.link = default_link
    item = linked.json()["lineitem"]
    ok, detail = one_full_score(platform, item)
    stray = platform.gradebook.scores_of("1", "learner-12")
    return ok and not stray and answer["status"] == "delivered", f"{link}; {detail}"


def completed_in_a_browser(platform: Platform) -> t.Tuple[bool, str]:
    """The real page in headless Chromium: the learner reads the transcript to its end, the
    page's `lti.js` reports the completion, the gradebook gets 1 of 1."""
    platform.learner = "learner-13"
    platform.forge = None
    browser, action, fields = browse_to_form(platform)
    launched = post(browser, action, fields)
    location = launched.headers.get("Location", "")
    if launched.status_code != 303:
        return False, f"launch -> {launched.status_code}"
    run = subprocess.run(
        ["node", platform.page_script, platform.tool + location],
        capture_output=True, text=True, timeout=120,
    )
    if run.returncode != 0:
        return False, f"lti-page.mjs failed: {run.stderr[:1500]}"
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    ok, detail = one_full_score(platform, "1")
    good = ok and seen["grade"] == "delivered" and not seen["hash"] and not seen["errors"]
    return good, f"page: {seen}; {detail}"


def unlinked_then_graded(platform: Platform) -> t.Tuple[bool, str]:
    """A link placed without a line item: the tool makes one (once, for two learners) and
    grades both on it."""
    default_link = platform.link
    platform.link = ("rl-9", {"lesson_id": platform.lesson}, None)
    answers = []
    try:
        for learner in ("learner-20", "learner-21"):
            platform.learner = learner
            browser, session = launch_session(platform)
            answers.append(complete(platform, browser, session)["status"])
    finally:
        platform.link = default_link
    book = platform.gradebook
    made = [n for n in book.made if book.lineitems[n].get("resourceLinkId") == "rl-9"]
    if len(made) != 1:
        return False, f"line items made for rl-9: {made}; answers {answers}"
    graded_both = all(
        len(book.scores_of(made[0], learner)) == 1 for learner in ("learner-20", "learner-21")
    )
    return graded_both and answers == ["delivered"] * 2, f"made line item {made[0]}: {book.lineitems[made[0]]}"


def refused(expected: str, forge=None, tamper=None):
    """A scenario: the launch (forged at `/auth`, or its form tampered) must get 4xx `expected`."""

    def run(platform: Platform) -> t.Tuple[bool, str]:
        platform.forge = forge and (lambda h, c: forge(platform, h, c))
        try:
            browser, action, fields = browse_to_form(platform)
        finally:
            platform.forge = None
        if tamper:
            fields = tamper(browser, action, fields)
        response = post(browser, action, fields)
        code = code_of(response)
        ok = 400 <= response.status_code < 500 and code == expected
        return ok, f"status {response.status_code}, error {code} (expected {expected})"

    return run


def replay(browser: requests.Session, action: str, fields: dict) -> dict:
    """Launch once, then replay the same form with the state cookie put back (a thief who
    captured both): only the server's single-use state can refuse it."""
    captured = [c for c in browser.cookies if c.name.startswith("lp_state_")]
    first = post(browser, action, fields)
    if first.status_code != 303:
        raise RuntimeError(f"the first launch was refused: {first.status_code}")
    for cookie in captured:
        browser.cookies.set_cookie(cookie)
    return fields


def other_kid(p: Platform, header: dict, claims: dict) -> str:
    _, pem, _ = new_key()
    return p.sign({**header, "kid": "not-the-platform-key"}, claims, pem)


def hs256_public(p: Platform, header: dict, claims: dict) -> str:
    body = unsigned({**header, "alg": "HS256"}, claims)
    mac = hmac.new(p.public_pem.encode(), body.encode(), hashlib.sha256).digest()
    return body + "." + b64(mac)


def mutate(**changes: t.Any):
    return lambda p, h, c: p.sign(h, {**c, **changes})


SCENARIOS = {
    "honest_resource_link_launch": honest,
    "replayed_id_token_refused": refused("unknown_state", tamper=replay),
    "tampered_state_refused": refused(
        "state_not_bound", tamper=lambda b, a, f: {**f, "state": f["state"] + "x"}
    ),
    "expired_token_refused": refused(
        "expired", mutate(iat=int(time.time()) - 4000, exp=int(time.time()) - 3600)
    ),
    "wrong_audience_refused": refused("wrong_audience", mutate(aud="another-tool", azp="another-tool")),
    "wrong_issuer_refused": refused("wrong_issuer", mutate(iss="https://evil.example")),
    "unknown_deployment_refused": refused(
        "unknown_deployment",
        mutate(**{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "deploy-999"}),
    ),
    "wrong_nonce_refused": refused("nonce_mismatch", mutate(nonce="not-the-nonce")),
    "alg_none_refused": refused(
        "bad_alg", lambda p, h, c: unsigned({**h, "alg": "none"}, c) + "."
    ),
    "hs256_with_public_key_refused": refused("bad_alg", hs256_public),
    "unknown_kid_refused": refused("unknown_kid", other_kid),
    "bad_signature_refused": refused(
        "bad_signature", lambda p, h, c: p.sign(h, c, new_key()[1])
    ),
    "completion_graded": graded,
    "completion_graded_after_platform_restart": graded_after_restart,
    "deep_linked_lesson_launched_and_graded": deep_linked_then_graded,
    "completed_in_a_browser_and_graded": completed_in_a_browser,
    "link_without_line_item_gets_one_and_is_graded": unlinked_then_graded,
}


def wait_for_tool(platform: Platform, seconds: float) -> None:
    deadline = time.time() + seconds
    while True:
        try:
            if requests.get(f"{platform.tool}/lti/jwks", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.time() > deadline:
            raise SystemExit(f"the tool at {platform.tool} did not answer in {seconds} s")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the tool's lti.toml")
    parser.add_argument("--module", required=True)
    parser.add_argument("--lesson", required=True)
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for the tool")
    parser.add_argument(
        "--page-script", required=True, help="tests/browser/lti-page.mjs (Chromium learner)"
    )
    parser.add_argument("--lessonpack", required=True, help="the lessonpack binary (`lti` commands)")
    args = parser.parse_args()
    import registration, rotation  # tests/lti: the scenarios that run `lessonpack lti`
    for extra in (registration, rotation):
        SCENARIOS.update(extra.scenarios(sys.modules[__name__], args.lessonpack, args.config))
    with open(args.config, "rb") as f:
        platform = Platform(tomllib.load(f), args.module, args.lesson)
    platform.page_script = args.page_script
    serve(platform)
    print(f"platform: {platform.issuer} (client {platform.client_id})", flush=True)
    wait_for_tool(platform, args.wait)
    passed = failed = 0
    for name, scenario in SCENARIOS.items():
        try:
            ok, detail = scenario(platform)
        except Exception as e:
            ok, detail = False, f"{type(e).__name__}: {e}"
        passed, failed = passed + ok, failed + (not ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name:32} {detail}", flush=True)
    if platform.gradebook.refused:
        print(f"grade side refused: {platform.gradebook.refused}", flush=True)
    if platform.auth_errors:
        print(f"auth requests refused: {platform.auth_errors}", flush=True)
        failed += 1
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
