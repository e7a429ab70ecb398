#!/usr/bin/env bash
# Runs the whole test suite, first installing what the tests need when it is missing:
# Node.js and npm (Debian packages) and the npm packages in tests/js (the third-party
# WebVTT parser the caption tests check against). Extra arguments go to `cargo test`.
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

# Install tests/js exactly as locked, unless it was installed from this very lock file.
stamp=tests/js/node_modules/.installed-from-lock
if ! cmp -s tests/js/package-lock.json "$stamp" 2>/dev/null; then
  echo "test.sh: installing npm packages for tests/js" >&2
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/js/package-lock.json "$stamp"
fi

cargo test "$@"
