#!/usr/bin/env bash
# Lints controller/api/openapi.json with an independent tool, Redocly CLI (npm
# @redocly/cli, pinned in openapi-lint/package-lock.json) and its recommended rules; errors
# fail the test. The tool is installed with `npm ci` into the build directory on first use.
# Usage: lint_openapi.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=${1:?usage: lint_openapi.sh SOURCE_DIR BUILD_DIR}
build_dir=${2:?usage: lint_openapi.sh SOURCE_DIR BUILD_DIR}
tool_dir=$build_dir/openapi-lint
if [ ! -x "$tool_dir/node_modules/.bin/redocly" ]; then
  mkdir -p "$tool_dir"
  cp "$source_dir/tests/controller/api/openapi-lint/package.json" \
     "$source_dir/tests/controller/api/openapi-lint/package-lock.json" "$tool_dir/"
  npm ci --prefix "$tool_dir" --no-audit --no-fund --ignore-scripts >/dev/null
fi
exec "$tool_dir/node_modules/.bin/redocly" lint --format stylish \
  "$source_dir/controller/api/openapi.json"
