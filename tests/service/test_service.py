#!/usr/bin/env python3
"""margin-serve end to end (docs/service.md), on 127.0.0.1:

1. a generated book (mixed standard and pmrm2 accounts) loaded from JSONL; after ticks, every
   account's GET /accounts/{id}/margin equals `margin compute --compact` (through `margin
   batch`) on GET /accounts/{id}/request byte for byte, and the tick's summaries carry the
   same decimal strings;
2. the /events stream sees exactly the standing changes the listings show, with their tick;
3. writes without the token, an oversized body, an unknown account or route, the rate limit:
   refused with the API's codes; SIGTERM stops the service with status 0.

    test_service.py MARGIN_SERVE MARGIN WORKDIR"""
import datetime
import json
import os
import random
import subprocess
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_book  # noqa: E402
from common import Server, Stream, listing  # noqa: E402

serve_bin, margin_bin, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def synthetic_history(spot, seed, days=400):
    """A daily close series as CSV (invented, not market data), ending before the book's market."""
    rng = random.Random(seed)
    d, x, rows = datetime.date(2025, 1, 1), spot, ["date,close"]
    for _ in range(days):
        rows.append(f"{d.isoformat()},{x:.2f}")
        d += datetime.timedelta(days=1)
        x *= 1 + rng.gauss(0, 0.03)
    return "\n".join(rows) + "\n"


def compare_with_cli(srv, ids, tag):
    reqs = [srv.request("GET", f"/accounts/{i}/request")[1] for i in ids]
    inp, outp = os.path.join(work, f"{tag}.in.jsonl"), os.path.join(work, f"{tag}.out.jsonl")
    with open(inp, "w") as f:
        f.write("".join(r + "\n" for r in reqs))
    subprocess.run([margin_bin, "batch", inp, outp], check=False)
    cli = open(outp).read().split("\n")
    summaries = listing(srv)
    same = 0
    for k, i in enumerate(ids):
        st, got = srv.request("GET", f"/accounts/{i}/margin")
        check(got == cli[k], f"{tag}: account {i}: service margin differs from margin compute")
        doc = json.loads(cli[k])
        s = summaries[i]
        if "result" in doc:
            r = doc["result"]
            for f in ("equity", "margin_balance", "initial_margin", "maintenance_margin", "free_collateral", "health", "liquidatable"):
                check(s.get(f) == r[f], f"{tag}: account {i}: summary {f} {s.get(f)} != {r[f]}")
        else:
            check(s["state"] == "error" and s["error"]["code"] == doc["error"]["code"], f"{tag}: account {i}: error summary")
        same += got == cli[k]
    return same


t0 = time.time()
book = os.path.join(work, "book.jsonl")
gen_book.main.__globals__["sys"].argv = ["gen_book.py", "400", book, "--seed", "7", "--legs", "12"]
gen_book.main()
db = os.path.join(work, "service.db")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(db + suffix):
        os.remove(db + suffix)
token = "test-token-" + str(os.getpid())
srv = Server(serve_bin, db, "--load", book, token=token)
try:
    ids = sorted(listing(srv).keys())
    check(len(ids) == 400, f"loaded {len(ids)} accounts, want 400")

    # 1. byte for byte, at load and after ticks (one moving both underlyings, one BTC only).
    n = compare_with_cli(srv, ids, "load")
    print(f"load: {n}/{len(ids)} accounts byte-identical to margin compute")
    stream = Stream(srv)
    before = listing(srv)
    st, t1 = srv.json("POST", "/ticks", gen_book.tick(93000, 3300, gen_book.T0 + 3600, 0.002))
    check(st == 200 and t1["tick"] == 1 and t1["accounts"] == 400, f"tick 1: {st} {t1}")
    mid = listing(srv)
    st, t2 = srv.json("POST", "/ticks", gen_book.tick(103000, 3300, gen_book.T0 + 7200, 0.0, which=("BTC",)))
    check(st == 200 and t2["tick"] == 2, f"tick 2: {st} {t2}")
    after = listing(srv)
    moved = [i for i in ids if after[i]["tick"] == 2]
    stayed = [i for i in ids if after[i]["tick"] == 1]
    check(len(moved) + len(stayed) == 400 and 0 < len(moved) < 400, f"tick 2 (BTC only) re-margined {len(moved)} accounts")
    check(t2["accounts"] == len(moved), f"tick 2 reports {t2['accounts']} accounts, listing shows {len(moved)}")
    n = compare_with_cli(srv, ids, "ticks")
    print(f"after 2 ticks: {n}/{len(ids)} accounts byte-identical to margin compute ({len(moved)} re-margined by the BTC tick)")

    # 2. the stream: one event per standing change, with the tick that caused it.
    expected = []
    for tick_id, (a, b) in ((1, (before, mid)), (2, (mid, after))):
        for i in ids:
            if a[i]["state"] != b[i]["state"]:
                expected.append((tick_id, i, a[i]["state"], b[i]["state"]))
    evs = stream.wait_for(len(expected), timeout=10)
    time.sleep(0.3)
    got = [(e[2]["tick"], e[2]["account"], e[2]["from"], e[2]["to"]) for e in stream.events]
    check(sorted(got) == sorted(expected), f"events: got {len(got)}, expected {len(expected)}")
    kinds = {"below_im": "margin_call", "below_mm": "liquidation_warning", "ok": "recovery", "error": "error"}
    check(all(e[1] == kinds[e[2]["to"]] for e in stream.events), "event names follow the new standing")
    print(f"events: {len(got)} standing changes streamed over 2 ticks, as the listings show "
          f"({sum(1 for e in got if e[3] == 'below_mm')} liquidation warnings, {sum(1 for e in got if e[3] == 'below_im')} margin calls, "
          f"{sum(1 for e in got if e[3] == 'ok')} recoveries)")
    stream.close()

    # a crash tick drives accounts under; a recovery tick brings them back, each event once.
    stream = Stream(srv)
    base = listing(srv)
    srv.json("POST", "/ticks", gen_book.tick(60000, 2000, gen_book.T0 + 10800))
    crash = listing(srv)
    srv.json("POST", "/ticks", gen_book.tick(100000, 3500, gen_book.T0 + 14400))
    back = listing(srv)
    exp = [(3, i, base[i]["state"], crash[i]["state"]) for i in ids if base[i]["state"] != crash[i]["state"]]
    exp += [(4, i, crash[i]["state"], back[i]["state"]) for i in ids if crash[i]["state"] != back[i]["state"]]
    stream.wait_for(len(exp), timeout=10)
    time.sleep(0.3)
    got = [(e[2]["tick"], e[2]["account"], e[2]["from"], e[2]["to"]) for e in stream.events]
    check(sorted(got) == sorted(exp) and len(exp) > 0, f"crash/recovery events: got {len(got)}, expected {len(exp)}")
    check(any(e[3] == "ok" for e in exp), "the recovery tick gives recoveries")
    print(f"crash and recovery ticks: {len(got)} events, as expected")
    last_id = max(stream.ids)
    stream.close()

    st, text = srv.request("GET", "/metrics")
    check(st == 200 and "margin_ticks_total 4" in text and "margin_tick_seconds_bucket" in text, "metrics text")

    # 2b. book risk: the accounts below IM as one portfolio, through the API's risk door.
    H = {"BTC": synthetic_history(100000, 1), "ETH": synthetic_history(3500, 2)}
    st, j = srv.json("POST", "/risk", {"health": "below_im", "history": H, "risk": {"lookback_days": "250"}, "include_request": True})
    chosen = [i for i, a in listing(srv).items() if a["state"] in ("below_im", "below_mm")]
    check(st == 200 and j["accounts"] == len(chosen) > 0, f"book risk of the accounts below IM: {st} {str(j)[:300]}")
    if st == 200:
        req = dict(j["request"], history=H)
        rin = os.path.join(work, "risk.json")
        with open(rin, "w") as f:
            json.dump(req, f)
        cli = subprocess.run([margin_bin, "var", rin, "--compact"], capture_output=True, text=True)
        check(json.loads(cli.stdout) == j["result"], "book risk: the result is `margin var` on the portfolio it reports")
        # the portfolio is the chosen accounts added up: sizes per instrument, cash, collateral
        want_pos, want_cash, want_coll = {}, Decimal(0), {}
        for i in chosen:
            a = json.loads(srv.request("GET", f"/accounts/{i}")[1])["account"]
            want_cash += Decimal(a.get("cash", "0"))
            for k, v in a.get("collateral", {}).items():
                want_coll[k] = want_coll.get(k, Decimal(0)) + Decimal(v)
            for p in a.get("positions", []):
                key = tuple(p.get(f, "") for f in ("type", "underlying", "expiry", "option_type", "strike"))
                want_pos[key] = want_pos.get(key, Decimal(0)) + Decimal(p["size"])
        got = j["request"]["account"]
        got_pos = {tuple(p.get(f, "") for f in ("type", "underlying", "expiry", "option_type", "strike")): Decimal(p["size"]) for p in got["positions"]}
        check(got_pos == {k: v for k, v in want_pos.items() if v != 0}, "book risk: each instrument once, the accounts' sizes added")
        check(Decimal(got["cash"]) == want_cash and {k: Decimal(v) for k, v in got.get("collateral", {}).items()} == want_coll,
              "book risk: cash and collateral added")
        r = j["result"]["risk"]
        print(f"book risk: {j['accounts']} accounts below IM as {j['positions']} positions: VaR {r['var']}, ES {r['es']} "
              f"(historical, 250 days), equal to margin var on that portfolio")
    st, j = srv.json("POST", "/risk", {"risk": {}})
    check(st == 400 and j["error"]["code"] == "MISSING_FIELD" and j["error"]["path"] == "/history", f"book risk without history: {j}")
    st, j = srv.json("POST", "/risk", {"accounts": ["nobody"], "history": H})
    check(st == 404 and j["error"]["code"] == "UNKNOWN_ACCOUNT", f"book risk of an unknown account: {j}")
    st, j = srv.json("POST", "/risk", {"accounts": [ids[0]], "history": {"ETH": H["ETH"]}, "risk": {"lookback_days": "250"}})
    check(st == 400 and "error" in j, f"book risk with a history missing: {st} {str(j)[:200]}")

    # 2c. book stress: `margin stress-book` over the selected accounts' requests, byte for byte.
    t_stress = time.time()
    def stress_book(body, cli_args, tag):
        st, text = srv.request("POST", "/stress", body)
        check(st == 200, f"book stress {tag}: {st} {text[:300]}")
        if st != 200:
            return None
        sel = json.loads(text)["accounts"]
        prefix = '{"accounts":' + json.dumps(sel, separators=(",", ":")) + ',"result":'
        inp = os.path.join(work, f"stress-{tag}.jsonl")
        with open(inp, "w") as f:
            f.write("".join(srv.request("GET", f"/accounts/{i}/request")[1] + "\n" for i in sel))
        cli = subprocess.run([margin_bin, "stress-book", inp, "--compact"] + cli_args, capture_output=True, text=True)
        check(cli.returncode == 0 and text.startswith(prefix) and text[len(prefix):-1] == cli.stdout.rstrip("\n") and text.endswith("}"),
              f"book stress {tag}: the result is margin stress-book on the accounts' requests, byte for byte")
        return sel, text[len(prefix):-1]

    below = sorted(i for i, a in listing(srv).items() if a["state"] == "below_mm")
    got = stress_book({"scenarios": "deribit", "accounts": below[:25], "insurance_fund": "1000", "top": "5"},
                      ["--scenarios", "deribit", "--insurance-fund", "1000", "--top", "5"], "deribit")
    if got:
        r = json.loads(got[1])["stress_book"]
        print(f"book stress: {r['accounts']} accounts below MM x {len(r['scenarios'])} deribit scenarios: worst {r['worst']['name']}, "
              f"shortfall {r['worst']['shortfall']}; byte-identical to margin stress-book")
    doc = {"version": "stress/1", "scenarios": [
        {"name": "BTC -40%, vols x1.5", "underlyings": {"BTC": {"spot": "-0.4", "vol": {"relative": "0.5"}}}},
        {"name": "ETH +25%", "underlyings": {"ETH": {"spot": "0.25"}}}]}
    with open(os.path.join(work, "stress-doc.json"), "w") as f:
        json.dump(doc, f)
    got = stress_book({"scenarios": doc, "health": "below_mm"}, ["--scenarios", os.path.join(work, "stress-doc.json")], "health")
    if got:
        check(got[0] == below, "book stress: health below_mm selects the accounts below MM, by id")
    listed = [ids[7], ids[3], ids[200], ids[3], ids[399]]
    got = stress_book({"scenarios": doc, "accounts": listed}, ["--scenarios", os.path.join(work, "stress-doc.json")], "doc")
    if got:
        check(got[0] == [ids[7], ids[3], ids[200], ids[399]], "book stress: listed accounts in their order, each once")
    got = stress_book({"scenarios": "textbook"}, ["--scenarios", "textbook"], "all")
    if got:
        check(len(got[0]) == len(ids), "book stress: every account without a filter")
        # the comparison bites: another insurance fund gives other bytes
        cli = subprocess.run([margin_bin, "stress-book", os.path.join(work, "stress-all.jsonl"), "--compact", "--scenarios", "textbook",
                              "--insurance-fund", "0.000000000000000001"], capture_output=True, text=True)
        check(cli.returncode == 0 and cli.stdout.rstrip("\n") != got[1], "book stress: a different insurance fund is told apart")
    for body, code, path, status in (({"health": "below_im"}, "MISSING_FIELD", "/scenarios", 400),
                                     ({"scenarios": "nope"}, None, None, 400),
                                     ({"scenarios": {"version": "stress/1", "scenarios": [{"name": "x", "bogus": "1"}]}}, "UNKNOWN_FIELD",
                                      "/scenarios/scenarios/0/bogus", 400),
                                     ({"scenarios": "textbook", "top": "101"}, "BAD_COUNT", "/top", 400),  # the CLI's reader
                                     ({"scenarios": "textbook", "top": "007"}, "BAD_COUNT", "/top", 400),
                                     ({"scenarios": "textbook", "insurance_fund": "-1"}, "OUT_OF_RANGE", "/insurance_fund", 400),
                                     ({"scenarios": "textbook", "accounts": ["nobody"]}, "UNKNOWN_ACCOUNT", "/accounts/0", 404),
                                     ({"scenarios": "textbook", "extra": 1}, "UNKNOWN_FIELD", "/extra", 400)):
        st, j = srv.json("POST", "/stress", body)
        check(st == status and "error" in j and (code is None or (j["error"]["code"] == code and j["error"]["path"] == path)),
              f"book stress refused {body}: {st} {j}")
    # one account under a shipped set, and its reverse stress: the API's stress door on its request
    for i in (ids[0], below[0] if below else ids[1]):
        req = json.loads(srv.request("GET", f"/accounts/{i}/request")[1])
        rin = os.path.join(work, "stress-one.json")
        with open(rin, "w") as f:
            json.dump(req, f)
        st, text = srv.request("GET", f"/accounts/{i}/stress?set=textbook")
        cli = subprocess.run([margin_bin, "stress", rin, "--scenarios", "textbook", "--compact"], capture_output=True, text=True)
        check(st == 200 and text == cli.stdout.rstrip("\n"), f"account {i} stress: margin stress --scenarios textbook, byte for byte")
        st, text = srv.request("GET", f"/accounts/{i}/reverse_stress")
        cli = subprocess.run([margin_bin, "reverse-stress", rin, "--compact"], capture_output=True, text=True)
        check(st == 200 and text == cli.stdout.rstrip("\n"), f"account {i} reverse stress: margin reverse-stress, byte for byte")
    st, j = srv.json("GET", f"/accounts/{ids[0]}/stress?set=Bad!")
    check(st == 400 and j["error"]["code"] == "BAD_ENUM" and j["error"]["path"] == "/set", f"account stress of a bad set name: {j}")
    print(f"account stress and reverse stress: byte-identical to margin stress and margin reverse-stress "
          f"(stress checks {time.time() - t_stress:.1f} s)")

    # 3. refusals with the API's codes.
    body = {"api_version": "1", "account": {"cash": "1"}}
    st, j = srv.json("PUT", "/accounts/x1", body, token=None)
    check(st == 401 and j["error"]["code"] == "UNAUTHORIZED", f"PUT without a token: {st} {j}")
    st, j = srv.json("PUT", "/accounts/x1", body, token="wrong")
    check(st == 401 and j["error"]["code"] == "UNAUTHORIZED", f"PUT with a wrong token: {st} {j}")
    st, j = srv.json("POST", "/ticks", gen_book.tick(1, 1, gen_book.T0 + 20000), token=None)
    check(st == 401 and j["error"]["code"] == "UNAUTHORIZED", f"tick without a token: {st}")
    st, j = srv.json("DELETE", "/accounts/a1", token=None)
    check(st == 401, "DELETE without a token")
    big = b'{"api_version":"1","account":{"cash":"' + b"1" * (16 << 20) + b'"}}'
    st, j = srv.json("PUT", "/accounts/x1", big)
    check(st == 413 and j["error"]["code"] == "JSON_TOO_LARGE", f"17 MiB body: {st} {j}")
    st, j = srv.json("PUT", "/accounts/x1", '{"api_version":"1","account":{"cash":"1","cash":"2"}}')
    check(st == 400 and j["error"]["code"] == "DUPLICATE_KEY" and j["error"]["path"] == "/account/cash", f"duplicate key: {j}")
    st, j = srv.json("PUT", "/accounts/x1", "[" * 100 + "]" * 100)
    check(st == 400 and j["error"]["code"] == "JSON_TOO_DEEP", f"deep: {j}")
    st, j = srv.json("PUT", "/accounts/x1", {"api_version": "1", "account": {"positions": [{"type": "perp", "underlying": "SOL", "size": "1"}]}})
    check(st == 400 and j["error"]["code"] == "UNKNOWN_UNDERLYING" and j["error"]["path"] == "/account/positions/0/underlying", f"unknown underlying: {j}")
    st, j = srv.json("PUT", "/accounts/x1", body)
    check(st == 201 and j["state"] == "ok", f"PUT a cash account: {st} {j}")
    st, j = srv.json("GET", "/accounts/nobody/margin")
    check(st == 404 and j["error"]["code"] == "UNKNOWN_ACCOUNT", f"unknown account: {j}")
    st, j = srv.json("GET", "/no/such/route")
    check(st == 404 and j["error"]["code"] == "UNKNOWN_ROUTE", f"unknown route: {j}")
    st, j = srv.json("POST", "/ticks", {"timestamp": str(gen_book.T0)})
    check(st == 400 and j["error"]["code"] == "OUT_OF_RANGE" and j["error"]["path"] == "/timestamp", f"tick back in time: {j}")
    st, j = srv.json("POST", "/ticks", {"timestamp": str(gen_book.T0 + 20000), "underlyings": {"BTC": {"spot": "-1"}}})
    check(st == 400 and j["error"]["code"] == "NOT_POSITIVE" and j["error"]["path"] == "/underlyings/BTC/spot", f"bad tick: {j}")
    st, j = srv.json("POST", "/preview", {"account": ids[0], "trade": {"positions": [{"type": "perp", "underlying": "BTC", "size": "0.5"}]}})
    check(st == 200 and "change" in j, f"preview: {st}")
    st, j = srv.json("GET", "/params")
    check(st == 200 and {p["params"] for p in j["params"]} >= {"pmrm2", "standard"}, "params in force")
    st, j = srv.json("DELETE", "/accounts/x1")
    check(st == 200, "DELETE")
    st, j = srv.json("GET", "/accounts/x1")
    check(st == 404, "deleted account is gone")
finally:
    rc = srv.stop()
check(rc == 0, f"SIGTERM: exit status {rc}")

# event ids survive a restart: a client resuming with the last id it saw (Last-Event-ID, as
# EventSource does) gets every event of the new run, told first that the old run's are gone.
srv = Server(serve_bin, db, token=token)
try:
    before = listing(srv)
    stream = Stream(srv, last_event_id=last_id)
    st, j = srv.json("POST", "/ticks", gen_book.tick(60000, 2000, gen_book.T0 + 21600))
    check(st == 200 and j["tick"] == 5, f"a tick after the restart: {st} {j}")
    after = listing(srv)
    exp = [(5, i, before[i]["state"], after[i]["state"]) for i in ids if before[i]["state"] != after[i]["state"]]
    stream.wait_for(len(exp) + 1, timeout=10)
    time.sleep(0.3)
    got = [(e[2]["tick"], e[2]["account"], e[2]["from"], e[2]["to"]) for e in stream.events if e[1] != "lost"]
    check(len(exp) > 0 and sorted(got) == sorted(exp), f"after a restart, resuming at id {last_id}: {len(got)} events, expected {len(exp)}")
    check(stream.events and stream.events[0][1] == "lost", "after a restart, a client resuming at an old id is told first (event: lost)")
    check(stream.ids and min(stream.ids) > last_id and stream.ids == sorted(set(stream.ids)),
          f"event ids grow across the restart: {last_id} then {stream.ids[:2]}...")
    print(f"restart: resuming at event {last_id}, the new run's {len(got)} events arrived (ids from {min(stream.ids or [0])})")
    stream.close()
finally:
    check(srv.stop() == 0, "SIGTERM (restarted server)")

# the rate limit, on a server of its own
srv = Server(serve_bin, os.path.join(work, "rate.db"), "--rate", "5", "--burst", "5", "--no-auth")
try:
    codes = [srv.request("GET", "/healthz")[0] for _ in range(12)]
    st, j = srv.json("GET", "/healthz")
    check(codes.count(429) >= 5 and j["error"]["code"] == "RATE_LIMITED", f"rate limit: {codes}")
finally:
    check(srv.stop() == 0, "SIGTERM (rate server)")

print(f"service: {len(failures)} failures, {time.time() - t0:.1f} s")
sys.exit(1 if failures else 0)
