#!/usr/bin/env bash
# scripts/fuzz.sh NAME [SECONDS] — builds tests/fuzz/NAME with clang + libFuzzer (ASan, UBSan)
# in build-fuzz/ and runs it for SECONDS (default 600) on the corpus in build-fuzz/corpus/NAME,
# seeded from tests/fuzz/NAME/seeds/ when present. Exits non-zero on a crash.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=${1:?usage: scripts/fuzz.sh NAME [SECONDS]}
SECONDS_TO_RUN=${2:-600}
BUILD=$ROOT/build-fuzz
if ! command -v clang++ >/dev/null; then
  apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
if [ ! -f "$BUILD/build.ninja" ]; then
  CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFERRY_FUZZ=ON -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_BENCH=OFF -DFERRY_PCH=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
exec 9>/tmp/ferry-build.lock
flock 9
cmake --build "$BUILD" -j2 --target "fuzz_$NAME"
flock -u 9
CORPUS=$BUILD/corpus/$NAME
mkdir -p "$CORPUS"
SEEDS=()
[ -d "$ROOT/tests/fuzz/$NAME/seeds" ] && SEEDS=("$ROOT/tests/fuzz/$NAME/seeds")
cd "$BUILD"
exec nice -n 10 "$BUILD/bin/fuzz_$NAME" -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 \
  "$CORPUS" "${SEEDS[@]}"
