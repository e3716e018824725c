#!/usr/bin/env python3
"""Generate JSON API v1 requests for the native-vs-WebAssembly parity check.

    gen_requests.py [--seed N] [--count N] > requests.jsonl
    gen_requests.py --depth [--seed N] > depth-requests.jsonl

--depth: requests whose parameters carry collateral depth terms (docs/margin.md "Collateral
depth"), standard and portfolio models, with a few bad depth fields; a separate corpus so the
main one (and its pinned answers) stays as it was.

One compact request per line: random markets (1-3 underlyings, expiries with a
forward or a rate, SVI surfaces, sometimes only mark vols), random accounts
(options across expiries and strikes from deep ITM to deep OTM, perps, futures,
collateral, cross and isolated mode), and about a quarter broken on purpose
(wrong types, JSON numbers, bad decimals, out-of-range values, unknown fields,
duplicates, negative SVI variance...). Decimals are built from integers, so the
file is the same on every machine for a given seed.
"""
import argparse
import copy
import json
import os
import random

TS = 1767225600  # 2026-01-01T00:00:00Z
UNDERLYINGS = {"BTC": 100000, "ETH": 3500, "SOL": 180, "DOGE0": 1}


def dec(r, lo, hi, digits):
    """A decimal string uniform in [lo, hi] with `digits` fractional digits (exact)."""
    scale = 10 ** digits
    v = r.randint(int(lo * scale), int(hi * scale))
    s = str(abs(v)).rjust(digits + 1, "0")
    whole, frac = s[: len(s) - digits] if digits else s, s[len(s) - digits:] if digits else ""
    frac = frac.rstrip("0")
    return ("-" if v < 0 else "") + whole + ("." + frac if frac else "")


def _fmt(v, digits):
    s = str(abs(v)).rjust(digits + 1, "0")
    whole, frac = s[: len(s) - digits], s[len(s) - digits:]
    frac = frac.rstrip("0")
    return ("-" if v < 0 else "") + whole + ("." + frac if frac else "")


def market(r):
    syms = r.sample(sorted(UNDERLYINGS), r.randint(1, 3))
    und = {}
    for s in syms:
        spot = UNDERLYINGS[s]
        spot_s = dec(r, spot * 0.8, spot * 1.2, 2)
        u = {"spot": spot_s, "spot_confidence": dec(r, 0, spot * 0.001, 4)}
        if r.random() < 0.8:
            u["perp_mark"] = dec(r, spot * 0.79, spot * 1.21, 2)
        exps = []
        for e in sorted(r.sample(range(1, 800), r.randint(0, 4))):
            seconds = e * r.choice([60, 3600, 86400, 43200])
            x = {"expiry": str(TS + seconds)}
            if r.random() < 0.6:
                x["forward"] = dec(r, spot * 0.78, spot * 1.25, 3)
                if r.random() < 0.7:
                    x["discount_factor"] = dec(r, 0.9, 1, 9)
            else:
                x["rate"] = dec(r, -0.05, 0.2, 4)
            if r.random() < 0.85:
                x["svi"] = {
                    "a": dec(r, -0.001, 0.05, 6),
                    "b": dec(r, 0.001, 0.4, 6),
                    "rho": dec(r, -0.9, 0.5, 4),
                    "m": dec(r, -0.2, 0.2, 4),
                    "sigma": dec(r, 0.02, 0.6, 4),
                }
            exps.append(x)
        r.shuffle(exps)
        if exps:
            u["expiries"] = exps
        und[s] = u
    coll = {"USDC": {"price": dec(r, 0.99, 1.01, 4), "confidence": dec(r, 0, 0.002, 4)}}
    if r.random() < 0.5:
        coll["BTC"] = {"price": dec(r, 80000, 120000, 2), "confidence": dec(r, 0, 50, 2)}
    if r.random() < 0.3:
        coll["ETH"] = {"price": dec(r, 2800, 4200, 2)}
    return {"timestamp": str(TS), "underlyings": und, "collateral": coll}


def account(r, m):
    isolated = r.random() < 0.15
    a = {"cash": dec(r, -20000, 500000, 2)}
    if isolated or r.random() < 0.3:
        a["margin_mode"] = "isolated" if isolated else "cross"
    coll = {}
    for asset in m["collateral"]:
        if r.random() < 0.6:
            coll[asset] = dec(r, 0, 100000 if asset == "USDC" else 5, 4)
    if coll:
        a["collateral"] = coll
    positions, seen = [], set()
    n = r.choice([0, 1, 2, 3, 5, 8, 12, 20, 50]) if r.random() < 0.95 else 0
    for i in range(n):
        sym = r.choice(sorted(m["underlyings"]))
        u = m["underlyings"][sym]
        spot = UNDERLYINGS[sym]
        kinds = ["perp"] if "perp_mark" in u else []
        if "expiries" in u:
            kinds += ["option"] * 4 + ["future"]
        if not kinds:
            continue
        kind = r.choice(kinds)
        p = {"type": kind, "underlying": sym, "size": dec(r, -50, 50, r.choice([0, 1, 3]))}
        if p["size"] in ("0", "-0"):
            p["size"] = "1"
        if kind == "option":
            x = r.choice(u["expiries"])
            p["expiry"] = x["expiry"]
            p["option_type"] = r.choice(["call", "put"])
            p["strike"] = _fmt(max(1, int(spot * r.choice([0.05, 0.3, 0.7, 0.9, 0.95, 1, 1.05, 1.1, 1.3, 2, 5]) * r.uniform(0.98, 1.02)) * 100), 2)
            if "svi" not in x or r.random() < 0.3:
                p["mark_vol"] = dec(r, 0.01, 5, 4)
            if r.random() < 0.2:
                p["contract_size"] = r.choice(["0.1", "0.01", "10", "1"])
            key = (kind, sym, p["expiry"], p["option_type"], p["strike"])
        elif kind == "future":
            p["expiry"] = r.choice(u["expiries"])["expiry"]
            if r.random() < 0.8:
                p["entry_price"] = dec(r, spot * 0.7, spot * 1.3, 2)
            key = (kind, sym, p["expiry"])
        else:
            if r.random() < 0.8:
                p["entry_price"] = dec(r, spot * 0.7, spot * 1.3, 2)
            if r.random() < 0.5:
                p["funding"] = dec(r, -500, 500, 4)
            key = (kind, sym)
        if key in seen:
            continue
        seen.add(key)
        if r.random() < 0.5:
            p["id"] = f"p{i}"
        if isolated:
            p["isolated_margin"] = dec(r, 0, 50000, 2)
        positions.append(p)
    r.shuffle(positions)
    a["positions"] = positions
    return a


def portfolio(r, req):
    """Switch the request to the portfolio (scenario) model, with the market's optional oracle fields."""
    kind = r.random()
    if kind < 0.5:
        req["params"] = "pmrm2"
    elif kind < 0.7:
        req["params"] = "span16"
    else:
        req["params"] = {
            "version": "portfolio/1",
            "scenarios": r.choice(["pmrm2", "span16"]),
            "collateral": {"USDC": {"im_haircut": dec(r, 0, 0.05, 3), "mm_haircut": dec(r, 0, 0.05, 3)},
                           "BTC": {"im_haircut": "0.05", "mm_haircut": "0.1", "risk_cancelling": r.random() < 0.7},
                           "ETH": {"im_haircut": "0.05", "mm_haircut": "0.1", "risk_cancelling": True}},
            "offsets": [{"underlyings": ["BTC", "ETH"], "rate": dec(r, 0, 0.5, 2)},
                        {"underlyings": ["ETH", "SOL"], "rate": dec(r, 0, 0.5, 2)}][: r.randint(0, 2)],
        }
    a = req["account"]
    if a.get("margin_mode") == "isolated" and r.random() < 0.9:
        a["margin_mode"] = "cross"
        for p in a["positions"]:
            p.pop("isolated_margin", None)
    m = req["market"]
    if r.random() < 0.5:
        m["stable_price"] = dec(r, 0.95, 1.01, 4)
    for u in m["underlyings"].values():
        if "perp_mark" in u and r.random() < 0.5:
            u["perp_confidence"] = dec(r, 0, float(u["perp_mark"]) * 0.6, 2)
        for x in u.get("expiries", []):
            if "forward" in x and r.random() < 0.3:
                x["forward_confidence"] = dec(r, 0, float(x["forward"]) * 0.6, 2)


def break_request(r, req):
    """Damage one thing (the engine must answer with an error, never a number)."""
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append((node, k, path + [k]))
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                paths.append((node, i, path + [i]))
                walk(v, path + [i])

    walk(req, [])
    parent, key, _ = r.choice(paths)
    how = r.randint(0, 9)
    if how == 0:
        parent[key] = 12.5  # a JSON number
    elif how == 1:
        parent[key] = r.choice(["1e5", "+1", "", ".5", "1.", "NaN", "0x10", " 1"])
    elif how == 2:
        parent[key] = "1." + "1" * 19  # > 18 fractional digits
    elif how == 3:
        parent[key] = "-" + str(r.randint(1, 10 ** 6))  # negative
    elif how == 4:
        parent[key] = None
    elif how == 5:
        parent[key] = {"unexpected": "1"}
    elif how == 6 and isinstance(parent, dict):
        parent["unknown_" + str(r.randint(0, 99))] = "1"
    elif how == 7 and isinstance(parent, dict):
        del parent[key]
    elif how == 8:
        parent[key] = "0"
    else:
        parent[key] = "9" * r.randint(16, 90)
    return req


FUTURE = ["0", "0", "-5", "-5", "5", "5", "-10", "-10", "10", "10", "-15", "-15", "15", "15", "-30", "30"]
CALL = ["-1", "1", "-4", "-2", "2", "4", "-7", "-5", "4", "5", "-10", "-8", "5", "6", "-25", "6"]


def span_requests(r):
    """SPAN risk-array requests (docs/span.md §JSON API): the worked examples of docs/span.md,
    random books on random arrays, and bad input (one broken field each)."""
    def doc(contracts, positions, commodities, spreads=None, cover=None):
        prm = {"commodities": commodities}
        if spreads is not None:
            prm["spreads"] = spreads
        if cover is not None:
            prm["cover"] = cover
        return {"api_version": "1", "span": {"contracts": contracts, "positions": positions, "params": prm}}
    btc = {"name": "BTC", "intra_spread_charge": "2.5", "spot_charge": "1", "short_option_minimum": "1"}
    eth = {"name": "ETH", "intra_spread_charge": "0.1", "short_option_minimum": "0.05"}
    fut = {"commodity": "BTC", "month": "202612", "risk_array": FUTURE, "delta": "1"}
    call = {"commodity": "BTC", "month": "202612", "risk_array": CALL, "delta": "0.5", "option": True, "option_value": "6"}
    mar = dict(fut, month="202703")
    spot = dict(fut, month="202601", spot_month=True)
    efut = {"commodity": "ETH", "month": "202612", "risk_array": [str(float(x) / 20).rstrip("0").rstrip(".") for x in FUTURE],
            "delta": "1"}
    out = [
        doc([fut], [{"contract": "0", "quantity": "1"}], [btc]),                                   # 15
        doc([call], [{"contract": "0", "quantity": "1"}], [btc]),                                  # 0 (NOV 6)
        doc([fut, call], [{"contract": "0", "quantity": "1"}, {"contract": "1", "quantity": "-1"}], [btc]),  # 16
        doc([fut, mar], [{"contract": "0", "quantity": "1"}, {"contract": "1", "quantity": "-1"}], [btc]),   # 2.5
        doc([spot, fut], [{"contract": "0", "quantity": "2"}, {"contract": "1", "quantity": "-1"}], [btc]),
        doc([fut, efut], [{"contract": "0", "quantity": "1"}, {"contract": "1", "quantity": "-20"}], [btc, eth],
            [{"a": "BTC", "b": "ETH", "delta_a": "1", "delta_b": "20", "credit_rate": "0.5"}]),      # 15
        doc([fut], [{"contract": "0", "quantity": "-3"}], [btc], cover=["1"] * 14 + ["0.5", "0.5"]),
        doc([fut], [], [btc]),                                                                     # nothing held
    ]
    for _ in range(40):  # random books on random arrays
        names = ["BTC", "ETH", "SOL"][: r.randint(1, 3)]
        comms = [{"name": n, "intra_spread_charge": dec(r, 0, 5, 2), "spot_charge": dec(r, 0, 2, 2),
                  "short_option_minimum": dec(r, 0, 1, 3)} for n in names]
        contracts = []
        for _ in range(r.randint(1, 8)):
            c = {"commodity": r.choice(names), "month": str(r.choice([202601, 202603, 202606, 202612])),
                 "risk_array": [dec(r, -200, 200, r.randint(0, 18)) for _ in range(16)], "delta": dec(r, -1, 1, 6)}
            if r.random() < 0.3:
                c["spot_month"] = True
            if r.random() < 0.5:
                c["option"] = True
                c["option_value"] = dec(r, 0, 50, 4)
            contracts.append(c)
        positions = [{"contract": str(r.randrange(len(contracts))), "quantity": dec(r, -50, 50, r.randint(0, 4))}
                     for _ in range(r.randint(0, 10))]
        spreads = []
        if len(names) > 1 and r.random() < 0.7:
            spreads.append({"a": names[0], "b": names[1], "delta_a": "1", "delta_b": dec(r, 1, 30, 1),
                            "credit_rate": dec(r, 0, 1, 2)})
        out.append(doc(contracts, positions, comms, spreads))
    good = doc([fut, call], [{"contract": "0", "quantity": "1"}, {"contract": "1", "quantity": "-1"}], [btc])

    def broken(edit):
        d = json.loads(json.dumps(good))
        edit(d["span"])
        return d
    out += [
        broken(lambda s: s["contracts"][0].update(risk_array=FUTURE[:15])),                        # OUT_OF_RANGE /span/contracts/0/risk_array
        broken(lambda s: s["contracts"][0]["risk_array"].__setitem__(3, -5)),                      # JSON_NUMBER
        broken(lambda s: s["contracts"][0]["risk_array"].__setitem__(3, "1000000000000001")),      # OUT_OF_RANGE (cap 1e15)
        broken(lambda s: s["contracts"][1].update(commodity="DOGE")),                              # UNKNOWN_COMMODITY
        broken(lambda s: s["contracts"][1].update(option_value="-1")),                             # NEGATIVE
        broken(lambda s: s["contracts"][0].update(option_value="1")),                              # UNKNOWN_FIELD (not an option)
        broken(lambda s: s["contracts"][0].update(month="2026-12")),                               # BAD_COUNT
        broken(lambda s: s["contracts"][0].update(month="0")),                                     # OUT_OF_RANGE
        broken(lambda s: s["contracts"][0].update(spot_month="yes")),                              # WRONG_TYPE
        broken(lambda s: s["contracts"][0].pop("delta")),                                          # MISSING_FIELD
        broken(lambda s: s["positions"][1].update(contract="2")),                                  # OUT_OF_RANGE /span/positions/1/contract
        broken(lambda s: s["positions"][1].update(quantity="1000000000001")),                      # OUT_OF_RANGE (cap 1e12)
        broken(lambda s: s["params"].update(cover=["1"] * 15 + ["1.5"])),                          # OUT_OF_RANGE cover
        broken(lambda s: s["params"]["commodities"].append(dict(btc))),                            # DUPLICATE_KEY
        broken(lambda s: s["params"]["commodities"][0].update(name="BTC USD")),                    # BAD_SYMBOL
        broken(lambda s: s["params"]["commodities"][0].update(spot_charge="-0.5")),                # NEGATIVE
        broken(lambda s: s["params"].update(spreads=[{"a": "BTC", "b": "ETH", "delta_a": "1", "delta_b": "20",
                                                       "credit_rate": "0.5"}])),                   # UNKNOWN_COMMODITY spread leg
        broken(lambda s: s["params"].update(spreads=[{"a": "BTC", "b": "BTC", "delta_a": "1", "delta_b": "1",
                                                       "credit_rate": "0.5"}])),                   # OUT_OF_RANGE same legs
        broken(lambda s: s["params"].update(spreads=[{"a": "BTC", "b": "BTC", "delta_a": "0", "delta_b": "1",
                                                       "credit_rate": "2"}])),
        broken(lambda s: s.update(extra="1")),                                                     # UNKNOWN_FIELD
        broken(lambda s: s.pop("params")),                                                         # MISSING_FIELD
        broken(lambda s: s.update(contracts=[fut] * 4097)),                                        # OUT_OF_RANGE cap
        {"api_version": "2", "span": good["span"]},                                                # UNSUPPORTED_VERSION
        {"api_version": "1", "span": []},                                                          # WRONG_TYPE
    ]
    return [json.dumps(x, separators=(",", ":")) for x in out]


def depth_requests(r, n=80):
    """Requests whose standard/1 or portfolio/1 document gives some collateral a depth term."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "api", "params")
    docs = [json.load(open(os.path.join(root, f))) for f in ("standard-v1.json", "portfolio-pmrm2.json")]
    bad = [("depth", "0"), ("depth", "-1"), ("depth", "1e3"), ("depth", 5), ("depth", "1000000000000001"),
           ("liquidity", "11"), ("liquidity", "1")]  # the last: liquidity without a depth
    out = []
    for i in range(n):
        m = market(r)
        req = {"api_version": "1", "market": m, "account": account(r, m)}
        doc = copy.deepcopy(docs[0])
        if i % 2:
            portfolio(r, req)
            doc = req["params"] if isinstance(req["params"], dict) else copy.deepcopy(docs[1])
        for rule in doc["collateral"].values():
            if r.random() < 0.7:
                rule["depth"] = r.choice([dec(r, 0.001, 100, 3), dec(r, 100, 10**6, 2), dec(r, 10**6, 10**9, 0)])
                if r.random() < 0.5:
                    rule["liquidity"] = dec(r, 0, 10, 2)
        if i % 10 == 9:
            key, value = bad[(i // 10) % len(bad)]
            rule = doc["collateral"][r.choice(sorted(doc["collateral"]))]
            rule.pop("depth" if key == "liquidity" and value == "1" else "", None)
            rule[key] = value
        req["params"] = doc
        out.append(json.dumps(req, separators=(",", ":"), sort_keys=False))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--count", type=int, default=2600)
    ap.add_argument("--depth", action="store_true")
    a = ap.parse_args()
    r = random.Random(a.seed)
    if a.depth:
        print("\n".join(depth_requests(r)))
        return
    out = []
    for i in range(a.count):
        m = market(r)
        req = {"api_version": "1", "market": m, "account": account(r, m)}
        if r.random() < 0.6:
            portfolio(r, req)
        if r.random() < 0.25:
            req = break_request(r, req)
        out.append(json.dumps(req, separators=(",", ":"), sort_keys=False))
    out += span_requests(random.Random(a.seed + 1))
    # raw-text damage the JSON layer must survive
    out += ['{"api_version":"1"', "[]", "null", '{"api_version":"1","api_version":"1"}', "\"just a string\"",
            '{"api_version":"1","market":{"timestamp":"1767225600","underlyings":{}},"account":{"cash":"1e400"}}',
            "{" * 100 + "}" * 100, '{"a":"\\ud800"}', ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
