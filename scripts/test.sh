#!/usr/bin/env bash
# Runs the whole test suite, first installing what the tests need when it is missing:
# Node.js and npm (Debian packages), the npm packages in tests/js (the third-party WebVTT
# parser the caption tests check against); for the browser suites (tests/browser/, and the
# cmi5 test in tests/cmi5/) Debian's chromium and ffmpeg, their npm packages (playwright-core
# drives Debian's Chromium and downloads no browser) and a Python venv with ralph-malph (the
# xAPI statement validator); for the LTI end-to-end test (tests/lti/) a Python venv with
# lti1p3platform, a real LTI 1.3 platform; for the PostgreSQL store's tests Debian's
# postgresql (its server programs: the tests make and start clusters of their own). Then
# `cargo test` (extra arguments go to it), then the browser suite against packages built by
# the debug binary.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing nodejs and npm (needed by tests/js)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

if ! command -v xmllint >/dev/null 2>&1; then
  echo "test.sh: installing libxml2-utils (xmllint validates the SCORM manifests)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null
fi

# PostgreSQL's server programs (the PostgreSQL store's tests start a throwaway cluster: as
# `nobody` through runuser when run as root, since postgres refuses root).
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "test.sh: installing postgresql (the PostgreSQL store's tests run a real server)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# The venv tests/$1/.venv with tests/$1/requirements.txt, unless it already imports $2; $3
# says what it installs, for the message.
python_venv() {
  local venv=tests/$1/.venv imports=$2 purpose=$3
  if ! "$venv/bin/python" -c "import $imports" >/dev/null 2>&1; then
    echo "test.sh: installing $purpose" >&2
    if ! python3 -m venv --clear "$venv" >/dev/null 2>&1; then
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv --clear "$venv"
    fi
    "$venv/bin/python" -m pip install -q -r "tests/$1/requirements.txt"
  fi
}

# The xAPI validator's venv, unless it already imports ralph.
python_venv cmi5 ralph.models.xapi.base.statements \
  "ralph-malph into tests/cmi5/.venv (validates the cmi5 statements)"

# The LTI platform's venv (tests/lti: lti1p3platform plays a real platform against `serve`).
python_venv lti 'lti1p3platform.ltiplatform, jwt, requests' \
  "lti1p3platform into tests/lti/.venv (the LTI 1.3 platform of tests/lti)"

# Install tests/js exactly as locked, unless it was installed from this very lock file.
stamp=tests/js/node_modules/.installed-from-lock
if ! cmp -s tests/js/package-lock.json "$stamp" 2>/dev/null; then
  echo "test.sh: installing npm packages for tests/js" >&2
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/js/package-lock.json "$stamp"
fi

stamp=tests/cmi5/node_modules/.installed-from-lock
if ! cmp -s tests/cmi5/package-lock.json "$stamp" 2>/dev/null; then
  echo "test.sh: installing npm packages for tests/cmi5" >&2
  (cd tests/cmi5 && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/cmi5/package-lock.json "$stamp"
fi
# Debian's chromium and ffmpeg (both browser suites use them) and tests/browser's npm packages.
tests/browser/setup.sh

cargo test "$@"

echo "test.sh: browser suite (tests/browser: real packages in headless Chromium)" >&2
(cd tests/browser && npm test)
