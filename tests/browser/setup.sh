#!/usr/bin/env bash
# Installs what the browser tests need when it is missing (scripts/test.sh runs this):
# Debian's chromium and ffmpeg, and the npm packages exactly as package-lock.json pins them.
# Playwright never downloads a browser here: the tests drive /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
if ((${#need[@]})); then
  echo "browser tests: installing ${need[*]} (Debian)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# playwright-core and scorm-again need Node.js 20 or later.
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
  echo "browser tests: Node.js $(node --version) is too old; playwright-core and scorm-again need 20 or later" >&2
  exit 1
fi

# npm ci only when node_modules was not installed from this very lock file.
stamp=node_modules/.installed-from-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "browser tests: installing npm packages (tests/browser)" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
