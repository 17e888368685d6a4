"""Serve start-up against rendering: `openapi-tools serve` over stdio next to
`openapi-tools schemas --provider mcp` on the same spec, for one or two builds side by side in
one run (issue #25's goal: serve's first tools/list within 1.5x the time, and its peak memory
within 1.5x, of the schemas command).

    python3 benches/mcp_serve_start.py --bin target/release/openapi-tools \
        [--compare OLD_BIN] [--specs shared|github|graph|PATH...] [--runs 3] [--graph-runs 1]

Needs only Python's standard library (no MCP SDK): the client side is bare JSON-RPC lines on the
server's stdin/stdout, so the times are the server's. Per spec and build:

- initialize: spawn -> the `initialize` answer received;
- first list: spawn -> the last page of the first `tools/list` received (default options: above
  200 tools the list is the two meta-tools);
- serve RSS: the server's peak resident memory (`ru_maxrss` from wait4, after stdin closes);
- schemas: whole-process time and peak RSS of `schemas --provider mcp` (stdout discarded);
- ratio: first list / schemas time, serve RSS / schemas RSS.

Medians over `--runs` (Microsoft Graph over `--graph-runs`: it is heavy). Rounds interleave
the builds, so a burst of load on the machine hits them alike. `--specs shared` is every spec
of the shared corpus; Graph is added unless `--no-graph`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir():
    shared = os.environ.get("OPENAPI_TOOLS_SHARED")
    if shared:
        return Path(shared)
    for d in ROOT.parents:
        if (d / "shared" / "specs").is_dir():
            return d / "shared"
    return None


def wait_rss_mib(proc):
    """Waits for `proc`; its peak RSS in MiB (ru_maxrss is in KiB on Linux)."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024


def serve_once(binary, spec):
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", str(spec)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, RUST_LOG="warn"))

    def send(msg):
        proc.stdin.write(json.dumps(msg).encode() + b"\n")
        proc.stdin.flush()

    def answer(id_):
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{binary} serve {spec}: closed its stdout")
            msg = json.loads(line)
            if msg.get("id") == id_:
                if "error" in msg:
                    raise RuntimeError(f"{binary} serve {spec}: {msg['error']}")
                return msg

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "bench", "version": "0"}}})
    answer(1)
    init = time.perf_counter() - t0
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    cursor, id_, tools = None, 2, 0
    while True:
        send({"jsonrpc": "2.0", "id": id_, "method": "tools/list",
              "params": {"cursor": cursor} if cursor else {}})
        result = answer(id_)["result"]
        tools += len(result["tools"])
        cursor = result.get("nextCursor")
        id_ += 1
        if not cursor:
            break
    first = time.perf_counter() - t0
    proc.stdin.close()
    proc.stdout.read()
    rss = wait_rss_mib(proc)
    return {"init": init, "first": first, "serve_rss": rss, "tools": tools}


def schemas_once(binary, spec):
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "schemas", str(spec), "--provider", "mcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rss = wait_rss_mib(proc)
    return {"schemas": time.perf_counter() - t0, "schemas_rss": rss,
            "schemas_ok": proc.returncode == 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/openapi-tools"))
    ap.add_argument("--compare", default=None, help="another build, measured alike (e.g. main's)")
    ap.add_argument("--specs", nargs="*", default=["github"],
                    help="`shared` (the corpus), `github`, `graph`, or spec paths")
    ap.add_argument("--no-graph", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--graph-runs", type=int, default=1)
    a = ap.parse_args()
    shared = shared_dir()
    specs = []
    for s in a.specs:
        if s == "shared":
            if shared is None:
                print("skipped: no shared corpus")
                return
            specs += sorted(p for p in (shared / "specs").iterdir()
                            if p.suffix in (".json", ".yaml", ".yml"))
        elif s == "github":
            specs.append(shared / "specs" / "github__api.github.com.json")
        elif s == "graph":
            pass
        else:
            specs.append(Path(s))
    graph = shared / "specs-large" / "microsoft.com__graph.json" if shared else None
    if ("graph" in a.specs or "shared" in a.specs) and not a.no_graph and graph and graph.exists():
        specs.append(graph)
    builds = [("new", a.bin)] + ([("old", a.compare)] if a.compare else [])
    for _, b in builds:
        if not os.path.exists(b):
            sys.exit(f"no binary at {b} (cargo build --release -p openapi-tools-cli)")

    print(f"{'spec':34} {'build':5} {'tools':>6} {'initialize':>10} {'first list':>10} "
          f"{'schemas':>8} {'time x':>6} {'serve RSS':>10} {'schemas RSS':>11} {'RSS x':>6}")
    for spec in specs:
        runs = a.graph_runs if spec == graph else a.runs
        rows = {name: [] for name, _ in builds}
        for _ in range(runs):
            for name, binary in builds:
                row = schemas_once(binary, spec)
                if not row["schemas_ok"]:
                    break
                row.update(serve_once(binary, spec))
                rows[name].append(row)
        for name, _ in builds:
            if not rows[name]:
                print(f"{spec.name[:34]:34} {name:5} (schemas refused the spec; skipped)")
                continue
            med = {k: statistics.median(r[k] for r in rows[name])
                   for k in ("init", "first", "serve_rss", "schemas", "schemas_rss")}
            print(f"{spec.name[:34]:34} {name:5} {rows[name][0]['tools']:>6} {med['init']:>8.3f} s "
                  f"{med['first']:>8.3f} s {med['schemas']:>6.3f} s {med['first'] / med['schemas']:>5.2f}x "
                  f"{med['serve_rss']:>6.0f} MiB {med['schemas_rss']:>7.0f} MiB "
                  f"{med['serve_rss'] / med['schemas_rss']:>5.2f}x", flush=True)


if __name__ == "__main__":
    main()
