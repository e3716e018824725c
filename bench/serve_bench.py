#!/usr/bin/env python3
"""margin-serve's figures (docs/service.md, "Figures"): a generated book of N accounts loaded
from JSONL, then TICKS ticks moving every underlying (each re-margins the whole book), and
ticks moving BTC only; per tick the service's own compute and persist times, and tick-to-event
latency (POST sent -> each event of that tick received on /events). Figures, not a test.

    python3 bench/serve_bench.py build/native/bin/margin-serve [--accounts 100000] [--legs 20]
        [--model pmrm2|standard|mixed] [--mark-vol] [--ticks 5] [--threads 2] [--work DIR]"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "service"))
import gen_book  # noqa: E402
from common import Server, Stream  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("serve")
ap.add_argument("--accounts", type=int, default=100000)
ap.add_argument("--legs", type=int, default=20)
ap.add_argument("--model", default="pmrm2")
ap.add_argument("--ticks", type=int, default=5)
ap.add_argument("--mark-vol", action="store_true")
ap.add_argument("--threads", default="2")
ap.add_argument("--work", default="build/serve-bench")
a = ap.parse_args()
os.makedirs(a.work, exist_ok=True)
book = os.path.join(a.work, f"book-{a.accounts}-{a.legs}-{a.model}{'-markvol' if a.mark_vol else ''}.jsonl")
if not os.path.exists(book):
    gen_book.main.__globals__["sys"].argv = ["gen_book.py", str(a.accounts), book, "--seed", "11", "--legs", str(a.legs), "--legs-exact", "--model", a.model] + (["--mark-vol"] if a.mark_vol else [])
    gen_book.main()
db = os.path.join(a.work, "bench.db")
for s in ("", "-wal", "-shm"):
    if os.path.exists(db + s):
        os.remove(db + s)
t0 = time.time()
srv = Server(a.serve, db, "--load", book, "--no-auth", "--rate", "1000000", "--burst", "1000000", "--threads", a.threads)
load_s = time.time() - t0
print(f"book: {a.accounts} accounts, {a.model}{' (options with mark vols)' if a.mark_vol else ' (options on SVI surfaces)'}, {a.legs} legs each; loaded (parse, validate, margin, commit) in {load_s:.1f} s")


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def cpu_s(pid):
    # utime + stime of the whole process (every thread), in seconds: the CPU a tick cost,
    # whatever else the machine runs at the time
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


print(f"service RSS after load: {rss_mib(srv.proc.pid):.0f} MiB")
try:
    for label, which in (("every underlying", ("BTC", "ETH")), ("BTC only", ("BTC",))):
        computes, persists, totals, lat = [], [], [], []
        for k in range(a.ticks):
            stream = Stream(srv)
            time.sleep(0.05)
            move = 0.9 if k % 2 == 0 else 1.1
            body = gen_book.tick(100000 * move, 3500 * move, gen_book.T0 + 60 * (k + 1) + (0 if which == ("BTC", "ETH") else 100000), 0, which)
            cpu0 = cpu_s(srv.proc.pid)
            sent = time.monotonic()
            st, j = srv.json("POST", "/ticks", body)
            done = time.monotonic()
            cpu = cpu_s(srv.proc.pid) - cpu0
            assert st == 200, j
            evs = stream.wait_for(j["events"], timeout=30)
            stream.close()
            lat += [(e[0] - sent) * 1000 for e in evs if e[2].get("tick") == j["tick"]]
            computes.append(j["compute_us"] / 1e6)
            persists.append(j["persist_us"] / 1e6)
            totals.append(done - sent)
            print(f"  tick {j['tick']} ({label}): {j['accounts']} accounts re-margined in {j['compute_us'] / 1e3:.0f} ms "
                  f"({j['accounts'] / (j['compute_us'] / 1e6):,.0f}/s), persisted in {j['persist_us'] / 1e3:.0f} ms, "
                  f"answered after {1000 * (done - sent):.0f} ms, {j['events']} events; "
                  f"service CPU {cpu:.1f} s = {1e6 * cpu / j['accounts']:.0f} CPU-us per account")
        med = statistics.median
        lat.sort()
        p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]) if lat else (lambda q: float("nan"))
        print(f"{label}: median compute {1000 * med(computes):.0f} ms, persist {1000 * med(persists):.0f} ms, tick answered {1000 * med(totals):.0f} ms; "
              f"tick-to-event latency over {len(lat)} events: p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")
    # HTTP reads: GET /accounts/{id}/margin, one client, keep-alive off (urllib)
    n, t = 300, time.time()
    for i in range(n):
        srv.request("GET", f"/accounts/a{i * 7 % a.accounts}/margin")
    print(f"GET /accounts/ID/margin (one client, a new connection each): {n / (time.time() - t):.0f}/s")
    print(f"service RSS at the end: {rss_mib(srv.proc.pid):.0f} MiB")
finally:
    srv.stop()
