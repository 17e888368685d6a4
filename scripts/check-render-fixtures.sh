#!/usr/bin/env bash
# Renders every fixture in fixtures/render/ for all five providers and runs the provider checker
# ($SHARED/tools/provider_check.py, found by scripts/shared-dir.sh) on each: default options, then
# with anthropic_strict on and the checker's --assume-strict. Exits non-zero on any violation. Skips (exit 0) with a message
# when Python or the checker is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/shared-dir.sh
if [ -z "$SHARED" ]; then shared_skip_line "check-render-fixtures"; exit 0; fi
checker=$SHARED/tools/provider_check.py
py=${PROVIDER_CHECK_PYTHON:-/tmp/provider-check/bin/python}
if [ ! -f "$checker" ]; then echo "skipping: $checker not found"; exit 0; fi
if [ ! -x "$py" ]; then
  if ! command -v python3 >/dev/null; then echo "skipping: python3 not found"; exit 0; fi
  python3 -m venv /tmp/provider-check
  /tmp/provider-check/bin/pip install -q -r "$(dirname "$checker")/requirements.txt"
  py=/tmp/provider-check/bin/python
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# `--workspace`: the feature set of the workspace test build, so CI rebuilds nothing (.ci/run).
RENDER_CHECK_OUT="$out" cargo test -q --workspace --test render_fixtures write_checker_input >/dev/null
status=0
run() { # file, extra args...; gating
  local f=$1; shift
  echo "== $(basename "$f" .json) $*"
  if ! "$py" "$checker" "$f" --quiet "$@"; then status=1; fi
}
for f in "$out"/*.json; do
  case "$f" in
    *.anthropic-strict.json)
      run "$f" --only anthropic
      # Every tool we mark strict must also pass with strict rules forced on.
      strict_only="${f%.json}.strict-only.json"
      "$py" - "$f" "$strict_only" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
keep = lambda t: (t.get("function", t)).get("strict") is True
json.dump({k: [t for t in d[k] if keep(t)] for k in ("openai_chat", "openai_responses", "anthropic")},
          open(sys.argv[2], "w"))
PY
      run "$strict_only" --assume-strict
      ;;
    *.strict-only.json) ;;
    *) run "$f"
       # Informational: strict rules forced on every tool; violations are expected exactly on
       # the tools rendered strict: false (each has a note saying why).
       echo "   (info, not gating) --assume-strict on all tools:"
       "$py" "$checker" "$f" --quiet --assume-strict --only openai_chat | tail -1 | sed 's/^/   /' || true
       ;;
  esac
done
exit $status
