#!/usr/bin/env python3
"""Risk measures (docs/risk.md) against independent implementations, on the real price
history in ../shared/data/prices (read at test time, never copied):

1. HS on a linear book (perps, futures-free, moving collateral), end to end, to the wei:
   Python integers recompute every scenario, P&L, VaR, ES and the component split.
2. The estimators on the engine's own P&L vector of an option book (include_pnl): k, VaR,
   ES with Fractions; components sum exactly to ES; the P&L hash is what keccak gives.
3. FHS and the delta-normal closed form against mpmath (60 digits), within stated bounds.
4. Monte Carlo on one long perp: ES within 3 standard errors of the lognormal closed form.
5. Bad input: each a clear error with its code and path (or file line), never a crash.
6. Mutation: a one-wei change to a close moves pnl_hash (the digest bites).
7. Grid revaluation (the Monte Carlo default) against full revaluation on the option book:
   every path's P&L within 1e-6 of the largest P&L, ES within 1e-6 relative (measured below).
9. Delta-gamma (Cornish-Fisher): the engine's moments, VaR and ES recomputed in mpmath from its
   own quadratic form (delta, gamma per symbol) and an mpmath EWMA covariance (1e-9 relative); the
   linear book's delta and gamma exact (a perp's value is linear in g: gamma = delta); the
   accuracy of Cornish-Fisher against the exact distribution of the same quadratic form
   (docs/risk.md §Delta-gamma), a deliberate mutation of the reference (the s^2 term dropped)
   caught, and CORNISH_FISHER_INVALID for a long straddle.
8. The es margin model: IM = ceil(ES x de-peg factor) + the contingencies, each recomputed here
   from its definition (naked shorts per strike, linear notional, haircuts); MM = ceil(0.8 IM);
   the ES equals `margin var`'s; equity equals pmrm2's; its bad inputs.

    check_risk.py PRICES_DIR MARGIN_COMMAND...   (e.g. build/native/bin/margin, or node .../margin.js)
"""
import json
import math
import os
import subprocess
import sys
from fractions import Fraction

import mpmath as mp

mp.mp.dps = 60
E18 = 10**18
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def wad(s):  # exact decimal string -> raw int
    neg = s.startswith("-")
    s = s.lstrip("-")
    whole, _, frac = s.partition(".")
    v = int(whole) * E18 + int((frac + "0" * 18)[:18] or 0)
    return -v if neg else v


def fmt(raw):
    neg = raw < 0
    raw = abs(raw)
    w, f = divmod(raw, E18)
    s = str(w) + ("." + str(f).rjust(18, "0").rstrip("0") if f else "")
    return "-" + s if neg else s


def days(date):
    import datetime
    return (datetime.date.fromisoformat(date) - datetime.date(1970, 1, 1)).days


def load(path):
    rows = [l.split(",") for l in open(path).read().splitlines()[1:] if l]
    series = {}
    prev = None
    for d, c in rows:
        day = days(d)
        if prev is not None:
            for m in range(prev + 1, day):  # carried forward
                series[m] = series[prev]
        series[day] = wad(c)
        prev = day
    return series


def run(margin, request, *flags):
    p = subprocess.run([*margin, "var", "-", "--compact", *flags], input=json.dumps(request).encode(), capture_output=True, timeout=60)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr.decode()


def split_in_proportion(total, weights):
    """docs/risk.md: floor(total w_i / W), the rest one wei each to the largest fractional parts
    (their first 18 digits), ties to the lower index; W <= 0: all to the first."""
    W = sum(weights)
    if W <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // W for w in weights]
    frac = [total * 10**18 * w // W - p * 10**18 for w, p in zip(weights, parts)]
    left = total - sum(parts)
    assert 0 <= left <= len(parts), left
    for i in sorted(range(len(parts)), key=lambda i: (-frac[i], i))[:left]:
        parts[i] += 1
    return parts


def tail(total, alpha_raw):
    n = len(total)
    k = -(-(n * (E18 - alpha_raw)) // E18)
    order = sorted(range(n), key=lambda i: (total[i], i))[:k]
    s = -sum(total[i] for i in order)
    return k, order, -total[order[-1]], -(-s // k)


def base_request(prices):
    return {
        "api_version": "1",
        "market": {
            "timestamp": "1767225600",
            "underlyings": {
                "BTC": {"spot": "93500", "perp_mark": "93512.5", "expiries": [{"expiry": "1769760000", "forward": "94010"}]},
                "ETH": {"spot": "3350", "perp_mark": "3351.25"},
            },
            "collateral": {"USDC": {"price": "0.9999"}, "BTC": {"price": "93500"}},
        },
        "account": {
            "cash": "10000",
            "collateral": {"USDC": "25000", "BTC": "0.75"},
            "positions": [
                {"type": "perp", "underlying": "BTC", "size": "2.5", "entry_price": "90000", "funding": "-12.5"},
                {"type": "perp", "underlying": "ETH", "size": "-40", "entry_price": "3500"},
                {"type": "future", "underlying": "BTC", "expiry": "1769760000", "size": "-0.3", "entry_price": "95000"},
            ],
        },
    }


def hs_linear(margin, prices):
    req = base_request(prices)
    hist = {s: open(os.path.join(prices, f"{s.lower()}-usd.csv")).read() for s in ("BTC", "ETH", "USDC")}
    req["history"] = hist
    h, lookback, alpha = 3, 1000, "0.975"
    req["risk"] = {"method": "historical", "horizon_days": str(h), "lookback_days": str(lookback), "confidence": alpha,
                   "as_of": "2024-06-30", "include_pnl": True}
    rc, out, err = run(margin, req)
    check(rc == 0 and out and "risk" in out, f"hs linear runs: {rc} {err} {out}")
    if not out or "risk" not in out:
        return
    r = out["risk"]
    series = {s: load(os.path.join(prices, f"{s.lower()}-usd.csv")) for s in ("BTC", "ETH", "USDC")}
    last = days("2024-06-30")
    first = last - lookback + 1
    mkt = req["market"]
    rows = []  # (symbol, value function of the growth)
    for p in req["account"]["positions"]:
        u = mkt["underlyings"][p["underlying"]]
        mark = wad(u["perp_mark"] if p["type"] == "perp" else u["expiries"][0]["forward"])
        size = wad(p["size"])
        entry = wad(p.get("entry_price", fmt(mark)))
        funding = wad(p.get("funding", "0"))
        v0 = size * (mark - entry) // E18 + funding
        rows.append((p["underlying"], lambda g, mark=mark, size=size, entry=entry, funding=funding, v0=v0:
                     size * (mark * g // E18 - entry) // E18 + funding - v0))
    for asset in sorted(req["account"]["collateral"]):
        amount = wad(req["account"]["collateral"][asset])
        price = wad(mkt["collateral"][asset]["price"])
        rows.append((asset, lambda g, amount=amount, price=price: amount * (price * g // E18 - price) // E18))
    pnl_rows = []
    for sym, f in rows:
        s = series[sym]
        pnl_rows.append([f(s[d] * E18 // s[d - h]) for d in range(first, last + 1)])
    total = [sum(col) for col in zip(*pnl_rows)]
    check([wad(x) for x in r["pnl"]] == total, "hs linear: the P&L vector equals the exact recomputation")
    k, order, var, es = tail(total, wad(alpha))
    check(r["tail_count"] == str(k) and wad(r["var"]) == var and wad(r["es"]) == es,
          f"hs linear: k, VaR, ES to the wei: engine {r['tail_count']} {r['var']} {r['es']}, python {k} {fmt(var)} {fmt(es)}")
    tail_loss = [-sum(row[i] for i in order) for row in pnl_rows]
    parts = split_in_proportion(es, tail_loss)
    engine_parts = [wad(x) for x in r["es_by_position"]] + [wad(r["es_by_collateral"][a]) for a in sorted(r["es_by_collateral"])]
    check(engine_parts == parts, f"hs linear: component ES by contributor to the wei: {engine_parts} vs {parts}")
    by_sym = {}
    for (sym, _), tl in zip(rows, tail_loss):
        by_sym[sym] = by_sym.get(sym, 0) + tl
    syms = sorted(by_sym)
    sym_parts = split_in_proportion(es, [by_sym[s] for s in syms])
    check({s: wad(r["es_by_underlying"][s]) for s in syms} == dict(zip(syms, sym_parts)), "hs linear: component ES by symbol to the wei")
    dates = [w["date"] for w in r["worst"]]
    import datetime
    want = [(datetime.date(1970, 1, 1) + datetime.timedelta(days=first + i)).isoformat() for i in order[:10]]
    check(dates == want, f"hs linear: the worst scenarios' dates {dates[:3]} vs {want[:3]}")
    return req


def option_book(margin, prices):
    ex = json.loads(subprocess.run([*margin, "example"], capture_output=True).stdout)
    ex["history"] = {s: open(os.path.join(prices, f"{s.lower()}-usd.csv")).read() for s in ("BTC", "ETH", "USDC")}
    for method in ("historical", "filtered_historical", "monte_carlo"):
        ex["risk"] = {"method": method, "include_pnl": True, "paths": "2000", "seed": "7"}
        rc, out, err = run(margin, ex)
        check(rc == 0, f"{method} option book runs: {err} {out}")
        if rc != 0:
            continue
        r = out["risk"]
        total = [wad(x) for x in r["pnl"]]
        k, order, var, es = tail(total, wad("0.99"))
        check((r["tail_count"], wad(r["var"]), wad(r["es"])) == (str(k), var, es), f"{method}: estimators on the engine's P&L vector")
        comp = sum(wad(x) for x in r["es_by_position"]) + sum(wad(x) for x in r["es_by_collateral"].values())
        check(comp == es, f"{method}: components by contributor sum to ES exactly ({fmt(comp)} vs {fmt(es)})")
        check(sum(wad(x) for x in r["es_by_underlying"].values()) == es, f"{method}: components by symbol sum to ES exactly")
        check(len(r["worst"]) == min(10, k) and [wad(w["pnl"]) for w in r["worst"]] == [total[i] for i in order[:10]],
              f"{method}: the worst scenarios are the tail's first, in order")
        # keccak256 of abi.encodePacked(int256[]): checked by the EVM-side tool in node
        words = b"".join((x % 2**256).to_bytes(32, "big") for x in total)
        node = subprocess.run(["node", "-e", "const {keccak_256}=require('@noble/hashes/sha3.js');"
                               "const b=require('fs').readFileSync(0);process.stdout.write('0x'+Buffer.from(keccak_256(b)).toString('hex'))"],
                              input=words, capture_output=True, cwd=os.path.join(os.path.dirname(__file__), "../../contracts-interface"))
        check(node.returncode == 0 and node.stdout.decode() == r["pnl_hash"], f"{method}: pnl_hash is keccak256 of the packed int256 words")


def ewma_var(xs, ys, lam):
    """mpmath: the EWMA recursion of docs/risk.md over exact reals (seed: mean of the first 30 products)."""
    c = sum(x * y for x, y in zip(xs[:30], ys[:30])) / 30
    for x, y in zip(xs[30:], ys[30:]):
        c = lam * c + (1 - lam) * x * y
    return c


def fhs_and_parametric(margin, prices):
    req = base_request(prices)
    req["history"] = {s: open(os.path.join(prices, f"{s.lower()}-usd.csv")).read() for s in ("BTC", "ETH", "USDC")}
    h, lookback, lam = 2, 730, mp.mpf("0.97")
    last = days("2023-12-31")
    first = last - lookback + 1
    start = first - h - 30
    series = {s: load(os.path.join(prices, f"{s.lower()}-usd.csv")) for s in ("BTC", "ETH", "USDC")}
    x = {s: [mp.log(mp.mpf(series[s][d]) / series[s][d - 1]) for d in range(start + 1, last + 1)] for s in series}
    # exposures: d P&L / d log return at today's prices
    mkt = req["market"]
    expo = {"BTC": mp.mpf(0), "ETH": mp.mpf(0), "USDC": mp.mpf(0)}
    for p in req["account"]["positions"]:
        u = mkt["underlyings"][p["underlying"]]
        expo[p["underlying"]] += mp.mpf(wad(p["size"])) / E18 * mp.mpf(wad(u["perp_mark"] if p["type"] == "perp" else u["expiries"][0]["forward"])) / E18
    for a, amt in req["account"]["collateral"].items():
        expo[a] += mp.mpf(wad(amt)) / E18 * mp.mpf(wad(mkt["collateral"][a]["price"])) / E18
    syms = sorted(expo)
    var = sum(expo[a] * expo[b] * ewma_var(x[a], x[b], lam) for a in syms for b in syms) * h
    sigma = mp.sqrt(var)
    z = mp.sqrt(2) * mp.erfinv(2 * mp.mpf("0.99") - 1)
    want_var, want_es = z * sigma, sigma * mp.npdf(z) / (1 - mp.mpf("0.99"))
    req["risk"] = {"method": "parametric", "horizon_days": str(h), "lookback_days": str(lookback), "as_of": "2023-12-31"}
    rc, out, err = run(margin, req)
    check(rc == 0, f"parametric runs: {err} {out}")
    if rc == 0:
        r = out["risk"]
        for name, want in (("sigma", sigma), ("var", want_var), ("es", want_es)):
            got = mp.mpf(wad(r[name])) / E18
            check(abs(got - want) <= want * mp.mpf("1e-12") + mp.mpf("1e-15"),
                  f"parametric {name}: {got} vs closed form {want} (bound 1e-12 relative)")
    # FHS: scaled daily returns summed over h days, the account's P&L exact given g
    req["risk"] = {"method": "filtered_historical", "horizon_days": str(h), "lookback_days": str(lookback), "as_of": "2023-12-31",
                   "include_pnl": True}
    rc, out, err = run(margin, req)
    check(rc == 0, f"fhs runs: {err} {out}")
    if rc != 0:
        return
    r = out["risk"]
    growth = {}
    for s in syms:
        xs = x[s]
        v = [sum(a * a for a in xs[:30]) / 30]
        for a in xs[30:]:
            v.append(lam * v[-1] + (1 - lam) * a * a)
        sig_t = mp.sqrt(v[-1])
        y = [xs[30 + j] * sig_t / mp.sqrt(v[j]) for j in range(len(xs) - 30)]
        growth[s] = [mp.e ** sum(y[i:i + h]) for i in range(lookback)]
    total = []
    for i in range(lookback):
        t = mp.mpf(0)
        for p in req["account"]["positions"]:
            u = mkt["underlyings"][p["underlying"]]
            mark = mp.mpf(wad(u["perp_mark"] if p["type"] == "perp" else u["expiries"][0]["forward"])) / E18
            t += mp.mpf(wad(p["size"])) / E18 * mark * (growth[p["underlying"]][i] - 1)
        for a, amt in req["account"]["collateral"].items():
            t += mp.mpf(wad(amt)) / E18 * mp.mpf(wad(mkt["collateral"][a]["price"])) / E18 * (growth[a][i] - 1)
        total.append(t)
    worst = max(abs(mp.mpf(wad(g)) / E18 - w) for g, w in zip(r["pnl"], total))
    scale = max(abs(w) for w in total)
    print(f"fhs: max |engine - mpmath| = {mp.nstr(worst, 5)} on P&L up to {mp.nstr(scale, 8)}")
    check(worst <= scale * mp.mpf("1e-12"), f"fhs: P&L within 1e-12 of the largest P&L of mpmath's ({worst})")
    k = math.ceil(lookback * 0.01 - 1e-12) if False else -(-(lookback * (E18 - wad("0.99"))) // E18)
    losses = sorted((-t for t in total), reverse=True)[:k]
    es = sum(losses) / k
    check(abs(mp.mpf(wad(r["es"])) / E18 - es) <= es * mp.mpf("1e-12"), f"fhs: ES {r['es']} vs mpmath {es}")


def monte_carlo(margin, prices):
    req = base_request(prices)
    req["account"] = {"cash": "0", "positions": [{"type": "perp", "underlying": "BTC", "size": "1"}]}
    req["market"]["collateral"] = {}
    req["history"] = {"BTC": open(os.path.join(prices, "btc-usd.csv")).read()}
    h, lookback = 2, 1000
    req["risk"] = {"method": "monte_carlo", "horizon_days": str(h), "lookback_days": str(lookback), "as_of": "2024-12-31",
                   "paths": "40000", "seed": "20261207"}
    rc, out, err = run(margin, req)
    check(rc == 0, f"mc runs: {err} {out}")
    if rc != 0:
        return
    r = out["risk"]
    s = load(os.path.join(prices, "btc-usd.csv"))
    last = days("2024-12-31")
    start = last - lookback + 1 - h - 30
    xs = [mp.log(mp.mpf(s[d]) / s[d - 1]) for d in range(start + 1, last + 1)]
    sd = mp.sqrt(ewma_var(xs, xs, mp.mpf("0.97")) * h)
    mark = mp.mpf("93512.5")
    a = mp.mpf("0.01")
    q = mp.sqrt(2) * mp.erfinv(2 * a - 1)  # z_{1 - alpha}
    var = mark * (1 - mp.e ** (sd * q))
    es = mark * (1 - mp.e ** (sd * sd / 2) * mp.ncdf(q - sd) / a)
    # standard error of the ES estimator (tail variance and the VaR term), N paths
    n = 40000
    tail_m2 = mark**2 * (1 - 2 * mp.e ** (sd * sd / 2) * mp.ncdf(q - sd) / a + mp.e ** (2 * sd * sd) * mp.ncdf(q - 2 * sd) / a)
    se = mp.sqrt((tail_m2 - es**2 + (1 - a) * (es - var) ** 2) / (n * a))
    got = mp.mpf(wad(r["es"])) / E18
    print(f"mc: ES {mp.nstr(got, 10)} vs closed form {mp.nstr(es, 10)}, SE {mp.nstr(se, 5)}, {mp.nstr((got - es) / se, 3)} SE")
    check(abs(got - es) <= 3 * se, f"mc: ES within 3 SE of the closed form ({got} vs {es}, SE {se})")
    # the same seed gives the same paths; another seed others
    rc2, out2, _ = run(margin, req)
    check(out2 == out, "mc: the same request gives the same bytes")
    req["risk"]["seed"] = "20261208"
    _, out3, _ = run(margin, req)
    check(out3["risk"]["pnl_hash"] != r["pnl_hash"], "mc: another seed gives other paths")


def bad_input(margin, prices, req):
    def expect(mutate, code, path_or_text, what):
        import copy
        r = copy.deepcopy(req)
        mutate(r)
        rc, out, err = run(margin, r)
        e = (out or {}).get("error", {})
        ok = rc == 1 and e.get("code") == code and (path_or_text == e.get("path") or path_or_text in e.get("message", ""))
        check(ok, f"bad input, {what}: expected {code} at {path_or_text}, got rc {rc} {out} {err[:200]}")

    btc = req["history"]["BTC"]
    lines = btc.splitlines()
    expect(lambda r: r["risk"].update(lookback_days="3650", as_of="2020-01-01"), "HISTORY_TOO_SHORT", "/history/BTC", "history shorter than the lookback")
    expect(lambda r: r["risk"].update(confidence="0.5"), "OUT_OF_RANGE", "/risk/confidence", "alpha 0.5")
    expect(lambda r: r["risk"].update(confidence="1"), "OUT_OF_RANGE", "/risk/confidence", "alpha 1")
    expect(lambda r: r["risk"].update(horizon_days="0"), "OUT_OF_RANGE", "/risk/horizon_days", "h = 0")
    expect(lambda r: r["risk"].update(horizon_days="-1"), "BAD_COUNT", "/risk/horizon_days", "h < 0")
    expect(lambda r: r["risk"].update(method="monte_carlo", paths="0"), "OUT_OF_RANGE", "/risk/paths", "paths 0")
    expect(lambda r: r["risk"].update(method="monte_carlo", paths="100001"), "OUT_OF_RANGE", "/risk/paths", "paths above the cap")
    def many(r):  # 20 options + 3 linear + 2 collateral = 25 contributors x 100,000 paths > 2,000,000
        r["risk"].update(method="monte_carlo", paths="100000")
        r["account"]["positions"] += [{"type": "option", "underlying": "BTC", "expiry": "1769760000", "strike": str(80000 + 1000 * i),
                                       "option_type": "call", "size": "1", "mark_vol": "0.5"} for i in range(20)]
    expect(many, "OUT_OF_RANGE", "/risk/paths", "contributors x paths above the cell cap")

    def full_options(r):  # 200 options x 3,000 days priced one by one > 500,000
        r["risk"].update(lookback_days="3000", as_of="2024-06-30")
        r["account"]["positions"] += [{"type": "option", "underlying": "BTC", "expiry": "1769760000", "strike": str(50000 + 100 * i),
                                       "option_type": "put", "size": "-1", "mark_vol": "0.5"} for i in range(200)]
    expect(full_options, "OUT_OF_RANGE", "/risk/lookback_days", "options x scenarios above the full-revaluation cap")
    expect(lambda r: r["risk"].update(method="mc"), "BAD_ENUM", "/risk/method", "unknown method")
    expect(lambda r: r["risk"].update(paths=5), "JSON_NUMBER", "/risk/paths", "a JSON number")
    expect(lambda r: r.pop("history"), "MISSING_FIELD", "/history", "no history")
    expect(lambda r: r["history"].pop("ETH"), "NO_HISTORY", "/account/positions/1/underlying", "an underlying without history")
    expect(lambda r: r["history"].update(BTC="\n".join(lines[:5] + [lines[6], lines[5]] + lines[7:])), "HISTORY_ORDER", "BTC history line 7",
           "unsorted dates")
    expect(lambda r: r["history"].update(BTC="\n".join(lines[:5] + [lines[5]] + lines[5:])), "HISTORY_ORDER", "line 7", "a duplicate date")
    expect(lambda r: r["history"].update(BTC="\n".join(lines[:5] + lines[10:])), "HISTORY_GAP", "line 6", "a gap of 5 days")
    expect(lambda r: r["history"].update(BTC="\n".join(lines[:3] + [lines[3].split(",")[0] + ",0"] + lines[4:])), "NOT_POSITIVE", "line 4",
           "a zero close")
    expect(lambda r: r["history"].update(BTC="\n".join(lines[:3] + [lines[3].split(",")[0] + ",-5"] + lines[4:])), "NOT_POSITIVE", "line 4",
           "a negative close")
    expect(lambda r: r["history"].update(BTC="\n".join(lines[:3] + ["2013-04-31,100"] + lines[4:])), "HISTORY_SYNTAX", "line 4",
           "an impossible date")
    expect(lambda r: r["history"].update(BTC="\n".join(lines[:3] + [lines[3] + ",1"] + lines[4:])), "HISTORY_SYNTAX", "line 4", "three columns")
    expect(lambda r: r["history"].update(BTC="Date,Close\n" + "\n".join(lines[1:])), "HISTORY_SYNTAX", "line 1", "a wrong header")
    expect(lambda r: r["history"].update(BTC=[["2024-01-01", "1"], ["2024-01-01", "2"]]), "HISTORY_ORDER", "/history/BTC/1", "JSON rows, duplicate")
    expect(lambda r: r["history"].update(BTC=[["2024-01-01", 1]]), "JSON_NUMBER", "/history/BTC/0/1", "JSON rows, a number")
    # mutation: one unit of the 8th decimal (the data's precision) in one close moves the digest
    import copy
    r = copy.deepcopy(req)
    r["risk"] = {"method": "historical"}
    _, a, _ = run(margin, r)
    i = len(lines) - 100
    d, c = lines[i].split(",")
    r["history"]["BTC"] = "\n".join(lines[:i] + [d + "," + fmt(wad(c) + 10**10)] + lines[i + 1:])
    _, b, _ = run(margin, r)
    check(a["risk"]["pnl_hash"] != b["risk"]["pnl_hash"], "mutation: 1e-8 in one close changes pnl_hash")


def grid_vs_full(margin, prices):
    ex = json.loads(subprocess.run([*margin, "example"], capture_output=True).stdout)
    ex["history"] = {s: open(os.path.join(prices, f"{s.lower()}-usd.csv")).read() for s in ("BTC", "ETH", "USDC")}
    for inn in ("normal", "student_t"):
        got = {}
        for rv in ("full", "grid"):
            ex["risk"] = {"method": "monte_carlo", "paths": "4000", "seed": "3", "include_pnl": True, "revaluation": rv, "innovations": inn}
            rc, out, err = run(margin, ex)
            check(rc == 0, f"grid vs full ({rv}, {inn}) runs: {err}")
            if rc != 0:
                return
            got[rv] = out["risk"]
        full = [Fraction(wad(x), E18) for x in got["full"]["pnl"]]
        grid = [Fraction(wad(x), E18) for x in got["grid"]["pnl"]]
        worst = max(abs(a - b) for a, b in zip(full, grid))
        scale = max(abs(a) for a in full)
        es_f, es_g = Fraction(wad(got["full"]["es"]), E18), Fraction(wad(got["grid"]["es"]), E18)
        print(f"grid vs full ({inn}): max |diff| {float(worst):.3g} on P&L up to {float(scale):.6g} ({float(worst / scale):.2g}); "
              f"ES {float(es_f):.6f} vs {float(es_g):.6f} ({float(abs(es_f - es_g) / es_f):.2g})")
        check(worst <= scale / 10**6, f"grid vs full ({inn}): every path within 1e-6 of the largest P&L")
        check(abs(es_f - es_g) <= es_f / 10**6, f"grid vs full ({inn}): ES within 1e-6 relative")


def ceil_div(a, b):
    return -(-a // b)


def es_model(margin, prices):
    ex = json.loads(subprocess.run([*margin, "example"], capture_output=True).stdout)
    hist = {s: open(os.path.join(prices, f"{s.lower()}-usd.csv")).read() for s in ("BTC", "ETH", "USDC")}

    def compute(req):
        p = subprocess.run([*margin, "compute", "-", "--compact"], input=json.dumps(req).encode(), capture_output=True, timeout=60)
        return p.returncode, json.loads(p.stdout)

    es_doc = json.loads(open(os.path.join(os.path.dirname(__file__), "../../core/api/params/es.json")).read())
    for stable in ("1", "0.97"):
        req = json.loads(json.dumps(ex))
        req["market"]["stable_price"] = stable
        req["params"] = "es"
        req["history"] = hist
        rc, out = compute(req)
        check(rc == 0 and out["result"]["model"] == "es", f"es model computes: {out}")
        if rc != 0:
            continue
        r = out["result"]
        # the ES as `margin var` measures it under the document's risk parameters
        vreq = json.loads(json.dumps(ex))
        vreq["market"]["stable_price"] = stable
        vreq["history"] = hist
        vreq["risk"] = es_doc["risk"]
        _, v, _ = run(margin, vreq)
        es = wad(v["risk"]["es"])
        check(wad(r["risk"]["es"]) == es, "es model: its ES is margin var's")
        c = es_doc["contingency"]
        factor = E18 + max(0, wad(c["peg_loss_threshold"]) - wad(stable)) * wad(c["peg_loss_factor"]) // E18  # exact here
        want_req = ceil_div(max(es, 0) * factor, E18)
        check(wad(r["es_requirement"]) == want_req, f"es model: ES requirement {r['es_requirement']} vs {fmt(want_req)} (stable {stable})")
        # contingencies from their definitions
        mkt, acct = req["market"], req["account"]
        pct = {k: wad(c[k]) for k in c}
        cont = {}
        for sym in sorted({p["underlying"] for p in acct["positions"]}):
            spot = wad(mkt["underlyings"][sym]["spot"])
            mm = im = 0
            linear = sum(abs(wad(p["size"])) for p in acct["positions"] if p["underlying"] == sym and p["type"] != "option")
            # requirements round up (against the account): notional, then each percentage
            mm += ceil_div(ceil_div(linear * spot, E18) * pct["mm_perp_percent"], E18)
            im += ceil_div(ceil_div(linear * spot, E18) * pct["im_perp_percent"], E18)
            by = {}
            for p in acct["positions"]:
                if p["underlying"] == sym and p["type"] == "option":
                    key = (p["expiry"], wad(p["strike"]))
                    by[key] = by.get(key, 0) + wad(p["size"]) * wad(p.get("contract_size", "1")) // E18
            naked = sum(max(-n, 0) for n in by.values())
            mm += ceil_div(ceil_div(naked * spot, E18) * pct["mm_option_percent"], E18)
            im += ceil_div(ceil_div(naked * spot, E18) * pct["im_option_percent"], E18)
            cont[sym] = (mm, im)
        col_mm = col_im = 0
        for asset, amount in acct["collateral"].items():
            value = wad(amount) * wad(mkt["collateral"][asset]["price"]) // wad(stable)
            col_mm += ceil_div(value * wad(es_doc["collateral"][asset]["mm_haircut"]), E18)
            col_im += ceil_div(value * wad(es_doc["collateral"][asset]["im_haircut"]), E18)
        cont[None] = (col_mm, col_im)
        got = {x["underlying"]: (wad(x["mm_contingency"]), wad(x["im_contingency"])) for x in r["contingencies"]}
        check(got == cont, f"es model: contingencies {got} vs their definitions {cont}")
        im = want_req + sum(a + b for a, b in cont.values())
        check(wad(r["initial_margin"]) == im, f"es model: IM {r['initial_margin']} = requirement + contingencies {fmt(im)}")
        check(wad(r["maintenance_margin"]) == ceil_div(im * wad(es_doc["mm_factor"]), E18), "es model: MM = ceil(0.8 IM)")
        check(wad(r["health"]) == wad(r["equity"]) - wad(r["maintenance_margin"]), "es model: health = equity - MM")
        pm = json.loads(json.dumps(req))
        pm["params"] = "pmrm2"
        pm.pop("history")
        _, po = compute(pm)
        check(po["result"]["equity"] == r["equity"], "es model: equity is the portfolio model's mark-to-market")
        # the canonical form carries params and history: computing it gives the same bytes
        can = subprocess.run([*margin, "canonical", "-"], input=json.dumps(req).encode(), capture_output=True).stdout
        p2 = subprocess.run([*margin, "compute", "-", "--compact"], input=can, capture_output=True)
        check(json.loads(p2.stdout) == out, "es model: the canonical request computes to the same result")

    def bad(mutate, code, path, what):
        req = json.loads(json.dumps(ex))
        req["params"] = "es"
        req["history"] = hist
        mutate(req)
        rc, out = compute(req)
        e = out.get("error", {})
        check(rc == 1 and e.get("code") == code and e.get("path") == path, f"es bad input, {what}: {code} {path} vs {out}")

    bad(lambda r: r.pop("history"), "MISSING_FIELD", "/history", "no history")
    bad(lambda r: r.update(params="pmrm2"), "UNKNOWN_FIELD", "/history", "history under pmrm2")
    doc = json.loads(json.dumps(es_doc))
    doc["mm_factor"] = "1.5"
    bad(lambda r: r.update(params=doc), "OUT_OF_RANGE", "/params/mm_factor", "mm_factor above 1")
    doc2 = json.loads(json.dumps(es_doc))
    doc2["risk"]["confidence"] = "0.4"
    bad(lambda r: r.update(params=doc2), "OUT_OF_RANGE", "/params/risk/confidence", "alpha below 0.5")
    doc3 = json.loads(json.dumps(es_doc))
    del doc3["collateral"]["USDC"]
    bad(lambda r: r.update(params=doc3), "COLLATERAL_NOT_ACCEPTED", "/account/collateral/USDC", "collateral without haircuts")
    bad(lambda r: r["account"].update(margin_mode="isolated"), "MODE_NOT_SUPPORTED", "/account/margin_mode", "isolated mode")
    bad(lambda r: r["history"].pop("ETH"), "NO_HISTORY", "/account/positions/4/underlying", "an underlying without history")


def qf_moments(a, b, C):
    """Cumulants of Q = a'x + x'Bx/2, x ~ N(0, C), B = diag(b) (mpmath): k1 = tr(M)/2,
    k2 = a'Ca + tr(M^2)/2, k3 = tr(M^3) + 3 a'CMa, k4 = 3 tr(M^4) + 12 a'CM^2a, M = BC."""
    n = len(a)
    Cm, Bm, av = mp.matrix(C), mp.diag(b), mp.matrix(a)
    M = Bm * Cm
    tr = lambda X: sum(X[i, i] for i in range(n))
    q = lambda X: (av.T * Cm * X * av)[0, 0]
    return (tr(M) / 2, q(mp.eye(n)) + tr(M**2) / 2, tr(M**3) + 3 * q(M), 3 * tr(M**4) + 12 * q(M**2))


def cornish_fisher(k, alpha, drop_s2=False):
    """VaR and ES of the loss -Q by Cornish-Fisher (docs/risk.md §Delta-gamma)."""
    k1, k2, k3, k4 = k
    mu, sd = -k1, mp.sqrt(k2)
    s, ku = -k3 / k2**1.5, k4 / k2**2
    z = mp.sqrt(2) * mp.erfinv(2 * alpha - 1)
    s2 = 0 if drop_s2 else s * s
    zcf = z + s * (z * z - 1) / 6 + ku * (z**3 - 3 * z) / 24 - s2 * (2 * z**3 - 5 * z) / 36
    f = 1 + s * z / 6 + ku * (z * z - 1) / 24 - s2 * (2 * z * z - 1) / 36
    return mu, sd, s, ku, mu + sd * zcf, mu + sd * mp.npdf(z) * f / (1 - alpha)


def quadratic_tail(lam, c, v):
    """The exact P(L > v) and E[(L - v)+] of L = sum_j c_j w_j + lam_j w_j^2 / 2, w ~ N(0, I), 1 or 2
    terms: closed form in the last w given the first; the first integrated by composite Simpson on
    [-10, 10] with 4,000 intervals (doubles: the kinks where a root appears cost about 1e-7, far
    below the Cornish-Fisher errors this measures)."""
    Phi = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def one(A, B, Cq):  # P(q > 0), E[q 1{q > 0}] for q = A + B w + Cq w^2
        def seg(lo, hi):
            Pl, Ph = (Phi(lo) if lo is not None else 0.0), (Phi(hi) if hi is not None else 1.0)
            fl, fh = (phi(lo) if lo is not None else 0.0), (phi(hi) if hi is not None else 0.0)
            wl, wh = (lo * fl if lo is not None else 0.0), (hi * fh if hi is not None else 0.0)
            return Ph - Pl, A * (Ph - Pl) + B * (fl - fh) + Cq * ((Ph - Pl) + (wl - wh))
        if Cq == 0:
            if B == 0:
                return (1.0, A) if A > 0 else (0.0, 0.0)
            r = -A / B
            return seg(r, None) if B > 0 else seg(None, r)
        disc = B * B - 4 * A * Cq
        if disc <= 0:
            return seg(None, None) if Cq > 0 else (0.0, 0.0)
        qq = -0.5 * (B + math.copysign(math.sqrt(disc), B))  # the stable pair of roots: qq / Cq and A / qq
        r1, r2 = sorted((qq / Cq, A / qq))
        if Cq > 0:
            p1, e1 = seg(None, r1)
            p2, e2 = seg(r2, None)
            return p1 + p2, e1 + e2
        return seg(r1, r2)
    lam, c, v = [float(x) for x in lam], [float(x) for x in c], float(v)
    if len(lam) == 1:
        return one(-v, c[0], lam[0] / 2)
    n, lo, hi = 4000, -10.0, 10.0
    h = (hi - lo) / n
    P = E = 0.0
    for i in range(n + 1):
        w = lo + i * h
        wt = (1 if i in (0, n) else 4 if i % 2 else 2) * phi(w)
        p, e = one(c[0] * w + lam[0] * w * w / 2 - v, c[1], lam[1] / 2)
        P += wt * p
        E += wt * e
    return P * h / 3, E * h / 3


def exact_quadratic(a, b, C, alpha, guess):
    """VaR and ES of the loss -Q, Q = a'x + x'Bx/2, x ~ N(0, C), from its exact distribution: x = L w,
    L L' = C, L'BL = P diag(e) P', so -Q = sum_j (c_j w_j + lam_j w_j^2 / 2) with lam = -e,
    c = -P'L'a (w standard normal); VaR solves P(loss > v) = 1 - alpha (secant from the
    Cornish-Fisher VaR), ES = VaR + E[(loss - VaR)+] / (1 - alpha)."""
    n = len(a)
    L = mp.cholesky(mp.matrix(C))
    E, P = mp.eigsy(L.T * mp.diag(b) * L)
    cv = P.T * L.T * mp.matrix(a)
    lam = [-E[j] for j in range(n)]
    c = [-cv[j] for j in range(n)]
    target = 1 - float(alpha)
    f = lambda v: quadratic_tail(lam, c, v)[0] - target
    v0, v1 = float(guess), float(guess) * 0.97
    f0, f1 = f(v0), f(v1)
    for _ in range(40):
        if f1 == f0:
            break
        v0, v1, f0 = v1, v1 - f1 * (v1 - v0) / (f1 - f0), f1
        f1 = f(v1)
        if abs(v1 - v0) <= abs(v1) * 1e-12:
            break
    return mp.mpf(v1), mp.mpf(v1 + quadratic_tail(lam, c, v1)[1] / target)


def delta_gamma(margin, prices):
    # the exact machinery itself: a normal loss (b = 0) has VaR z sigma and ES sigma phi(z) / (1 - alpha);
    # a pure chi-square loss (one factor, a = 0) has P(L > v) = 2 (1 - Phi(sqrt(2 v / lam)))
    C2 = [[mp.mpf("0.0004"), mp.mpf("0.0003")], [mp.mpf("0.0003"), mp.mpf("0.0009")]]
    a2 = [mp.mpf(1000), mp.mpf(-400)]
    sd = mp.sqrt(sum(a2[i] * C2[i][j] * a2[j] for i in range(2) for j in range(2)))
    z = mp.sqrt(2) * mp.erfinv(2 * mp.mpf("0.99") - 1)
    xv, xe = exact_quadratic(a2, [mp.mpf("1e-9"), mp.mpf("-1e-9")], C2, mp.mpf("0.99"), z * sd * mp.mpf("1.01"))
    check(abs(xv - z * sd) < sd * mp.mpf("1e-6") and abs(xe - sd * mp.npdf(z) / mp.mpf("0.01")) < sd * mp.mpf("1e-6"),
          f"exact quadratic form: the normal case ({xv}, {xe} vs {z * sd})")
    p1, _ = quadratic_tail([mp.mpf(2)], [mp.mpf(0)], mp.mpf(3))
    check(abs(p1 - 2 * (1 - mp.ncdf(mp.sqrt(3)))) < mp.mpf("1e-12"), f"exact quadratic form: chi-square tail {p1}")
    series = {s: load(os.path.join(prices, f"{s.lower()}-usd.csv")) for s in ("BTC", "ETH")}
    h, lookback, lam = 2, 730, mp.mpf("0.97")
    last = days("2024-12-31")
    start = last - lookback + 1 - h - 30
    x = {s: [mp.log(mp.mpf(series[s][d]) / series[s][d - 1]) for d in range(start + 1, last + 1)] for s in series}
    alpha = mp.mpf("0.99")
    ex = json.loads(subprocess.run([*margin, "example"], capture_output=True).stdout)
    ex["history"] = {s: open(os.path.join(prices, f"{s.lower()}-usd.csv")).read() for s in ("BTC", "ETH")}
    ex["account"]["collateral"] = {"USDC": "50000"}  # USDC does not move (no series)
    risk = {"method": "delta_gamma", "horizon_days": str(h), "lookback_days": str(lookback), "as_of": "2024-12-31"}
    books = {"option book": ex}
    # a short BTC straddle (one factor: the exact distribution in closed form), and a linear book
    strad = json.loads(json.dumps(ex))
    strad["account"]["positions"] = [
        {"type": "option", "underlying": "BTC", "expiry": "1774598400", "strike": "100000", "option_type": t, "size": "-1"}
        for t in ("call", "put")]
    books["short straddle"] = strad
    lin = json.loads(json.dumps(ex))
    lin["account"]["positions"] = [p for p in ex["account"]["positions"] if p["type"] != "option"]
    books["linear"] = lin
    for name, req in books.items():
        req["risk"] = risk
        rc, out, err = run(margin, req)
        check(rc == 0, f"delta_gamma {name} runs: {err} {out}")
        if rc != 0:
            continue
        r = out["risk"]
        dg = r["delta_gamma"]
        syms = sorted(dg["delta"])
        a = [mp.mpf(wad(dg["delta"][s])) / E18 for s in syms]
        b = [mp.mpf(wad(dg["gamma"][s])) / E18 for s in syms]
        C = [[ewma_var(x[s], x[t], lam) * h for t in syms] for s in syms]
        k = qf_moments(a, b, C)
        mu, sd, sk, ku, var, es = cornish_fisher(k, alpha)
        for key, want in (("sigma", sd), ("var", var), ("es", es)):
            got = mp.mpf(wad(r[key])) / E18
            check(abs(got - want) <= abs(sd) * mp.mpf("1e-9"), f"delta_gamma {name} {key}: {got} vs mpmath {want}")
        for key, want in (("mean", mu), ("skewness", sk), ("excess_kurtosis", ku)):
            got = mp.mpf(wad(dg[key])) / E18
            scale = abs(sd) if key == "mean" else 1
            check(abs(got - want) <= scale * mp.mpf("1e-9"), f"delta_gamma {name} {key}: {got} vs mpmath {want}")
        comp = sum(wad(v) for v in r["es_by_position"]) + sum(wad(v) for v in r["es_by_collateral"].values())
        check(comp == wad(r["es"]), f"delta_gamma {name}: components sum to ES exactly")
        # the reference bites: Cornish-Fisher without its s^2 term is off by more than the bound
        mvar = cornish_fisher(k, alpha, drop_s2=True)[4]
        check(abs(sk) < mp.mpf("0.01") or abs(mvar - var) > abs(sd) * mp.mpf("1e-9"), f"delta_gamma {name}: a mutated reference is caught")
        if name == "linear":
            mkt = req["market"]["underlyings"]
            want = {"BTC": mp.mpf(0), "ETH": mp.mpf(0)}
            for p in req["account"]["positions"]:
                u = mkt[p["underlying"]]
                want[p["underlying"]] += mp.mpf(wad(p["size"])) / E18 * mp.mpf(wad(u["perp_mark"] if p["type"] == "perp" else
                                                                                 [e for e in u["expiries"] if e["expiry"] == p["expiry"]][0]["forward"])) / E18
            for s in syms:
                check(abs(a[syms.index(s)] - want[s]) <= abs(want[s]) * mp.mpf("1e-15") and b[syms.index(s)] == a[syms.index(s)],
                      f"delta_gamma linear {s}: delta {a[syms.index(s)]} vs {want[s]}, gamma = delta")
        if name != "linear":  # Cornish-Fisher against the exact distribution of the same quadratic form
            xv, xe = exact_quadratic(a, b, C, alpha, var)
            print(f"delta_gamma {name}: skewness {mp.nstr(sk, 4)}, excess kurtosis {mp.nstr(ku, 4)}; Cornish-Fisher VaR {mp.nstr(var, 10)} "
                  f"vs exact {mp.nstr(xv, 10)} ({mp.nstr((var - xv) / xv * 100, 3)}%), ES {mp.nstr(es, 10)} vs exact {mp.nstr(xe, 10)} "
                  f"({mp.nstr((es - xe) / xe * 100, 3)}%)")
            check(abs(var - xv) <= abs(xv) * mp.mpf("0.1") and abs(es - xe) <= abs(xe) * mp.mpf("0.1"),
                  f"delta_gamma {name}: Cornish-Fisher within the documented 10% of the exact quadratic form")
    # a long straddle: bounded loss, strongly negative skew -> the expansion turns down in the tail
    strad["account"]["positions"] = [dict(p, size="1") for p in strad["account"]["positions"]]
    rc, out, err = run(margin, strad)
    check(rc == 1 and out["error"]["code"] == "CORNISH_FISHER_INVALID" and out["error"]["path"] == "/risk/method",
          f"delta_gamma long straddle: CORNISH_FISHER_INVALID ({out})")


def main():
    prices, margin = sys.argv[1], sys.argv[2:]
    delta_gamma(margin, prices)
    req = hs_linear(margin, prices)
    option_book(margin, prices)
    fhs_and_parametric(margin, prices)
    monte_carlo(margin, prices)
    if req:
        bad_input(margin, prices, req)
    grid_vs_full(margin, prices)
    es_model(margin, prices)
    print(f"risk checks: {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
