#!/usr/bin/env bash
# scripts/build.sh — configures (once) and builds into ${FERRY_BUILD_DIR:-build} with Ninja and
# ccache. Extra arguments go to CMake's configure step (e.g. -DFERRY_SANITIZE=address,undefined).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${FERRY_BUILD_DIR:-$ROOT/build}
JOBS=${FERRY_JOBS:-2}
if [ ! -f "$BUILD_DIR/build.ninja" ] || [ $# -gt 0 ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${FERRY_BUILD_TYPE:-RelWithDebInfo} \
    "${launcher[@]}" "$@" >/dev/null
fi
cmake --build "$BUILD_DIR" -j"$JOBS"
