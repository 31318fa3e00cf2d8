#!/usr/bin/env bash
# Builds with a machine-wide lock so two builds never share the 2 cores at once
# (developers and helpers working in one tree). Usage: scripts/build-locked.sh [targets…]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FERRY_BUILD_DIR:-build}
exec 9>/tmp/ferry-build.lock
flock 9
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
if [ $# -gt 0 ]; then
  targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$BUILD_DIR" -j2 "${targets[@]}"
else
  cmake --build "$BUILD_DIR" -j2
fi
