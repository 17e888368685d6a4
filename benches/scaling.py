#!/usr/bin/env python3
"""Scaling curve of `openapi-tools schemas SPEC --provider all`: wall time and peak RSS per size.

Generates synthetic OpenAPI 3.0 documents of 1k, 5k and 20k operations that share one large
component graph (clusters of mutually referencing object schemas, enums, arrays and a common
metadata schema, the shape of Microsoft Graph's entity types), runs the release CLI on each in a
fresh process, and prints one row per document. Time and memory should grow linearly with the
number of operations; a superlinear path shows as a bend in the curve. Real documents given on
the command line (or Microsoft Graph from ../shared/specs-large when present) are measured too.

Usage: benches/scaling.sh (builds the release CLI first) or
       python3 benches/scaling.py BIN [--sizes 1000,5000,20000] [--runs 3] [SPEC ...]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

SCHEMAS = 600
CLUSTER = 12


def schema(i):
    """One component schema: scalars, an enum, an array of a cluster mate, a reference to the
    next cluster member (cycles inside a cluster) and the shared metadata schema."""
    base = (i // CLUSTER) * CLUSTER
    mate = base + (i - base + 1) % CLUSTER
    other = base + (i - base + 5) % CLUSTER
    return {
        "type": "object",
        "description": f"Entity {i}.",
        "required": ["id"],
        "properties": {
            "id": {"type": "string", "readOnly": i % 2 == 0},
            "display-name": {"type": "string", "maxLength": 200},
            "count": {"type": "integer", "format": "int32", "minimum": 0},
            "state": {"type": "string", "enum": ["active", "inactive", "deleted"]},
            "created": {"type": "string", "format": "date-time", "nullable": True},
            "next": {"$ref": f"#/components/schemas/E{mate}"},
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/E{other}"}},
            "meta": {"$ref": "#/components/schemas/Meta"},
            "tags": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }


def document(ops):
    schemas = {f"E{i}": schema(i) for i in range(SCHEMAS)}
    schemas["Meta"] = {
        "type": "object",
        "properties": {
            "etag": {"type": "string"},
            "version": {"type": "integer"},
            "labels": {"type": "array", "items": {"type": "string"}},
        },
    }
    paths = {}
    methods = ["get", "post", "patch", "delete"]
    for n in range(ops):
        resource_no, method = divmod(n, len(methods))
        path = f"/r{resource_no}/{{id}}"
        op = {
            "operationId": f"{methods[method]}R{resource_no}",
            "summary": f"{methods[method]} resource {resource_no}",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "$select", "in": "query", "schema": {"type": "array",
                 "items": {"type": "string"}}, "style": "form", "explode": False},
            ],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/E{resource_no % SCHEMAS}"}}}}},
        }
        if methods[method] in ("post", "patch"):
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/E{resource_no % SCHEMAS}"}}}}
        paths.setdefault(path, {})[methods[method]] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Synthetic {ops}", "version": "1"},
        "servers": [{"url": "https://api.example.invalid"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def measure(binary, spec, runs):
    """Best wall seconds, mean CPU seconds (user + system), peak RSS in MB (largest child),
    output bytes, exit code. Run in a fresh python process per document, so RUSAGE_CHILDREN is
    this document's. CPU time is the steadier number on a machine other jobs load."""
    best, size, code = None, 0, 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([binary, "schemas", spec, "--provider", "all"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        size = 0
        while chunk := proc.stdout.read(1 << 20):
            size += len(chunk)
        code = proc.wait()
        wall = time.perf_counter() - start
        best = wall if best is None else min(best, wall)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime + usage.ru_stime) / runs
    return best, cpu, usage.ru_maxrss / 1024, size, code


def child(binary, spec, runs):
    best, cpu, rss, size, code = measure(binary, spec, runs)
    print(json.dumps({"wall": best, "cpu": cpu, "rss_mb": rss, "bytes": size, "code": code}))


def row(binary, label, spec, ops, runs):
    out = subprocess.run([sys.executable, __file__, "--child", binary, spec, str(runs)],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    per_k = r["wall"] / ops * 1000 if ops else 0
    print(f"{label:<34} {ops:>7} {os.path.getsize(spec) / 1e6:>8.1f} {r['wall']:>8.2f} "
          f"{r['cpu']:>7.2f} {per_k:>9.3f} {r['rss_mb']:>8.0f} {r['bytes'] / 1e6:>9.1f} "
          f"{r['code']:>4}",
          flush=True)


def count_ops(spec):
    with open(spec, encoding="utf-8") as f:
        doc = json.load(f)
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return sum(1 for item in doc.get("paths", {}).values() if isinstance(item, dict)
               for m in item if m in methods)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("specs", nargs="*")
    args = ap.parse_intermixed_args()
    here = os.path.dirname(os.path.abspath(__file__))
    specs = list(args.specs)
    graph = os.path.join(here, "..", "..", "shared", "specs-large", "microsoft.com__graph.json")
    shared = os.environ.get("OPENAPI_TOOLS_SHARED")
    if shared:
        graph = os.path.join(shared, "specs-large", "microsoft.com__graph.json")
    if not specs and os.path.exists(graph):
        specs.append(graph)
    print(f"{'document':<34} {'ops':>7} {'MB in':>8} {'wall s':>8} {'cpu s':>7} {'ms/1k op':>9} "
          f"{'RSS MB':>8} {'MB out':>9} {'exit':>4}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",") if s):
            path = os.path.join(tmp, f"synthetic-{n}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(document(n), f)
            row(args.binary, f"synthetic {n} ops", path, n, args.runs)
    for spec in specs:
        row(args.binary, os.path.basename(spec), spec, count_ops(spec), 1)


if __name__ == "__main__":
    main()
