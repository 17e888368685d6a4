#!/usr/bin/env bash
# Renders every fixture (and, when ../shared/specs exists, every corpus spec) for all five
# providers and runs ../shared/tools/provider_check.py on the result. Needs Python 3; skips with
# a clear message where Python or the checker is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "provider-check: not wired up yet"
