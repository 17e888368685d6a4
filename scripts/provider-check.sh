#!/usr/bin/env bash
# Renders every good fixture spec (and, when $SHARED/specs exists, every corpus spec) for all
# five providers and runs $SHARED/tools/provider_check.py on the result (scripts/shared-dir.sh
# finds $SHARED), at most 128 tools per request. Needs Python 3 (skips with a clear message where it is missing) and PyPI for the
# checker's requirements (installed once into a venv, $PROVIDER_CHECK_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/shared-dir.sh
shared=$SHARED
venv=${PROVIDER_CHECK_VENV:-/tmp/provider-check}

if ! command -v python3 >/dev/null 2>&1; then
  echo "provider-check: skipping: python3 not found"
  exit 0
fi
if [ -z "$shared" ] || [ ! -f "$shared/tools/provider_check.py" ]; then
  shared_skip_line "provider-check"
  exit 0
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import jsonschema, pydantic, openai, anthropic, google.genai, mcp' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$shared/tools/requirements.txt"
fi

# `--workspace --bins --examples`, not `-p openapi-tools-cli`: the features the test build
# resolved, so CI rebuilds nothing (see .ci/run).
cargo build -q --workspace --bins --examples
cli=${CARGO_TARGET_DIR:-target}/debug/openapi-tools

specs=(fixtures/specs/*)
if [ -d "$shared/specs" ]; then
  specs+=("$shared"/specs/*.json "$shared"/specs/*.yaml)
else
  echo "provider-check: $shared/specs not found: checking the bundled fixtures only"
fi
"$venv/bin/python" scripts/provider_check_all.py --cli "$cli" --checker "$shared/tools/provider_check.py" "${specs[@]}"

# Think-augment: every tool gains the optional `toolcall_reason` property; the fixtures must
# still pass on all five providers, strict modes included.
"$venv/bin/python" scripts/provider_check_all.py --cli "$cli" --checker "$shared/tools/provider_check.py" \
  --schemas-arg=--think-augment fixtures/specs/*
