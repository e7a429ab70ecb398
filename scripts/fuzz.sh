#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ with libFuzzer on stable Rust (`-s none`: no sanitizer),
# installing cargo-fuzz first when it is missing.
#
#   scripts/fuzz.sh SECONDS [TARGET...]    each target for SECONDS (default: all five)
#
# The working corpus grows in fuzz/corpus/<target> (not in git), seeded from the committed
# fuzz/seeds/<target>; crashes land in fuzz/artifacts/<target>. Each run stops at the first
# crash, time-out (10 s per input) or out-of-memory (512 MiB), and then exits non-zero.
# CI runs `scripts/fuzz.sh 45` as a smoke test so the targets keep building and running.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(transcript module_toml container manifest_xml validate_zip)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz 0.13.2" >&2
  cargo install cargo-fuzz --version 0.13.2 --locked --quiet
fi

cargo fuzz build -s none
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  echo "fuzz.sh: $target for ${seconds} s" >&2
  status=0
  cargo fuzz run -s none "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  # The closing figures (runs, coverage, corpus, peak memory), or the whole log on a failure.
  if [ "$status" -eq 0 ]; then
    grep -E "^#[0-9]+ +(DONE|pulse)|^stat::(number_of_executed_units|peak_rss_mb|new_units_added)" "$log" | tail -4 >&2
  else
    tail -40 "$log" >&2
    echo "fuzz.sh: $target failed (exit $status); the input is in fuzz/artifacts/$target" >&2
    exit "$status"
  fi
done
