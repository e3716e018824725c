#!/usr/bin/env python3
"""Times the cascade's Monte Carlo (docs/cascade.md "## Monte Carlo"): PATHS paths x ACCOUNTS
accounts, natively on one thread and on two, and under WebAssembly (node, one thread); checks
the outputs are the same bytes and prints the figures.

    bench/cascade_mc_bench.py MARGIN [MARGIN_JS] [--accounts 1000] [--paths 1000] [--skip-wasm]

The book (seed 28): the shipped example's market and account (BTC and ETH: perps, futures and
options), every size x U(0.2, 2) and cash U(-5,000, 60,000), every second account under pmrm2,
no collateral (the cascade does not sell it). Market mode, square-root impact on both
underlyings, ranked ADL; 5-day paths, daily vol BTC 4 %, ETH 5 %, correlation 0.8, Student t (5).
"""
import argparse
import copy
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("margin")
ap.add_argument("margin_js", nargs="?")
ap.add_argument("--accounts", type=int, default=1000)
ap.add_argument("--paths", type=int, default=1000)
ap.add_argument("--skip-wasm", action="store_true")
a = ap.parse_args()

ex = json.loads(subprocess.run([a.margin, "example"], capture_output=True, text=True, check=True).stdout)
rng = random.Random(28)
market = ex["market"]
market.pop("collateral", None)
accounts = []
for i in range(a.accounts):
    acct = copy.deepcopy(ex["account"])
    acct.pop("collateral", None)
    acct["cash"] = str(rng.randint(-5000, 60000))
    for p in acct["positions"]:
        p["size"] = str(round(float(p["size"]) * rng.uniform(0.2, 2.0), 3))
    entry = {"account": acct}
    if i % 2 == 0:
        entry["params"] = "pmrm2"
    accounts.append(entry)
req = {"api_version": "1", "cascade": {
    "mode": "market", "market": market, "params": ex.get("params", "standard"), "accounts": accounts,
    "rule": {"buffer": "0.1", "reward": "0.02"}, "loss": {"adl": "ranked"},
    "liquidity": {"BTC": {"model": "sqrt", "depth": "50000000", "k": "0.5", "max_impact": "0.3"},
                  "ETH": {"model": "sqrt", "depth": "20000000", "k": "0.5", "max_impact": "0.3"}},
    "steps": "50",
    "monte_carlo": {"paths": str(a.paths), "seed": "28", "horizon": "5", "model": "student_t", "dof": "5",
                    "vol": {"BTC": "0.04", "ETH": "0.05"}, "correlation": {"BTC": {"ETH": "0.8"}}, "list": "0"}}}
tmp = tempfile.mkdtemp(prefix="cascade_mc_bench_")
path = os.path.join(tmp, "req.json")
json.dump(req, open(path, "w"))
print(f"request: {path} ({os.path.getsize(path) / 1e6:.1f} MB), {a.accounts} accounts x {a.paths} paths", flush=True)


def timed(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    return time.perf_counter() - t, out


runs = [("native, 1 thread", [a.margin, "cascade", path, "--compact"]),
        ("native, 2 threads", [a.margin, "cascade", path, "--compact", "--threads", "2"])]
if a.margin_js and not a.skip_wasm:
    runs.append(("WebAssembly (node), 1 thread", ["node", a.margin_js, "cascade", path, "--compact"]))
outs = []
for name, cmd in runs:
    s, out = timed(cmd)
    outs.append(out)
    print(f"{name}: {s:.1f} s  sha256 {hashlib.sha256(out).hexdigest()[:16]}", flush=True)
assert all(o == outs[0] for o in outs), "the outputs differ"
b = json.loads(outs[0])["cascade_monte_carlo"]
print("same bytes:", len(outs), "runs")
print(json.dumps(b["bad_debt"], indent=1))
