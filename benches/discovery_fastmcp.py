#!/usr/bin/env python3
"""Discovery quality, ours vs FastMCP's BM25 search, on the labelled task set.

For every spec of fixtures/discovery/tasks.json this ranks each task's query

  - with ours: `openapi-tools search SPEC QUERY... --top 10 --format json` (one process per
    spec, all of its queries at once), and
  - with FastMCP: the spec loaded by `FastMCP.from_openapi`, its tools ranked by
    `fastmcp.server.transforms.search.bm25.BM25SearchTransform` (the `search_tools` code path,
    max_results=10),

and prints recall@1, recall@5 and MRR side by side. A task counts as found at rank r when the
r-th result's own operationId is acceptable (the same rule as the Rust test and bench). FastMCP
is not run on Microsoft Graph: it is killed by the out-of-memory killer (24 GB, 12 minutes).

Set-up (once):  python3 -m venv /tmp/fastmcp && /tmp/fastmcp/bin/pip install fastmcp pyyaml
Run:            cargo build --release -p openapi-tools-cli
                /tmp/fastmcp/bin/python benches/discovery_fastmcp.py [--cli target/release/openapi-tools]
                    [--shared ../shared] [--specs github,stripe,kubernetes,graph] [--misses]
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPTH = 10
NO_FASTMCP = {"graph"}


def shared_dir(arg):
    if arg:
        return Path(arg)
    env = os.environ.get("OPENAPI_TOOLS_SHARED")
    if env:
        return Path(env)
    for a in [ROOT, *ROOT.parents]:
        if (a / "shared" / "specs").is_dir():
            return a / "shared"
    return None


class Score:
    def __init__(self):
        self.n = self.at1 = self.at5 = 0
        self.rr = 0.0

    def add(self, rank):
        self.n += 1
        if rank is not None:
            self.at1 += rank == 1
            self.at5 += rank <= 5
            self.rr += 1.0 / rank

    def cells(self):
        if self.n == 0:
            return ["-", "-", "-"]
        return [f"{self.at1 / self.n:.3f}", f"{self.at5 / self.n:.3f}", f"{self.rr / self.n:.3f}"]


def rank_of(op_ids, accept):
    for i, op in enumerate(op_ids[:DEPTH]):
        if op in accept:
            return i + 1
    return None


def ours(cli, spec_path, queries):
    out = subprocess.run(
        [str(cli), "search", str(spec_path), *queries, "--top", str(DEPTH), "--format", "json"],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    assert len(out) == len(queries), (len(out), len(queries))
    return [[item.get("operation_id") for item in json.loads(line)] for line in out]


def load_spec(path):
    text = Path(path).read_text()
    if str(path).endswith(".json"):
        return json.loads(text)
    import yaml
    return yaml.safe_load(text)


async def fastmcp_ranks(spec_path, queries):
    import httpx2 as httpx
    from fastmcp import FastMCP
    from fastmcp.server.transforms.search.bm25 import BM25SearchTransform

    spec = load_spec(spec_path)
    client = httpx.AsyncClient(base_url="http://127.0.0.1:9")
    mcp = FastMCP.from_openapi(openapi_spec=spec, client=client)
    tools = list(await mcp.list_tools())
    transform = BM25SearchTransform(max_results=DEPTH)
    results = []
    for q in queries:
        found = await transform._search(tools, q)
        results.append([getattr(getattr(t, "_route", None), "operation_id", None) for t in found])
    return results, len(tools)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=str(ROOT / "target" / "release" / "openapi-tools"))
    ap.add_argument("--shared")
    ap.add_argument("--specs", help="comma-separated spec keys (default: all)")
    ap.add_argument("--misses", action="store_true", help="list the tasks each side missed in its top 5")
    args = ap.parse_args()
    shared = shared_dir(args.shared)
    if shared is None:
        print("skipping: shared corpus not found (set OPENAPI_TOOLS_SHARED)")
        return 0
    tasks = json.loads((ROOT / "fixtures" / "discovery" / "tasks.json").read_text())
    keys = args.specs.split(",") if args.specs else list(tasks["specs"])
    rows = []
    for key in keys:
        spec_path = shared / tasks["specs"][key]
        if not spec_path.is_file():
            print(f"skipping {key}: {spec_path} not found")
            continue
        mine = [t for t in tasks["tasks"] if t["spec"] == key]
        queries = [t["query"] for t in mine]
        t0 = time.time()
        our_ops = ours(args.cli, spec_path, queries)
        our_s = Score()
        for t, ops in zip(mine, our_ops):
            r = rank_of(ops, t["accept"])
            our_s.add(r)
            if args.misses and (r is None or r > 5):
                print(f"  ours    missed [{key}] {t['query']!r}: {ops[:5]}", file=sys.stderr)
        print(f"{key}: ours done in {time.time() - t0:.1f} s", file=sys.stderr)
        fm_s = Score()
        ntools = "-"
        if key not in NO_FASTMCP:
            t0 = time.time()
            fm_ops, ntools = asyncio.run(fastmcp_ranks(spec_path, queries))
            for t, ops in zip(mine, fm_ops):
                r = rank_of(ops, t["accept"])
                fm_s.add(r)
                if args.misses and (r is None or r > 5):
                    print(f"  fastmcp missed [{key}] {t['query']!r}: {ops[:5]}", file=sys.stderr)
            print(f"{key}: FastMCP ({ntools} tools) done in {time.time() - t0:.1f} s", file=sys.stderr)
        rows.append((key, our_s, fm_s))
    print(f"{'spec':<12} {'tasks':>5} | {'ours r@1':>8} {'r@5':>6} {'MRR':>6} | {'FastMCP r@1':>11} {'r@5':>6} {'MRR':>6}")
    def merged(scores):
        m = Score()
        for s in scores:
            m.n += s.n; m.at1 += s.at1; m.at5 += s.at5; m.rr += s.rr
        return m
    for key, o, f in rows:
        oc, fc = o.cells(), f.cells() if f.n else ["-", "-", "-"]
        print(f"{key:<12} {o.n:>5} | {oc[0]:>8} {oc[1]:>6} {oc[2]:>6} | {fc[0]:>11} {fc[1]:>6} {fc[2]:>6}")
    both = [(o, f) for _, o, f in rows if f.n]
    if both:
        o, f = merged([o for o, _ in both]), merged([f for _, f in both])
        oc, fc = o.cells(), f.cells()
        print(f"{'FastMCP set':<12} {o.n:>5} | {oc[0]:>8} {oc[1]:>6} {oc[2]:>6} | {fc[0]:>11} {fc[1]:>6} {fc[2]:>6}")
    o = merged([o for _, o, _ in rows])
    oc = o.cells()
    print(f"{'all':<12} {o.n:>5} | {oc[0]:>8} {oc[1]:>6} {oc[2]:>6} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
