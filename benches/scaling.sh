#!/usr/bin/env bash
# Scaling curve of `openapi-tools schemas --provider all` (see benches/scaling.py). Not in CI.
# Usage: benches/scaling.sh [--sizes 1000,5000,20000] [--runs 3] [SPEC ...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p openapi-tools-cli
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
exec python3 benches/scaling.py "$target_dir/release/openapi-tools" "$@"
