#!/usr/bin/env bash
# Installs the tools CI steps need, each guarded so a second run is fast (idempotent).
set -euo pipefail

# cargo-fuzz: scripts/fuzz.sh (libFuzzer targets under fuzz/; runs on stable via RUSTC_BOOTSTRAP).
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi
