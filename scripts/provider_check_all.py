#!/usr/bin/env python3
"""Render every given spec for all five providers and check the result with
../shared/tools/provider_check.py, at most 128 tools per request (as a request would carry them).

usage: provider_check_all.py --cli PATH/TO/openapi-tools [--checker provider_check.py] SPEC...

Each spec is rendered twice: once plain (all five providers) and once with --anthropic-strict
(Anthropic only, checked with strict rules). A spec the CLI cannot load counts as failed.
Prints one line per spec and closes with `provider-check: N passed, M failed`.
"""
from __future__ import annotations

import argparse
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--checker", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                       "shared", "tools", "provider_check.py"))
    ap.add_argument("specs", nargs="+")
    a = ap.parse_args()
    checker = load_checker(a.checker)
    passed = failed = 0
    total_tools = total_violations = 0
    with tempfile.TemporaryDirectory() as tmp:
        for spec in a.specs:
            name = os.path.basename(spec)
            plain = render(a.cli, spec, ["--provider", "all"])
            strict = render(a.cli, spec, ["--provider", "anthropic", "--anthropic-strict"])
            if plain is None or strict is None:
                print(f"FAIL {name}: the CLI could not render it")
                failed += 1
                continue
            n1, e1 = check(checker, plain, False, None, tmp)
            n2, e2 = check(checker, {"anthropic": strict}, False, "anthropic", tmp)
            errors = e1 + e2
            total_tools += n1 + n2
            total_violations += len(errors)
            tools = len(plain.get("mcp", []))
            if errors:
                failed += 1
                print(f"FAIL {name}: {tools} tools, {len(errors)} violations")
                for e in errors[:15]:
                    print(f"  [{e['provider']}] {e['tool']}: {e['rule']}: {e['message']}")
            else:
                passed += 1
                print(f"ok   {name}: {tools} tools, {n1 + n2} provider schemas, 0 violations")
    print(f"{total_tools} checked, {total_violations} violations")
    print(f"provider-check: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
