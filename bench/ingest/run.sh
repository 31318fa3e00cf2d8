#!/usr/bin/env bash
# bench/run.sh ingest [events] — starts mosquitto and ferry-controller (SQLite store) on free
# loopback ports and runs the fleet simulator against them (bench/ingest/bench_ingest.cpp):
# 1, 100 and 1,000 simulated agents publishing `events` (default 100,000 per fleet size),
# against the broker's delivery rate to a plain subscriber in the same run, then the time
# from deploy to `reported` for 1 and 1,000 agents. Prints BENCH lines.
set -euo pipefail
BUILD_DIR=$1
shift
if ! command -v mosquitto >/dev/null && [ ! -x /usr/sbin/mosquitto ]; then
  echo "bench ingest: mosquitto is missing (scripts/deps.sh installs it)" >&2
  exit 1
fi
# bench_ingest depends on ferry-controller, so bench/run.sh built both unless FERRY_BUILD_DIR
# names a directory built beforehand.
exec "$BUILD_DIR/bin/bench_ingest" "$BUILD_DIR/bin/ferry-controller" "$@"
