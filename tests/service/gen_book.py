#!/usr/bin/env python3
"""A generated book for margin-serve's tests and benchmark (deterministic from --seed).

    gen_book.py N OUT.jsonl [--seed S] [--legs L] [--legs-exact] [--model pmrm2|standard|mixed] [--mark-vol]

Writes N API requests, one per line as {"id": "a<k>", "request": {...}}: the same market
(BTC with 4 expiries x 10 strikes, ETH with 3 x 8, USDC/BTC/ETH collateral), accounts of
1..L legs (exactly L with --legs-exact) mostly on one underlying, some on both, cash drawn so
that some accounts sit near their margin lines; with --mark-vol every option carries its own
mark vol (as the clearing house's books do) instead of pricing on the SVI surface. tick() gives
a market move."""
import json
import random
import sys

T0 = 1767225600
BTC_EXP = [T0 + d * 86400 for d in (7, 30, 90, 180)]
ETH_EXP = [T0 + d * 86400 for d in (14, 60, 120)]


def dec(x, places=8):
    s = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


def underlying(spot, expiries, ts, vol_shift=0.0):
    exps = []
    for i, e in enumerate(expiries):
        t = (e - ts) / (365 * 86400)
        item = {"expiry": str(e)}
        if i == len(expiries) - 1:
            item["rate"] = "0.05"
        else:
            item["forward"] = dec(spot * (1 + 0.05 * t), 4)
            item["discount_factor"] = dec(1 - 0.04 * t, 6)
        item["svi"] = {"a": dec(0.002 + 0.01 * t + vol_shift * t, 6), "b": "0.02", "rho": "-0.3", "m": "0.01", "sigma": "0.1"}
        exps.append(item)
    return {"spot": dec(spot, 4), "spot_confidence": dec(spot * 0.0002, 4), "perp_mark": dec(spot * 1.0004, 4), "expiries": exps}


def market(btc=100000.0, eth=3500.0, ts=T0, vol_shift=0.0):
    return {
        "timestamp": str(ts),
        "underlyings": {"BTC": underlying(btc, BTC_EXP, ts, vol_shift), "ETH": underlying(eth, ETH_EXP, ts, vol_shift)},
        "collateral": {"USDC": {"price": "0.9998", "confidence": "0.0002"}, "BTC": {"price": dec(btc, 4)}, "ETH": {"price": dec(eth, 4)}},
    }


def tick(btc, eth, ts, vol_shift=0.0, which=("BTC", "ETH")):
    m = market(btc, eth, ts, vol_shift)
    out = {"timestamp": str(ts), "underlyings": {}, "collateral": {}}
    for s in which:
        out["underlyings"][s] = m["underlyings"][s]
        out["collateral"][s] = m["collateral"][s]
    return out


def account(rng, legs, exact, model, mark_vol=False):
    syms = ["BTC"] if rng.random() < 0.6 else ["ETH"] if rng.random() < 0.7 else ["BTC", "ETH"]
    n = legs if exact else rng.randint(1, legs)
    positions, held = [], set()
    while len(positions) < n:
        u = rng.choice(syms)
        spot = 100000 if u == "BTC" else 3500
        exps = BTC_EXP if u == "BTC" else ETH_EXP
        nstrikes = 10 if u == "BTC" else 8
        kind = rng.random()
        if kind < 0.8:
            e = rng.choice(exps)
            k = round(spot * (0.75 + 0.05 * rng.randrange(nstrikes)), 2)
            ot = rng.choice(["call", "put"])
            key = ("o", u, e, k, ot)
            p = {"type": "option", "underlying": u, "expiry": str(e), "strike": dec(k, 2), "option_type": ot,
                 "size": dec(rng.choice([-1, 1]) * rng.randint(1, 20) * (0.1 if u == "BTC" else 1), 2)}
            if mark_vol:
                p["mark_vol"] = dec(0.4 + 0.05 * ((k // (spot * 0.05)) % 5), 2)
        elif kind < 0.9:
            key = ("p", u)
            p = {"type": "perp", "underlying": u, "size": dec(rng.choice([-1, 1]) * rng.randint(1, 10) * (0.1 if u == "BTC" else 1), 2),
                 "entry_price": dec(spot * rng.uniform(0.97, 1.03), 2)}
        else:
            e = rng.choice(exps[:-1])
            key = ("f", u, e)
            p = {"type": "future", "underlying": u, "expiry": str(e), "size": dec(rng.choice([-1, 1]) * rng.randint(1, 5) * (0.1 if u == "BTC" else 1), 2),
                 "entry_price": dec(spot * rng.uniform(0.97, 1.03), 2)}
        if key in held:
            continue
        held.add(key)
        p["id"] = f"p{len(positions)}"
        positions.append(p)
    acct = {"cash": dec(rng.uniform(-20000, 150000), 2), "positions": positions}
    if rng.random() < 0.5:
        acct["collateral"] = {"USDC": dec(rng.uniform(0, 50000), 2)}
    m = model if model != "mixed" else ("pmrm2" if rng.random() < 0.5 else "standard")
    req = {"api_version": "1", "params": m, "account": acct}
    return req


def main():
    args = sys.argv[1:]
    opts = {"--seed": "1", "--legs": "8", "--model": "mixed"}
    exact = "--legs-exact" in args
    mark_vol = "--mark-vol" in args
    args = [a for a in args if a not in ("--legs-exact", "--mark-vol")]
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts:
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    n, out = int(pos[0]), pos[1]
    rng = random.Random(int(opts["--seed"]))
    with open(out, "w") as f:
        for k in range(n):
            req = account(rng, int(opts["--legs"]), exact, opts["--model"], mark_vol)
            if k == 0:
                req["market"] = market()  # the first request seeds the book's market
            f.write(json.dumps({"id": f"a{k}", "request": req}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
