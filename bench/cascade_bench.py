#!/usr/bin/env python3
"""Times `margin cascade` on 10,000 accounts x 50 steps (docs/cascade.md §Speed), house mode and
market mode, natively on one thread and on two and under WebAssembly (node, one thread), and checks
every run gives the same bytes.

    bench/cascade_bench.py MARGIN [--wasm "node build/wasm/bin/margin.js"] [--accounts N] [--steps N]

The book: tests/core/gen_cascade_requests.py's generator (seed 28; a perp on BTC, sometimes a future,
a short put and a long call, leverage 2x .. 40x) under pmrm2. House mode: 50 oracle pushes of
-0.4 % each (BTC 100,000 -> 80,000) with two cash-rich liquidators, so every push is a step.
Market mode: cash 8 % .. 50 % of the perp's notional (seed 3), a -2 % shock, linear impact (depth
2e6 x accounts, k 3, max_impact 0.3), ranked ADL, liquidations of at most 5 % of an account
(max_fraction 0.05), so the same accounts are liquidated step after step while each step's flow
pushes the price further: 50 steps (the cap) on 1,000 and on 10,000 accounts. Wall time and user CPU per run; per
account-step = wall / (accounts x steps run).
"""
import argparse
import copy
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "core"))
import gen_cascade_requests as gen  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("margin")
ap.add_argument("--wasm", default="", help='the WebAssembly CLI, e.g. "node build/wasm/bin/margin.js"')
ap.add_argument("--accounts", type=int, default=10000)
ap.add_argument("--steps", type=int, default=50)
ap.add_argument("--skip-native", action="store_true", help="only the WebAssembly runs (compared with a native one-thread run)")
a = ap.parse_args()


def moved(m, bp):
    """The market with BTC's spot and perp mark moved by bp basis points (floor)."""
    m = copy.deepcopy(m)
    u = m["underlyings"]["BTC"]
    u["spot"] = u["perp_mark"] = str(gen.SPOT["BTC"] * (10000 + bp) // 10000)
    return m


def house():
    r = gen.house_request(n=a.accounts - 2, path=(0,), seed=28)
    base = r["cascade"]["market"]
    path = []
    for s in range(1, a.steps + 1):
        m = moved(base, -40 * s)
        m["timestamp"] = str(gen.TS + 60 * s)  # a push a minute (before any expiry held)
        path.append(m)
    r["cascade"]["shock"] = {"path": path}
    r["cascade"]["steps"] = str(a.steps)
    return r


def market():
    r = gen.market_request(n=a.accounts, loss="ranked", model="linear", shock=-2, seed=28, steps=a.steps, fund="1000000")
    rng = random.Random(3)
    for acc in r["cascade"]["accounts"]:  # cash 8 % .. 50 % of the perp's notional: thresholds spread out
        x = acc["account"]
        notional = sum(abs(Fraction(p["size"])) * gen.SPOT["BTC"] for p in x["positions"] if p["type"] == "perp")
        x["cash"] = str(int(notional * Fraction(rng.randint(80, 500), 1000)) + 1)
    r["cascade"]["rule"]["max_fraction"] = "0.05"
    r["cascade"]["liquidity"]["BTC"] = {"model": "linear", "depth": str(2000000 * a.accounts), "k": "3", "max_impact": "0.3"}
    return r


def run(cmd, path, threads):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(cmd + ["cascade", path, "--compact", "--threads", str(threads)], capture_output=True, check=True).stdout
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, wall, after.ru_utime - before.ru_utime


tmp = tempfile.mkdtemp(prefix="cascade_bench_")
ok = True
for name, build in (("house", house), ("market", market)):
    path = os.path.join(tmp, f"{name}.json")
    json.dump(build(), open(path, "w"), separators=(",", ":"))
    runs = [("native", a.margin.split(), 1)] + ([] if a.skip_native else [("native", a.margin.split(), 2)])
    if a.wasm:
        runs.append(("wasm", a.wasm.split(), 1))
    first = None
    for target, cmd, threads in runs:
        out, wall, cpu = run(cmd, path, threads)
        c = json.loads(out)["cascade"]
        steps, liq = c["total"]["steps_run"], c["total"]["liquidations"]
        first = first or out
        same = out == first
        ok &= same
        print(f"{name} mode, {a.accounts} accounts, {steps} steps ({liq} liquidations, capped {c['total']['capped']}), "
              f"{target} {threads} thread(s): {wall:.2f} s wall, {cpu:.2f} s CPU (user), "
              f"{wall * 1e6 / (a.accounts * max(steps, 1)):.1f} us per account-step; log_hash {c['log_hash'][:18]}... "
              f"{'same bytes' if same else 'DIFFERENT BYTES'}", flush=True)
print("every run the same bytes:", ok)
sys.exit(0 if ok else 1)
