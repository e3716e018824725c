"""Historical simulation through `margin var` (check_risk.py 1, 2, 5 and 6): the linear book end
to end to the wei, the estimators and the P&L hash on the engine's own vector of an option book,
bad input with codes and paths, and a one-wei mutation of a close that moves the digest."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import E18, check, csv_path, date_of, day_number, example, fmt, history_text, read_closes, wad  # noqa: E402
from risk_common import base_request, run, split_in_proportion, tail  # noqa: E402


def hs_linear(margin, prices):
    req = base_request(prices)
    hist = history_text(prices, ("BTC", "ETH", "USDC"))
    req["history"] = hist
    h, lookback, alpha = 3, 1000, "0.975"
    req["risk"] = {"method": "historical", "horizon_days": str(h), "lookback_days": str(lookback), "confidence": alpha,
                   "as_of": "2024-06-30", "include_pnl": True}
    rc, out, err = run(margin, req)
    check(rc == 0 and out and "risk" in out, f"hs linear runs: {rc} {err} {out}")
    if not out or "risk" not in out:
        return
    r = out["risk"]
    series = {s: read_closes(csv_path(prices, s)) for s in ("BTC", "ETH", "USDC")}
    last = day_number("2024-06-30")
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
    want = [date_of(first + i) for i in order[:10]]
    check(dates == want, f"hs linear: the worst scenarios' dates {dates[:3]} vs {want[:3]}")
    return req


def option_book(margin, prices):
    ex = example(margin)
    ex["history"] = history_text(prices, ("BTC", "ETH", "USDC"))
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
