"""Propagation in a fleet (#23's goal: p99 <= 250 ms): three `openapi-tools serve --transport
http --store postgres://...` replicas on one PostgreSQL database, an MCP client (the official
Python SDK) on each, and an operator's `openapi-tools publish` run again and again. Per publish
and replica: the time from the change's commit (its `changes.at`, written by the publisher in
the transaction) to the `notifications/tools/list_changed` the replica's client receives
(wall clock, same machine).

    eval "$(bash scripts/pg-test.sh start)"
    .tools/mcp-venv/bin/python benches/fleet_propagation.py \
        --bin target/release/openapi-tools [--rounds 100] [--tools 50]

Everything runs on 127.0.0.1. The numbers include PostgreSQL's NOTIFY, the replica's catch-up
read and install (compiling the new version's argument checkers), and the MCP notification over
the replica's event stream.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import anyio
import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


def psql(url, sql):
    out = subprocess.run(["psql", url, "-qAtc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def fresh_db(base_url):
    name = f"prop_{os.getpid()}_{int(time.time() * 1000)}"
    psql(base_url, f"CREATE DATABASE {name}")
    return base_url.rsplit("/", 1)[0] + "/" + name


def write_spec(path, version, tools):
    paths = {}
    for i in range(tools):
        paths[f"/things{i}/{{id}}"] = {
            "get": {
                "operationId": f"getThing{i}",
                "description": f"Thing {i} as of {version}.",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": version},
        "servers": [{"url": "http://127.0.0.1:9"}],
        "paths": paths,
    }
    with open(path, "w") as f:
        json.dump(doc, f)


def start_replica(binary, url):
    proc = subprocess.Popen(
        [binary, "serve", "--transport", "http", "--listen", "127.0.0.1:0", "--store", url],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RUST_LOG": "warn,openapi_tools=info"},
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"listening on (http://[^/\s]+)", line)
        if m:
            return proc, m.group(1) + "/mcp"
    proc.kill()
    raise SystemExit("a replica never said where it listens")


class Watcher:
    """An MCP client that notes when each list_changed arrives."""

    def __init__(self):
        self.arrivals = []
        self.event = anyio.Event()

    async def on_message(self, message):
        root = getattr(message, "root", message)
        if getattr(root, "method", None) == "notifications/tools/list_changed":
            self.arrivals.append(time.time())
            self.event.set()
            self.event = anyio.Event()

    async def wait_for(self, count, timeout):
        with anyio.fail_after(timeout):
            while len(self.arrivals) < count:
                await self.event.wait()


async def client(url, watcher, ready, done):
    async with httpx2.AsyncClient(timeout=30) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            async with ClientSession(
                streams[0], streams[1], message_handler=watcher.on_message
            ) as session:
                await session.initialize()
                # The server announces list_changed on the GET event stream; give the SDK a
                # request round-trip so that stream is open before the first publish.
                await session.list_tools()
                ready.set()
                await done.wait()


def percentile(sorted_values, p):
    i = min(len(sorted_values), max(1, math.ceil(len(sorted_values) * p))) - 1
    return sorted_values[i]


async def run(args):
    url = fresh_db(os.environ["OPENAPI_TOOLS_TEST_PG"])
    tmp = tempfile.mkdtemp(prefix="fleet-prop-")
    first = os.path.join(tmp, "v0.json")
    write_spec(first, "0", args.tools)
    subprocess.run([args.bin, "publish", "--store", url, "things", first], check=True,
                   capture_output=True)
    replicas = [start_replica(args.bin, url) for _ in range(3)]
    watchers = [Watcher() for _ in replicas]
    done = anyio.Event()
    latencies, publish_times = [], []
    try:
        async with anyio.create_task_group() as tg:
            readies = []
            for (_, mcp_url), w in zip(replicas, watchers):
                ready = anyio.Event()
                readies.append(ready)
                tg.start_soon(client, mcp_url, w, ready, done)
            with anyio.fail_after(60):
                for r in readies:
                    await r.wait()
            await anyio.sleep(0.5)
            for k in range(1, args.rounds + 1):
                spec = os.path.join(tmp, f"v{k}.json")
                write_spec(spec, str(k), args.tools)
                started = time.time()
                await anyio.to_thread.run_sync(
                    lambda: subprocess.run(
                        [args.bin, "publish", "--store", url, "things", spec],
                        check=True, capture_output=True,
                    )
                )
                publish_times.append(time.time() - started)
                for w in watchers:
                    await w.wait_for(k, 30)
                at_ms = int(psql(url, "SELECT at FROM changes ORDER BY id DESC LIMIT 1"))
                for w in watchers:
                    latencies.append((w.arrivals[k - 1] - at_ms / 1000) * 1000)
            done.set()
    finally:
        for proc, _ in replicas:
            proc.kill()
            proc.wait()
    latencies.sort()
    print(
        f"fleet propagation: 3 replicas, {args.rounds} publishes of {args.tools} tools, "
        f"{len(latencies)} notifications"
    )
    print(
        f"  commit -> list_changed at the client: p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {latencies[-1]:.1f} ms"
    )
    print(
        f"  (the `publish` command itself, process start to exit: median "
        f"{statistics.median(publish_times) * 1000:.0f} ms)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/release/openapi-tools")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--tools", type=int, default=50)
    args = parser.parse_args()
    if "OPENAPI_TOOLS_TEST_PG" not in os.environ:
        sys.exit('needs OPENAPI_TOOLS_TEST_PG: eval "$(bash scripts/pg-test.sh start)"')
    anyio.run(run, args)


if __name__ == "__main__":
    main()
