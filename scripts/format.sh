#!/usr/bin/env bash
# scripts/format.sh [--check|--fix] — clang-format over our C++ sources (.clang-format).
# --check (default) lists the files that differ and exits 1; --fix rewrites them.
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
bad=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "scripts/format.sh: not clang-formatted (run scripts/format.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
