"""MCP serving benchmark: `openapi-tools serve` and FastMCP (`FastMCP.from_openapi`) on the same
spec, side by side, in one run, both driven by the official MCP Python SDK over stdio.

    .tools/mcp-venv/bin/python benches/mcp_serve.py [--spec SPEC] [--bin target/release/openapi-tools]
                                                   [--lists 10] [--calls 30] [--runs 1]
                                                   [--compare OTHER_BIN] [--no-fastmcp]

Measured per server:
- start: spawn -> initialize -> every tools/list page answered (the goal for openapi-tools on
  GitHub's spec is <= 0.5 s);
- first answer: spawn -> the last tools/list page fully received, over a bare JSON-RPC exchange on
  the server's stdin/stdout with no SDK in between (the SDK's validation of 1,223 tool models
  takes the Python client about a second, which "start" includes and no server can change);
- start CPU: user + system CPU time the server process used up to that point (from /proc; less
  sensitive to a loaded machine than the wall time);
- peak RSS of the server process (VmHWM from /proc, read just before the client leaves);
- tools/list: median time of a full listing (all pages), after the first;
- with `--meta-tools` (the default above 200 tools) the same, where tools/list answers the two
  meta-tools and the call goes through `call_tool`;
- tools/call overhead: median time of a tools/call of a GET operation against a local HTTP
  server on 127.0.0.1, minus the median time of the same GET sent directly with httpx2 (when
  the server executes calls; otherwise "n/a").

`--compare OTHER_BIN` adds rows for another build of openapi-tools (e.g. the main branch's), so
before/after numbers come from one run; `--runs N` repeats every row and reports medians;
`--no-fastmcp` leaves FastMCP out (it takes a while to start).

Nothing leaves the machine: the spec's servers are replaced by the local server's URL.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import httpx2
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.types import PaginatedRequestParams

ROOT = Path(__file__).resolve().parent.parent
FASTMCP_SERVER = """
import json, sys, httpx2
from fastmcp import FastMCP
spec = json.load(open(sys.argv[1]))
client = httpx2.AsyncClient(base_url=sys.argv[2])
FastMCP.from_openapi(openapi_spec=spec, client=client, name="fastmcp").run(show_banner=False)
"""


class Api(BaseHTTPRequestHandler):
    """Answers every GET with one JSON object: by default a `meta/root` answer with every property
    GitHub's schema requires (both servers declare that schema as `outputSchema`, and the Python
    SDK rejects a structured answer that does not conform to it)."""

    body = b"{}"

    def do_GET(self):  # noqa: N802 (http.server naming)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def children_of(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(entry))
        except OSError:
            pass
    return out


def cpu_seconds(pids):
    """User + system CPU time of `pids` so far (their children not included)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pids):
    best = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        best = max(best, int(line.split()[1]))
        except OSError:
            pass
    return best / 1024


async def list_all(session):
    cursor, names = None, []
    while True:
        params = PaginatedRequestParams(cursor=cursor) if cursor else None
        page = await session.list_tools(params=params)
        names.extend(t.name for t in page.tools)
        cursor = page.next_cursor
        if not cursor:
            return names


async def measure(name, command, args, call_tool, call_args, n_lists, n_calls):
    before = set(children_of(os.getpid()))
    t0 = time.perf_counter()
    params = StdioServerParameters(command=command, args=args, env=dict(os.environ, RUST_LOG="warn"))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            names = await list_all(session)
            # Each server names GitHub's `meta/root` its own way; with meta-tools, the call goes
            # through call_tool.
            if names == ["search_tools", "call_tool"]:
                call_args = {"name": call_tool[0], "arguments": call_args}
                call_tool = "call_tool"
            else:
                call_tool = next((n for n in names if n in call_tool), call_tool[0])
            start = time.perf_counter() - t0
            pids = [p for p in children_of(os.getpid()) if p not in before]
            start_cpu = cpu_seconds(pids)
            lists = []
            for _ in range(n_lists):
                t = time.perf_counter()
                await list_all(session)
                lists.append(time.perf_counter() - t)
            calls, call_note = [], ""
            for _ in range(n_calls):
                t = time.perf_counter()
                result = await session.call_tool(call_tool, call_args)
                calls.append(time.perf_counter() - t)
                if result.isError if hasattr(result, "isError") else result.is_error:
                    call_note = result.content[0].text[:120]
                    calls = []
                    break
            pids = [p for p in children_of(os.getpid()) if p not in before]
            rss = peak_rss_mib(pids + [c for p in pids for c in children_of(p)])
    return {
        "server": name,
        "tools": len(names),
        "start_s": start,
        "start_cpu_s": start_cpu,
        "rss_mib": rss,
        "list_ms": statistics.median(lists) * 1000 if lists else None,
        "call_ms": statistics.median(calls) * 1000 if calls else None,
        "call_note": call_note,
    }


def first_answer_s(command, args):
    """Spawn -> every tools/list page received, speaking JSON-RPC lines over the server's stdio
    directly. Pages are parsed only to find `nextCursor`."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([command, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=dict(os.environ, RUST_LOG="warn"))

    def send(msg):
        proc.stdin.write(json.dumps(msg).encode() + b"\n")
        proc.stdin.flush()

    def answer(id_):
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{command} closed its stdout")
            msg = json.loads(line)
            if msg.get("id") == id_:
                return msg

    try:
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"}}})
        answer(1)
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        cursor, id_ = None, 2
        while True:
            send({"jsonrpc": "2.0", "id": id_, "method": "tools/list",
                  "params": {"cursor": cursor} if cursor else {}})
            cursor = answer(id_).get("result", {}).get("nextCursor")
            id_ += 1
            if not cursor:
                return time.perf_counter() - t0
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


async def direct_ms(url, n):
    async with httpx2.AsyncClient() as client:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            r = await client.get(url)
            r.read()
            times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=None)
    ap.add_argument("--bin", default=str(ROOT / "target/release/openapi-tools"))
    ap.add_argument("--lists", type=int, default=10)
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--compare", default=None, help="another openapi-tools binary, measured alike")
    ap.add_argument("--no-fastmcp", action="store_true")
    a = ap.parse_args()
    spec_path = a.spec
    if spec_path is None:
        # The project's rule (scripts/shared-dir.sh): $OPENAPI_TOOLS_SHARED, else the nearest
        # ancestor with shared/specs.
        shared = os.environ.get("OPENAPI_TOOLS_SHARED")
        if not shared:
            shared = next((str(d / "shared") for d in ROOT.parents if (d / "shared" / "specs").is_dir()), "")
        spec_path = os.path.join(shared, "specs", "github__api.github.com.json")
    if not os.path.exists(spec_path):
        print(f"skipped: no spec at {spec_path}")
        return
    if not os.path.exists(a.bin):
        sys.exit(f"build it first: cargo build --release -p openapi-tools-cli ({a.bin})")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    spec = json.load(open(spec_path))
    spec["servers"] = [{"url": base}]
    root = spec.get("components", {}).get("schemas", {}).get("root", {})
    Api.body = json.dumps({k: f"{base}/{k}" for k in root.get("required", [])}).encode()
    tmp = Path(tempfile.mkdtemp(prefix="mcp-bench-"))
    local_spec = tmp / "spec.json"
    local_spec.write_text(json.dumps(spec))
    fast = tmp / "fastmcp_server.py"
    fast.write_text(FASTMCP_SERVER)

    # GitHub's `meta/root` (GET /) takes no arguments: a pure overhead probe.
    call_names = ["meta_root", "meta/root", "meta-root", "metaroot"]
    servers = []
    builds = [("", a.bin)] + ([(" (compare)", a.compare)] if a.compare else [])
    for label, binary in builds:
        servers.append((f"openapi-tools serve{label}", binary,
                        ["serve", str(local_spec), "--meta-tools", "never"]))
        servers.append((f"  same, --meta-tools{label}", binary,
                        ["serve", str(local_spec), "--meta-tools"]))
    if not a.no_fastmcp:
        servers.append(("FastMCP.from_openapi", sys.executable, [str(fast), str(local_spec), base]))
    runs = {name: [] for name, _, _ in servers}
    # Rounds interleave the servers, so a burst of load on the machine hits them alike.
    for _ in range(a.runs):
        for name, command, args in servers:
            row = anyio.run(measure, name, command, args, call_names, {}, a.lists, a.calls)
            row["first_s"] = first_answer_s(command, args)
            runs[name].append(row)
    rows = [median_row(runs[name]) for name, _, _ in servers]
    direct = anyio.run(direct_ms, base + "/", a.calls)
    httpd.shutdown()

    print(f"spec: {spec_path} ({os.path.getsize(spec_path):,} bytes); local API {base}; "
          f"direct GET median {direct:.2f} ms; medians of {a.runs} run(s)")
    print(f"{'server':34} {'tools':>6} {'first answer':>12} {'start->list':>12} {'start CPU':>10} {'peak RSS':>10} "
          f"{'tools/list':>11} {'call overhead':>14}")
    for r in rows:
        call = "n/a" if r["call_ms"] is None else f"{r['call_ms'] - direct:.2f} ms"
        lst = "n/a" if r["list_ms"] is None else f"{r['list_ms']:.1f} ms"
        print(f"{r['server']:34} {r['tools']:>6} {r['first_s']:>10.3f} s {r['start_s']:>10.3f} s {r['start_cpu_s']:>8.2f} s "
              f"{r['rss_mib']:>6.0f} MiB {lst:>11} {call:>14}")
        if r["call_note"]:
            print(f"  {r['server']}: call not measured: {r['call_note']}")


def median_row(rows):
    """One row: the median of each number over the runs (None when a run has none)."""
    out = dict(rows[0])
    for key in ("first_s", "start_s", "start_cpu_s", "rss_mib", "list_ms", "call_ms"):
        values = [r[key] for r in rows]
        out[key] = None if None in values else statistics.median(values)
    out["call_note"] = next((r["call_note"] for r in rows if r["call_note"]), "")
    return out


if __name__ == "__main__":
    main()
