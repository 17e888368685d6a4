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

# External tools the tests and benches use, installed under .tools/ (git-ignored). Idempotent:
# each install is skipped when its pinned version is already there. A missing python3 or node
# leaves that tool out (the tests that need it print one skip line).
cd "$(dirname "$0")/.."
mkdir -p .tools

# MCP Python SDK (the official client) and FastMCP (the benchmark peer).
MCP_PY_VERSION=2.3.0
FASTMCP_VERSION=4.2.3
if command -v python3 >/dev/null; then
  venv=.tools/mcp-venv
  if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != '$MCP_PY_VERSION' or m.version('fastmcp') != '$FASTMCP_VERSION')" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "mcp==$MCP_PY_VERSION" "fastmcp==$FASTMCP_VERSION"
  fi
  echo "ci-tools: MCP Python SDK $MCP_PY_VERSION, FastMCP $FASTMCP_VERSION in $venv"
else
  echo "ci-tools: no python3; MCP Python client tests will skip"
fi

# MCP Inspector CLI (pinned).
INSPECTOR_VERSION=1.0.3
if command -v npm >/dev/null; then
  pkg=.tools/inspector/node_modules/@modelcontextprotocol/inspector-cli/package.json
  if ! grep -q "\"version\": \"$INSPECTOR_VERSION\"" "$pkg" 2>/dev/null; then
    npm install --silent --no-audit --no-fund --prefix .tools/inspector \
      "@modelcontextprotocol/inspector-cli@$INSPECTOR_VERSION"
  fi
  echo "ci-tools: MCP Inspector CLI $INSPECTOR_VERSION in .tools/inspector"
else
  echo "ci-tools: no npm; MCP Inspector CLI tests will skip"
fi

# cargo-fuzz: scripts/fuzz.sh (libFuzzer targets under fuzz/; runs on stable via RUSTC_BOOTSTRAP).
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi
echo "ci-tools: $(cargo fuzz --version)"
