#!/usr/bin/env python3
"""Times the cascade's Monte Carlo (docs/cascade-monte-carlo.md): PATHS paths x ACCOUNTS
accounts, natively on one thread and on two, and under WebAssembly (node, one thread); checks
the outputs are the same bytes and prints the figures.

    bench/cascade_mc_bench.py MARGIN [MARGIN_JS] [--accounts 1000] [--paths 1000] [--skip-wasm]

The book (seed 28): the shipped example's market and account (BTC and ETH: perps, futures and
options), every size x U(0.2, 2) and cash U(50,000, 300,000) (the collateral dropped), every second account under pmrm2,
no collateral (the cascade does not sell it). Market mode, square-root impact on both
underlyings (k 0.02), the loss scale (no ADL); 5-day paths, daily vol BTC 5 %, ETH 6.5 %, correlation 0.8, Student t (5).
"""
import argparse
import copy
import hashlib
import json
import os
import random
import resource
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
    acct["cash"] = str(rng.randint(50000, 300000))
    for p in acct["positions"]:
        p["size"] = str(round(float(p["size"]) * rng.uniform(0.2, 2.0), 3))
    entry = {"account": acct}
    if i % 2 == 0:
        entry["params"] = "pmrm2"
    accounts.append(entry)
req = {"api_version": "1", "cascade": {
    "mode": "market", "market": market, "params": ex.get("params", "standard"), "accounts": accounts,
    "rule": {"buffer": "0.1", "reward": "0.02"}, "loss": {"adl": "none"},
    "liquidity": {"BTC": {"model": "sqrt", "depth": "500000000", "k": "0.02", "max_impact": "0.3"},
                  "ETH": {"model": "sqrt", "depth": "200000000", "k": "0.02", "max_impact": "0.3"}},
    "steps": "50",
    "monte_carlo": {"paths": str(a.paths), "seed": "28", "horizon": "5", "model": "student_t", "dof": "5",
                    "vol": {"BTC": "0.05", "ETH": "0.065"}, "correlation": {"BTC": {"ETH": "0.8"}}, "list": "100000"}}}
tmp = tempfile.mkdtemp(prefix="cascade_mc_bench_")
path = os.path.join(tmp, "req.json")
json.dump(req, open(path, "w"))
print(f"request: {path} ({os.path.getsize(path) / 1e6:.1f} MB), {a.accounts} accounts x {a.paths} paths", flush=True)


def timed(cmd):  # wall seconds, CPU seconds of the child (user + sys: on a loaded machine the better figure)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - t, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, out


runs = [("native, 1 thread", [a.margin, "cascade", path, "--compact"]),
        ("native, 2 threads", [a.margin, "cascade", path, "--compact", "--threads", "2"])]
if a.margin_js and not a.skip_wasm:
    runs.append(("WebAssembly (node), 1 thread", ["node", a.margin_js, "cascade", path, "--compact"]))
outs = []
for name, cmd in runs:
    s, cpu, out = timed(cmd)
    outs.append(out)
    print(f"{name}: {s:.1f} s wall, {cpu:.1f} s CPU  sha256 {hashlib.sha256(out).hexdigest()[:16]}", flush=True)
assert all(o == outs[0] for o in outs), "the outputs differ"
b = json.loads(outs[0])["cascade_monte_carlo"]
print("same bytes:", len(outs), "runs")
print(json.dumps(b["bad_debt"], indent=1))
steps = [p["steps"] for p in b["per_path"]]
print(f"steps per path: mean {sum(steps) / len(steps):.1f}, max {max(steps)}; liquidations per path: mean "
      f"{sum(p['liquidations'] for p in b['per_path']) / len(steps):.1f}")
