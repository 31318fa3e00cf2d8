#!/usr/bin/env bash
# bench/run.sh NAME [args…] — builds and runs one benchmark; its last lines are
# "BENCH <name> <metric>=<value> [baseline=<value> ratio=<value>]".
# Builds into build/ unless FERRY_BUILD_DIR names an existing build directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ "$1" = "--help" ]; then
  echo "usage: bench/run.sh NAME [args…]   (benchmarks: $(ls -d "$ROOT"/bench/*/ 2>/dev/null | xargs -n1 basename | tr '\n' ' '))"
  [ $# -lt 1 ] && exit 2 || exit 0
fi
NAME=$1
shift
if [ ! -d "$ROOT/bench/$NAME" ]; then
  echo "bench/run.sh: no benchmark '$NAME' (see bench/)" >&2
  exit 2
fi
BUILD_DIR=${FERRY_BUILD_DIR:-$ROOT/build}
if [ -z "${FERRY_BUILD_DIR:-}" ]; then
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j2 --target "bench_$NAME"
fi
if [ -x "$ROOT/bench/$NAME/run.sh" ]; then
  exec "$ROOT/bench/$NAME/run.sh" "$BUILD_DIR" "$@"
fi
exec "$BUILD_DIR/bin/bench_$NAME" "$@"
