#!/usr/bin/env python3
"""Stress testing (docs/stress.md) against an independent implementation:

1. Every scenario kind applied here in Python integers (the roundings of docs/stress.md
   §Applying): the shocked spot, perp mark, forwards, funding, collateral prices, stable price,
   haircuts and confidences, and the shocked request rebuilt from them is margined by the
   engine's plain `margin batch` door: equity, IM, MM, health and liquidatable equal the stress
   door's, to the wei, under the standard and the pmrm2 models.
2. The linear P&L (perps with funding, futures on given and rate-derived forwards, moving
   collateral) to the wei; options against mpmath Black-76 (60 digits) with the shocked vol
   recomputed from its definition (parallel, term-scaled, skew; mark vols and SVI surfaces);
   the total is the exact sum of its rows.
3. Derived moves (correlation, beta, clamping) exactly; historical replays from the CSV closes
   exactly (the named dates, the worst 2-day window of the lead, the stable coin's trough).
4. Reverse stress against a brute-force fine scan (every grid point up to the one found) on
   generated accounts: the point found is liquidatable, the one below is not, no scan point
   before is, and the count of accounts where the brute force finds the same point is stated.
5. A deliberate mutation of the reference (the funding accrual floored instead of ceiled: 1 wei) is caught.
7. The book (`margin stress-book`): per scenario the liquidatable and newly liquidatable counts,
   the P&L, the shortfall against the insurance fund and the top contributors recomputed from the
   per-account stress door; one thread and two give the same result.
6. Bad input: codes and JSON pointers (unknown fields, shocks out of range, a correlation outside
   [-1, 1], a replay date outside the history, no history, the caps, an unknown set).

    check_stress.py PRICES_DIR MARGIN_COMMAND...   (e.g. build/native/bin/margin, or node .../margin.js)
"""
import copy
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile

import mpmath as mp

mp.mp.dps = 60
E18 = 10**18
FAILS = []
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
PRICES = sys.argv[1]
CMD = sys.argv[2:]
TMP = tempfile.mkdtemp(prefix="check_stress_")
MUTATE = os.environ.get("STRESS_MUTATE") == "1"  # the reference rounds funding down: the check must fail


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def wad(s):
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


def mulf(a, b):  # floor(a b / 1e18)
    return (a * b) // E18


def mulc(a, b):
    return -((-a * b) // E18)


def mult(a, b):  # toward zero
    p = a * b
    return p // E18 if p >= 0 else -((-p) // E18)


def days(date):
    return (datetime.date.fromisoformat(date) - datetime.date(1970, 1, 1)).days


def load(sym):
    path = os.path.join(PRICES, sym.lower() + "-usd.csv")
    rows = [l.split(",") for l in open(path).read().splitlines()[1:] if l]
    out, prev = {}, None
    for d, c in rows:
        day = days(d)
        if prev is not None:
            for m in range(prev + 1, day):
                out[m] = out[prev]
        out[day] = wad(c)
        prev = day
    return out


def run(args, text):
    p = subprocess.run(CMD + args, input=text.encode(), capture_output=True)
    if p.returncode > 1:
        print(p.stderr.decode())
    check(p.returncode <= 1, f"margin {' '.join(args)} exit {p.returncode}")
    return json.loads(p.stdout.decode()) if p.stdout.strip() else {}


def batch(requests):
    """Each request's response from `margin batch` (one process)."""
    inp, out = os.path.join(TMP, "in.jsonl"), os.path.join(TMP, "out.jsonl")
    with open(inp, "w") as f:
        for r in requests:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    subprocess.run(CMD + ["batch", inp, out], check=True)
    return [json.loads(l) for l in open(out).read().splitlines()]


# ---- the book ---------------------------------------------------------------------------
TS = 1767225600
E1, E2, E3 = TS + 14 * 86400, TS + 75 * 86400, TS + 40 * 86400


def book():
    return {
        "api_version": "1",
        "market": {
            "timestamp": str(TS),
            "underlyings": {
                "BTC": {"spot": "60000", "spot_confidence": "30", "perp_mark": "60010.5", "perp_confidence": "20",
                        "expiries": [{"expiry": str(E1), "forward": "60500", "discount_factor": "0.995", "forward_confidence": "40",
                                      "svi": {"a": "0.002", "b": "0.02", "rho": "-0.3", "m": "0.01", "sigma": "0.1"}},
                                     {"expiry": str(E2), "rate": "0.04",
                                      "svi": {"a": "0.01", "b": "0.05", "rho": "-0.25", "m": "0.02", "sigma": "0.2"}}]},
                "ETH": {"spot": "3000", "spot_confidence": "2", "perp_mark": "3001.25",
                        "expiries": [{"expiry": str(E3), "forward": "3020", "discount_factor": "0.996",
                                      "svi": {"a": "0.006", "b": "0.04", "rho": "-0.2", "m": "0.0", "sigma": "0.15"}}]},
            },
            "collateral": {"USDC": {"price": "0.9999", "confidence": "0.0001"}, "BTC": {"price": "60000", "confidence": "30"}},
        },
        "account": {
            "cash": "15000",
            "collateral": {"USDC": "40000", "BTC": "0.25"},
            "positions": [
                {"type": "perp", "underlying": "BTC", "size": "0.7", "entry_price": "59000", "funding": "12.5"},
                {"type": "future", "underlying": "BTC", "expiry": str(E1), "size": "-0.3"},
                {"type": "future", "underlying": "BTC", "expiry": str(E2), "size": "0.25", "entry_price": "61000"},
                {"type": "perp", "underlying": "ETH", "size": "-4", "funding": "-3"},
                {"type": "option", "underlying": "BTC", "expiry": str(E1), "strike": "65000", "option_type": "call", "size": "-1",
                 "mark_vol": "0.6"},
                {"type": "option", "underlying": "BTC", "expiry": str(E2), "strike": "55000", "option_type": "put", "size": "2"},
                {"type": "option", "underlying": "ETH", "expiry": str(E3), "strike": "3200", "option_type": "call", "size": "-5"},
            ],
        },
    }


# every kind of shock, each in a scenario of its own (the API parity corpus's list), then a joint one
sys.path.insert(0, os.path.join(HERE, "..", "core"))
from gen_stress_requests import KINDS  # noqa: E402

RATE = next(k for k in KINDS if k["name"] == "rate")
SCENARIOS = [k for k in KINDS if k is not RATE] + [
    {"name": "joint", "underlyings": {"BTC": {"spot": "-0.2", "vol": {"relative": "0.3"}, "basis": "0.005"},
                                      "ETH": {"spot": "-0.25", "perp_basis": "-0.003", "confidence_scale": "2"}},
     "collateral": {"BTC": {"haircut": "0.1"}}, "stable_price": "0.99"},
]
REPLAYS = [
    {"name": "r1", "replay": {"from": "2020-03-12", "to": "2020-03-12"}},
    {"name": "r2", "replay": {"from": "2022-06-13", "to": "2022-06-18", "vol_beta": "0.5"}},
    {"name": "r3", "replay": {"from": "2023-03-10", "to": "2023-03-13", "stable": "USDC", "trough": "USDC"}},
    {"name": "r4", "replay": {"worst": {"lead": "BTC", "days": "2", "direction": "down"}}},
    {"name": "r5", "replay": {"worst": {"lead": "ETH", "days": "1", "direction": "up"}}},
]

STD = json.load(open(os.path.join(ROOT, "core/api/params/standard-v1.json")))
PMRM2 = json.load(open(os.path.join(ROOT, "core/api/params/portfolio-pmrm2.json")))


def sh(s, sym):
    u = s.get("underlyings", {})
    return u.get(sym, u.get("*"))


def moves(s, req):
    """The applied scenario as docs/stress.md §Resolving defines it: "*" expanded, derived moves computed."""
    out = {}
    for sym in req["market"]["underlyings"]:
        u = sh(s, sym)
        if u is not None:
            out[sym] = copy.deepcopy(u)
    for sym, d in s.get("derived", {}).items():
        lead = wad(out[d["lead"]].get("spot", "0"))
        beta = wad(d["beta"]) if "beta" in d else mult(wad(d["correlation"]), wad(d.get("vol_ratio", "1")))
        r = max(min(mult(beta, lead), 10 * E18), -990 * 10**15)
        out.setdefault(sym, {})["spot"] = fmt(r)
    return out


def shocked_request(base, today, s, vols):
    """The shocked request built here from the scenario (what apply() must produce)."""
    req = copy.deepcopy(base)
    m = req["market"]
    mv = moves(s, base)
    ONE = E18
    for i, p in enumerate(req["account"]["positions"]):
        if p["type"] != "option" and "entry_price" not in p:
            p["entry_price"] = today["positions"][i]["underlying_price"]
    spot_moves = {}
    for sym, um in m["underlyings"].items():
        u = mv.get(sym)
        if u is None:
            continue
        g = ONE + wad(u.get("spot", "0"))
        spot_moves[sym] = u.get("spot", "0")
        scale = wad(u.get("confidence_scale", "1"))
        spot = mulf(wad(um["spot"]), g)
        um["spot"] = fmt(spot)
        um["spot_confidence"] = fmt(min(mulc(wad(um.get("spot_confidence", "0")), scale), spot))
        perp = mulf(mulf(wad(um["perp_mark"]), g), ONE + wad(u.get("perp_basis", "0")))
        um["perp_mark"] = fmt(perp)
        um["perp_confidence"] = fmt(min(mulc(wad(um.get("perp_confidence", "0")), scale), perp))
        for e in um["expiries"]:
            f0 = wad(today["forwards"][sym][e["expiry"]])
            f = mulf(mulf(f0, g), ONE + wad(u.get("basis", "0")))
            e["forward"] = fmt(f)
            e["discount_factor"] = today["dfs"][sym][e["expiry"]]
            e["forward_confidence"] = fmt(min(mulc(wad(e.get("forward_confidence", "0")), scale), f))
        fu = u.get("funding")
        if fu:
            rd = wad(fu["rate"]) * int(fu["days"])
            for p in req["account"]["positions"]:
                if p["type"] == "perp" and p["underlying"] == sym:
                    n = mult(wad(p["size"]), perp)
                    acc = (n * rd) // (365 * E18) if MUTATE else -((-n * rd) // (365 * E18))
                    p["funding"] = fmt(wad(p.get("funding", "0")) - acc)
    if "stable_price" in s:
        m["stable_price"] = s["stable_price"]
    shocks = s.get("collateral", {})
    for asset, a in m["collateral"].items():
        k = shocks.get(asset, {})
        r = k.get("price", spot_moves.get(asset))
        price = wad(a["price"])
        if r is not None:
            price = mulf(price, ONE + wad(r))
            a["price"] = fmt(price)
        a["confidence"] = fmt(min(mulc(wad(a.get("confidence", "0")), wad(k.get("confidence_scale", "1"))), price))
    params = req.get("params", "standard")
    for asset, k in shocks.items():
        h = wad(k.get("haircut", "0"))
        if h == 0:
            continue
        if params in ("standard", "pmrm2"):
            params = copy.deepcopy(STD if params == "standard" else PMRM2)
        if isinstance(params, dict):
            c = params["collateral"][asset]
            for f in ("im_haircut", "mm_haircut"):
                c[f] = fmt(max(0, min(E18, wad(c[f]) + h)))
    if isinstance(params, dict):
        req["params"] = params
    for i, p in enumerate(req["account"]["positions"]):
        if p["type"] == "option" and vols[i] is not None:
            p["mark_vol"] = vols[i]
    return req


def svi_w(svi, k):
    a, b, rho, m_, sig = (mp.mpf(svi[x]) for x in ("a", "b", "rho", "m", "sigma"))
    d = k - m_
    return a + b * (rho * d + mp.sqrt(d * d + sig * sig))


def black(F, K, vol, t, call):
    sd = vol * mp.sqrt(t)
    d1 = (mp.log(F / K) + sd * sd / 2) / sd
    d2 = d1 - sd
    N = lambda x: mp.ncdf(x)
    return F * N(d1) - K * N(d2) if call else K * N(-d2) - F * N(-d1)


def expected_vol(base_pos, sym_shock, F1, expiry):
    """sigma' of docs/stress.md §Applying, in mpmath, from the option's vol at the shocked forward."""
    secs = expiry - TS
    t = mp.mpf(secs) / 31536000
    if "mark_vol" in base_pos:
        s0 = mp.mpf(base_pos["mark_vol"])
    else:
        svi = sym_shock["svi"]
        s0 = mp.sqrt(svi_w(svi, mp.log(mp.mpf(base_pos["strike"]) / F1)) / t)
    v = sym_shock.get("vol")
    if v is None:
        return s0
    p = mp.mpf(v.get("term_power", "0")) if secs <= 30 * 86400 else mp.mpf(v.get("term_power_long", v.get("term_power", "0")))
    floor_s = int(v.get("term_floor_days", "1")) * 86400
    mT = (mp.mpf(30 * 86400) / max(secs, floor_s)) ** p if p else mp.mpf(1)
    out = s0 + s0 * mp.mpf(v.get("relative", "0")) * mT + mp.mpf(v.get("absolute", "0")) * mT + \
        mp.mpf(v.get("skew", "0")) * mp.log(mp.mpf(base_pos["strike"]) / F1)
    out = max(out, mp.mpf(v.get("floor", "0")))
    return min(max(out, mp.mpf("0.0001")), mp.mpf(10))


def today_of(req):
    r = run(["compute", "--compact"], json.dumps(req))["result"]
    fw, dfs = {}, {}
    for sym, um in req["market"]["underlyings"].items():
        fw[sym], dfs[sym] = {}, {}
        for e in um["expiries"]:
            secs = int(e["expiry"]) - TS
            if "forward" in e:
                fw[sym][e["expiry"]] = e["forward"]
            if "discount_factor" in e:
                dfs[sym][e["expiry"]] = e["discount_factor"]
    for p, pr in zip(req["account"]["positions"], r["positions"]):
        if p["type"] != "perp":
            fw[p["underlying"]][p["expiry"]] = pr["underlying_price"]
    # the rate-derived discount factor, as validate() forms it (checked by the option values below)
    um = req["market"]["underlyings"]["BTC"]
    for e in um["expiries"]:
        if "discount_factor" not in e:
            rt = (wad(e["rate"]) * (int(e["expiry"]) - TS)) // 31536000
            dfs["BTC"][e["expiry"]] = fmt(int(mp.nint(mp.exp(-mp.mpf(rt) / E18) * E18)))
    return {"result": r, "positions": r["positions"], "forwards": fw, "dfs": dfs}


def check_scenarios(params):
    base = book()
    base["params"] = params
    today = today_of(base)
    req = dict(base, stress={"version": "stress/1", "scenarios": SCENARIOS + [RATE]})
    res = run(["stress", "--compact"], json.dumps(req))
    check("stress" in res, f"{params}: stress answered {str(res)[:300]}")
    if "stress" not in res:
        return
    out = res["stress"]["scenarios"]
    check(res["stress"]["before"]["equity"] == today["result"]["equity"], f"{params}: before = compute")
    rebuilt = []
    for s, o in zip(SCENARIOS + [RATE], out):
        # the applied (resolved) scenario: "*" expanded and derived moves computed
        mv = moves(s, base)
        applied = o["applied"].get("underlyings", {})
        for sym in base["market"]["underlyings"]:
            exp = mv.get(sym)
            got = applied.get(sym)
            check((exp is None) == (got is None), f"{params} {s['name']}: {sym} applied {got} vs {exp}")
            if exp and got:
                check(wad(exp.get("spot", "0")) == wad(got.get("spot", "0")), f"{params} {s['name']}: {sym} spot {got} vs {exp}")
        vols = []
        total = 0
        for i, (p, row) in enumerate(zip(base["account"]["positions"], o["pnl_by_contributor"])):
            total += wad(row["pnl"])
            vols.append(row.get("vol") if p["type"] == "option" and sh(s, p["underlying"]) is not None
                        and "vol" in (mv.get(p["underlying"]) or {}) else None)
        for row in o["pnl_by_contributor"][len(base["account"]["positions"]):]:
            total += wad(row["pnl"])
        check(total == wad(o["pnl"]), f"{params} {s['name']}: total is the sum of its rows")
        shocked = shocked_request(base, today, s, vols)
        if s is not RATE:
            rebuilt.append((s, o, shocked))
        # linear P&L to the wei, options against mpmath
        for i, (p, row) in enumerate(zip(base["account"]["positions"], o["pnl_by_contributor"])):
            sp = shocked["account"]["positions"][i]
            um1 = shocked["market"]["underlyings"][p["underlying"]]
            if p["type"] == "perp":
                mark1 = wad(um1["perp_mark"])
            elif p["type"] == "future":
                mark1 = wad(next(e.get("forward", today["forwards"][p["underlying"]][e["expiry"]])
                                 for e in um1["expiries"] if e["expiry"] == p["expiry"]))
            if p["type"] != "option":
                entry = wad(sp["entry_price"])
                v1 = mulf(wad(p["size"]), mark1 - entry) + wad(sp.get("funding", "0"))
                v0 = mulf(wad(p["size"]), wad(today["positions"][i]["underlying_price"]) - entry) + wad(p.get("funding", "0"))
                check(v1 - v0 == wad(row["pnl"]), f"{params} {s['name']}: position {i} P&L {row['pnl']} vs {fmt(v1 - v0)}")
                continue
            e1 = next(e for e in um1["expiries"] if e["expiry"] == p["expiry"])
            F1 = mp.mpf(e1.get("forward", today["forwards"][p["underlying"]][p["expiry"]]))
            e0 = next(e for e in base["market"]["underlyings"][p["underlying"]]["expiries"] if e["expiry"] == p["expiry"])
            u = dict(sh(s, p["underlying"]) or {})
            u = dict(mv.get(p["underlying"]) or {}, svi=e0.get("svi"))
            sig = expected_vol(p, u, F1, int(p["expiry"]))
            t = mp.mpf(int(p["expiry"]) - TS) / 31536000
            df = mp.mpf(today["dfs"][p["underlying"]][p["expiry"]])
            if "rate" in u:
                df *= mp.exp(-mp.mpf(u["rate"]) * t)
            val = mp.mpf(p["size"]) * df * black(F1, mp.mpf(p["strike"]), sig, t, p["option_type"] == "call")
            check(abs(val - mp.mpf(row["value"])) < mp.mpf("1e-6") + abs(val) * mp.mpf("1e-9"),
                  f"{params} {s['name']}: option {i} value {row['value']} vs mpmath {mp.nstr(val, 20)}")
            check(abs(sig - mp.mpf(row["vol"])) < mp.mpf("1e-12"), f"{params} {s['name']}: option {i} vol {row['vol']} vs {mp.nstr(sig, 20)}")
        for row in o["pnl_by_contributor"][len(base["account"]["positions"]):]:
            asset = row["pointer"].split("/")[-1]
            p0, p1 = wad(base["market"]["collateral"][asset]["price"]), wad(shocked["market"]["collateral"][asset]["price"])
            check(mulf(wad(base["account"]["collateral"][asset]), p1 - p0) == wad(row["pnl"]), f"{params} {s['name']}: collateral {asset}")
    answers = batch([r for _, _, r in rebuilt])
    for (s, o, _), a in zip(rebuilt, answers):
        r = a.get("result", a)
        for k in ("equity", "initial_margin", "maintenance_margin", "free_collateral", "health", "liquidatable"):
            check(r.get(k) == o[k], f"{params} {s['name']}: {k} {o[k]} vs the rebuilt request's {r.get(k)}")
    print(f"{params}: {len(out)} scenarios applied and margined; {len(rebuilt)} rebuilt requests agree")


def check_replays():
    base = book()
    hist = {s: load(s) for s in ("BTC", "ETH", "USDC")}
    req = dict(base, stress={"version": "stress/1", "scenarios": REPLAYS})
    res = run(["stress", "--compact", "--prices", PRICES, "--print-scenarios"], json.dumps(req))
    got = res.get("scenarios", [])
    check(len(got) == len(REPLAYS), f"replays printed: {str(res)[:300]}")

    def g(sym, a, b):
        return (hist[sym][b] * E18) // hist[sym][a - 1]

    def expect(name, a, b, beta=E18, stable=False):
        u = {}
        for sym in ("BTC", "ETH"):
            gr = g(sym, a, b)
            m = max(min(E18 - mult(beta, gr - E18), 3 * E18), E18 // 2)
            u[sym] = {"spot": fmt(gr - E18), "vol": {"relative": fmt(m - E18)}}
        c = {"BTC": {"price": fmt(g("BTC", a, b) - E18)}, "USDC": {"price": fmt(g("USDC", a, b) - E18)}}
        out = {"name": name, "underlyings": u, "collateral": c}
        if stable:
            out["stable_price"] = fmt(mulf(E18, g("USDC", a, b)))
        for sym in u:
            if u[sym]["vol"]["relative"] == "0":
                u[sym]["vol"] = {}
        return out

    d = days
    # worst 2-day fall of BTC over the days BTC and ETH both have; largest 1-day rise of ETH likewise
    first = max(min(hist["BTC"]), min(hist["ETH"]), min(hist["USDC"]))  # held underlyings and moving collateral
    last = min(max(hist["BTC"]), max(hist["ETH"]), max(hist["USDC"]))
    w = min(range(first + 2, last + 1), key=lambda t: ((hist["BTC"][t] * E18) // hist["BTC"][t - 2], t))
    up = max(range(first + 1, last + 1), key=lambda t: ((hist["ETH"][t] * E18) // hist["ETH"][t - 1], -t))
    usdc_low = min(range(d("2023-03-10"), d("2023-03-13") + 1), key=lambda t: (hist["USDC"][t], t))
    iso = lambda t: (datetime.date(1970, 1, 1) + datetime.timedelta(days=t)).isoformat()
    want = [expect("r1", d("2020-03-12"), d("2020-03-12")),
            expect("r2", d("2022-06-13"), d("2022-06-18"), beta=E18 // 2),
            expect(f"r3 ({iso(d('2023-03-10'))} .. {iso(usdc_low)})", d("2023-03-10"), usdc_low, stable=True),
            expect(f"r4 ({iso(w - 1)} .. {iso(w)})", w - 1, w),
            expect(f"r5 ({iso(up)})", up, up)]
    for a, b in zip(got, want):
        check(a == b, f"replay {b['name']}: {json.dumps(a)} vs {json.dumps(b)}")
    check(iso(usdc_low) == "2023-03-11", "the USDC trough is 2023-03-11")
    print(f"replays: {len(want)} windows resolved from the CSV closes exactly (worst BTC 2-day fall ends {iso(w)})")
    # the replays margined: the printed document, applied as plain scenarios, gives the same bytes
    res1 = run(["stress", "--compact", "--prices", PRICES], json.dumps(req))
    res2 = run(["stress", "--compact"], json.dumps(dict(base, stress={"version": "stress/1", "scenarios": got})))
    strip = lambda r: [dict(x, name="") for x in r.get("stress", {}).get("scenarios", [])]
    check(len(strip(res1)) == len(REPLAYS) and [x["pnl"] for x in strip(res1)] == [x["pnl"] for x in strip(res2)],
          "a replay equals its printed expansion")


def reverse_checks(n_accounts):
    rng = random.Random(20261207)
    same = 0
    for a in range(n_accounts):
        req = book()
        pos = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["perp", "future", "call", "put"])
            size = fmt(rng.randint(-3000, 3000) * 10**15 or 10**15)
            if kind == "perp":
                pos.append({"type": "perp", "underlying": "BTC", "size": size})
            elif kind == "future":
                pos.append({"type": "future", "underlying": "BTC", "expiry": str(E1), "size": size})
            else:
                pos.append({"type": "option", "underlying": "BTC", "expiry": str(rng.choice([E1, E2])), "option_type": kind,
                            "strike": str(rng.choice([45000, 55000, 60000, 65000, 75000])), "size": size,
                            **({"mark_vol": "0.7"} if rng.random() < 0.5 else {})})
        # one instrument each
        seen, uniq = set(), []
        for p in pos:
            key = (p["type"], p.get("expiry"), p.get("option_type"), p.get("strike"))
            if key not in seen:
                seen.add(key)
                uniq.append(p)
        req["account"] = {"cash": str(rng.randint(2000, 30000)), "positions": uniq}
        move = rng.choice(["spot_down", "spot_up"])
        rq = dict(req, reverse_stress={"grid": "0.001", "scan": "0.02", "max": "0.6", "directions": [{"move": move, "underlying": "BTC"}]})
        r = run(["stress", "--reverse", "--compact"], json.dumps(rq))
        d = r.get("reverse_stress", {}).get("directions", [{}])[0]
        found = d.get("found", False)
        end = wad(d["distance"]) // 10**15 if found else 600
        sign = "-" if move == "spot_down" else ""
        liq = []
        for lo in range(0, end + 1, 250):  # the brute force: every grid point up to the one found
            sc = [{"name": str(k), "underlyings": {"BTC": {"spot": sign + fmt(k * 10**15)}}} for k in range(lo, min(lo + 250, end + 1))]
            res = run(["stress", "--compact"], json.dumps(dict(req, stress={"version": "stress/1", "scenarios": sc})))
            liq += [x["liquidatable"] for x in res["stress"]["scenarios"]]
        first = next((k for k, x in enumerate(liq) if x), None)
        if found:
            k = end
            check(liq[k], f"account {a}: the point found ({d['distance']}) is liquidatable")
            check(k == 0 or not liq[k - 1], f"account {a}: the grid point below it is not")
            check(not any(liq[j] for j in range(20, k, 20) if j < k - 20 or j <= k), f"account {a}: no scan point before it is liquidatable")
            check(d["liquidation_price"] == fmt(mulf(60000 * E18, E18 + wad(sign + fmt(k * 10**15)))), f"account {a}: liquidation price")
        else:
            check(first is None or first % 20 != 0, f"account {a}: not found, yet scan point {first} is liquidatable")
        same += (first == (end if found else None))
    print(f"reverse stress: {n_accounts} generated accounts; the brute-force fine scan finds the same point on {same}")
    return same


def bad_inputs():
    base = book()
    S = lambda *sc: dict(base, stress={"version": "stress/1", "scenarios": list(sc)})
    cases = [
        (S({"name": "x", "underlyings": {"BTC": {"spt": "-0.3"}}}), "UNKNOWN_FIELD", "/stress/scenarios/0/underlyings/BTC/spt"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": "-1.5"}}}), "OUT_OF_RANGE", "/stress/scenarios/0/underlyings/BTC/spot"),
        (S({"name": "x", "underlyings": {"BTC": {"vol": {"relative": "-2"}}}}), "OUT_OF_RANGE", "/stress/scenarios/0/underlyings/BTC/vol/relative"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": "-0.3"}}, "derived": {"ETH": {"lead": "BTC", "correlation": "1.5"}}}),
         "OUT_OF_RANGE", "/stress/scenarios/0/derived/ETH/correlation"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": 1}}}), "JSON_NUMBER", "/stress/scenarios/0/underlyings/BTC/spot"),
        (S({"name": "x", "replay": {"from": "2010-01-01"}}), "HISTORY_TOO_SHORT", "/stress/scenarios/0/replay"),
        (S({"name": "x", "replay": {"from": "2020-02-30"}}), "BAD_INTEGER", "/stress/scenarios/0/replay/from"),
        (dict(base, stress="nosuchset"), "UNKNOWN_PRESET", "/stress"),
        (dict(base, stress={"version": "stress/2", "scenarios": []}), "UNSUPPORTED_VERSION", "/stress/version"),
        (S(), "OUT_OF_RANGE", "/stress/scenarios"),
        (S(*[{"name": str(i)} for i in range(257)]), "OUT_OF_RANGE", "/stress/scenarios"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": "-0.3"}}, "derived": {"ETH": {"lead": "SOL", "beta": "1"}}}),
         "UNKNOWN_UNDERLYING", "/stress/scenarios/0/derived/ETH/lead"),
        (S({"name": "x", "underlyings": {"BTC": {"funding": {"rate": "0.1"}}}}), "MISSING_FIELD", "/stress/scenarios/0/underlyings/BTC/funding/days"),
        (dict(base, reverse_stress={"scan": "0.0015"}), "OUT_OF_RANGE", "/reverse_stress/scan"),
        (dict(base, reverse_stress={"directions": [{"move": "sideways", "underlying": "BTC"}]}), "BAD_ENUM", "/reverse_stress/directions/0/move"),
        (dict(book(), params="es", reverse_stress={}), "OUT_OF_RANGE", "/reverse_stress/scan"),
        (dict(base, reverse_stress={"directions": [{"move": "spot_down", "underlying": "SOL"}]}), "UNKNOWN_UNDERLYING",
         "/reverse_stress/directions/0/underlying"),
    ]
    big = book()
    big["account"]["positions"] = [{"type": "option", "underlying": "BTC", "expiry": str(E1), "option_type": "call", "strike": str(40000 + i),
                                    "size": "1", "mark_vol": "0.5"} for i in range(400)]
    # the cap: 251 scenarios x 400 positions > 100,000
    cases.append((dict(big, stress={"version": "stress/1", "scenarios": [{"name": str(i)} for i in range(251)]}), "OUT_OF_RANGE",
                  "/stress/scenarios"))
    for req, code, path in cases:
        args = ["stress", "--compact", "--prices", PRICES] + ([] if "stress" in req else ["--reverse"])
        r = run(args, json.dumps(req))
        e = r.get("error", {})
        check(e.get("code") == code and e.get("path") == path, f"bad input: expected {code} at {path}, got {e or str(r)[:200]}")
    # no history at all for a replay
    r = run(["stress", "--compact"], json.dumps(dict(base, stress="replays")))
    check(r.get("error", {}).get("code") == "NO_HISTORY", f"a replay without history: {r.get('error')}")
    print(f"bad input: {len(cases) + 1} cases with their codes and paths")


def book_check(n):
    """margin stress-book against the per-account stress door: counts, shortfall, uncovered, top, worst."""
    rng = random.Random(20261208)
    accounts = []
    for i in range(n):
        r = book()
        r["account"]["cash"] = str(rng.randint(-20000, 40000))
        for p in r["account"]["positions"]:
            p["size"] = fmt(wad(p["size"]) * rng.randint(1, 30) // 10)
        if i % 3 == 1:
            r["params"] = "pmrm2"
        accounts.append(r)
    path = os.path.join(TMP, "book.jsonl")
    with open(path, "w") as f:
        f.write("\n".join(json.dumps(a) for a in accounts) + "\n\n")  # an empty last line is skipped
    fund = 5000 * E18
    got = run(["stress-book", path, "--scenarios", "textbook", "--shock", "BTC:spot=-45%,vol=+0.2", "--insurance-fund", fmt(fund),
               "--top", "3", "--threads", "2", "--compact"], "").get("stress_book", {})
    per = [run(["stress", "--compact", "--scenarios", "textbook", "--shock", "BTC:spot=-45%,vol=+0.2"], json.dumps(a))["stress"]
           for a in accounts]
    check(got.get("accounts") == str(n), f"book: {n} accounts")
    check(got.get("before", {}).get("liquidatable") == str(sum(r["before"]["liquidatable"] for r in per)), "book: liquidatable before")
    worst = None
    for k, sc in enumerate(got.get("scenarios", [])):
        cells = [r["scenarios"][k] for r in per]
        liq = sum(c["liquidatable"] for c in cells)
        newly = sum(c["liquidatable"] and not r["before"]["liquidatable"] for c, r in zip(cells, per))
        short = sum(max(0, -wad(c["equity"])) for c in cells)
        pnl = sum(wad(c["pnl"]) for c in cells)
        order = sorted(range(n), key=lambda a: (-max(0, -wad(cells[a]["equity"])), wad(cells[a]["pnl"]), a))[:3]
        want = {"name": cells[0]["name"], "liquidatable": str(liq), "newly_liquidatable": str(newly), "pnl": fmt(pnl), "shortfall": fmt(short),
                "uncovered": fmt(max(0, short - fund)), "covered": short <= fund,
                "top": [{"line": str(a + 1), "shortfall": fmt(max(0, -wad(cells[a]["equity"]))), "equity": cells[a]["equity"],
                         "pnl": cells[a]["pnl"]} for a in order]}
        check(sc == want, f"book scenario {k}: {json.dumps(sc)[:400]} vs {json.dumps(want)[:400]}")
        if worst is None or (short, -pnl) > worst[1]:
            worst = (k, (short, -pnl))
    check(got.get("worst", {}).get("index") == str(worst[0]) if worst else False, "book: the worst scenario")
    one = run(["stress-book", path, "--scenarios", "textbook", "--shock", "BTC:spot=-45%,vol=+0.2", "--insurance-fund", fmt(fund),
               "--top", "3", "--threads", "1", "--compact"], "").get("stress_book", {})
    check(one == got, "book: the same result on one thread and on two")
    # bad books: empty, a bad line (its pointer under /book/<line - 1>)
    with open(path, "w") as f:
        f.write("\n")
    e = run(["stress-book", path, "--scenarios", "textbook", "--compact"], "").get("error", {})
    check((e.get("code"), e.get("path")) == ("OUT_OF_RANGE", "/book"), f"an empty book: {e}")
    bad = book()
    bad["account"]["cash"] = 5
    with open(path, "w") as f:
        f.write(json.dumps(book()) + "\n" + json.dumps(bad) + "\n")
    e = run(["stress-book", path, "--scenarios", "textbook", "--compact"], "").get("error", {})
    check((e.get("code"), e.get("path")) == ("JSON_NUMBER", "/book/1/account/cash"), f"a bad line in a book: {e}")
    print(f"book: {n} accounts x {len(got.get('scenarios', []))} scenarios equal the per-account stress door's figures; 1 and 2 threads agree")


def shorthand():
    base = book()
    r = run(["stress", "--compact", "--shock", "BTC:spot=-30%,vol=+50%", "--shock", "ETH:follow=BTC,rho=0,vol=+0.1", "--print-scenarios"],
            json.dumps(base))
    want = {"version": "stress/1", "scenarios": [{"name": "BTC:spot=-30%,vol=+50% ETH:follow=BTC,rho=0,vol=+0.1",
                                                  "underlyings": {"BTC": {"spot": "-0.3", "vol": {"relative": "0.5"}},
                                                                  "ETH": {"vol": {"absolute": "0.1"}}}}]}
    check(r == want, f"--shock expands: {r}")
    print("shorthand: --shock BTC:spot=-30%,vol=+50% ETH:follow=BTC,rho=0,vol=+0.1 expands as documented")


if MUTATE:
    check_scenarios("standard")
    print(f"mutated reference: {len(FAILS)} mismatches")
    sys.exit(0 if FAILS else 1)
check_scenarios("standard")
check_scenarios("pmrm2")
check_replays()
shorthand()
bad_inputs()
reverse_checks(int(os.environ.get("STRESS_ACCOUNTS", "20")))
book_check(int(os.environ.get("STRESS_BOOK", "9")))
# the mutation: the same checks against a reference that floors the funding accrual must fail
p = subprocess.run([sys.executable, __file__, PRICES] + CMD, env=dict(os.environ, STRESS_MUTATE="1"), capture_output=True)
check(p.returncode == 0, "a reference rounding the funding accrual down is caught")
print("mutation:", p.stdout.decode().strip().splitlines()[-1] if p.stdout.strip() else "(no output)")
print("check_stress:", "FAILED" if FAILS else "ok", f"({len(FAILS)} failures)" if FAILS else "")
sys.exit(1 if FAILS else 0)
