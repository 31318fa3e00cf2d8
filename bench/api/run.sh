#!/usr/bin/env bash
# bench/run.sh api [runs] [errors] — the controller's REST API on a SQLite store holding 1,000,000
# runs and 100,000 errors: wrk against GET /api/v1/runs?flow=…&limit=50 (first page and a
# page deep in the cursor chain) and, as the baseline, the same server's trivial handler
# (GET /api/v1/health), in the same run. Installs wrk when missing. Prints BENCH lines.
set -euo pipefail
BUILD_DIR=$1
RUNS=${2:-1000000}
ERRORS=${3:-100000}
BIN=$BUILD_DIR/bin
if ! command -v wrk >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench api: wrk is missing (run as root to install)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
if [ -z "${FERRY_BUILD_DIR:-}" ]; then cmake --build "$BUILD_DIR" -j2 --target ferry-controller >/dev/null; fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-api-XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN/ferry-controller" migrate --state "$WORK/state" >/dev/null
DB=$WORK/state/controller.db
# Seeded in SQL (the store's own writes take one transaction per run): 50 flows on 10 agents,
# one run a second going back from now (inside the 30 days of retention), every tenth partial.
NOW_MS=$(($(date +%s) * 1000))
sqlite3 "$DB" <<SQL
PRAGMA journal_mode=WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $RUNS)
INSERT INTO runs (run_id, agent_id, flow_id, integration, trigger_name, state, records_read,
                  records_filtered, records_written, records_failed, started_at, finished_at,
                  error_summary, updated_at)
SELECT printf('00000000-0000-4000-8000-%012d', i), 'plant-' || (i % 10), 'flow-' || (i % 50),
       'erp', 'schedule', CASE WHEN i % 10 = 0 THEN 'partial' ELSE 'succeeded' END,
       1000, 10, 990, CASE WHEN i % 10 = 0 THEN 5 ELSE 0 END,
       $NOW_MS - i * 1000, $NOW_MS - i * 1000 + 500, '', $NOW_MS FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ERRORS)
INSERT INTO run_errors (error_id, run_id, agent_id, flow_id, step, message, record_json, state,
                        resolution, created_at, updated_at, resolved_at)
SELECT printf('00000000-0000-4000-9000-%012d', i), printf('00000000-0000-4000-8000-%012d', i * 10),
       'plant-' || (i * 10 % 10), 'flow-' || (i * 10 % 50), 'import orders',
       'duplicate key value violates unique constraint', '{"id": ' || i || '}', 'open', '',
       $NOW_MS - i * 10000, $NOW_MS - i * 10000, 0 FROM n;
SQL
echo "seeded $RUNS runs and $ERRORS errors" >&2
"$BIN/ferry-controller" token create --name bench --state "$WORK/state" > "$WORK/token"
TOKEN=$(grep -o 'ferry_pat_[A-Za-z0-9_-]*' "$WORK/token" | head -1)
[ -n "$TOKEN" ] || { echo "bench api: no token: $(cat "$WORK/token")" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/controller.json" <<CONF
{"stateDir": "$WORK/state", "http": {"bind": "127.0.0.1", "port": $PORT}}
CONF
"$BIN/ferry-controller" --config "$WORK/controller.json" 2> "$WORK/controller.log" &
PID=$!
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.05; done
BASE=http://127.0.0.1:$PORT/api/v1
AUTH="Authorization: Bearer $TOKEN"
# A cursor 200 pages (10,000 runs) deep.
CURSOR=
for _ in $(seq 1 200); do
  URL="$BASE/runs?flow=flow-7&limit=50${CURSOR:+&cursor=$CURSOR}"
  CURSOR=$(curl -fsS -H "$AUTH" "$URL" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("nextCursor") or "")')
  [ -n "$CURSOR" ] || { echo "bench api: the cursor chain ended early" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }  # the controller's user + system
measure() {  # name url [header] -> "req_per_s p99_ms controller_cpu_us_per_request"
  local out before after
  before=$(cpu_ticks)
  if [ -n "${3:-}" ]; then
    out=$(wrk -t2 -c16 -d10s --latency -H "$3" "$2")
  else
    out=$(wrk -t2 -c16 -d10s --latency "$2")
  fi
  after=$(cpu_ticks)
  local rps p99 requests
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
  if echo "$out" | grep -q "Non-2xx"; then echo "bench api: $1 answered errors: $out" >&2; exit 1; fi
  if echo "$out" | grep -q "Socket errors"; then echo "bench api: $1 had socket errors: $out" >&2; exit 1; fi
  # Little's law: requests/s × mean latency is the number of connections being served. A
  # server that leaves some of wrk's 16 waiting (Poco's thread per connection did, for 8 of
  # them, without wrk reporting a timeout) would be measured on the others alone.
  local served
  served=$(echo "$out" | awk -v rps="$rps" '$1 == "Latency" && !done {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1e6} else if (v ~ /ms$/) {sub(/ms/,"",v); v=v/1e3} else {sub(/s/,"",v)}; printf "%.0f", rps * v; done=1}')
  echo "$1: about $served connections served at a time (wrk opens 16)" >&2
  if [ "$served" -lt 12 ]; then
    echo "bench api: $1 served only $served of 16 connections at a time: $out" >&2
    exit 1
  fi
  echo "$rps $p99 $(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
}
read -r base_rps base_p99 base_cpu <<< "$(measure health "$BASE/health")"
read -r first_rps first_p99 first_cpu <<< "$(measure runs-first "$BASE/runs?flow=flow-7&limit=50" "$AUTH")"
read -r deep_rps deep_p99 deep_cpu <<< "$(measure runs-deep "$BASE/runs?flow=flow-7&limit=50&cursor=$CURSOR" "$AUTH")"
python3 - "$base_rps" "$base_p99" "$first_rps" "$first_p99" "$deep_rps" "$deep_p99" \
  "$base_cpu" "$first_cpu" "$deep_cpu" <<'PY'
import sys
b, bp, f, fp, d, dp, bc, fc, dc = map(float, sys.argv[1:])
print(f"trivial handler: {b:.0f} req/s, p99 {bp:.2f} ms (wrk -t2 -c16, saturated)")
print(f"controller CPU per request: trivial {bc:.0f} us, first page {fc:.0f} us, deep page {dc:.0f} us")
print(f"BENCH api-runs-first-page requests_per_s={f:.0f} baseline={b:.0f} ratio={f/b:.2f}")
print(f"BENCH api-runs-deep-cursor requests_per_s={d:.0f} baseline={b:.0f} ratio={d/b:.2f}")
print(f"BENCH api-runs-first-page-p99 ms={fp:.2f}")
print(f"BENCH api-runs-deep-cursor-p99 ms={dp:.2f}")
PY
