"""Historical replays (check_stress.py 3): the named windows, the worst window and the stable coin's
trough from the CSV closes exactly; a replay equals its printed expansion."""
import datetime
import json

from stress_common import E18, PRICES, REPLAYS, book, check, days, fmt, load, mulf, mult, run


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
