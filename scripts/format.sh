#!/usr/bin/env bash
# scripts/format.sh [--check|--fix] — clang-format over our C++ sources (.clang-format).
# --check (default) lists the files that differ and exits 1; --fix rewrites them.
# --check also refuses nlohmann::json outside common/json/: our code uses ferry::Json
# (common/json/json.h, decision 0007), and the two types do not mix.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mode=${1:---check}
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.h' |
  while read -r f; do [ -f "$f" ] && echo "$f"; done)
if [ "$mode" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
plain=$(grep -lP 'nlohmann::json(?![A-Za-z0-9_])' "${files[@]}" |
  grep -v -e '^common/json/' -e '^tests/common/json/sorted_members_test.cpp$' || true)
if [ -n "$plain" ]; then
  echo "scripts/format.sh: use ferry::Json (common/json/json.h) instead of nlohmann::json in:" >&2
  printf '  %s\n' $plain >&2
  exit 1
fi
bad=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "scripts/format.sh: not clang-formatted (run scripts/format.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
