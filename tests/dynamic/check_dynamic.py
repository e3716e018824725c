#!/usr/bin/env python3
"""`margin dynamic` against an independent Python computation (docs/dynamic-params.md §Tests).

usage: check_dynamic.py PRICES_DIR MARGIN...   (MARGIN: the command, e.g. build/native/bin/margin)

Reads the shipped price history at test time. Recomputes with Python integers (ln by mpmath at 60
digits, rounded to the nearest wei; square roots with math.isqrt) the EWMA variance, the long-run
and stressed variances, every sigma, the reference sigma, the scale, the buffer's IM multiplier,
the haircuts and the varying fields of every day's dynamic document, BTC and ETH, 2018-01-01 ..
2024-12-31, every variant: all exactly. Then: the CSV against the JSON, one day's whole document
read back by `margin param-hash`, the step-limit figures, the static comparison rows against
`margin backtest`, bad input with codes and paths, and deliberate mutations that must be caught.
"""
import json
import math
import os
import random
import sys
import tempfile

import mpmath

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import FAILS as failures, QUIET as quiet, WAD, ceil_div, check, date_of, day_number, read_closes, run_margin  # noqa: E402
from margin_testlib import error_of as run_error, finish, wad as wei  # noqa: E402

mpmath.mp.dps = 60
PRICES = sys.argv[1]
MARGIN = sys.argv[2:]


def sqrt_nearest(raw):
    """The Wad nearest to sqrt(raw / 1e18), as a raw integer (fixedpoint SPEC §4.3: correctly rounded)."""
    n = raw * WAD
    s = math.isqrt(n)
    return s + 1 if 4 * n >= (2 * s + 1) ** 2 else s


def ln_nearest(g):
    x = mpmath.log(mpmath.mpf(g) / WAD) * WAD
    return int(mpmath.floor(x + mpmath.mpf("0.5")))


def mul(a, b, up=False):
    p = a * b
    return -((-p) // WAD) if up else p // WAD


def div(a, b, up=False):
    return -((-a * WAD) // b) if up else (a * WAD) // b


BP = WAD // 10000


def floor4(x):
    return x // BP * BP


def ceil4(x):
    return -((-x) // BP) * BP


class Underlying:
    def __init__(self, sym):
        self.closes = read_closes(os.path.join(PRICES, sym.lower() + "-usd.csv"))
        self.first_day = min(self.closes)
        self.r2 = {}

    def sq(self, d):
        if d not in self.r2:
            g = self.closes[d] * WAD // self.closes[d - 1]
            x = ln_nearest(g)
            self.r2[d] = x * x // WAD
        return self.r2[d]


def realised_sigma(u, a, b):
    xs = [u.sq(d) for d in range(a, b + 1)]
    return sqrt_nearest(sum(xs) // len(xs) * 365)


def series(u, first, last, ref, tools, lam=94 * WAD // 100, W=250, L=3650, B=WAD // 4, w=WAD // 4, fmin=WAD // 4, fmax=3 * WAD, skip=30):
    seed = first - 400
    v = sum(u.sq(d) for d in range(seed - 29, seed + 1)) // 30
    var = {}
    for d in range(seed + 1, last + 1):
        v = mul(lam, v) + mul(WAD - lam, u.sq(d))
        if d >= first:
            var[d] = v
    r0 = u.first_day + 1 + skip
    # window means by prefix sums (Python integers), all ends
    prefix = [0]
    for d in range(r0, last + 1):
        prefix.append(prefix[-1] + u.sq(d))
    wsum = lambda a, b: prefix[b - r0 + 1] - prefix[a - r0]
    ends = list(range(r0 + W - 1, last + 1))
    wmean = [wsum(e - W + 1, e) // W for e in ends]
    rows, a_prev = [], None
    for d in range(first, last + 1):
        start = max(r0, d - L + 1)
        long_var = wsum(start, d) // (d - start + 1)
        lo, hi = start + W - 1 - ends[0], d - ends[0]
        stressed = max(wmean[max(lo, 0):hi + 1]) if hi >= max(lo, 0) else 0
        used = mul(WAD - w, var[d]) + mul(w, stressed) if "stressed" in tools else var[d]
        sigma = sqrt_nearest(used * 365)
        long_sigma = sqrt_nearest(long_var * 365)
        if "floor" in tools:
            sigma = max(sigma, long_sigma)
        f = min(max(floor4(div(sigma, ref)), fmin), fmax)
        m = WAD
        if "buffer" in tools:
            full = mul(WAD + B, f, up=True)
            a_prev = full if d == first else max(f, min(full, a_prev))
            m = min(ceil4(div(a_prev, f, up=True)), WAD + B)
        rows.append(dict(day=date_of(d), ewma_sigma=sqrt_nearest(var[d] * 365), long_sigma=long_sigma,
                         stressed_sigma=sqrt_nearest(stressed * 365), sigma=sigma, scale=f, im_multiplier=m))
    return rows


def haircut(sigma, floor, depth, value, k=233 * WAD // 100, mpor=2, liq=WAD):
    root = sqrt_nearest(mpor * WAD // 365)
    market = max(floor, mul(mul(k, sigma, up=True), root, up=True))
    liquidity = -((-liq * value) // depth)
    return min(WAD, market + liquidity), market


def depth_addon(depth, liq, held, total):
    """The size-against-depth add-on (docs/margin.md "Collateral depth"), Python integers (wei)."""
    return min(ceil_div(liq * held, depth), max(0, WAD - total)) if held > 0 else 0


def depth_requests(rng):
    """(request with depth terms, the same without, {asset: (depth, liquidity)}, model) for `margin batch`."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    example = json.load(open(os.path.join(root, "core/api/examples/default.json")))
    docs = {"standard": json.load(open(os.path.join(root, "core/api/params/standard-v1.json"))),
            "portfolio": json.load(open(os.path.join(root, "core/api/params/portfolio-pmrm2.json")))}
    out = []
    for i in range(24):
        model = "standard" if i % 2 == 0 else "portfolio"
        req = json.loads(json.dumps(example))
        req["account"]["collateral"] = {"USDC": str(rng.choice([0, 1, 12345, 50000, 10**6])),
                                        "BTC": f"{rng.randint(0, 400)}.{rng.randint(0, 999):03d}"}
        doc = json.loads(json.dumps(docs[model]))
        plain = json.loads(json.dumps(req))
        plain["params"] = json.loads(json.dumps(doc))
        terms = {}
        for asset in ("USDC", "BTC"):
            if rng.random() < 0.8:
                depth = rng.choice(["1", "777.7", "150000", "3000000", "500000000", "1000000000000000"])
                liq = rng.choice([None, "0", "0.5", "1", "10"])
                doc["collateral"][asset]["depth"] = depth
                if liq is not None:
                    doc["collateral"][asset]["liquidity"] = liq
                terms[asset] = (wei(depth), wei(liq) if liq is not None else WAD)
        req["params"] = doc
        out.append((req, plain, terms, model, doc))
    return out


def verify_depth_compute():
    """The collateral depth term through `margin batch` (standard and portfolio models), against
    Python integers: each collateral's IM charge; the standard model's IM moves by exactly the
    charges' change; MM and equity do not move. Returns the number of requests checked."""
    rng = random.Random(27)
    cases = depth_requests(rng)
    lines = "".join(json.dumps(r) + "\n" + json.dumps(p) + "\n" for r, p, _, _, _ in cases)
    got = [json.loads(x) for x in run(["batch", "-", "-"], stdin=lines).stdout.strip().split("\n")]
    check(len(got) == 2 * len(cases), f"batch: {len(got)} answers for {2 * len(cases)} requests")
    for k, (req, _, terms, model, doc) in enumerate(cases):
        if not check("result" in got[2 * k] and "result" in got[2 * k + 1], f"depth case {k}: {str(got[2 * k])[:300]}"):
            continue
        a, b = got[2 * k]["result"], got[2 * k + 1]["result"]
        prices = req["market"]["collateral"]
        delta = 0
        for ca, cb in zip(a["collateral"], b["collateral"]):
            asset = ca["asset"]
            rule = doc["collateral"][asset]
            im, mm = wei(rule["im_haircut"]), wei(rule["mm_haircut"])
            amount, price, conf = wei(ca["amount"]), wei(prices[asset]["price"]), wei(prices[asset]["confidence"])
            depth, liq = terms.get(asset, (None, WAD))
            if model == "standard":
                gross = amount * (price - conf)  # 36 decimals
                add = depth_addon(depth, liq, ceil_div(gross, WAD), im) if depth else 0
                want = ceil_div(gross * (im + add - mm), WAD * WAD)
            else:
                value = amount * price // WAD
                add = depth_addon(depth, liq, ceil_div(amount * price, WAD), im + mm) if depth else 0
                want = ceil_div(value * (im + add + mm), WAD)
            check(wei(ca["im_charge"]) == want, f"depth case {k} ({model}) {asset}: im_charge {ca['im_charge']}, Python {want}")
            delta += wei(ca["im_charge"]) - wei(cb["im_charge"])
        check(a["maintenance_margin"] == b["maintenance_margin"] and a["equity"] == b["equity"], f"depth case {k}: MM or equity moved")
        if model == "standard":
            check(wei(a["initial_margin"]) - wei(b["initial_margin"]) == delta, f"depth case {k}: IM moved by other than the charges")
        else:
            check(wei(a["initial_margin"]) >= wei(b["initial_margin"]), f"depth case {k}: IM fell")
    return len(cases)


def run(args, expect=0, stdin=None):
    return run_margin(MARGIN, args, expect, stdin=stdin)


PMRM2_GRID = {"down": wei("0.82"), "up": wei("1.18"), "range_up": wei("0.5"), "range_down": wei("0.275"), "im": WAD}
VARIANTS = {"none": (), "buffer": ("buffer",), "stressed": ("stressed",), "floor": ("floor",), "all": ("buffer", "stressed", "floor")}
SERIES = {}  # (underlying object, variant, window, reference) -> the Python series, computed once
HAIRCUT = {"BTC": (wei("0.05"), wei("500000000"), wei("10000000")), "ETH": (wei("0.06"), wei("250000000"), wei("10000000"))}


def verify_series(doc, unders, first, last):
    """Every field of every series of a `margin dynamic` JSON against the Python computation."""
    d = doc["dynamic"]
    ref = realised_sigma(unders["BTC"], day_number("2018-01-01"), day_number("2024-12-31"))
    n_fields = 0
    for s in d["series"]:
        u = unders[s["underlying"]]
        check(wei(d["config"]["reference_sigma"][s["underlying"]]) == ref, f"{s['underlying']}: reference sigma")
        key = (id(u), s["variant"], first, last, ref)
        if key not in SERIES:
            SERIES[key] = series(u, first, last, ref, VARIANTS[s["variant"]])
        want = SERIES[key]
        check(len(want) == len(s["day"]), f"{s['underlying']}/{s['variant']}: {len(s['day'])} days, want {len(want)}")
        bad = 0
        for i, row in enumerate(want):
            got = {k: s[k][i] for k in s if isinstance(s[k], list)}
            f = row["scale"]
            hc_floor, depth, value = HAIRCUT[s["underlying"]]
            h, market = haircut(row["sigma"], hc_floor, depth, value)
            expect = dict(row)
            rule = s["collateral"][s["underlying"]]
            if i == 0:
                check(rule["im_haircut"] == "0" and rule["risk_cancelling"] is True and wei(rule["depth"]) == depth and
                      wei(rule["liquidity"]) == WAD, f"{s['underlying']}/{s['variant']}: collateral rule {rule}")
            # (the rule applied to accounts, the depth term included, is checked through `margin batch`
            # by verify_depth_compute; the series' own fields below)
            expect.update(grid_down=WAD + (PMRM2_GRID["down"] - WAD) * f // WAD, grid_up=WAD + (PMRM2_GRID["up"] - WAD) * f // WAD,
                          range_up=PMRM2_GRID["range_up"] * f // WAD, range_down=min(PMRM2_GRID["range_down"] * f // WAD, WAD),
                          im_factor=mul(PMRM2_GRID["im"], row["im_multiplier"], up=True), mm_haircut=market, im_haircut=h - market)
            for k, v in expect.items():
                n_fields += 1
                ok = got[k] == v if k == "day" else wei(got[k]) == v
                if not ok:
                    bad += 1
                    if bad <= 3:
                        check(False, f"{s['underlying']}/{s['variant']} {row['day']} {k}: engine {got[k]}, Python {v}")
        if bad:
            check(False, f"{s['underlying']}/{s['variant']}: {bad} fields differ")
    return n_fields


def main():
    unders = {s: Underlying(s) for s in ("BTC", "ETH")}
    first, last = day_number("2018-01-01"), day_number("2024-12-31")
    with tempfile.TemporaryDirectory() as tmp:
        # 1. the full series, both underlyings, every variant
        out_json, out_csv = os.path.join(tmp, "dyn.json"), os.path.join(tmp, "dyn.csv")
        run(["dynamic", "--prices", PRICES, "--json", out_json, "--csv", out_csv])
        doc = json.load(open(out_json))
        n = verify_series(doc, unders, first, last)
        print(f"collateral depth term: {verify_depth_compute()} requests (standard and portfolio) recomputed")
        print(f"series: {len(doc['dynamic']['series'])} (underlying, variant) series, {n} fields checked exactly")
        # the tools must bite somewhere: the floor raises the scale, the buffer is drawn down below 1.25
        by = {(s["underlying"], s["variant"]): s for s in doc["dynamic"]["series"]}
        none, floor = by[("BTC", "none")], by[("BTC", "floor")]
        check(any(wei(a) < wei(b) for a, b in zip(none["scale"], floor["scale"])), "the long-run floor never binds")
        mults = {wei(x) for x in by[("ETH", "buffer")]["im_multiplier"]}
        check(min(mults) < wei("1.25") and max(mults) == wei("1.25"), f"the buffer is never drawn down: {sorted(mults)[:3]}")
        # CSV = JSON
        lines = open(out_csv).read().strip().split("\n")
        header = lines[0].split(",")
        rows = [dict(zip(header, l.split(","))) for l in lines[1:]]
        i = 0
        for s in doc["dynamic"]["series"]:
            for k in range(len(s["day"])):
                r = rows[i]
                i += 1
                if any(r[c] != s[c][k] for c in header[2:]) or r["underlying"] != s["underlying"]:
                    check(False, f"CSV row {i} differs from the JSON")
                    break
        check(i == len(rows), "CSV has other rows than the JSON")
        # steps: the largest daily change of imFactor and the grid edges, recomputed
        for t in doc["dynamic"]["steps"]:
            s = by[(t["underlying"], t["variant"])]
            for field, col in (("imFactor", "im_factor"), ("gridUp", "grid_up"), ("rangeUp", "range_up"), ("scale", "scale")):
                xs = [wei(x) for x in s[col]]
                big = max(abs(b - a) for a, b in zip(xs, xs[1:]))
                check(wei(t["fields"][field]["largest_daily_change"]) == big, f"{t['underlying']}/{t['variant']} {field} largest change")
            xs = [wei(x) for x in s["im_factor"]]
            beyond = sum(abs(b - a) > max(abs(a) // 4, WAD // 100) for a, b in zip(xs, xs[1:]))
            check(t["fields"]["imFactor"]["updates_beyond_limit"] == str(beyond), "imFactor updates beyond the step limit")
        print("CSV = JSON; step figures recomputed")

        # 2. one day's whole document: the scaled grid read back by param-hash (the chain's id)
        p = run(["dynamic", "--prices", PRICES, "--document", "2022-06-18", "--underlying", "ETH", "--variant", "all"])
        one = json.loads(p.stdout)
        k = next(i for i, d in enumerate(by[("ETH", "all")]["day"]) if d == "2022-06-18")
        f = wei(by[("ETH", "all")]["scale"][k])
        base = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "core", "api", "params", "pmrm2.json")))
        for a, b in zip(base["scenarios"], one["scenarios"]):
            s = wei(a["spot_shock"])
            want = WAD + (s - WAD) * f // WAD if a["weight"] == "1" and a["vol"] in ("none", "up", "down") else s
            check(wei(b["spot_shock"]) == want and a["vol"] == b["vol"], f"document scenario {a} -> {b}")
        check(one["loss"]["im_factor"] == by[("ETH", "all")]["im_factor"][k], "document im_factor")
        doc_file = os.path.join(tmp, "eth.json")
        open(doc_file, "w").write(p.stdout)
        h = run(["param-hash", doc_file])
        check(h.returncode == 0 and "param_hash" in h.stdout, "param-hash reads the dynamic document")
        print("document of ETH on 2022-06-18 (all tools): scale", by[("ETH", "all")]["scale"][k], json.loads(h.stdout)["param_hash"])

        # 3. the comparison's static rows against `margin backtest` on the same slice
        a, b = "2022-05-01", "2022-08-31"
        p = run(["dynamic", "--prices", PRICES, "--from", a, "--to", b, "--compare", "--variants", "none,all", "--json", "-"])
        cmp = json.loads(p.stdout)["dynamic"]["comparison"]
        q = run(["backtest", "--prices", PRICES, "--from", a, "--to", b, "--models", "pmrm2",
                 "--portfolios", "long_btc,short_btc_perp,short_strangle,covered_call,calendar_spread,risk_reversal,delta_hedged_short_straddle"])
        bt = {r["portfolio"]: r for r in json.loads(q.stdout)["backtest"]["results"]}
        n = 0
        for r in cmp:
            if r["underlying"] != "BTC" or r["variant"] != "static":
                continue
            o = bt[r["portfolio"]]
            n += 1
            check(r["im_coverage"]["exceptions"] == o["margin_coverage"]["exceptions"] and r["average_im"] == o["average_margin"] and
                  r["peak_to_trough"] == o["peak_to_trough"] and r["largest_increase"]["5d"]["ratio"] == o["largest_increase"]["5d"]["ratio"],
                  f"static {r['portfolio']} differs from margin backtest")
        check(n == 7, f"{n} static BTC rows")
        eth_static = [r for r in cmp if r["underlying"] == "ETH" and r["variant"] == "static"]
        check(len(eth_static) == 7 and len(cmp) == 2 * 7 * 3, f"comparison rows: {len(cmp)}")
        print(f"comparison {a} .. {b}: static BTC rows equal margin backtest's pmrm2")

        # 4. bad input: codes and paths
        def error_of(args):
            return run_error(run(args, expect=1))
        cfg = os.path.join(tmp, "cfg.json")
        cases = [
            ({"version": "dynamic/1", "lamda": "0.9"}, "UNKNOWN_FIELD", "/dynamic/lamda"),
            ({"version": "dynamic/2"}, "UNSUPPORTED_VERSION", "/dynamic/version"),
            ({"version": "dynamic/1", "buffer_rate": "0.2"}, "OUT_OF_RANGE", "/dynamic/buffer_rate"),
            ({"version": "dynamic/1", "stress_weight": "0.1"}, "OUT_OF_RANGE", "/dynamic/stress_weight"),
            ({"version": "dynamic/1", "lambda": 0.9}, "WRONG_TYPE", "/dynamic/lambda"),
            ({"version": "dynamic/1", "haircut": {"assets": {"BTC": {"depth": "0"}}}}, "OUT_OF_RANGE", "/dynamic/haircut/assets/BTC/depth"),
            ({"version": "dynamic/1", "haircut": {"assets": {"BTC": {"deep": "1"}}}}, "UNKNOWN_FIELD", "/dynamic/haircut/assets/BTC/deep"),
        ]
        for c, code, path in cases:
            open(cfg, "w").write(json.dumps(c))
            e = error_of(["dynamic", "--prices", PRICES, "--config", cfg])
            check(e.get("code") == code and e.get("path") == path, f"config {c}: {e}")
        for args, code, path in [
            (["--from", "2014-01-01", "--to", "2016-01-01"], "HISTORY_TOO_SHORT", "/history/BTC"),
            (["--from", "2013-06-01"], "OUT_OF_RANGE", "/dynamic/to"),
            (["--to", "2025-03-01"], "HISTORY_TOO_SHORT", "/history/BTC"),
            (["--from", "2016-01-01", "--underlyings", "ETH"], "HISTORY_TOO_SHORT", "/history/ETH"),
            (["--from", "2022-02-30"], "HISTORY_SYNTAX", "/dynamic/from"),
            (["--variants", "none,cap"], "BAD_ENUM", "/dynamic/variants"),
            (["--underlyings", "DOGE"], "NO_HISTORY", "/history/DOGE"),
            (["--from", "2010-01-01", "--to", "2011-12-31"], "HISTORY_TOO_SHORT", "/history/BTC"),
        ]:
            e = error_of(["dynamic", "--prices", PRICES, *args])
            check(e.get("code") == code and e.get("path") == path, f"{args}: {e}")
        print("bad input: codes and paths as documented")

        # 5. mutations that must be caught (their failures are expected, then dropped)
        quiet[0] = True
        before = len(failures)
        mut = json.loads(json.dumps(doc))
        s = mut["dynamic"]["series"][3]
        s["scale"][1000] = "%d.%018d" % divmod(wei(s["scale"][1000]) + BP, WAD)  # one day's scale one basis point up
        verify_series(mut, unders, first, last)
        caught_scale = len(failures) > before
        del failures[before:]
        unders2 = {k: Underlying(k) for k in ("BTC", "ETH")}
        unders2["BTC"].closes[day_number("2022-11-08")] += 10**10  # BTC's close on 2022-11-08 moved by 1e-8
        verify_series(doc, unders2, first, last)
        caught_close = len(failures) > before
        del failures[before:]
        quiet[0] = False
        check(caught_scale, "mutation not caught: one day's scale moved by 1e-4")
        check(caught_close, "mutation not caught: BTC's 2022-11-08 close moved by 1e-8")
        print("mutations caught: one scale +1e-4, one close +1e-8")


if __name__ == "__main__":
    main()
    finish()
