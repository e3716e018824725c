#!/usr/bin/env python3
"""Times `margin stress-book` on 10,000 accounts x 50 scenarios (docs/stress.md §Book), on one
thread and on two, and checks the two outputs are the same bytes.

    bench/stress_book_bench.py MARGIN [ACCOUNTS]

The book: the shipped example account (6 positions, 4 options) with every size x U(0.2, 2) and
cash U(-5,000, 60,000), every second account under pmrm2 (seed 11). The set: the deribit set (35)
and 15 BTC falls of 10% .. 24% with vols x 1.3 and ETH derived by correlation 0.8.
"""
import copy
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

margin = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
here = os.path.dirname(os.path.abspath(__file__))
ex = json.loads(subprocess.run([margin, "example"], capture_output=True, text=True, check=True).stdout)
rng = random.Random(11)
tmp = tempfile.mkdtemp(prefix="stress_book_bench_")
with open(os.path.join(tmp, "book.jsonl"), "w") as f:
    for i in range(n):
        r = copy.deepcopy(ex)
        r["account"]["cash"] = str(rng.randint(-5000, 60000))
        for p in r["account"]["positions"]:
            p["size"] = str(round(float(p["size"]) * rng.uniform(0.2, 2.0), 3))
        if i % 2 == 0:
            r["params"] = "pmrm2"
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
d = json.load(open(os.path.join(here, "..", "core/api/stress/deribit.json")))
for k in range(15):
    d["scenarios"].append({"name": f"extra {k}", "underlyings": {"BTC": {"spot": f"-0.{k + 10}", "vol": {"relative": "0.3"}}},
                           "derived": {"ETH": {"lead": "BTC", "correlation": "0.8"}}})
json.dump(d, open(os.path.join(tmp, "set.json"), "w"))
outs = []
for threads in (1, 2):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run([margin, "stress-book", os.path.join(tmp, "book.jsonl"), "--scenarios", os.path.join(tmp, "set.json"),
                          "--insurance-fund", "1000000", "--threads", str(threads), "--compact"], capture_output=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    outs.append(out)
    print(f"{n} accounts x 50 scenarios, {threads} thread(s): {time.monotonic() - t0:.1f} s wall, "
          f"{after.ru_utime - before.ru_utime:.1f} s CPU (user)")
print("same bytes on 1 and 2 threads:", outs[0] == outs[1])
