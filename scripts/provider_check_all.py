#!/usr/bin/env python3
"""Render every given spec for all five providers and check the result with
../shared/tools/provider_check.py, at most 128 tools per request (as a request would carry them).

usage: provider_check_all.py --cli PATH/TO/openapi-tools [--checker provider_check.py]
                             [--schemas-arg ARG]... SPEC...

Each spec is rendered twice: once plain (all five providers) and once with --anthropic-strict
(Anthropic only, checked with strict rules). A spec the CLI cannot load counts as failed.
Prints one line per spec and closes with `provider-check: N passed, M failed`.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile

CHUNK = 128


def load_checker(path: str):
    spec = importlib.util.spec_from_file_location("provider_check", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def render(cli: str, spec: str, extra: list[str]) -> dict | None:
    proc = subprocess.run([cli, "schemas", spec, *extra], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr[-4000:])
        return None
    return json.loads(proc.stdout)


def check(checker, data: dict, strict: bool, only: str | None, tmp: str) -> tuple[int, list[dict]]:
    """Checks `data` chunk by chunk; returns (tools checked, error findings)."""
    longest = max((len(v) for v in data.values()), default=0)
    checked, errors = 0, []
    for start in range(0, max(longest, 1), CHUNK):
        chunk = {k: v[start:start + CHUNK] for k, v in data.items() if v[start:start + CHUNK]}
        if not chunk:
            continue
        src, rep = os.path.join(tmp, "tools.json"), os.path.join(tmp, "report.json")
        with open(src, "w") as f:
            json.dump(chunk, f)
        argv = [src, "--quiet", "--json-report", rep]
        if strict:
            argv.append("--assume-strict")
        if only:
            argv += ["--only", only]
        with contextlib.redirect_stdout(io.StringIO()):
            checker.main(argv)
        with open(rep) as f:
            report = json.load(f)
        checked += report["checked"]
        errors += [i for i in report["findings"] if i["severity"] == "error"]
    return checked, errors


def check_spec(cli: str, checker_path: str, spec: str, extra: list[str]) -> tuple[bool, int, int, str]:
    """Renders and checks one spec; returns (passed, schemas checked, violations, report text)."""
    checker = load_checker(checker_path)
    name = os.path.basename(spec)
    plain = render(cli, spec, ["--provider", "all", *extra])
    strict = render(cli, spec, ["--provider", "anthropic", "--anthropic-strict", *extra])
    if plain is None or strict is None:
        return False, 0, 0, f"FAIL {name}: the CLI could not render it"
    with tempfile.TemporaryDirectory() as tmp:
        n1, e1 = check(checker, plain, False, None, tmp)
        # Strict rules apply where a tool says `strict: true` (the renderer keeps a set within
        # Anthropic's per-request strict budget and leaves the rest non-strict).
        n2, e2 = check(checker, {"anthropic": strict}, False, "anthropic", tmp)
    errors = e1 + e2
    tools = len(plain.get("mcp", []))
    if errors:
        lines = [f"FAIL {name}: {tools} tools, {len(errors)} violations"]
        lines += [f"  [{e['provider']}] {e['tool']}: {e['rule']}: {e['message']}" for e in errors[:15]]
        return False, n1 + n2, len(errors), "\n".join(lines)
    return True, n1 + n2, 0, f"ok   {name}: {tools} tools, {n1 + n2} provider schemas, 0 violations"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--checker", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                       "shared", "tools", "provider_check.py"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--schemas-arg", action="append", default=[],
                    help="an extra argument for `schemas` (e.g. --think-augment), repeatable")
    ap.add_argument("specs", nargs="+")
    a = ap.parse_args()
    passed = failed = total_tools = total_violations = 0
    # Specs are independent: check them in parallel, print in the order given.
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futures = [pool.submit(check_spec, a.cli, a.checker, spec, a.schemas_arg) for spec in a.specs]
        for fut in futures:
            ok, checked, violations, text = fut.result()
            print(text, flush=True)
            passed += ok
            failed += not ok
            total_tools += checked
            total_violations += violations
    print(f"{total_tools} checked, {total_violations} violations")
    print(f"provider-check: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
