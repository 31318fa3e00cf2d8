#!/usr/bin/env bash
# scripts/demo.sh [--once] — installs what is missing, builds, and runs Ferry on embedded
# defaults, all on loopback in a temp dir: a local Mosquitto, a ferry-controller with its
# SQLite store, an agent enrolled with the controller, and an integration deployed through
# the REST API (scripts/demo-flows.json: an ERP's changed orders, filtered, enriched and
# upserted into a warehouse every 2 s, plus a webhook). It changes orders, stops and
# restarts the broker, and shows that every run reached the controller.
# Without --once it stays up until Ctrl-C; with --once it checks every step itself, prints
# a summary, stops everything and exits 0 on success.
# FERRY_BUILD_DIR=<dir> uses an existing build and skips installing and building.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ONCE=0
for arg in "$@"; do
  case "$arg" in
    --once) ONCE=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

step "1. A local Mosquitto broker, ferry-controller with its SQLite store, an API token"
MQTT_PORT=$(free_port)
mkdir -p "$WORK/mosquitto"
cat > "$WORK/mosquitto/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
CONF
BROKER_PID=
start_broker() {
  mosquitto -c "$WORK/mosquitto/mosquitto.conf" 2>> "$WORK/mosquitto/log" &
  BROKER_PID=$!
  PIDS+=($BROKER_PID)
  for _ in $(seq 1 100); do ss -ltnH "sport = :$MQTT_PORT" | grep -q . && return 0; sleep 0.05; done
  fail "mosquitto did not start: $(cat "$WORK/mosquitto/log")"
}
start_broker
echo "mosquitto listening on 127.0.0.1:$MQTT_PORT"
HTTP_PORT=$(free_port)
API=http://127.0.0.1:$HTTP_PORT
cat > "$WORK/controller.json" <<CONF
{"stateDir": "$WORK/controller", "http": {"bind": "127.0.0.1", "port": $HTTP_PORT},
 "store": "sqlite://$WORK/controller/controller.db",
 "mqtt": {"url": "tcp://127.0.0.1:$MQTT_PORT"}, "agents": {"brokerUrl": "tcp://127.0.0.1:$MQTT_PORT"}}
CONF
TOKEN=$("$BIN/ferry-controller" token create --name demo --config "$WORK/controller.json" 2>/dev/null) \
  || fail "token create"
"$BIN/ferry-controller" --config "$WORK/controller.json" 2> "$WORK/controller.log" &
CONTROLLER_PID=$!
PIDS+=($CONTROLLER_PID)
wait_for_log "$WORK/controller.log" '"HTTP API listening"'
wait_for_log "$WORK/controller.log" '"connected to the broker"'
api() {  # api METHOD PATH [JSON]
  curl -fsS -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "$API$2"
}
echo "GET /api/v1/health -> $(curl -fsS "$API/api/v1/health")"

step "2. An agent, created through the API and enrolled"
ENROLL=$(api POST /api/v1/agents '{"id": "erp-site", "name": "ERP site"}' | jq -r .enrollmentToken)
[ -n "$ENROLL" ] && [ "$ENROLL" != null ] || fail "the agent was not created"
echo "POST /api/v1/agents {\"id\": \"erp-site\"} -> one-time enrollment token ${ENROLL:0:14}…"
"$BIN/ferry-agent" enroll --controller "$API" --token "$ENROLL" --state "$WORK/agent" \
  || fail "enroll"
HOOK_TOKEN=demo-$RANDOM$RANDOM
printf '%s' "$HOOK_TOKEN" | "$BIN/ferry-agent" secret set demo-hook-token --state "$WORK/agent" \
  >/dev/null || fail "secret set"
METRICS_PORT=$(free_port)
LISTENER_PORT=$(free_port)
cat > "$WORK/agent.json" <<CONF
{"stateDir": "$WORK/agent", "metrics": {"port": $METRICS_PORT},
 "listener": {"bind": "127.0.0.1", "port": $LISTENER_PORT},
 "mqtt": {"keepAliveSeconds": 5, "heartbeatSeconds": 5}}
CONF
"$BIN/ferry-agent" --config "$WORK/agent.json" 2> "$WORK/agent.log" &
AGENT_PID=$!
PIDS+=($AGENT_PID)
wait_for_log "$WORK/agent.log" '"connected to the broker"'
for _ in $(seq 1 100); do [ "$(api GET /api/v1/agents/erp-site | jq .online)" = true ] && break; sleep 0.1; done
[ "$(api GET /api/v1/agents/erp-site | jq .online)" = true ] || fail "the controller does not see the agent online"
echo "the agent runs from its identity ($WORK/agent/identity.json) and is online"

step "3. The \"ERP\" database, the \"warehouse\", the integration deployed through the API"
sqlite3 "$WORK/shop.db" <<'SQL'
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, tier TEXT);
INSERT INTO customers VALUES (1, 'ACME', 'gold'), (2, 'Bolt', 'silver'), (3, 'Crane', 'gold');
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT, amount TEXT,
                     updated_at TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO orders SELECT i, 1 + i % 3, CASE WHEN i % 4 = 0 THEN 'open' ELSE 'paid' END,
                          printf('%.2f', i * 1.25), '2026-01-01T00:00:00Z' FROM n;
SQL
sqlite3 "$WORK/warehouse.db" \
  "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer TEXT, tier TEXT, total REAL)"
mkdir -p "$WORK/exchange"
sed "s|@WORK@|$WORK|g" "$ROOT/scripts/demo-flows.json" > "$WORK/flows.json"
"$BIN/ferry-controller" deploy "$WORK/flows.json" --url "$API" --token "$TOKEN" || fail "deploy"
for _ in $(seq 1 100); do [ "$(api GET /api/v1/agents/erp-site | jq .upToDate)" = true ] && break; sleep 0.1; done
[ "$(api GET /api/v1/agents/erp-site | jq .upToDate)" = true ] || fail "the agent did not apply the deployment"
echo "the agent applied version $(api GET /api/v1/agents/erp-site | jq .appliedVersion)"

step "4. Runs as they happen"
rows() { sqlite3 "$WORK/warehouse.db" "SELECT count(*) FROM orders" 2>/dev/null || echo 0; }
wait_rows() {
  for _ in $(seq 1 300); do [ "$(rows)" -ge "$1" ] && return 0; sleep 0.1; done
  fail "the warehouse holds $(rows) orders, expected $1: $(tail -3 "$WORK/agent.log")"
}
show_runs() {
  api GET "/api/v1/runs?flow=orders-to-warehouse&limit=${1:-3}" | jq -r '.items[] |
    "  run \(.id[0:8]) \(.trigger) \(.state): read \(.counts.read), filtered \(.counts.filtered), written \(.counts.written), failed \(.counts.failed)"'
}
wait_rows 2250
echo "2,250 paid orders of 3,000 are in the warehouse, e.g.:"
sqlite3 -header -column "$WORK/warehouse.db" "SELECT * FROM orders ORDER BY order_id LIMIT 3"
sleep 1
show_runs 3

step "5. Changed orders: the next delta run moves only those"
sqlite3 "$WORK/shop.db" "UPDATE orders SET amount = '1.00', updated_at = '2026-02-01T00:00:00Z'
                         WHERE id IN (1, 2, 3, 5, 6)"
CHANGED_RUN=
for _ in $(seq 1 100); do
  CHANGED_RUN=$(api GET "/api/v1/runs?flow=orders-to-warehouse&limit=20" |
    jq -r '[.items[] | select(.state == "succeeded" and .counts.written > 0 and .counts.read < 100)][0].id // empty')
  [ -n "$CHANGED_RUN" ] && break
  sleep 0.1
done
[ -n "$CHANGED_RUN" ] || fail "no run moved the changed orders"
READ=$(api GET "/api/v1/runs/$CHANGED_RUN" | jq .counts.read)
[ "$READ" -le 6 ] || fail "the delta run read $READ orders, not only the 5 changed ones"
[ "$(sqlite3 "$WORK/warehouse.db" "SELECT total FROM orders WHERE order_id = 5")" = 1.0 ] ||
  fail "order 5 was not updated in the warehouse"
echo "run ${CHANGED_RUN:0:8} read $READ order(s), not 3,000; the warehouse has the new amounts"
CODE=$(curl -s -o "$WORK/hook.out" -w '%{http_code}' -H "Authorization: Bearer $HOOK_TOKEN" \
  -H 'Content-Type: application/json' -d '[{"order": 5, "event": "shipped"}]' \
  "http://127.0.0.1:$LISTENER_PORT/hooks/orders")
[ "$CODE" = 202 ] || fail "webhook answered $CODE: $(cat "$WORK/hook.out")"
for _ in $(seq 1 100); do [ -s "$WORK/exchange/events.jsonl" ] && break; sleep 0.1; done
[ -s "$WORK/exchange/events.jsonl" ] || fail "the webhook's record did not reach events.jsonl"
echo "POST /hooks/orders -> 202, through the listener flow into exchange/events.jsonl: $(cat "$WORK/exchange/events.jsonl")"

step "6. A definition error: the agent rejects it, version 1 runs on"
# The webhook's token now names a secret the agent does not have; only the agent can know.
# deploy_hook_secret NAME: the webhook export's token names secret NAME; deploy.
deploy_hook_secret() {
  api GET /api/v1/resources/export/order-events |
    jq --arg name "$1" '.resource | .listener.auth.bearer."$secret" = $name' > "$WORK/export.json"
  api PUT /api/v1/resources/export/order-events "$(cat "$WORK/export.json")" >/dev/null ||
    fail "the export was not updated"
  api POST /api/v1/integrations/erp-to-warehouse/deploy '{}' >/dev/null || fail "deploy"
}
deploy_hook_secret no-such-secret
for _ in $(seq 1 100); do [ "$(api GET /api/v1/agents/erp-site | jq .rejectedVersion)" = 2 ] && break; sleep 0.1; done
[ "$(api GET /api/v1/agents/erp-site | jq .rejectedVersion)" = 2 ] || fail "the agent did not reject version 2"
echo "GET /api/v1/agents/erp-site -> appliedVersion $(api GET /api/v1/agents/erp-site | jq .appliedVersion), rejectedVersion 2:"
echo "  $(api GET /api/v1/agents/erp-site | jq -r .error)"
sqlite3 "$WORK/shop.db" "INSERT INTO orders VALUES (3001, 1, 'paid', '42.00', '2026-03-01T00:00:00Z')"
wait_rows 2251
echo "a new order still reached the warehouse: version 1 runs on"
deploy_hook_secret demo-hook-token
for _ in $(seq 1 100); do [ "$(api GET /api/v1/agents/erp-site | jq .appliedVersion)" = 3 ] && break; sleep 0.1; done
[ "$(api GET /api/v1/agents/erp-site | jq .appliedVersion)" = 3 ] || fail "the agent did not apply version 3"
echo "fixed and deployed again: the agent applied version 3"

step "7. The broker goes away; flows keep running; nothing is lost"
kill -9 "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true
AGENT_RUNS=$(sqlite3 "$WORK/agent/runs.db" "SELECT count(*) FROM runs")
for _ in $(seq 1 100); do
  [ "$(sqlite3 "$WORK/agent/runs.db" "SELECT count(*) FROM runs")" -ge $((AGENT_RUNS + 3)) ] && break
  sleep 0.1
done
echo "broker killed; the agent ran $(( $(sqlite3 "$WORK/agent/runs.db" "SELECT count(*) FROM runs") - AGENT_RUNS )) more runs meanwhile; its outbox holds $(sqlite3 "$WORK/agent/outbox.db" "SELECT count(*) FROM events") event(s)"
start_broker
echo "broker restarted (without persistence: retained state is rebuilt by agent and controller)"
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || fail "the agent exited with $? on SIGTERM"
grep -q '"ferry-agent stopped"' "$WORK/agent.log" || fail "the agent did not log its stop"
# Stopped, the agent's run history is final: every run must reach the controller.
for _ in $(seq 1 300); do
  [ "$(sqlite3 "$WORK/agent/outbox.db" "SELECT count(*) FROM events")" = 0 ] && break
  "$BIN/ferry-agent" --config "$WORK/agent.json" 2>> "$WORK/agent.log" &
  AGENT_PID=$!
  PIDS+=($AGENT_PID)
  sleep 3
  kill -TERM "$AGENT_PID"; wait "$AGENT_PID" || true
done
AGENT_RUNS=$(sqlite3 "$WORK/agent/runs.db" "SELECT count(*) FROM runs")
CONTROLLER_RUNS=$(api GET "/api/v1/runs?agent=erp-site&limit=1000" | jq '.items | length')
MISSING=$(comm -23 <(sqlite3 "$WORK/agent/runs.db" "SELECT run_id || ' ' || state FROM runs" | sort) \
  <(api GET "/api/v1/runs?agent=erp-site&limit=1000" | jq -r '.items[] | "\(.id) \(.state)"' | sort) | wc -l)
echo "runs on the agent: $AGENT_RUNS; runs at the controller: $CONTROLLER_RUNS; missing or different: $MISSING"
[ "$MISSING" = 0 ] && [ "$AGENT_RUNS" = "$CONTROLLER_RUNS" ] || fail "the controller does not hold every run"

if [ "$ONCE" -eq 1 ]; then
  step "Summary"
  echo "broker, controller and enrolled agent ok; integration deployed (v1) and applied;"
  echo "$(rows) orders in the warehouse; the delta moved only changed orders; webhook ok;"
  echo "a definition error was rejected by the agent (version 2) while version 1 ran on; v3 applied;"
  echo "broker killed and restarted: $AGENT_RUNS runs on the agent, all $CONTROLLER_RUNS at the controller"
  echo "demo: OK"
  exit 0
fi

"$BIN/ferry-agent" --config "$WORK/agent.json" 2>> "$WORK/agent.log" &
AGENT_PID=$!
PIDS+=($AGENT_PID)
step "Running"
echo "Dashboard: $API/   (API token: $TOKEN)"
echo "API:       curl -H 'Authorization: Bearer $TOKEN' $API/api/v1/runs"
echo "The ERP flow runs every 2 s: change rows in $WORK/shop.db (orders) and watch $WORK/warehouse.db."
echo "Webhook:   curl -H 'Authorization: Bearer $HOOK_TOKEN' -d '{\"x\":1}' http://127.0.0.1:$LISTENER_PORT/hooks/orders"
echo "Press Ctrl-C to stop everything."
tail -f "$WORK/controller.log" "$WORK/agent.log" &
PIDS+=($!)
wait "$AGENT_PID"
