#!/usr/bin/env bash
# Cold build of a crate that uses `openapi_tools!` on a big spec (GitHub's by default): what a
# user's edit-compile loop pays for the macro, and what a clean CI build pays in all.
#
# Usage: benches/macro-build.sh [--release] [--repeat N] [--no-full] [--src DIR] [SPEC]
#   SPEC       the OpenAPI document (default: $SHARED/specs/github__api.github.com.json)
#   --release  also measure the release profile (debug is always measured)
#   --repeat N measure the crate-alone build N times (default 3) and report the minimum
#   --no-full  skip the full cold build (reuse the dependencies an earlier run built)
#   --src DIR  the workspace to depend on (default: this checkout). Point it at a snapshot
#              (`git archive main | tar -x -C DIR`) to compare versions: editing the sources
#              while the script runs would rebuild them into the numbers.
# Work directory: $MACRO_BUILD_DIR, default /tmp/openapi-tools-macro-build (kept for reruns).
#
# A temporary crate depends on the workspace facade by path (with the README's
# `[profile.dev.build-override] opt-level = 3`) and holds one `openapi_tools!("<SPEC>")`. It
# builds in its own target directory (never the shared build dir), so the numbers are honest:
#   full     cold `cargo build` of everything (dependencies + the crate, cargo's defaults), once
#   crate    the crate alone, dependencies already built, its incremental cache deleted
#            (cargo's defaults otherwise, as a user's first build of it): macro expansion, type
#            checking and codegen of the generated code. Repeated, minimum reported.
# Each line gives wall seconds and peak RSS (`/usr/bin/time -v`, the largest process: rustc).
# Also printed: macro expansion time (OPENAPI_TOOLS_MACRO_TIMINGS) and the size of the generated
# code (OPENAPI_TOOLS_MACRO_DUMP, formatted with prettyplease).
# The machine may be shared: run when it is quiet, repeat, and compare runs of the same script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT"
WORK="${MACRO_BUILD_DIR:-/tmp/openapi-tools-macro-build}"
release=0
repeat=3
full=1
spec=""
while (($#)); do
  case "$1" in
    --release) release=1 ;;
    --repeat) shift; repeat="$1" ;;
    --no-full) full=0 ;;
    --src) shift; SRC="$(cd "$1" && pwd)" ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) spec="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
  esac
  shift
done
if [[ -z "$spec" ]]; then
  source "$ROOT/scripts/shared-dir.sh"
  if [[ -z "$SHARED" ]]; then
    shared_skip_line "macro-build"
    exit 0
  fi
  spec="$SHARED/specs/github__api.github.com.json"
fi
[[ -f "$spec" ]] || { echo "no such spec: $spec" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "macro-build needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

# Our own target dir: not the shared build dir, not the workspace's.
unset CARGO_BUILD_BUILD_DIR CARGO_BUILD_TARGET_DIR RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
export CARGO_TARGET_DIR="$WORK/target"
export CARGO_TERM_COLOR=never
crate="$WORK/crate"
rm -rf "$crate"
mkdir -p "$crate/src"
cat >"$crate/Cargo.toml" <<TOML
[package]
name = "macro-build-bench"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
openapi-tools = { path = "$SRC" }

[profile.dev.build-override]
opt-level = 3

[workspace]
TOML
cat >"$crate/src/lib.rs" <<RS
//! openapi_tools! on $(basename "$spec"), for benches/macro-build.sh.
#![allow(missing_docs)]

openapi_tools::openapi_tools!("$spec");
RS
cp "$SRC/Cargo.lock" "$crate/Cargo.lock"

# measure NAME PROFILE_FLAG: runs cargo build under /usr/bin/time, prints "secs rss_mb".
# $DUMP (when set) is where the expansion writes the formatted generated code (not timed runs
# of the crate alone: formatting takes a moment).
measure() {
  local log="$WORK/$1.log"
  OPENAPI_TOOLS_MACRO_TIMINGS=1 OPENAPI_TOOLS_MACRO_DUMP="${DUMP:-}" \
    /usr/bin/time -v -o "$WORK/$1.time" \
    cargo build --offline --manifest-path "$crate/Cargo.toml" $2 >"$log" 2>&1 || {
      echo "build failed, see $log" >&2
      tail -n 30 "$log" >&2
      exit 1
    }
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$WORK/$1.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$WORK/$1.time")
  echo "$secs $rss"
}

expansion() { grep -ho 'expanded in [0-9.]* s' "$WORK/$1.log" | tail -n1 | awk '{ print $3 }'; }

rm -f "$WORK/generated.rs"
profiles=(debug)
((release)) && profiles+=(release)
printf '%-8s %-6s %10s %10s %14s\n' profile build "wall s" "peak MB" "expansion s"
for profile in "${profiles[@]}"; do
  flag=""
  [[ "$profile" == release ]] && flag="--release"
  if ((full)); then
    rm -rf "$CARGO_TARGET_DIR/$profile"
    read -r secs rss < <(DUMP="$WORK/generated.rs" measure "full-$profile" "$flag")
    printf '%-8s %-6s %10s %10s %14s\n' "$profile" full "$secs" "$rss" "$(expansion "full-$profile")"
  else # bring the dependencies up to date (the sources may differ from the last run's)
    measure "deps-$profile" "$flag" >/dev/null
  fi
  best_s="" best_r=""
  for ((i = 1; i <= repeat; i++)); do
    touch "$crate/src/lib.rs"
    rm -rf "$CARGO_TARGET_DIR/$profile/incremental/macro_build_bench-"*
    read -r secs rss < <(measure "crate-$profile-$i" "$flag")
    printf '%-8s %-6s %10s %10s %14s\n' "$profile" "crate" "$secs" "$rss" "$(expansion "crate-$profile-$i")"
    if [[ -z "$best_s" ]] || awk -v a="$secs" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then best_s=$secs; fi
    if [[ -z "$best_r" ]] || ((rss < best_r)); then best_r=$rss; fi
  done
  printf '%-8s %-6s %10s %10s\n' "$profile" "min" "$best_s" "$best_r"
done

gen="$WORK/generated.rs"
if [[ ! -f "$gen" ]]; then # --no-full: one more (untimed) build writes it
  touch "$crate/src/lib.rs"
  DUMP="$gen" measure dump "" >/dev/null
fi
if [[ -f "$gen" ]]; then
  printf 'generated code: %d lines, %d bytes, %d items (%s)\n' "$(wc -l <"$gen")" "$(wc -c <"$gen")" \
    "$(grep -cE '^\s*(pub )?(struct|enum|fn|impl|static|const|trait) ' "$gen")" "$(basename "$spec")"
fi
