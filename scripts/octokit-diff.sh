#!/usr/bin/env bash
# Diffs GitHub's REST description between @octokit/openapi 22.0.0 and 23.0.2, both ways, with a
# release build of the CLI (the numbers in docs/registry.md, "Diffing real versions").
# Needs npm (the specs are fetched into a scratch directory, never into the repository).
# Usage: scripts/octokit-diff.sh [WORKDIR]   (default: /tmp/octokit-diff)
set -euo pipefail
work="${1:-/tmp/octokit-diff}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work"
for v in 22.0.0 23.0.2; do
  if [ ! -f "$work/$v/package/generated/api.github.com.json" ]; then
    (cd "$work" && npm pack "@octokit/openapi@$v" >/dev/null)
    mkdir -p "$work/$v"
    tar xzf "$work/octokit-openapi-$v.tgz" -C "$work/$v"
  fi
done
(cd "$root" && cargo build --release -p openapi-tools-cli >/dev/null)
bin="${CARGO_TARGET_DIR:-$root/target}/release/openapi-tools"
old="$work/22.0.0/package/generated/api.github.com.json"
new="$work/23.0.2/package/generated/api.github.com.json"
"$bin" diff "$old" "$new" > "$work/22-to-23.txt" || true
"$bin" diff "$new" "$old" > "$work/23-to-22.txt" || true
"$bin" diff "$old" "$new" --format json > "$work/22-to-23.json" || true
"$bin" diff "$new" "$old" --format json > "$work/23-to-22.json" || true
for f in 22-to-23 23-to-22; do
  echo "$f: $(head -1 "$work/$f.txt")"
done
echo "reports in $work"
