#!/usr/bin/env bash
# bench/run.sh flow [rows] — installs pgloader (the baseline a user would pick) when missing,
# builds ferry-agent for the idle-RSS figure, and runs bench_flow.
set -euo pipefail
BUILD_DIR=$1
shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v pgloader >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench flow: pgloader is missing (run as root to install)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgloader >/dev/null
fi
if [ -z "${FERRY_BUILD_DIR:-}" ]; then
  cmake --build "$BUILD_DIR" -j2 --target ferry-agent >/dev/null
fi
exec "$BUILD_DIR/bin/bench_flow" "${1:-1000000}" "$BUILD_DIR/bin/ferry-agent"
