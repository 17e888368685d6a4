#!/usr/bin/env bash
# Installs the external tools tests use (idempotent: a second run only checks versions).
# - Prism (@stoplight/prism-cli, pinned) as the independent request validator of the executor's
#   Prism test, into $OPENAPI_TOOLS_TOOLS (default ~/.cache/openapi-tools). Skipped with one line
#   when npm is missing; the test then skips too.
set -euo pipefail
tools=${OPENAPI_TOOLS_TOOLS:-$HOME/.cache/openapi-tools}
PRISM_VERSION=5.16.0
prism_dir="$tools/prism"
if ! command -v npm >/dev/null; then
  echo "ci-tools: npm not found; Prism not installed (its tests will skip)"
elif [ -x "$prism_dir/node_modules/.bin/prism" ] \
  && grep -q "\"version\": \"$PRISM_VERSION\"" "$prism_dir/node_modules/@stoplight/prism-cli/package.json" 2>/dev/null; then
  echo "ci-tools: prism $PRISM_VERSION already installed"
else
  mkdir -p "$prism_dir"
  npm install --silent --no-audit --no-fund --prefix "$prism_dir" "@stoplight/prism-cli@$PRISM_VERSION" >/dev/null
  echo "ci-tools: installed prism $PRISM_VERSION in $prism_dir"
fi
