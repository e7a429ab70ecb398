#!/usr/bin/env bash
# Installs what the browser tests need, on a fresh Debian machine as root:
# Debian's chromium and ffmpeg, and the pinned npm packages (package-lock.json).
# Playwright never downloads a browser here: the tests use /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
