#!/usr/bin/env bash
# scripts/deps.sh — installs exactly what Ferry needs to build, test and demo, from Debian 12
# packages. Idempotent and quick when everything is present (no apt-get update then).
set -euo pipefail

PACKAGES=(
  # toolchain
  cmake ninja-build g++ pkg-config ccache git clang-format
  # libraries (TOOLCHAIN.md §1; libpaho-mqttpp-dev does not pull libpaho-mqtt-dev, libpoco-dev
  # pulls neither libpq-dev nor unixodbc-dev)
  libpoco-dev libpaho-mqttpp-dev libpaho-mqtt-dev nlohmann-json3-dev libssl-dev libsqlite3-dev
  libpq-dev unixodbc-dev libgtest-dev libgmock-dev libbenchmark-dev
  # what the tests and the demo start or call
  mosquitto mosquitto-clients sqlite3 jq tzdata curl iproute2 procps
  tinyproxy  # the MQTT proxy tests run MQTT through a real HTTP CONNECT proxy (TOOLCHAIN.md §9)
  prometheus  # promtool lints the /metrics output
  chromium  # the dashboard's browser test drives it headless through playwright-core
  # database servers and drivers the connector tests start on loopback (TOOLCHAIN.md §4)
  postgresql postgresql-client mariadb-server mariadb-client odbc-postgresql unixodbc
)
# More packages for one run, without editing this list.
PACKAGES+=(${FERRY_EXTRA_PACKAGES:-})

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/deps.sh: missing packages (run as root to install): ${missing[*]}" >&2
  exit 1
fi
echo "scripts/deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian mosquitto package starts a system broker where systemd runs; tests and the demo
# start their own on loopback ports, so the system one is left alone.
# tinyproxy's package enables a system proxy on port 8888 of every interface; the tests start
# their own on free loopback ports and need none, so a fresh install leaves it stopped and
# disabled (in containers policy-rc.d already keeps it from starting).
if [[ " ${missing[*]} " == *" tinyproxy "* ]]; then
  if [ -d /run/systemd/system ]; then
    systemctl disable --now tinyproxy.service >/dev/null 2>&1 || true
  else
    invoke-rc.d tinyproxy stop >/dev/null 2>&1 || true
    update-rc.d tinyproxy disable >/dev/null 2>&1 || true
  fi
fi
