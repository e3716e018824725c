"""Scenario application (check_stress.py 1, 2 and 5): every scenario kind applied in Python integers,
the shocked request rebuilt and margined by `margin batch`, P&L to the wei and options against
mpmath Black-76; the --shock shorthand's expansion."""
import copy
import json
import mpmath as mp

from stress_common import E18, MUTATE, PMRM2, RATE, SCENARIOS, STD, TS, batch, black76, book, check, fmt, moves, mulc, mulf, mult, run, sh, wad


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
            val = mp.mpf(p["size"]) * df * black76(F1, mp.mpf(p["strike"]), sig, t, p["option_type"] == "call")[0]
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
        for k in ("equity", "margin_balance", "initial_margin", "maintenance_margin", "free_collateral", "health", "liquidatable"):
            check(r.get(k) == o[k], f"{params} {s['name']}: {k} {o[k]} vs the rebuilt request's {r.get(k)}")
    print(f"{params}: {len(out)} scenarios applied and margined; {len(rebuilt)} rebuilt requests agree")


def shorthand():
    base = book()
    r = run(["stress", "--compact", "--shock", "BTC:spot=-30%,vol=+50%", "--shock", "ETH:follow=BTC,rho=0,vol=+0.1", "--print-scenarios"],
            json.dumps(base))
    want = {"version": "stress/1", "scenarios": [{"name": "BTC:spot=-30%,vol=+50% ETH:follow=BTC,rho=0,vol=+0.1",
                                                  "underlyings": {"BTC": {"spot": "-0.3", "vol": {"relative": "0.5"}},
                                                                  "ETH": {"vol": {"absolute": "0.1"}}}}]}
    check(r == want, f"--shock expands: {r}")
    print("shorthand: --shock BTC:spot=-30%,vol=+50% ETH:follow=BTC,rho=0,vol=+0.1 expands as documented")
