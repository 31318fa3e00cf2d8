#!/usr/bin/env bash
# scripts/demo.sh [--once] — installs what is missing, builds, and runs Ferry on embedded
# defaults, all on loopback in a temp dir: a local Mosquitto, a ferry-controller with its
# SQLite store, and a ferry-agent running a sample flow (scripts/demo-flows.json: a shop's
# orders, filtered, enriched and upserted into a warehouse every 2 s, plus a webhook).
# Without --once it stays up until Ctrl-C; with --once it checks every step itself, prints
# a summary, stops everything and exits 0 on success.
# FERRY_BUILD_DIR=<dir> uses an existing build and skips installing and building.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ONCE=0
for arg in "$@"; do
  case "$arg" in
    --once) ONCE=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/demo.sh: unknown argument '$arg' (use --once or --help)" >&2; exit 2 ;;
  esac
done

if [ -z "${FERRY_BUILD_DIR:-}" ]; then
  bash "$ROOT/scripts/deps.sh"
  bash "$ROOT/scripts/build.sh"
  BUILD_DIR=$ROOT/build
else
  BUILD_DIR=$FERRY_BUILD_DIR
fi
BIN=$BUILD_DIR/bin

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-demo-XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { echo "demo: FAILED: $*" >&2; exit 1; }

# A loopback TCP port nobody listens on.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! ss -ltnH "sport = :$port" | grep -q .; then echo "$port"; return; fi
  done
  fail "no free port found"
}

# Waits until a JSON log file contains a line matching a pattern.
wait_for_log() {
  local file=$1 pattern=$2
  for _ in $(seq 1 200); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "timed out waiting for '$pattern' in $file: $(tail -3 "$file" 2>/dev/null)"
}

step "1. A local Mosquitto broker on loopback"
MQTT_PORT=$(free_port)
mkdir -p "$WORK/mosquitto"
cat > "$WORK/mosquitto/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
CONF
mosquitto -c "$WORK/mosquitto/mosquitto.conf" 2> "$WORK/mosquitto/log" &
PIDS+=($!)
for _ in $(seq 1 100); do ss -ltnH "sport = :$MQTT_PORT" | grep -q . && break; sleep 0.05; done
ss -ltnH "sport = :$MQTT_PORT" | grep -q . || fail "mosquitto did not start: $(cat "$WORK/mosquitto/log")"
echo "mosquitto listening on 127.0.0.1:$MQTT_PORT"

step "2. ferry-controller with the SQLite store"
HTTP_PORT=$(free_port)
cat > "$WORK/controller.json" <<CONF
{"stateDir": "$WORK/controller", "http": {"bind": "127.0.0.1", "port": $HTTP_PORT},
 "store": "sqlite://$WORK/controller/controller.db",
 "mqtt": {"url": "tcp://127.0.0.1:$MQTT_PORT"}, "agents": {"brokerUrl": "tcp://127.0.0.1:$MQTT_PORT"}}
CONF
"$BIN/ferry-controller" --config "$WORK/controller.json" 2> "$WORK/controller.log" &
PIDS+=($!)
wait_for_log "$WORK/controller.log" '"HTTP API listening"'
HEALTH=$(curl -fsS "http://127.0.0.1:$HTTP_PORT/api/v1/health") || fail "controller health check"
echo "GET /api/v1/health -> $HEALTH"
echo "$HEALTH" | grep -q '"status":"ok"' || fail "controller is not healthy"

step "3. ferry-agent running the sample flows"
# The shop database the sample flow reads, and the warehouse it writes.
sqlite3 "$WORK/shop.db" <<'SQL'
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, tier TEXT);
INSERT INTO customers VALUES (1, 'ACME', 'gold'), (2, 'Bolt', 'silver'), (3, 'Crane', 'gold');
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT, amount TEXT,
                     updated_at TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO orders SELECT i, 1 + i % 3, CASE WHEN i % 4 = 0 THEN 'open' ELSE 'paid' END,
                          printf('%.2f', i * 1.25), '2026-01-01T00:00:00Z' FROM n;
SQL
sqlite3 "$WORK/warehouse.db" \
  "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer TEXT, tier TEXT, total REAL)"
mkdir -p "$WORK/exchange"
sed "s|@WORK@|$WORK|g" "$ROOT/scripts/demo-flows.json" > "$WORK/flows.json"
"$BIN/ferry-agent" check "$WORK/flows.json" || fail "the sample definitions are invalid"
HOOK_TOKEN=demo-$RANDOM$RANDOM
printf '%s' "$HOOK_TOKEN" | "$BIN/ferry-agent" secret set demo-hook-token --state "$WORK/agent" \
  >/dev/null || fail "secret set"
METRICS_PORT=$(free_port)
LISTENER_PORT=$(free_port)
cat > "$WORK/agent.json" <<CONF
{"stateDir": "$WORK/agent", "definitions": "$WORK/flows.json",
 "metrics": {"port": $METRICS_PORT},
 "listener": {"bind": "127.0.0.1", "port": $LISTENER_PORT}}
CONF
"$BIN/ferry-agent" --config "$WORK/agent.json" 2> "$WORK/agent.log" &
AGENT_PID=$!
PIDS+=($AGENT_PID)
wait_for_log "$WORK/agent.log" '"metrics endpoint listening"'
METRICS=$(curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics") || fail "agent metrics"
echo "GET /metrics -> $(echo "$METRICS" | grep '^ferry_build_info')"
[ -d "$WORK/agent" ] || fail "agent state directory was not created"

rows() { sqlite3 "$WORK/warehouse.db" "SELECT count(*) FROM orders" 2>/dev/null || echo 0; }
wait_rows() {
  for _ in $(seq 1 150); do [ "$(rows)" -ge "$1" ] && return 0; sleep 0.1; done
  fail "the warehouse holds $(rows) orders, expected $1: $(tail -3 "$WORK/agent.log")"
}
wait_rows 750
echo "orders-to-warehouse: 750 paid orders of 1000 upserted into the warehouse, e.g.:"
sqlite3 -header -column "$WORK/warehouse.db" "SELECT * FROM orders ORDER BY order_id LIMIT 3"
sqlite3 "$WORK/shop.db" "INSERT INTO orders VALUES (1001, 3, 'paid', '99.90', '2026-02-01T00:00:00Z')"
wait_rows 751
echo "a new order in the shop reached the warehouse on the next tick (delta by updated_at, id)"
CODE=$(curl -s -o "$WORK/hook.out" -w '%{http_code}' -H "Authorization: Bearer $HOOK_TOKEN" \
  -H 'Content-Type: application/json' -d '[{"order": 1001, "event": "shipped"}]' \
  "http://127.0.0.1:$LISTENER_PORT/hooks/orders")
[ "$CODE" = 202 ] || fail "webhook answered $CODE: $(cat "$WORK/hook.out")"
for _ in $(seq 1 100); do [ -s "$WORK/exchange/events.jsonl" ] && break; sleep 0.1; done
[ -s "$WORK/exchange/events.jsonl" ] || fail "the webhook's record did not reach events.jsonl"
echo "POST /hooks/orders -> 202, stored in exchange/events.jsonl: $(cat "$WORK/exchange/events.jsonl")"

step "4. What the two processes logged (JSON lines)"
sed 's/^/  controller | /' "$WORK/controller.log"
sed 's/^/  agent      | /' "$WORK/agent.log"

if [ "$ONCE" -eq 1 ]; then
  step "5. Stopping the agent with SIGTERM"
  kill -TERM "$AGENT_PID"
  wait "$AGENT_PID" || fail "the agent exited with $? on SIGTERM"
  grep -q '"ferry-agent stopped"' "$WORK/agent.log" || fail "the agent did not log its stop"
  echo "agent stopped cleanly"
  step "Summary"
  echo "broker 127.0.0.1:$MQTT_PORT ok; controller http://127.0.0.1:$HTTP_PORT ok; sample flow ok (751 orders);"
  echo "webhook ok; agent metrics ok; clean stop ok"
  echo "demo: OK"
  exit 0
fi

step "Running. Controller API: http://127.0.0.1:$HTTP_PORT/api/v1/health   Agent metrics: http://127.0.0.1:$METRICS_PORT/metrics"
echo "The sample flow runs every 2 s: add rows to $WORK/shop.db (orders) and watch $WORK/warehouse.db."
echo "Webhook: curl -H 'Authorization: Bearer $HOOK_TOKEN' -d '{\"x\":1}' http://127.0.0.1:$LISTENER_PORT/hooks/orders"
echo "Press Ctrl-C to stop everything."
tail -f "$WORK/controller.log" "$WORK/agent.log" &
PIDS+=($!)
wait "$AGENT_PID"
