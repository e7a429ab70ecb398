"""The platform's side of LTI Dynamic Registration 1.0, for `platform.py`.

Serves, on a second port of the platform's host (127.0.0.1; the tool checks that the
issuer is on the configuration URL's host, as the specification asks):

- `/.well-known/openid-configuration`: the platform's issuer and endpoints (`/auth`,
  `/token`, `/.well-known/jwks.json` on the issuer's port), `registration_endpoint`, and the
  LTI platform configuration (product family `moodle`, the messages Moodle supports);
- `/register`: checks the bearer registration token (single use, as Moodle's), the fields
  Moodle's `registration_helper` requires (`response_types` holding `id_token`,
  `initiate_login_uri`, `redirect_uris`, `client_name`, `jwks_uri`,
  `token_endpoint_auth_method = private_key_jwt`, `application_type = web`, the tool
  configuration's `domain` and `target_link_uri`) plus what this tool must send, and answers
  with a new client id and `deployment_id`.

Scenario `dynamic_registration`: a browser opens the tool's `/lti/register` as the LMS
would; the page must say the registration is pending, show the approval command and end
with the `org.imsglobal.lti.close` message; a launch with the new client id must be refused
as `pending_approval`; `lessonpack lti approve ID` is run; the same launch must then reach
the lesson. Reusing the spent registration token must fail.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import subprocess
import threading
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CLOSE = '(window.opener || window.parent).postMessage({subject:"org.imsglobal.lti.close"}, "*")'
SCOPES = {
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
}


class RegistrationSide:
    """The OpenID configuration and registration endpoint, on their own port."""

    def __init__(self, issuer: str, tool: str) -> None:
        self.issuer, self.tool = issuer, tool
        self.token = secrets.token_urlsafe(16)
        self.tokens_spent: t.Set[str] = set()
        self.registered: t.List[dict] = []
        self.errors: t.List[str] = []
        side = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: t.Any) -> None:
                pass

            def reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self.reply(200, side.configuration())
                else:
                    self.reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path != "/register":
                    return self.reply(404, {"error": "not found"})
                status, answer = side.register(self.headers.get("Authorization", ""), body)
                self.reply(status, answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.configuration_url = f"{self.base}/.well-known/openid-configuration"

    def configuration(self) -> dict:
        """What Moodle's `mod/lti/openid-configuration.php` publishes."""
        return {
            "issuer": self.issuer,
            "token_endpoint": f"{self.issuer}/token",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": f"{self.issuer}/.well-known/jwks.json",
            "authorization_endpoint": f"{self.issuer}/auth",
            "registration_endpoint": f"{self.base}/register",
            "scopes_supported": sorted(SCOPES) + ["openid"],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
            PLATFORM_CONFIGURATION: {
                "product_family_code": "moodle",
                "version": "4.4",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]},
                ],
            },
        }

    def problems(self, reg: dict) -> t.List[str]:
        """Moodle's required fields, then what this tool must send."""
        tool_config = reg.get(TOOL_CONFIGURATION) or {}
        tool = self.tool
        checks = [
            ("id_token" in (reg.get("response_types") or []), "response_types lacks id_token"),
            (bool(reg.get("initiate_login_uri")), "no initiate_login_uri"),
            (isinstance(reg.get("redirect_uris"), list) and reg["redirect_uris"], "no redirect_uris"),
            (bool(reg.get("client_name")), "no client_name"),
            (bool(reg.get("jwks_uri")), "no jwks_uri"),
            (reg.get("token_endpoint_auth_method") == "private_key_jwt", "auth method"),
            (reg.get("application_type", "web") == "web", "application_type is not web"),
            (bool(tool_config.get("domain")), "no tool domain"),
            (bool(tool_config.get("target_link_uri")), "no tool target_link_uri"),
            (reg.get("initiate_login_uri") == f"{tool}/lti/login", "initiate_login_uri"),
            (reg.get("redirect_uris") == [f"{tool}/lti/launch"], "redirect_uris"),
            (reg.get("jwks_uri") == f"{tool}/lti/jwks", "jwks_uri"),
            (set((reg.get("scope") or "").split()) == SCOPES, "scope"),
            (tool.split("//", 1)[1] == tool_config.get("domain"), "domain"),
            (
                any(m.get("type") == "LtiDeepLinkingRequest" for m in tool_config.get("messages", [])),
                "no LtiDeepLinkingRequest message",
            ),
        ]
        return [what for ok, what in checks if not ok]

    def register(self, authorization: str, body: bytes) -> t.Tuple[int, dict]:
        token = authorization.removeprefix("Bearer ")
        if token != self.token or token in self.tokens_spent:
            return 401, {"error": "invalid_token"}
        self.tokens_spent.add(token)
        try:
            reg = json.loads(body)
        except ValueError:
            return 400, {"error": "invalid_client_metadata", "error_description": "not JSON"}
        problems = self.problems(reg)
        if problems:
            self.errors.extend(problems)
            return 400, {"error": "invalid_client_metadata", "error_description": "; ".join(problems)}
        number = len(self.registered) + 1
        answer = {
            **reg,
            "client_id": f"dyn-client-{number}",
            TOOL_CONFIGURATION: {**reg[TOOL_CONFIGURATION], "deployment_id": f"dyn-deploy-{number}"},
        }
        self.registered.append(answer)
        return 200, answer


@contextlib.contextmanager
def as_client(harness: t.Any, platform: t.Any, client_id: str, deployment: str):
    """The platform launching as the registration `client_id` (same keys and issuer)."""
    saved = (platform.registration, platform.config, platform.client_id, platform.deployment)
    registration = (
        harness.Registration()
        .set_iss(platform.issuer)
        .set_client_id(client_id)
        .set_deployment_id(deployment)
        .set_oidc_login_url(f"{platform.tool}/lti/login")
        .set_launch_url(f"{platform.tool}/lti/launch")
        .set_tool_key_set_url(f"{platform.tool}/lti/jwks")
        .set_platform_private_key(platform.private_pem)
        .set_platform_public_key(platform.public_pem)
    )
    platform.registration, platform.client_id, platform.deployment = registration, client_id, deployment
    platform.config = harness.PlatformConfig(registration=registration)
    platform.config.get_registration()
    try:
        yield
    finally:
        platform.registration, platform.config, platform.client_id, platform.deployment = saved


def scenarios(harness: t.Any, lessonpack: str, config: str) -> t.Dict[str, t.Callable]:
    """The registration scenario, for `platform.SCENARIOS`."""

    def dynamic_registration(platform: t.Any) -> t.Tuple[bool, str]:
        side = RegistrationSide(platform.issuer, platform.tool)
        query = {"openid_configuration": side.configuration_url, "registration_token": side.token}
        page = requests.get(f"{platform.tool}/lti/register", params=query, timeout=30)
        found = re.search(r"lessonpack lti approve (\d+)", page.text)
        if page.status_code != 200 or not found or "<strong>pending</strong>" not in page.text:
            return False, f"register -> {page.status_code}: {page.text[:400]} {side.errors}"
        if CLOSE not in page.text or not page.text.rstrip().endswith("</script></body></html>"):
            return False, "the page does not end with the close message"
        client_id = side.registered[0]["client_id"]
        deployment = side.registered[0][TOOL_CONFIGURATION]["deployment_id"]
        again = requests.get(f"{platform.tool}/lti/register", params=query, timeout=30)
        if again.status_code != 502 or harness.code_of(again) != "registration_refused":
            return False, f"a spent registration token -> {again.status_code} {harness.code_of(again)}"
        with as_client(harness, platform, client_id, deployment):
            login = requests.get(platform.login_url(), timeout=30)
            code = harness.code_of(login)
            if login.status_code != 403 or code != "pending_approval":
                return False, f"pending login -> {login.status_code} {code}"
            approve = subprocess.run(
                [lessonpack, "lti", "approve", found.group(1), "--config", config],
                capture_output=True, text=True, timeout=60,
            )
            if approve.returncode != 0 or f"approved registration {found.group(1)}" not in approve.stdout:
                return False, f"approve -> {approve.returncode}: {approve.stdout} {approve.stderr}"
            ok, detail = harness.honest(platform)
        steps = f"registration {found.group(1)} ({client_id}) pending: login 403 {code}; approved"
        return ok, f"{steps}; launch {detail}"

    return {"dynamic_registration": dynamic_registration}
