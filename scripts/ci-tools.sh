#!/usr/bin/env bash
# External tools the tests and benches use, installed under .tools/ (git-ignored). Idempotent:
# each install is skipped when its pinned version is already there. A missing python3 or node
# leaves that tool out (the tests that need it print one skip line).
set -euo pipefail
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
