#!/usr/bin/env bash
# LTI load test: 1,000 LTI 1.3 launches against `lessonpack serve` (release binary) on
# loopback, through the full browser flow, with plain GETs of the tool's JWKS as a baseline.
#
#   benches/lti.sh                          # 1,000 launches, 16 workers, 50 warm-up launches
#   LAUNCHES=5000 WORKERS=32 benches/lti.sh # more
#   LESSONPACK_BIN=path benches/lti.sh      # another binary as the tool
#
# The bench (benches/lti_load.rs, `cargo bench --bench lti_load`) plays the platform: an RSA
# key and its JWKS on a loopback port, an lti.toml registering it, the tool started on the
# sample module. Each launch: GET /lti/login (302 + state cookie) -> an id_token signed by
# the bench -> POST /lti/launch with the cookie (303 to the lesson) -> GET the lesson (200).
# It prints a table (launches/s, p50/p90/p99/max latency in ms), the server's RSS after
# start and its peak (VmHWM) after the run, and the CPU time both sides used; it exits 1
# after printing every failure's status and body. Temporary files go to $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
cargo bench --quiet --bench lti_load
