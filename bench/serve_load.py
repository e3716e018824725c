#!/usr/bin/env python3
"""A bounded load test of margin-serve on 127.0.0.1 (docs/service.md, "Figures"): concurrent
readers, writers and ticks for a fixed time against a generated book, every answer checked.

    serve_load.py MARGIN_SERVE [--accounts N] [--seconds S] [--readers R] [--writers W]
                  [--tick-every SECONDS] [--workdir DIR]

Readers (R threads, one kept-alive connection each) cycle through GET /accounts/{id}/margin,
GET /accounts/{id}, GET /accounts?health=below_im&limit=100 and GET /healthz; writers (W
threads) PUT accounts of the book again with their cash moved (200 replaced); a ticker POSTs
a tick every --tick-every seconds, the market moving both underlyings or BTC only; an /events
reader counts the events. Any answer other than the expected status, any exception, a
/margin that is not a response document, or a tick that loses events fails the run (exit 1).
Prints per kind: requests, per second, p50 / p99 / max latency in ms; ticks: accounts
re-margined, compute and persist times. The server is started with a rate limit high
enough not to refuse the test's own traffic, and stopped by PID."""
import http.client
import json
import os
import random
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "service"))
import gen_book  # noqa: E402
from common import Server, Stream  # noqa: E402


def opt(name, default, conv=int):
    return conv(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


serve_bin = sys.argv[1]
N = opt("--accounts", 2000)
SECONDS = opt("--seconds", 10.0, float)
READERS = opt("--readers", 4)
WRITERS = opt("--writers", 2)
TICK_EVERY = opt("--tick-every", 1.0, float)
work = opt("--workdir", "/tmp/serve-load", str)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

book = os.path.join(work, "book.jsonl")
gen_book.main.__globals__["sys"].argv = ["gen_book.py", str(N), book, "--seed", "17", "--legs", "8"]
gen_book.main()
lines = [json.loads(x) for x in open(book)]
ids = [x["id"] for x in lines]

t0 = time.time()
srv = Server(serve_bin, os.path.join(work, "load.db"), "--load", book, "--no-auth", "--rate", "1000000", "--burst", "1000000")
load_s = time.time() - t0
lat = {}  # kind -> [seconds]
errors = []
lock = threading.Lock()
stop = threading.Event()


def record(kind, dt):
    with lock:
        lat.setdefault(kind, []).append(dt)


def fail(what):
    with lock:
        errors.append(what)


def call(conn, method, path, body=None):
    data = None if body is None else json.dumps(body, separators=(",", ":"))
    t = time.perf_counter()
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    r = conn.getresponse()
    text = r.read()
    return r.status, text, time.perf_counter() - t


def reader(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    k = 0
    while not stop.is_set():
        k += 1
        try:
            a = rng.choice(ids)
            kind, path = [("margin", f"/accounts/{a}/margin"), ("account", f"/accounts/{a}"),
                          ("list", "/accounts?health=below_im&limit=100"), ("healthz", "/healthz")][k % 4]
            st, text, dt = call(conn, "GET", path)
            doc = json.loads(text)
            if st != 200 or (kind == "margin" and "result" not in doc and "error" not in doc):
                fail(f"GET {path}: {st} {text[:200]!r}")
            record(kind, dt)
        except Exception as e:  # noqa: BLE001 (every failure counts)
            fail(f"reader: {e!r}")
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)


def writer(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    while not stop.is_set():
        try:
            line = rng.choice(lines)
            req = json.loads(json.dumps(line["request"]))
            req.pop("market", None)
            cash = float(req["account"].get("cash", "0") or 0)
            req["account"]["cash"] = gen_book.dec(cash * rng.uniform(0.9, 1.1), 4)
            st, text, dt = call(conn, "PUT", f"/accounts/{line['id']}", req)
            if st != 200:
                fail(f"PUT {line['id']}: {st} {text[:200]!r}")
            record("put", dt)
        except Exception as e:  # noqa: BLE001
            fail(f"writer: {e!r}")
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)


ticks = []


def ticker():
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
    rng = random.Random(3)
    k = 0
    while not stop.is_set():
        k += 1
        which = ("BTC", "ETH") if k % 2 else ("BTC",)
        body = gen_book.tick(100000 * rng.uniform(0.85, 1.05), 3500 * rng.uniform(0.85, 1.05), gen_book.T0 + 60 * k, 0.0, which)
        try:
            st, text, dt = call(conn, "POST", "/ticks", body)
            if st != 200:
                fail(f"tick {k}: {st} {text[:200]!r}")
            else:
                ticks.append(json.loads(text))
            record("tick", dt)
        except Exception as e:  # noqa: BLE001
            fail(f"ticker: {e!r}")
        stop.wait(TICK_EVERY)


stream = Stream(srv)
threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
threads += [threading.Thread(target=writer, args=(100 + i,)) for i in range(WRITERS)]
threads.append(threading.Thread(target=ticker))
start = time.time()
for t in threads:
    t.start()
time.sleep(SECONDS)
stop.set()
for t in threads:
    t.join()
elapsed = time.time() - start
time.sleep(0.5)
tick_events = sum(t["events"] for t in ticks)
got_tick_events = sum(1 for e in stream.events if e[2]["cause"] == "tick")
if got_tick_events != tick_events:
    fail(f"events: ticks reported {tick_events}, the stream carried {got_tick_events}")
stream.close()
metrics = srv.request("GET", "/metrics")[1]
rc = srv.stop()
if rc != 0:
    fail(f"margin-serve exit status {rc}")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000


print(f"book: {N} accounts loaded in {load_s:.1f} s; {READERS} readers, {WRITERS} writers, a tick every {TICK_EVERY} s, {elapsed:.1f} s")
print(f"{'kind':8} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
for kind in ("margin", "account", "list", "healthz", "put", "tick"):
    xs = lat.get(kind, [])
    if xs:
        print(f"{kind:8} {len(xs):9d} {len(xs) / elapsed:8.1f} {pct(xs, 0.5):8.2f} {pct(xs, 0.99):8.2f} {max(xs) * 1000:8.2f}")
if ticks:
    acc = [t["accounts"] for t in ticks]
    print(f"ticks: {len(ticks)}, accounts re-margined {min(acc)}-{max(acc)}, compute p50 {pct([t['compute_us'] / 1e6 for t in ticks], 0.5):.0f} ms, "
          f"persist p50 {pct([t['persist_us'] / 1e6 for t in ticks], 0.5):.0f} ms; {tick_events} events, all streamed")
codes = [ln for ln in metrics.splitlines() if ln.startswith("margin_http_requests_total{")]
print("server's count by status:", ", ".join(c.split("{")[1].replace('"}', "").replace('code="', "") for c in codes))
if errors:
    print(f"{len(errors)} error(s), e.g.:", *errors[:5], sep="\n  ")
    sys.exit(1)
print("ok: no errors")
