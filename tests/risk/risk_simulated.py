"""The model-based methods (check_risk.py 3, 4 and 7): filtered historical simulation and the
delta-normal closed form against mpmath, Monte Carlo against the lognormal closed form (within
3 standard errors), and grid revaluation against full revaluation."""
import os
import sys
from fractions import Fraction

import mpmath as mp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import E18, check, csv_path, day_number, example, history_text, read_closes, wad  # noqa: E402
from risk_common import base_request, ewma_var, run  # noqa: E402


def fhs_and_parametric(margin, prices):
    req = base_request(prices)
    req["history"] = history_text(prices, ("BTC", "ETH", "USDC"))
    h, lookback, lam = 2, 730, mp.mpf("0.97")
    last = day_number("2023-12-31")
    first = last - lookback + 1
    start = first - h - 30
    series = {s: read_closes(csv_path(prices, s)) for s in ("BTC", "ETH", "USDC")}
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
    k = -(-(lookback * (E18 - wad("0.99"))) // E18)
    losses = sorted((-t for t in total), reverse=True)[:k]
    es = sum(losses) / k
    check(abs(mp.mpf(wad(r["es"])) / E18 - es) <= es * mp.mpf("1e-12"), f"fhs: ES {r['es']} vs mpmath {es}")


def monte_carlo(margin, prices):
    req = base_request(prices)
    req["account"] = {"cash": "0", "positions": [{"type": "perp", "underlying": "BTC", "size": "1"}]}
    req["market"]["collateral"] = {}
    req["history"] = history_text(prices, ("BTC",))
    h, lookback = 2, 1000
    req["risk"] = {"method": "monte_carlo", "horizon_days": str(h), "lookback_days": str(lookback), "as_of": "2024-12-31",
                   "paths": "40000", "seed": "20261207"}
    rc, out, err = run(margin, req)
    check(rc == 0, f"mc runs: {err} {out}")
    if rc != 0:
        return
    r = out["risk"]
    s = read_closes(csv_path(prices, "BTC"))
    last = day_number("2024-12-31")
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


def grid_vs_full(margin, prices):
    ex = example(margin)
    ex["history"] = history_text(prices, ("BTC", "ETH", "USDC"))
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
