#!/usr/bin/env python3
"""The SPAN risk-array door (docs/span.md §JSON API) against an independent implementation:
Python integers recompute, from docs/span.md's rules and roundings (losses and charges up,
credits and option values down), every field of every SPAN response to the wei for the
requests of the API parity corpus (tests/core/gen_requests.py: the worked examples, 40 random
books, bad inputs), sent through `margin batch` (the door every build answers through); the
worked examples' requirements as docs/span.md states them; each bad input's code and path.
A deliberate mutation of the reference (the extreme scenarios' cover at 1) is caught.

    check_span.py MARGIN_COMMAND...   (e.g. build/native/bin/margin, or node .../margin.js)
"""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_requests  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import E18, fmt, wad  # noqa: E402


def mul(a, b, up):  # a * b / 10^18 rounded up (ceil) or down (floor)
    return -((-a * b) // E18) if up else (a * b) // E18


def span(doc, full_cover_extremes=False):
    s = doc["span"]
    prm = s["params"]
    cover = [wad(x) for x in prm.get("cover", ["1"] * 14 + ["0.35", "0.35"])]
    if full_cover_extremes:
        cover[14] = cover[15] = E18
    comms = prm["commodities"]
    index = {c["name"]: i for i, c in enumerate(comms)}
    cts = s["contracts"]
    res = []
    nov = 0
    for k, cp in enumerate(comms):
        pos = [(wad(p["quantity"]), cts[int(p["contract"])]) for p in s["positions"] if index[cts[int(p["contract"])]["commodity"]] == k]
        months, spot, shorts = {}, 0, 0
        for q, ct in pos:
            d = mul(q, wad(ct["delta"]), True)
            months[int(ct["month"])] = months.get(int(ct["month"]), 0) + d
            if ct.get("spot_month"):
                spot += d
            if ct.get("option") and q < 0:
                shorts -= q
            if ct.get("option"):
                nov += mul(q, wad(ct.get("option_value", "0")), False)
        worst, scen = 0, None
        for sc in range(16):
            total = sum(q * wad(ct["risk_array"][sc]) for q, ct in pos)
            loss = mul(-((-total) // E18), cover[sc], True)
            if loss > worst:
                worst, scen = loss, sc
        longs = sum(d for d in months.values() if d > 0)
        shorts_d = sum(-d for d in months.values() if d <= 0)
        net = sum(months.values())
        res.append({"name": cp["name"], "scan_risk": worst, "scan_scenario": scen,
                    "intra_charge": mul(min(longs, shorts_d), wad(cp.get("intra_spread_charge", "0")), True),
                    "spot_charge": mul(abs(spot), wad(cp.get("spot_charge", "0")), True), "inter_credit": 0,
                    "short_option_minimum": mul(shorts, wad(cp.get("short_option_minimum", "0")), True), "net_delta": net})
    remaining = [r["net_delta"] for r in res]
    for sp in prm.get("spreads", []):
        a, b = index[sp["a"]], index[sp["b"]]
        da, db = remaining[a], remaining[b]
        if (da > 0) - (da < 0) == 0 or (db > 0) - (db < 0) == 0 or (da > 0) == (db > 0):
            continue
        spreads = min(abs(da) * E18 // wad(sp["delta_a"]), abs(db) * E18 // wad(sp["delta_b"]))
        for k, leg in ((a, wad(sp["delta_a"])), (b, wad(sp["delta_b"]))):
            d0 = res[k]["net_delta"]
            if d0 == 0:
                continue
            per_delta = res[k]["scan_risk"] * E18 // abs(d0)
            used = mul(spreads, leg, False)
            res[k]["inter_credit"] += mul(mul(used, per_delta, False), wad(sp["credit_rate"]), False)
            remaining[k] = remaining[k] - used if remaining[k] > 0 else remaining[k] + used
    total = 0
    for r in res:
        r["risk"] = max(r["scan_risk"] + r["intra_charge"] + r["spot_charge"] - r["inter_credit"], r["short_option_minimum"])
        total += r["risk"]
    out = {"commodities": [{k: (fmt(v) if isinstance(v, int) and k != "scan_scenario" else v) for k, v in r.items()} for r in res],
           "total_risk": fmt(total), "net_option_value": fmt(nov), "requirement": fmt(total - nov)}
    for c in out["commodities"]:
        c["scan_scenario"] = None if c["scan_scenario"] is None else str(c["scan_scenario"])
        c["net_delta"] = c.pop("net_delta")
        c["risk"] = c.pop("risk")
    return {"api_version": "1", "span": out}


# The bad inputs of gen_requests.span_requests, in order: (code, path).
BAD = [("OUT_OF_RANGE", "/span/contracts/0/risk_array"), ("JSON_NUMBER", "/span/contracts/0/risk_array/3"),
       ("OUT_OF_RANGE", "/span/contracts/0/risk_array/3"), ("UNKNOWN_COMMODITY", "/span/contracts/1/commodity"),
       ("NEGATIVE", "/span/contracts/1/option_value"), ("UNKNOWN_FIELD", "/span/contracts/0/option_value"),
       ("BAD_COUNT", "/span/contracts/0/month"), ("OUT_OF_RANGE", "/span/contracts/0/month"),
       ("WRONG_TYPE", "/span/contracts/0/spot_month"), ("MISSING_FIELD", "/span/contracts/0/delta"),
       ("OUT_OF_RANGE", "/span/positions/1/contract"), ("OUT_OF_RANGE", "/span/positions/1/quantity"),
       ("OUT_OF_RANGE", "/span/params/cover/15"), ("DUPLICATE_KEY", "/span/params/commodities/1/name"),
       ("BAD_SYMBOL", "/span/params/commodities/0/name"), ("NEGATIVE", "/span/params/commodities/0/spot_charge"),
       ("UNKNOWN_COMMODITY", "/span/params/spreads/0/b"), ("OUT_OF_RANGE", "/span/params/spreads/0/b"),
       ("OUT_OF_RANGE", "/span/params/spreads/0/b"), ("UNKNOWN_FIELD", "/span/extra"), ("MISSING_FIELD", "/span/params"),
       ("OUT_OF_RANGE", "/span/contracts"), ("UNSUPPORTED_VERSION", "/api_version"), ("WRONG_TYPE", "/span")]
WORKED = ["15", "0", "16", "2.5", None, "15", "45", "0"]  # docs/span.md's table (None: not in it)


def main():
    margin = sys.argv[1:]
    lines = gen_requests.span_requests(random.Random(20261121 + 1))
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.jsonl"), os.path.join(d, "out.jsonl")
        open(src, "w").write("\n".join(lines) + "\n")
        subprocess.run([*margin, "batch", src, dst], check=True)
        got = [json.loads(l) for l in open(dst)]
    fails = []
    good = len(lines) - len(BAD)
    mutated = 0
    for i, (line, out) in enumerate(zip(lines, got)):
        doc = json.loads(line)
        if i < good:
            want = span(doc)
            if out != want:
                fails.append(f"request {i}: engine {json.dumps(out)[:300]}\n   python {json.dumps(want)[:300]}")
            mutated += span(doc, full_cover_extremes=True) != out
            if i < len(WORKED) and WORKED[i] is not None and out.get("span", {}).get("requirement") != WORKED[i]:
                fails.append(f"worked example {i}: requirement {out.get('span', {}).get('requirement')} vs docs/span.md {WORKED[i]}")
        else:
            code, path = BAD[i - good]
            e = out.get("error", {})
            if (e.get("code"), e.get("path")) != (code, path):
                fails.append(f"bad request {i - good}: {e.get('code')} at {e.get('path')}, expected {code} at {path}")
    if mutated == 0:
        fails.append("the mutated reference (extreme scenarios at full cover) agreed with the engine everywhere: the check does not bite")
    for f in fails:
        print("FAIL:", f)
    print(f"span checks: {good} SPAN responses recomputed to the wei, {len(BAD)} bad inputs with their code and path; "
          f"the mutated reference differs on {mutated}; {len(fails)} failed")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
