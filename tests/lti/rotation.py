"""Key rotation scenarios for `platform.py`: the platform's and the tool's.

- `platform_key_rotation`: the platform makes a new signing key (new `kid`); its JWKS
  serves only the new key. The next honest launch must be accepted: the tool refetches the
  platform's JWKS on the unknown `kid` (the test config has `jwks-refetch-cooldown = 0`).
- `tool_key_rotation`: `lessonpack lti rotate-key` while the tool serves: the tool's JWKS
  must publish the staged key beside the old one, and the next launch's session token must
  still be signed by the old key; then `rotate-key --now`: the JWKS publishes all three and
  the next session carries the newest `kid`. Each session must verify (RS256, issuer and
  audience the tool) against the published JWKS.
"""

from __future__ import annotations

import re
import subprocess
import typing as t

import jwt
import requests


def launch(harness: t.Any, platform: t.Any) -> requests.Response:
    """An honest launch; the tool's answer (303 to the lesson when accepted)."""
    platform.forge = None
    browser, action, fields = harness.browse_to_form(platform)
    return harness.post(browser, action, fields)


def tool_kids(platform: t.Any) -> t.Tuple[dict, t.List[str]]:
    jwks = requests.get(f"{platform.tool}/lti/jwks", timeout=30).json()
    return jwks, [key["kid"] for key in jwks["keys"]]


def scenarios(harness: t.Any, lessonpack: str, config: str) -> t.Dict[str, t.Callable]:
    """The rotation scenarios, for `platform.SCENARIOS`."""

    def platform_key_rotation(platform: t.Any) -> t.Tuple[bool, str]:
        old = platform.registration.get_kid()
        _, platform.private_pem, platform.public_pem = harness.new_key()
        platform.registration.set_platform_private_key(platform.private_pem)
        platform.registration.set_platform_public_key(platform.public_pem)
        new = platform.registration.get_kid()
        served = requests.get(f"{platform.issuer}/.well-known/jwks.json", timeout=30).json()
        if new == old or [k["kid"] for k in served["keys"]] != [new]:
            return False, f"the platform JWKS did not rotate: {served}"
        answer = launch(harness, platform)
        ok = answer.status_code == 303
        detail = f"{answer.status_code}" + ("" if ok else f" {harness.code_of(answer)}")
        return ok, f"platform kid {old[:8]}… -> {new[:8]}…; next launch {detail}"

    def rotate(*flags: str) -> str:
        rotated = subprocess.run(
            [lessonpack, "lti", "rotate-key", *flags, "--config", config],
            capture_output=True, text=True, timeout=120,
        )
        found = re.search(r"new signing key `([^`]+)`", rotated.stdout)
        if rotated.returncode != 0 or not found:
            raise RuntimeError(f"rotate-key -> {rotated.returncode}: {rotated.stdout} {rotated.stderr}")
        return found.group(1)

    def session_kid(platform: t.Any, jwks: dict) -> str:
        """A launch's session token: verified against the published JWKS, its kid."""
        answer = launch(harness, platform)
        token = answer.headers.get("Location", "").partition("#lti-session=")[2]
        if answer.status_code != 303 or not token:
            raise RuntimeError(f"launch -> {answer.status_code} {harness.code_of(answer)}")
        kid = jwt.get_unverified_header(token).get("kid")
        key = jwt.PyJWKSet.from_dict(jwks)[kid].key
        jwt.decode(token, key, algorithms=["RS256"], audience=platform.tool, issuer=platform.tool)
        return kid

    def tool_key_rotation(platform: t.Any) -> t.Tuple[bool, str]:
        """Staged: the new key is published, the old one still signs. `--now`: the newest
        signs at once; every key stays published."""
        _, before = tool_kids(platform)
        staged = rotate()
        jwks, after = tool_kids(platform)
        if staged in before or set(after) != set(before) | {staged}:
            return False, f"staged: JWKS before {before}, after {after}, new {staged}"
        if session_kid(platform, jwks) not in before:
            return False, "a staged key signed before its time"
        urgent = rotate("--now")
        jwks, now = tool_kids(platform)
        if set(now) != set(after) | {urgent}:
            return False, f"--now: JWKS {now}, expected {after} and {urgent}"
        kid = session_kid(platform, jwks)
        if kid != urgent:
            return False, f"the session is signed with `{kid}`, not the new key `{urgent}`"
        return True, f"JWKS {len(before)} -> {len(after)} -> {len(now)} keys; sessions signed by the old key, then the new one, verified"

    return {
        "platform_key_rotation": platform_key_rotation,
        "tool_key_rotation": tool_key_rotation,
    }
