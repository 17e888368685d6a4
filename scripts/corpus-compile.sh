#!/usr/bin/env bash
# Compiles the generated Rust code of corpus specs with `-D warnings`, one crate per spec (so one
# spec's failure cannot hide another's), all in one cargo workspace under
# target/corpus-compile/ sharing one target directory (dependencies build once).
#
# Usage: scripts/corpus-compile.sh [--full] [--check] [SPEC_FILE...]
#   (default)  a representative sample: every corpus spec except the biggest ones (BIG below)
#   --full     every spec in the corpus, including the biggest (GitHub, Stripe, Kubernetes, ...)
#   --check    `cargo check` instead of `cargo build` (CI): every type error and every warning
#              (-D warnings) of the generated code, without LLVM code generation, which is
#              most of a debug build's time; the "build s" column then times the check
#   SPEC_FILE  just these specs (paths)
# The corpus is $SHARED/specs (scripts/shared-dir.sh: $OPENAPI_TOOLS_SHARED, else shared/ beside
# the clone); when absent the script says so and exits 0. Generation runs the release `gen`
# example of openapi-tools-build.
# Prints per spec: tools, generated lines, generation ms (load + model + codegen),
# build seconds, peak RSS of the build, pass/fail; exits 1 when any spec fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/target/corpus-compile"

# The specs that are big to generate or slow to compile: only compiled with --full. Measured on
# 2 shared, busy cores (debug, -D warnings): GitHub 78 s / 4.1 GB, Kubernetes 93 s / 4.7 GB,
# Stripe 71 s, OpenAI 62 s; netbox 22-226 s, bunq 8-83 s, alertersystem 9-54 s depending on load.
# The default sample compiled in 13 minutes on the busiest run (about 7 without these three),
# plus the release build of the generator (cached between runs).
BIG=(github__api.github.com.json kubernetes.io.json stripe__spec3.yaml
     googleapis.com__contentwarehouse.json openai__openapi.yaml
     netbox.dev.json bunq.com.json alertersystem.com.json)

full=0
cargo_cmd=build
explicit=()
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
    --check) cargo_cmd=check ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) explicit+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")") ;;
  esac
done

source "$ROOT/scripts/shared-dir.sh"
corpus="${SHARED:+$SHARED/specs}"

specs=()
if ((${#explicit[@]})); then
  specs=("${explicit[@]}")
else
  if [[ -z "$corpus" || ! -d "$corpus" ]]; then
    shared_skip_line "corpus-compile"
    exit 0
  fi
  for f in "$corpus"/*.json "$corpus"/*.yaml "$corpus"/*.yml; do
    [[ -f "$f" ]] || continue
    base="$(basename "$f")"
    if ((!full)); then
      skip=0
      for b in "${BIG[@]}"; do [[ "$base" == "$b" ]] && skip=1; done
      ((skip)) && continue
    fi
    specs+=("$f")
  done
fi
if ((${#specs[@]} == 0)); then
  echo "no specs to compile"
  exit 0
fi

start_all=$SECONDS
# The generator's own speed is measured by the benches; here the debug build CI already has
# for the tests is enough (set GEN_RELEASE=1 for release timings).
if [ "${GEN_RELEASE:-0}" = 1 ]; then gen_profile=release; gen_flag=--release; else gen_profile=debug; gen_flag=; fi
echo "== building the generator ($gen_profile)"
# `--workspace`: the features the workspace test build resolved, so CI rebuilds nothing for the
# generator (`-p openapi-tools-build` would resolve others and rebuild ~40 units).
cargo build $gen_flag --offline --quiet --workspace --example gen \
  --manifest-path "$ROOT/Cargo.toml"
GEN="${CARGO_TARGET_DIR:-$ROOT/target}/$gen_profile/examples/gen"

rm -rf "$WORK/generated"
mkdir -p "$WORK/generated" "$WORK/crates"
echo "== generating ${#specs[@]} spec(s)"
gen_status=0
"$GEN" "$WORK/generated" "${specs[@]}" >"$WORK/gen.tsv" 2>"$WORK/gen.stderr" || gen_status=$?
if ((gen_status > 1)); then
  cat "$WORK/gen.stderr"
  exit "$gen_status"
fi

# One crate per generated spec; crates of specs no longer generated are removed.
members=()
for crate in "$WORK/crates"/*; do
  [[ -d "$crate" ]] || continue
  [[ -f "$WORK/generated/$(basename "$crate").rs" ]] || rm -rf "$crate"
done
while IFS=$'\t' read -r module _tools _lines _ms _warn status; do
  [[ "$status" == ok ]] || continue
  dir="$WORK/crates/$module"
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml.new" <<TOML
[package]
name = "corpus-$module"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "src/lib.rs"

[dependencies]
openapi-tools-runtime = { path = "$ROOT/runtime" }
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["preserve_order"] }
regex = "1"
TOML
  { echo "//! Generated from the corpus by scripts/corpus-compile.sh."
    echo "#![allow(clippy::all)]"
    cat "$WORK/generated/$module.rs"; } >"$dir/src/lib.rs.new"
  # Unchanged files keep their mtime, so cargo does not rebuild needlessly.
  for f in "$dir/Cargo.toml" "$dir/src/lib.rs"; do
    if cmp -s "$f.new" "$f"; then rm "$f.new"; else mv "$f.new" "$f"; fi
  done
  members+=("\"crates/$module\"")
done <"$WORK/gen.tsv"

{ echo "[workspace]"
  echo "resolver = \"2\""
  echo "members = [$(IFS=,; echo "${members[*]}")]"; } >"$WORK/Cargo.toml"
[[ -f "$WORK/Cargo.lock" ]] || cp "$ROOT/Cargo.lock" "$WORK/Cargo.lock"

export CARGO_TARGET_DIR="$WORK/target"
export RUSTFLAGS="-D warnings"
echo "== building shared dependencies"
if ((${#members[@]})); then
  cargo "$cargo_cmd" --offline --quiet --manifest-path "$WORK/Cargo.toml" -p openapi-tools-runtime \
    -p serde -p serde_json -p regex
fi

failures=0
printf '%-40s %6s %8s %8s %8s %8s  %s\n' spec tools lines "gen ms" "build s" "rss MB" result
while IFS=$'\t' read -r module tools lines ms warn status; do
  if [[ "$status" != ok ]]; then
    printf '%-40s %6s %8s %8s %8s %8s  %s\n' "$module" "$tools" - - - - "FAIL (generation)"
    grep "^$module: " "$WORK/gen.stderr" | head -n 5 | sed 's/^/    /'
    failures=$((failures + 1))
    continue
  fi
  log="$WORK/$module.build.log"
  t0=$(date +%s.%N)
  if /usr/bin/time -f '%M' -o "$WORK/$module.rss" \
      cargo "$cargo_cmd" --offline --manifest-path "$WORK/Cargo.toml" -p "corpus-$module" \
      >"$log" 2>&1; then
    result=pass
  else
    result="FAIL (build)"
  fi
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  rss=$(tail -n1 "$WORK/$module.rss" 2>/dev/null | awk '{ printf "%d", $1 / 1024 }')
  printf '%-40s %6s %8s %8s %8s %8s  %s\n' "$module" "$tools" "$lines" "$ms" "$secs" "$rss" "$result"
  if [[ "$result" != pass ]]; then
    failures=$((failures + 1))
    grep -E '^(error|warning)' "$log" | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/    /'
    echo "    full log: $log"
  fi
done <"$WORK/gen.tsv"

echo "== ${#specs[@]} spec(s), $failures failure(s), $((SECONDS - start_all)) s in all"
((failures == 0))
