#!/usr/bin/env bash
# scripts/test.sh — installs what is missing, builds, checks formatting and runs every test
# through ctest. Exits non-zero on any failure. Extra arguments go to ctest (e.g. -L queue).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
start=$(date +%s)
bash scripts/deps.sh
bash scripts/build.sh
bash scripts/format.sh --check
ctest --test-dir "${FERRY_BUILD_DIR:-$ROOT/build}" --output-on-failure -j2 --timeout 600 "$@"
echo "scripts/test.sh: all green in $(( $(date +%s) - start )) s"
