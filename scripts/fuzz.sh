#!/usr/bin/env bash
# Runs every coverage-guided fuzz target (fuzz/fuzz_targets/) for SECONDS each (default 10):
#   load      spec bytes -> load + model -> diagnostics, manifest rendered for every provider
#   calls     provider response JSON -> tool calls, for all five provider formats
#   validate  argument text -> validator (fixture schemas, and {"schema","args"} inputs)
#   request   argument text -> request builder, for every tool of the fixture specs
#   exec      argument JSON + response bytes -> the executor against an in-process server on
#             127.0.0.1 that echoes the credentials it got; no piece (>= 6 bytes) of a secret in
#             the result, its error or the executor's log
# Usage: scripts/fuzz.sh [--dev] [SECONDS] [TARGET...]
#   --dev  an unoptimised build (CI's short smoke run): the instrumented dependency build takes a
#          fraction of the release build's time (release uses one codegen unit per crate at
#          opt-level 3), at the cost of fewer executions per second; long runs use the default
#          release build.
#
# cargo-fuzz (libFuzzer) on the stable toolchain: its flags (-Zsanitizer, sancov passes) are
# unstable, so RUSTC_BOOTSTRAP=1 unlocks them; no sanitizer (the code forbids `unsafe`), with
# debug assertions (overflow checks) on. Seeds come from fixtures/ (and fuzz/seeds/); the
# growing corpus stays in fuzz/corpus/, crashes are written to fuzz/artifacts/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
if [ "${1:-}" = --dev ]; then profile=(--dev); shift; fi
secs=${1:-10}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(load calls validate request exec)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "skipping fuzz: cargo-fuzz not installed (scripts/ci-tools.sh installs it)"
  exit 0
fi
export RUSTC_BOOTSTRAP=1

seeds() { # target -> seed directories
  case "$1" in
    load) echo fixtures/load fixtures/specs fixtures/model fixtures/registry ;;
    calls) echo fixtures/calls ;;
    validate) echo fixtures/render fuzz/seeds/validate ;;
    request) echo fuzz/seeds/request ;;
    exec) echo fuzz/seeds/exec ;;
  esac
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! (cd fuzz && cargo fuzz build "${profile[@]}" -s none --debug-assertions) >"$log" 2>&1; then
  grep -v '^\s*Compiling' "$log" | tail -30
  exit 1
fi
status=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  dirs=()
  for d in $(seeds "$t"); do [ -d "$d" ] && dirs+=("$PWD/$d"); done
  echo "== fuzz $t (${secs}s)"
  if (cd fuzz && cargo fuzz run "${profile[@]}" -s none --debug-assertions "$t" "corpus/$t" "${dirs[@]}" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1) >"$log" 2>&1; then
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
  else
    grep -v '^\s*Compiling' "$log" | grep -E -A30 'panicked|ERROR|SUMMARY|Test unit written|==[0-9]+==' | head -60
    echo "fuzz $t: FAILED (input saved under fuzz/artifacts/$t/); reproduce with"
    echo "  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s none $t artifacts/$t/<file>)"
    status=1
  fi
done
exit $status
