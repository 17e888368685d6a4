"""Whole-process time of `openapi-tools schemas SPEC --provider all` (every provider's tool
schemas) against FastMCP building its MCP tools from the same spec (`FastMCP.from_openapi`, then
every tool's MCP declaration serialised to JSON), in one run, interleaved (issue #25's goal: at
least 20x faster than the faster peer on GitHub's spec).

    .tools/mcp-venv/bin/python benches/schemas_vs_fastmcp.py --bin target/release/openapi-tools \
        [--compare OLD_BIN] [--spec SPEC] [--runs 5]

FastMCP and its venv come from scripts/ci-tools.sh (`.tools/mcp-venv`). Medians of `--runs`.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FASTMCP = """
import asyncio, json, sys, httpx2
from fastmcp import FastMCP
spec = json.load(open(sys.argv[1]))
mcp = FastMCP.from_openapi(openapi_spec=spec, client=httpx2.AsyncClient(base_url="http://127.0.0.1:9"))
tools = asyncio.run(mcp.list_tools())
out = [t.to_mcp_tool().model_dump(by_alias=True, exclude_none=True, mode="json") for t in tools]
sys.stdout.write(json.dumps(out))
print(len(out), file=sys.stderr)
"""


def timed(cmd):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/openapi-tools"))
    ap.add_argument("--compare", default=None)
    ap.add_argument("--spec", default=None)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    spec = a.spec
    if spec is None:
        shared = os.environ.get("OPENAPI_TOOLS_SHARED") or next(
            (str(d / "shared") for d in ROOT.parents if (d / "shared" / "specs").is_dir()), "")
        spec = os.path.join(shared, "specs", "github__api.github.com.json")
    rows = [("openapi-tools schemas --provider all", [a.bin, "schemas", spec, "--provider", "all"])]
    if a.compare:
        rows.append(("  same, compared build", [a.compare, "schemas", spec, "--provider", "all"]))
    rows.append(("FastMCP.from_openapi + MCP tools", [sys.executable, "-c", FASTMCP, spec]))
    times = {name: [] for name, _ in rows}
    for _ in range(a.runs):
        for name, cmd in rows:
            times[name].append(timed(cmd))
    med = {name: statistics.median(t) for name, t in times.items()}
    peer = med[rows[-1][0]]
    print(f"spec: {spec}; medians of {a.runs} interleaved runs")
    for name, _ in rows:
        print(f"{name:40} {med[name]:8.3f} s   {peer / med[name]:6.1f}x FastMCP's speed")


if __name__ == "__main__":
    main()
