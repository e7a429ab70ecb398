"""A real LTI 1.3 platform (PyPI `lti1p3platform`) played against `lessonpack serve`.

Reads the tool's `lti.toml` (its base URL, the registration of this platform: issuer,
client id, first deployment) and registers the tool with the library the way an LMS admin
would: login initiation URL `<base>/lti/login`, launch URL `<base>/lti/launch`, tool key
set `<base>/lti/jwks`. Serves the platform side on the issuer's port (127.0.0.1 only):
`/.well-known/jwks.json` (the platform key) and `/auth` (the OIDC authentication endpoint,
which checks the request like Moodle does and answers with the auto-submitting id_token
form). A scripted browser (`requests.Session` plus an HTML form parser) then runs every
scenario headless: login initiation -> tool's redirect -> `/auth` -> form POST to the tool.

Scenarios: one honest resource-link launch that must reach the lesson page, and forged or
replayed launches the tool must refuse with a 4xx page naming the expected error code. The
platform crafts each forgery with its own key material at `/auth`.

Prints `PASS|FAIL name detail` per scenario and closes with `N passed, M failed`; exit
status 0 only when all passed.

    python platform.py --config lti.toml --module MODULE_ID --lesson LESSON_ID
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import re
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

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


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
            .set_tool_key_set_url(f"{self.tool}/lti/jwks")
            .set_platform_private_key(self.private_pem)
            .set_platform_public_key(self.public_pem)
        )
        self.config = PlatformConfig(registration=self.registration)
        self.config.get_registration()
        self.forge: t.Callable[[dict, dict], str] | None = None
        self.auth_errors: t.List[str] = []

    def login_url(self) -> str:
        login = Login(None, self.config)
        login.set_lti_message_hint(hint="rl-1")
        return login.initiate_login("user-1")

    def check_auth_request(self, query: dict) -> None:
        """What Moodle's auth.php checks and the library leaves out (reference §2.2)."""
        expect = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
            "redirect_uri": f"{self.tool}/lti/launch",
            "login_hint": "user-1",
            "lti_message_hint": "rl-1",
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
        launch.set_user_data("user-1", [LEARNER], "Ada Learner", "ada@example.org")
        launch.set_resource_link_claim("rl-1", title="Lesson link")
        launch.set_launch_context_claim("course-1", context_title="Course")
        launch.set_custom_parameters_claim({"lesson_id": self.lesson})
        launch.set_ags(
            f"{self.issuer}/ags/lineitems",
            f"{self.issuer}/ags/lineitems/1/lineitem?type_id=1",
        )
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
            elif url.path == "/auth":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                try:
                    self.reply(200, platform.auth(query), "text/html")
                except Exception as e:  # the platform's error page
                    platform.auth_errors.append(repr(e))
                    self.reply(400, f"auth refused: {escape(repr(e))}", "text/plain")
            else:
                self.reply(404, "not found", "text/plain")

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
    page = browser.get(platform.tool + location, timeout=30)
    if page.status_code != 200 or "<html" not in page.text:
        return False, f"lesson page -> {page.status_code}"
    return True, f"303 -> {location.split('#')[0]} -> 200"


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
    first = post(browser, action, fields)
    if first.status_code != 303:
        raise RuntimeError(f"the first launch was refused: {first.status_code}")
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
    args = parser.parse_args()
    with open(args.config, "rb") as f:
        platform = Platform(tomllib.load(f), args.module, args.lesson)
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
    if platform.auth_errors:
        print(f"auth requests refused: {platform.auth_errors}", flush=True)
        failed += 1
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
