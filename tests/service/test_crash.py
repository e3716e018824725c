#!/usr/bin/env python3
"""Crash safety of margin-serve (docs/service.md, "Crash safety"): writers and a ticker run
against the service while it is killed with SIGKILL at a random moment, KILLS times. After
each kill the database (read directly with sqlite3) and then the restarted service are compared
with a model of the writes the service acknowledged:

- every acknowledged PUT or DELETE is there; an unacknowledged one (in flight at the kill)
  is there in full or not at all;
- the market is the last acknowledged tick's or the in-flight one's, never a mix: both
  underlyings and every result of the book's accounts carry that one tick;
- the restarted service's figures equal the stored results (nothing half applied).

    test_crash.py MARGIN_SERVE WORKDIR [KILLS]"""
import json
import os
import random
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_book  # noqa: E402
from common import Server  # noqa: E402

serve_bin, work = sys.argv[1], sys.argv[2]
kills = int(sys.argv[3]) if len(sys.argv) > 3 else 20
os.makedirs(work, exist_ok=True)
rng = random.Random(int(os.environ.get("SEED", "29")))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


t0 = time.time()
book = os.path.join(work, "crash-book.jsonl")
gen_book.main.__globals__["sys"].argv = ["gen_book.py", "150", book, "--seed", "3", "--legs", "12"]
gen_book.main()
db = os.path.join(work, "crash.db")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(db + suffix):
        os.remove(db + suffix)
N_BOOK = 150
W_IDS = [f"w{i}" for i in range(20)]

acked = {}  # id -> last acknowledged cash ("" = deleted)
inflight = {}  # id -> cash being written ("" = delete) when the kill came
acked_tick = 0  # k of the last acknowledged tick (0: none)
inflight_tick = None
tick_k = 0
counter = 0


def writer(srv, stop):
    global counter
    while not stop.is_set():
        i = rng.choice(W_IDS)
        counter += 1
        if rng.random() < 0.15 and acked.get(i):
            inflight[i] = ""
            try:
                st, _ = srv.request("DELETE", f"/accounts/{i}")
            except Exception:
                return
            if st == 200:
                acked[i] = ""
        else:
            cash = str(counter)
            inflight[i] = cash
            try:
                st, _ = srv.request("PUT", f"/accounts/{i}", {"api_version": "1", "account": {"cash": cash}})
            except Exception:
                return
            if st in (200, 201):
                acked[i] = cash
        inflight.pop(i, None)


def ticker(srv, stop):
    global tick_k, acked_tick, inflight_tick
    while not stop.is_set():
        tick_k += 1
        k = tick_k
        inflight_tick = k
        try:
            st, _ = srv.request("POST", "/ticks", gen_book.tick(90000 + k, 3000 + k, gen_book.T0 + 60 * k))
        except Exception:
            return
        if st == 200:
            acked_tick = k
        inflight_tick = None


def db_state():
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    accounts = {i: json.loads(r) for i, r in con.execute("SELECT id, request FROM accounts")}
    market = {(k, s): (json.loads(j), t) for k, s, j, t in con.execute("SELECT kind, symbol, snapshot, tick FROM market")}
    results = {r[0]: r for r in con.execute("SELECT account, tick, state, equity, initial_margin, maintenance_margin FROM results")}
    ticks = list(con.execute("SELECT id, accounts FROM ticks ORDER BY id DESC LIMIT 1"))
    con.close()
    return accounts, market, results, ticks


mid_tick = 0
for n in range(kills + 1):
    srv = Server(serve_bin, db, "--no-auth", *(["--load", book] if n == 0 else []))
    # After a restart: the service shows what the database holds.
    accounts, market, results, ticks = db_state()
    for i in W_IDS:
        st, body = srv.request("GET", f"/accounts/{i}")
        want = accounts.get(i)
        check((st == 404 and want is None) or (st == 200 and json.loads(body) == want), f"restart {n}: account {i} differs from the database")
    st, lst = srv.json("GET", "/accounts?limit=100000")
    for a in lst["accounts"]:
        r = results.get(a["id"])
        check(r is not None and (r[3], r[4], r[5]) == (a.get("equity"), a.get("initial_margin"), a.get("maintenance_margin")),
              f"restart {n}: account {a['id']}: figures differ from the stored result")
    if n == kills:
        check(srv.stop() == 0, "final SIGTERM")
        break
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(srv, stop)), threading.Thread(target=ticker, args=(srv, stop))]
    for t in threads:
        t.start()
    time.sleep(rng.uniform(0.05, 0.6))
    was_ticking = inflight_tick is not None
    srv.kill9()
    stop.set()
    for t in threads:
        t.join()
    mid_tick += was_ticking

    accounts, market, results, ticks = db_state()
    for i in W_IDS:
        have = accounts.get(i, {}).get("account", {}).get("cash", "") if i in accounts else ""
        allowed = {acked.get(i, "")}
        if i in inflight:
            allowed.add(inflight[i])
        check(have in allowed, f"kill {n + 1}: account {i} holds {have!r}, acknowledged {acked.get(i)!r}, in flight {inflight.get(i)!r}")
        acked[i] = have  # what the next round starts from (an in-flight write may have landed)
    inflight.clear()
    btc, eth = market[("underlying", "BTC")], market[("underlying", "ETH")]
    k_btc = round(float(btc[0]["spot"])) - 90000
    k_eth = round(float(eth[0]["spot"])) - 3000
    if acked_tick or inflight_tick:
        allowed = {acked_tick} | ({inflight_tick} if inflight_tick else set())
        check(k_btc in allowed, f"kill {n + 1}: market at tick k={k_btc}, acknowledged {acked_tick}, in flight {inflight_tick}")
        check(k_btc == k_eth and btc[1] == eth[1], f"kill {n + 1}: BTC and ETH from different ticks ({k_btc}, {k_eth})")
        tick_id = btc[1]
        check(ticks and ticks[0][0] == tick_id and ticks[0][1] == N_BOOK, f"kill {n + 1}: tick row {ticks} for market tick {tick_id}")
        book_results = [r for a, r in results.items() if a.startswith("a")]
        check(len(book_results) == N_BOOK and all(r[1] == tick_id for r in book_results),
              f"kill {n + 1}: results of the book not all from tick {tick_id}")
        acked_tick = k_btc
    inflight_tick = None
    tick_k = max(tick_k, acked_tick)

print(f"crash: {kills} kills ({mid_tick} with a tick in flight), {tick_k} ticks and {counter} writes attempted, "
      f"{len(failures)} failures, {time.time() - t0:.1f} s")
sys.exit(1 if failures else 0)
