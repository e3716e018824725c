#!/usr/bin/env python3
"""Cascade requests (docs/cascade.md) for the API parity corpus: market mode under the three loss
rules with linear, square-root and order-book impact, one and two underlyings, mixed parameter
groups, house mode along a path, a capped run, and a request for each row of docs/cascade.md §Errors.

    gen_cascade_requests.py > cascade-requests.jsonl
    gen_cascade_requests.py --report > request.json   (the report's browser test's request)

One compact request per line; tests/core/api_parity.sh answers each with `margin cascade FILE
--compact` on every build and compares the bytes (log_hash included), then
tests/cascade/check_logs.py checks every result's ledger. No randomness beyond a seeded
generator: the same file on every machine. `book()` is also the benchmark's
(bench/cascade_bench.py).
"""
import copy
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "apps"))
import cascade_cases  # noqa: E402  (the CLI test's small books and its error cases)

TS = 1767225600
EXPIRY = TS + 30 * 86400
SPOT = {"BTC": 100000, "ETH": 3500}
SVI = {"BTC": {"a": "0.009", "b": "0.05", "rho": "-0.32", "m": "0.03", "sigma": "0.2"},
       "ETH": {"a": "0.012", "b": "0.06", "rho": "-0.25", "m": "0.02", "sigma": "0.2"}}


def cents(v):
    """An integer number of hundredths as a decimal string."""
    s = "-" if v < 0 else ""
    i, f = divmod(abs(v), 100)
    return s + str(i) + (("." + str(f).rjust(2, "0")).rstrip("0") if f else "")


def market(syms, move=0, ts=TS, options=True):
    """The market with every spot and perp mark moved by `move` percent (an integer)."""
    und = {}
    for s in syms:
        spot = SPOT[s] * (100 + move) // 100
        u = {"spot": str(spot), "perp_mark": str(spot)}
        if options:
            u["expiries"] = [{"expiry": str(EXPIRY), "rate": "0", "svi": SVI[s]}]
        und[s] = u
    return {"timestamp": str(ts), "underlyings": und}


def account(r, syms, options=True):
    """A random cross-margin account: a perp per underlying (entry near spot), sometimes a future,
    a short put and a long call; leverage from 2x to 40x so a shock of 10-20 % liquidates some."""
    pos = []
    notional = 0
    for s in syms:
        spot = SPOT[s]
        units = r.randint(1, 400) * (1 if s == "BTC" else 20)  # hundredths of a unit
        size = units if r.random() < 0.6 else -units
        pos.append({"type": "perp", "underlying": s, "size": cents(size), "entry_price": cents(spot * r.randint(99, 101))})
        notional += abs(size) * spot // 100
        if r.random() < 0.3:
            pos.append({"type": "future", "underlying": s, "expiry": str(EXPIRY), "size": cents(-size // 2),
                        "entry_price": cents(spot * r.randint(99, 102))})
        if options and r.random() < 0.5:
            k = spot * r.choice([80, 85, 90, 95]) // 100
            pos.append({"type": "option", "underlying": s, "expiry": str(EXPIRY), "strike": str(k), "option_type": "put",
                        "size": cents(-r.randint(1, 200) * (1 if s == "BTC" else 20))})
        if options and r.random() < 0.3:
            k = spot * r.choice([105, 110, 120]) // 100
            pos.append({"type": "option", "underlying": s, "expiry": str(EXPIRY), "strike": str(k), "option_type": "call",
                        "size": cents(r.randint(1, 100) * (1 if s == "BTC" else 20))})
    lev = r.choice([2, 4, 6, 8, 10, 12, 15, 20, 25, 40])
    return {"account": {"margin_mode": "cross", "cash": str(max(1, notional // lev)), "positions": pos}}


def book(n, syms=("BTC",), seed=28, options=True):
    r = random.Random(seed)
    return [account(r, syms, options) for _ in range(n)]


def depth(s, k="1", max_impact="0.3"):
    return {"depth": str(SPOT[s] * 400), "k": k, "max_impact": max_impact}


def levels(s, n=12, unit=2):
    spot = SPOT[s]
    bids = [{"price": str(spot * (100 - i) // 100), "size": str(unit * (i + 1))} for i in range(1, n + 1)]
    asks = [{"price": str(spot * (100 + i) // 100), "size": str(unit * (i + 1))} for i in range(1, n + 1)]
    return {"model": "levels", "bids": bids, "asks": asks, "max_impact": "0.4"}


def market_request(syms=("BTC",), n=24, loss="none", model="linear", shock=-12, seed=28, params="pmrm2", steps=40, fund="200000"):
    liq = {}
    for s in syms:
        liq[s] = levels(s) if model == "levels" else dict(depth(s), model=model)
    return {"api_version": "1", "cascade": {
        "mode": "market", "market": market(syms), "params": params, "accounts": book(n, syms, seed),
        "rule": {"buffer": "0.1", "reward": "0.02"}, "insurance_fund": fund, "loss": {"adl": loss}, "liquidity": liq,
        "shock": {"underlyings": {s: {"spot": str(shock / 100)} for s in syms}}, "steps": str(steps)}}


def house_request(n=12, path=(-4, -8, -12, -16), seed=5, rule=None, fund="5000"):
    accts = book(n, ("BTC",), seed, options=True)
    accts += [{"account": {"margin_mode": "cross", "cash": "50000000", "positions": []}},
              {"account": {"margin_mode": "cross", "cash": "2000000", "positions": []}}]
    return {"api_version": "1", "cascade": {
        "mode": "house", "market": market(("BTC",)), "params": "pmrm2", "accounts": accts,
        "liquidators": [str(n + 1), str(n)], "rule": rule or {"buffer": "0.1", "reward": "0.05"}, "insurance_fund": fund,
        "shock": {"path": [market(("BTC",), m) for m in path]}, "steps": "20"}}


def report_request():
    """Market mode on BTC and ETH, square-root impact, ranked ADL: a few steps with bad debt and ADL
    (the cascade report's browser test, wasm/test/test_cascade_report.mjs)."""
    return market_request(("BTC", "ETH"), n=16, loss="ranked", model="sqrt", shock=-15)


def results():
    # (the CLI test's five hand-checked books are pinned by ctest cascade_cli natively, under node
    # and in the ASan (Clang) build: not repeated here, where every request costs a node start)
    out = []
    for loss in ("none", "ranked", "pro_rata"):
        for model in ("linear", "sqrt", "levels"):
            out.append(market_request(loss=loss, model=model, seed=len(out)))
    out.append(report_request())
    out.append(market_request(("BTC", "ETH"), n=16, loss="pro_rata", model="levels", shock=-15, fund="0"))
    thin = market_request(n=16, loss="none", model="levels", shock=-15)
    thin["cascade"]["liquidity"]["BTC"] = levels("BTC", n=3, unit=1)  # the flow walks past the snapshot: exhausted
    out.append(thin)
    mixed = market_request(n=16, loss="none", model="linear", params="standard")
    for a in mixed["cascade"]["accounts"][::3]:
        a["params"] = "pmrm2"
    out.append(mixed)
    out.append(market_request(n=16, model="linear", steps=1))  # capped after one step
    free = market_request(n=16, shock=-15)
    del free["cascade"]["liquidity"]  # no impact: the price stays at the shock
    out.append(free)
    out.append(house_request())
    out.append(house_request(rule={"buffer": "0.2", "reward": "0.03", "max_fraction": "0.5"}, seed=6))
    out.append(house_request(path=(-10, -10, -20), seed=7, fund="0"))
    return out


def errors():
    """One request per row of docs/cascade.md §Errors (the CLI test, tests/apps/test_cascade_cli.sh, has
    more of each row)."""
    known = cascade_cases.errors()
    out = [known[k][0] for k in ("empty_book", "steps0", "mode", "unknown", "rule", "version", "preset", "cash", "isolated",
                                 "house_std", "max_impact", "liquidator", "market_path", "expiry")]
    r = house_request(n=3); r["cascade"]["loss"] = {"adl": "ranked"}; out.append(r)
    r = market_request(n=3); r["cascade"]["insurance_fund"] = "-1"; out.append(r)
    r = market_request(n=3); r["cascade"]["rule"]["reward"] = "0.6"; out.append(r)
    r = market_request(n=3); r["cascade"]["shock"] = {"underlyings": {"BTC": {"spot": "-2"}}}; out.append(r)
    return out

if __name__ == "__main__" and sys.argv[1:] == ["--report"]:
    print(json.dumps(report_request(), separators=(",", ":")))
elif __name__ == "__main__":
    for req in results() + errors():
        print(json.dumps(req, separators=(",", ":")))
