#!/usr/bin/env bash
# The dashboard in a real browser: starts ferry-controller on 127.0.0.1 (an ephemeral port,
# a SQLite store in a temp dir), creates an API token, and runs browser_test.mjs, which
# seeds data and drives Debian's headless Chromium through playwright-core.
# Usage: run_browser_test.sh FERRY_CONTROLLER DASHBOARD_SEED_STORE BUILD_DIR
# playwright-core comes from npm (package-lock.json here), installed once into
# BUILD_DIR/dashboard-test with `npm ci`; later runs reuse it and need no network.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
controller=${1:?usage: run_browser_test.sh FERRY_CONTROLLER SEED_TOOL BUILD_DIR}
seed=${2:?usage: run_browser_test.sh FERRY_CONTROLLER SEED_TOOL BUILD_DIR}
build=$(cd "${3:?usage: run_browser_test.sh FERRY_CONTROLLER SEED_TOOL BUILD_DIR}" && pwd)
chromium=${FERRY_CHROMIUM:-/usr/bin/chromium}

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "dashboard test: $tool not found (Debian nodejs, npm)" >&2; exit 1; }
done
if [ ! -x "$chromium" ]; then
  echo "dashboard test: no browser at $chromium: install Debian's chromium (scripts/deps.sh)" >&2
  exit 1
fi

node_dir=$build/dashboard-test
if [ ! -f "$node_dir/node_modules/playwright-core/package.json" ] ||
   ! cmp -s "$here/package-lock.json" "$node_dir/package-lock.json"; then
  mkdir -p "$node_dir"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  echo "dashboard test: npm ci --prefix $node_dir" >&2
  npm ci --prefix "$node_dir" --no-audit --no-fund --ignore-scripts >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ferry-dashboard-test.XXXXXX")
controller_pid=""
cleanup() {
  if [ -n "$controller_pid" ] && kill -0 "$controller_pid" 2>/dev/null; then
    kill -TERM "$controller_pid" 2>/dev/null || true
    wait "$controller_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

state=$tmp/state
token=$("$controller" token create --name dashboard-test --state "$state")
FERRY_HTTP_BIND=127.0.0.1 FERRY_HTTP_PORT=0 "$controller" --state "$state" 2>"$tmp/controller.log" &
controller_pid=$!
port=""
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*"msg":"HTTP API listening".*"port":\([0-9][0-9]*\).*/\1/p' "$tmp/controller.log")
  [ -n "$port" ] && break
  kill -0 "$controller_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "dashboard test: ferry-controller did not start listening; its log:" >&2
  cat "$tmp/controller.log" >&2
  exit 1
fi

status=0
FERRY_URL="http://127.0.0.1:$port" FERRY_TOKEN="$token" FERRY_STATE="$state" FERRY_SEED="$seed" \
  FERRY_NODE_DIR="$node_dir" FERRY_CHROMIUM="$chromium" FERRY_TMP="$tmp" \
  FERRY_SCREENSHOT="$build/dashboard-screenshot.png" \
  node "$here/browser_test.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "dashboard test: failed; the controller's log:" >&2
  tail -n 40 "$tmp/controller.log" >&2
fi
exit "$status"
