# Sourced by scripts: sets SHARED to the shared/ directory (spec corpus in specs/, provider checker
# in tools/), or to the empty string when there is none. The same rule as the tests'
# openapi-tools-test-support crate: $OPENAPI_TOOLS_SHARED when set (must be a directory), else
# the nearest ancestor A of the workspace root with A/shared/specs (`<clone>/../shared` in CI).
# Usage: source "$(dirname "${BASH_SOURCE[0]}")/shared-dir.sh"
SHARED=""
if [[ -n "${OPENAPI_TOOLS_SHARED:-}" ]]; then
  if [[ ! -d "$OPENAPI_TOOLS_SHARED" ]]; then
    echo "OPENAPI_TOOLS_SHARED=$OPENAPI_TOOLS_SHARED is not a directory" >&2
    exit 2
  fi
  SHARED="$(cd "$OPENAPI_TOOLS_SHARED" && pwd)"
else
  _dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  while :; do
    if [[ -d "$_dir/shared/specs" ]]; then SHARED="$_dir/shared"; break; fi
    [[ "$_dir" == / ]] && break
    _dir="$(dirname "$_dir")"
  done
  unset _dir
fi
# One line for scripts to print when the corpus is absent.
shared_skip_line() { # what
  echo "skipping $1: shared directory not found (set OPENAPI_TOOLS_SHARED to the shared/ directory, or put shared/ beside the clone)"
}
