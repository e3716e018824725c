#!/usr/bin/env python3
"""`margin backtest` against independent implementations (docs/backtest.md §Tests).

usage: check_backtest.py PRICES_DIR MARGIN...   (MARGIN: the command, e.g. build/native/bin/margin)
       check_backtest.py PRICES_DIR --verify FILE.json   (a --daily run's output, e.g. the full 2018-2024 one)

Reads the real price history at test time. Checks, with Python integers, fractions and mpmath:
the realised loss of the linear portfolios to the wei from the CSV closes; every exception,
transition and Basel count and zone; Kupiec / Christoffersen / conditional-coverage LR and
p-values (mpmath, to the 6 printed digits); the procyclicality figures exactly; bad input; and
deliberate mutations that the checks must catch.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import mpmath

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import FAILS as failures, QUIET as quiet, WAD, check, date_of, day_number, read_closes, run_margin  # noqa: E402
from margin_testlib import black76, wad as wei  # noqa: E402

mpmath.mp.dps = 50
PRICES = sys.argv[1]
MARGIN = sys.argv[2:]
btc_closes = {}


def run(*args, expect=0):
    t = time.time()
    p = run_margin(MARGIN, ["backtest", *args], expect, what=" ".join(args), tail=2000)
    return p, time.time() - t


# --- independent re-implementations ---------------------------------------------------------------

def perp_pnl(size, mark, g):
    moved = mark * g // WAD
    return (size * (moved - mark)) // WAD


def realised_loss_linear(portfolio, day, h, btc, eth):
    """The realised h-day loss of a linear portfolio from the CSV closes (Python integers)."""
    g_btc = btc[day + h] * WAD // btc[day]
    if portfolio == "long_btc":
        return -perp_pnl(WAD, btc[day], g_btc)
    if portfolio == "short_btc_perp":
        return -perp_pnl(-WAD, btc[day], g_btc)
    if portfolio == "btc_eth_pair":
        g_eth = eth[day + h] * WAD // eth[day]
        ratio = btc[day] * WAD // eth[day]
        step = WAD // 1000
        n = ratio // step * step  # toward zero (positive)
        return -(perp_pnl(WAD, btc[day], g_btc) + perp_pnl(-n, eth[day], g_eth))
    raise ValueError(portfolio)


def xlogy(a, b):
    return mpmath.mpf(0) if a == 0 else a * mpmath.log(b)


def kupiec(n, x, p=mpmath.mpf("0.01")):
    if n == 0:
        return mpmath.mpf(0)
    ph = mpmath.mpf(x) / n
    lr = -2 * (xlogy(n - x, 1 - p) + xlogy(x, p) - xlogy(n - x, 1 - ph) - xlogy(x, ph))
    return max(lr, mpmath.mpf(0))


def christoffersen(n00, n01, n10, n11):
    tot = n00 + n01 + n10 + n11
    if tot == 0:
        return mpmath.mpf(0)
    pi = mpmath.mpf(n01 + n11) / tot
    pi01 = mpmath.mpf(n01) / (n00 + n01) if n00 + n01 else mpmath.mpf(0)
    pi11 = mpmath.mpf(n11) / (n10 + n11) if n10 + n11 else mpmath.mpf(0)
    l0 = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
    l1 = xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11)
    return max(-2 * (l0 - l1), mpmath.mpf(0))


def chi2_sf(x, k):  # the regularised upper incomplete gamma: independent of the erfc / exp closed forms
    return mpmath.gammainc(mpmath.mpf(k) / 2, mpmath.mpf(x) / 2, mpmath.inf, regularized=True)


def close6(printed, exact):
    """The engine prints %.6g: it must agree with the exact value to 6 significant digits."""
    v = mpmath.mpf(printed)
    if v == 0 and abs(exact) < mpmath.mpf("2.3e-308"):  # below double's normal range: printed as 0 (docs/backtest.md)
        return True
    if exact == 0:
        return abs(v) < mpmath.mpf("1e-300") or v == 0
    return abs(v - exact) <= abs(exact) * mpmath.mpf("1e-5")


def zone(c):
    return "green" if c <= 4 else "yellow" if c <= 9 else "red"


def check_coverage(label, cov, hits):
    n = len(hits)
    x = sum(hits)
    t = {"00": 0, "01": 0, "10": 0, "11": 0}
    for a, b in zip(hits, hits[1:]):
        t[f"{int(a)}{int(b)}"] += 1
    check(cov["observations"] == str(n) and cov["exceptions"] == str(x), f"{label}: n/x {cov['observations']}/{cov['exceptions']} vs {n}/{x}")
    for k in t:
        check(cov["transitions"]["n" + k] == str(t[k]), f"{label}: n{k}")
    lr = kupiec(n, x)
    check(close6(cov["kupiec_lr"], lr), f"{label}: Kupiec LR {cov['kupiec_lr']} vs {mpmath.nstr(lr, 10)}")
    check(close6(cov["kupiec_p"], chi2_sf(lr, 1)), f"{label}: Kupiec p {cov['kupiec_p']} vs {mpmath.nstr(chi2_sf(lr, 1), 10)}")
    ci = christoffersen(t["00"], t["01"], t["10"], t["11"])
    check(close6(cov["christoffersen_lr"], ci), f"{label}: Christoffersen LR {cov['christoffersen_lr']} vs {mpmath.nstr(ci, 10)}")
    check(close6(cov["christoffersen_p"], chi2_sf(ci, 1)), f"{label}: Christoffersen p")
    check(close6(cov["conditional_coverage_p"], chi2_sf(lr + ci, 2)), f"{label}: conditional coverage p")
    # Basel traffic light over every rolling 250-observation window
    counts = [sum(hits[i - 250:i]) for i in range(250, n + 1)]
    b = cov["basel"]
    check(b["windows"] == str(len(counts)), f"{label}: Basel windows")
    for z in ("green", "yellow", "red"):
        check(b[z] == str(sum(1 for c in counts if zone(c) == z)), f"{label}: Basel {z}")
    if counts:
        check(b["max_exceptions"] == str(max(counts)) and b["worst_zone"] == zone(max(counts)), f"{label}: Basel worst")
        check(b["last_exceptions"] == str(counts[-1]) and b["last_zone"] == zone(counts[-1]), f"{label}: Basel last")
    else:
        check(b["last_zone"] == "n/a", f"{label}: Basel n/a")
    return n, x


def check_result(r, stride):
    """Everything in one result recomputed from its daily series."""
    label = f"{r['portfolio']}/{r['model']}"
    d = r["daily"]
    margin = [wei(v) for v in d["margin"]]
    loss = [wei(v) for v in d["loss"]]
    days = [day_number(v) for v in d["day"]]
    check(all(b - a == 1 for a, b in zip(days, days[1:])), f"{label}: consecutive days")
    check(r["days"] == str(len(days)), f"{label}: days")
    check(r["exceptions_overlapping"] == str(sum(l > m for l, m in zip(loss, margin))), f"{label}: overlapping exceptions")
    idx = range(0, len(days), stride)
    check_coverage(label + " margin", r["margin_coverage"], [loss[i] > margin[i] for i in idx])
    if r["tested"] == "var":
        var = [wei(v) for v in d["var"]]
        es = [wei(v) for v in d["es"]]
        n, x = check_coverage(label + " VaR", r["var_coverage"], [loss[i] > var[i] for i in idx])
        ratios = [loss[i] * WAD // es[i] for i in idx if loss[i] > var[i] and es[i] > 0]
        want = sum(ratios) // len(ratios) if ratios else 0
        check(wei(r["tail_loss_over_es"]) == want, f"{label}: tail loss / ES {r['tail_loss_over_es']}")
    check(wei(r["average_margin"]) == sum(margin) // len(margin), f"{label}: average margin")
    check(wei(r["peak_margin"]) == max(margin) and wei(r["trough_margin"]) == min(margin), f"{label}: peak/trough")
    ptt = max(margin) * WAD // min(margin) if min(margin) > 0 else 0
    check(wei(r["peak_to_trough"]) == ptt, f"{label}: peak-to-trough")
    spot = [wei(v) for v in d["spot"]]
    check(all(spot[i] == btc_closes[days[i]] for i in range(len(days))), f"{label}: spot")
    per = [margin[i] * WAD // spot[i] for i in range(len(days))]
    pts = max(per) * WAD // min(per) if min(per) > 0 else 0
    check(wei(r["peak_to_trough_per_spot"]) == pts, f"{label}: peak-to-trough per $ of spot")
    for lag, key in ((1, "1d"), (5, "5d"), (30, "30d")):
        best = None
        for i in range(lag, len(margin)):
            if margin[i - lag] <= 0:
                continue
            inc = margin[i] * WAD // margin[i - lag] - WAD
            if best is None or inc > best[0]:
                best = (inc, days[i])
        if best:
            got = r["largest_increase"][key]
            check(wei(got["ratio"]) == best[0] and got["day"] == date_of(best[1]), f"{label}: largest {key} increase")


def check_realised(doc, btc, eth, h):
    checked = 0
    bad = 0
    for r in doc["backtest"]["results"]:
        if r["portfolio"] not in ("long_btc", "short_btc_perp", "btc_eth_pair"):
            continue
        for day, loss in zip(r["daily"]["day"], r["daily"]["loss"]):
            want = realised_loss_linear(r["portfolio"], day_number(day), h, btc, eth)
            checked += 1
            if wei(loss) != want:
                bad += 1
    return checked, bad


def vol_proxy(btc, first, last):
    """docs/backtest.md: EWMA(0.94) of daily log returns seeded 400 days before `first`, x 365, clamped to [0.3, 3]."""
    lam = mpmath.mpf("0.94")
    x2 = lambda d: mpmath.log(mpmath.mpf(btc[d]) / btc[d - 1]) ** 2
    seed = first - 400
    var = sum(x2(d) for d in range(seed - 29, seed + 1)) / 30
    out = {}
    for d in range(seed + 1, last + 1):
        var = lam * var + (1 - lam) * x2(d)
        if d >= first:
            out[d] = min(max(mpmath.sqrt(365 * var), mpmath.mpf("0.3")), mpmath.mpf(3))
    return out


def option_loss(portfolio, day, h, btc, vols):
    """The realised loss of an option portfolio in mpmath: Black-76 at the day's close and vol proxy, then at
    F' = S g with the spot-vol rule vol x clamp(1 - r, 0.5, 3), the same time to expiry; the hedge as documented."""
    S = mpmath.mpf(btc[day]) / WAD
    g = mpmath.mpf(btc[day + h] * WAD // btc[day]) / WAD
    vol = vols[day]
    vol2 = vol * min(max(1 - (g - 1), mpmath.mpf("0.5")), mpmath.mpf(3))
    T = mpmath.mpf(30) / 365
    K = lambda pct: mpmath.floor(S * pct / 100)
    legs = {"short_strangle": [(-1, K(90), False), (-1, K(110), True)],
            "delta_hedged_short_straddle": [(-1, K(100), True), (-1, K(100), False)]}[portfolio]
    pnl = 0
    delta = 0
    for size, k, call in legs:
        v0, d0 = black76(S, k, vol, T, call)
        v1, _ = black76(S * g, k, vol2, T, call)
        pnl += size * (v1 - v0)
        delta += size * d0
    if portfolio == "delta_hedged_short_straddle":
        hedge = -mpmath.mpf(int(delta * 1000)) / 1000  # toward zero to 0.001
        pnl += hedge * (mpmath.floor(S * g * WAD) / WAD - S)
    return -pnl


def verify(path, btc, eth):
    doc = json.load(open(path))
    for r in doc["backtest"]["results"]:
        check_result(r, int(doc["backtest"]["stride"]))
    n, bad = check_realised(doc, btc, eth, int(doc["backtest"]["horizon_days"]))
    check(bad == 0, f"realised losses of the linear portfolios: {bad} of {n} differ")
    print(f"{path}: {len(doc['backtest']['results'])} results recomputed; {n} linear realised losses to the wei, {bad} differ")


def main():
    btc = read_closes(os.path.join(PRICES, "btc-usd.csv"))
    eth = read_closes(os.path.join(PRICES, "eth-usd.csv"))
    btc_closes.update(btc)
    if MARGIN[:1] == ["--verify"]:
        verify(MARGIN[1], btc, eth)
        if failures:
            sys.exit(1)
        print("backtest: all checks passed")
        return
    tmp = tempfile.mkdtemp(prefix="backtest-")
    try:
        # 1. a long slice (a Basel window needs 250 tested days = 500 days) of the fast models
        out1 = os.path.join(tmp, "long.json")
        _, t1 = run("--prices", PRICES, "--from", "2021-09-01", "--to", "2023-02-28", "--portfolios",
                    "long_btc,short_btc_perp,btc_eth_pair,short_strangle,delta_hedged_short_straddle",
                    "--models", "standard,pmrm2,span16", "--daily", "--json", out1)
        doc1 = json.load(open(out1))
        # 2. the es models on a short slice through the FTX crash
        out2 = os.path.join(tmp, "es.json")
        _, t2 = run("--prices", PRICES, "--from", "2022-10-20", "--to", "2022-12-10", "--portfolios", "long_btc,btc_eth_pair",
                    "--models", "es_hs,es_fhs,es_mc", "--mc-paths", "1000", "--daily", "--json", out2)
        doc2 = json.load(open(out2))
        out2b = os.path.join(tmp, "es1.json")
        run("--prices", PRICES, "--from", "2022-10-20", "--to", "2022-12-10", "--portfolios", "long_btc,btc_eth_pair",
            "--models", "es_hs,es_fhs,es_mc", "--mc-paths", "1000", "--daily", "--json", out2b, "--threads", "1")
        check(open(out2, "rb").read() == open(out2b, "rb").read(), "the output depends on the thread count")
        print(f"runs: {t1:.1f} s (5 portfolios x 3 models, 546 days), {t2:.1f} s (2 x 3 es models, 50 days)")

        for doc in (doc1, doc2):
            for r in doc["backtest"]["results"]:
                check_result(r, int(doc["backtest"]["stride"]))
            n, bad = check_realised(doc, btc, eth, int(doc["backtest"]["horizon_days"]))
            check(n > 0 and bad == 0, f"realised losses of the linear portfolios: {bad} of {n} differ")
            print(f"realised losses of linear portfolios: {n} days to the wei, {bad} differ")
        # options: the vol proxy, strikes, hedge and revaluation against mpmath
        first = day_number(doc1["backtest"]["results"][0]["first_day"])
        vols = vol_proxy(btc, first, day_number("2023-02-28"))
        worst = mpmath.mpf(0)
        n = 0
        floored = 0
        for r in doc1["backtest"]["results"]:
            if r["portfolio"] not in ("short_strangle", "delta_hedged_short_straddle") or r["model"] != "standard":
                continue
            for day, loss in zip(r["daily"]["day"], r["daily"]["loss"]):
                d = day_number(day)
                want = option_loss(r["portfolio"], d, 2, btc, vols)
                worst = max(worst, abs(mpmath.mpf(wei(loss)) / WAD - want))
                n += 1
                floored += vols[d] == mpmath.mpf("0.3")
        check(n > 0 and worst < mpmath.mpf("1e-6"), f"option realised losses vs mpmath: worst {mpmath.nstr(worst, 3)} USD")
        check(floored > 0, "the vol floor is never reached in the slice")
        print(f"option realised losses: {n} days within {mpmath.nstr(worst, 3)} USD of mpmath ({floored} on the 30% vol floor)")
        # something must be tested: exceptions happen in this window (the 2022 crashes)
        total = sum(int(r["margin_coverage"]["exceptions"]) for r in doc1["backtest"]["results"])
        check(total > 0, "the long slice has no exception at all: the checks would not bite")
        zones = {r["margin_coverage"]["basel"]["worst_zone"] for r in doc1["backtest"]["results"]}
        check(len(zones) >= 2 and "n/a" not in zones, f"Basel zones in the long slice: {zones}")
        print("zones seen:", sorted(zones), "; exceptions in the long slice:", total)

        # the straddle's hedge offsets the options' delta: its h-day loss is far smaller than the naked straddle's
        # (sanity on the re-hedging rule; the exact rule is checked through the linear legs above)

        # 3. mutations the checks must catch
        mut = os.path.join(tmp, "prices")
        os.mkdir(mut)
        shutil.copy(os.path.join(PRICES, "eth-usd.csv"), mut)
        lines = open(os.path.join(PRICES, "btc-usd.csv")).read().split("\n")
        for i, l in enumerate(lines):
            if l.startswith("2022-11-08,"):
                d, c = l.split(",")
                v = wei(c) + 10**10  # + 1e-8
                lines[i] = f"{d},{v // WAD}.{v % WAD:018d}".rstrip("0").rstrip(".")
        open(os.path.join(mut, "btc-usd.csv"), "w").write("\n".join(lines))
        out3 = os.path.join(tmp, "mut.json")
        run("--prices", mut, "--from", "2022-10-20", "--to", "2022-12-10", "--portfolios", "long_btc", "--models", "standard",
            "--daily", "--json", out3)
        n, bad = check_realised(json.load(open(out3)), btc, eth, 2)
        check(bad > 0, "mutation: a close changed by 1e-8 was not caught by the realised-loss check")
        print(f"mutation (BTC 2022-11-08 close + 1e-8): {bad} of {n} realised losses differ from the original closes: caught")
        before = len(failures)
        quiet[0] = True
        r = json.loads(json.dumps(doc1["backtest"]["results"][0]))
        r["margin_coverage"]["exceptions"] = str(int(r["margin_coverage"]["exceptions"]) + 1)
        check_result(r, 2)
        # a p-value off in its 5th significant digit (3e-5 relative)
        r = next(json.loads(json.dumps(x)) for x in doc1["backtest"]["results"] if 1e-4 < float(x["margin_coverage"]["kupiec_p"]) < 1)
        r["margin_coverage"]["kupiec_p"] = "%.6g" % (float(r["margin_coverage"]["kupiec_p"]) * (1 + 3e-5))
        check_result(r, 2)
        caught = len(failures) - before
        quiet[0] = False
        del failures[before:]
        check(caught >= 2, f"mutations of the statistics: {caught} caught")
        print(f"mutations of an exception count and a p-value: {caught} failures raised, as they must")

        # 4. bad input
        p, _ = run("--prices", PRICES, "--portfolios", "long_btc,iron_condor", expect=1)
        check('"BAD_ENUM"' in p.stdout and "/backtest/portfolios" in p.stdout, "unknown portfolio")
        p, _ = run("--prices", PRICES, "--models", "standard,var99", expect=1)
        check('"BAD_ENUM"' in p.stdout and "/backtest/models" in p.stdout, "unknown model")
        p, _ = run("--prices", PRICES, "--from", "2013-06-01", "--to", "2013-12-31", "--models", "standard", expect=1)
        check('"HISTORY_TOO_SHORT"' in p.stdout and "/history/BTC" in p.stdout, "window before the history")
        p, _ = run("--prices", PRICES, "--from", "2010-01-01", "--to", "2024-12-31", "--models", "standard", expect=1)
        check('"OUT_OF_RANGE"' in p.stdout, "a window over the 4,000-day cap")
        p, _ = run("--prices", PRICES, "--from", "2022-02-30", expect=1)
        check('"HISTORY_SYNTAX"' in p.stdout and "/backtest/from" in p.stdout, "impossible date")
        bad = os.path.join(tmp, "bad")
        os.mkdir(bad)
        lines = open(os.path.join(PRICES, "btc-usd.csv")).read().split("\n")
        lines[100] = lines[100].replace(",", ";")
        open(os.path.join(bad, "btc-usd.csv"), "w").write("\n".join(lines))
        p, _ = run("--prices", bad, "--models", "standard", expect=1)
        check('"HISTORY_SYNTAX"' in p.stdout and "line 101" in p.stdout and "btc-usd.csv" in p.stdout, "malformed CSV: code, file and line")
        p, _ = run("--prices", tmp + "/none", expect=1)
        check('"NO_HISTORY"' in p.stdout, "missing file")
        p, _ = run("--prices", PRICES, "--mc-paths", "0", expect=2)
    finally:
        shutil.rmtree(tmp)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("backtest: all checks passed")


main()
