#!/usr/bin/env bash
# scripts/gen-docs.sh — regenerates the docs pages that come from code:
# docs/connectors.md from the connector descriptors (common/model/connector_descriptors.cpp).
# The model tests fail while the committed page differs from what this writes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${FERRY_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/build-locked.sh" gen_connector_docs >/dev/null
"$BUILD_DIR/bin/gen_connector_docs" > "$ROOT/docs/connectors.md"
echo "wrote docs/connectors.md"
