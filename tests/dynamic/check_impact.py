#!/usr/bin/env python3
"""`margin param-impact` against `margin compute`, account by account (docs/dynamic-params.md §Tests).

usage: check_impact.py PRICES_DIR MARGIN...

A generated book of accounts (BTC and ETH options, perps, collateral; cash drawn so that some
accounts sit near their margin) is margined under the shipped pmrm2 grid (current) and a dynamic
pmrm2 document (proposed: `margin dynamic --document`, ETH's scale on 2022-06-18 with every tool).
Every account's IM, MM, free collateral, equity and liquidation flag from param-impact must equal
what `margin compute` answers for the same account with the document inline (one batch run per
document); the summary counts are recounted; the proposed hash must equal `margin param-hash`;
the timelock step figures are recomputed; the HTML must be self-contained; bad input (an empty
book, an unknown field in a book line or in a document) must give codes and paths; and two
mutations must be caught.
"""
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import WAD, check, run_margin  # noqa: E402
from margin_testlib import error_of as run_error, finish, wad as wei  # noqa: E402

PRICES = sys.argv[1]
MARGIN = sys.argv[2:]


def run(args, expect=0, stdin=None):
    return run_margin(MARGIN, args, expect, stdin=stdin, what=" ".join(args[:3]))


T0 = 1767225600
DAY = 86400


def account(rng):
    btc, eth = 100000 + rng.randint(-5000, 5000), 3500 + rng.randint(-200, 200)
    market = {"timestamp": str(T0), "underlyings": {
        "BTC": {"spot": str(btc), "perp_mark": str(btc), "expiries": [
            {"expiry": str(T0 + 7 * DAY), "forward": str(btc), "discount_factor": "1"},
            {"expiry": str(T0 + 30 * DAY), "forward": str(btc), "discount_factor": "1"}]},
        "ETH": {"spot": str(eth), "perp_mark": str(eth), "expiries": [
            {"expiry": str(T0 + 30 * DAY), "forward": str(eth), "discount_factor": "1"}]}},
        "collateral": {"USDC": {"price": "1", "confidence": "0"}, "ETH": {"price": str(eth), "confidence": "0"}}}
    positions = []
    for i in range(rng.randint(1, 5)):
        u = rng.choice(["BTC", "ETH"])
        s = btc if u == "BTC" else eth
        if rng.random() < 0.3:
            positions.append({"type": "perp", "underlying": u, "size": str(rng.choice([-2, -1, 1, 2]) * (1 if u == "BTC" else 10))})
            continue
        exp = rng.choice(market["underlyings"][u]["expiries"])["expiry"]
        k = int(s * rng.choice([0.8, 0.9, 1.0, 1.1, 1.2]))
        positions.append({"type": "option", "underlying": u, "expiry": exp, "strike": str(k),
                          "option_type": rng.choice(["call", "put"]), "size": str(rng.choice([-3, -2, -1, 1, 2])),
                          "mark_vol": rng.choice(["0.45", "0.6", "0.8"])})
    ids = set()
    for i, p in enumerate(positions):  # distinct instruments only
        key = (p["type"], p["underlying"], p.get("expiry"), p.get("strike"), p.get("option_type"))
        if key in ids:
            p["_drop"] = True
        ids.add(key)
    positions = [p for p in positions if "_drop" not in p]
    return {"api_version": "1", "market": market,
            "account": {"cash": str(rng.randint(2000, 60000)), "collateral": {"USDC": str(rng.randint(0, 20000)), "ETH": str(rng.randint(0, 3))},
                        "positions": positions}}


def main():
    rng = random.Random(27)
    here = os.path.dirname(os.path.abspath(__file__))
    pmrm2 = os.path.join(here, "..", "..", "core", "api", "params", "pmrm2.json")
    portfolio = json.load(open(os.path.join(here, "..", "..", "core", "api", "params", "portfolio-pmrm2.json")))
    with tempfile.TemporaryDirectory() as tmp:
        proposed = os.path.join(tmp, "proposed.json")
        p = run(["dynamic", "--prices", PRICES, "--document", "2022-06-18", "--underlying", "ETH", "--variant", "all"])
        open(proposed, "w").write(p.stdout)
        book = os.path.join(tmp, "book.jsonl")
        accounts = [account(rng) for _ in range(60)]
        open(book, "w").write("".join(json.dumps(a) + "\n" for a in accounts))
        out_json, out_html = os.path.join(tmp, "impact.json"), os.path.join(tmp, "impact.html")
        run(["param-impact", "--current", pmrm2, "--proposed", proposed, book, "--json", out_json, "--html", out_html])
        rep = json.load(open(out_json))["param_impact"]

        # every account against margin compute (batch), the document inline
        got = {}
        for key, doc in (("before", pmrm2), ("after", proposed)):
            params = dict(portfolio)
            params["scenarios"] = json.load(open(doc))
            lines = "".join(json.dumps(dict(a, params=params)) + "\n" for a in accounts)
            q = run(["batch", "-", "-"], stdin=lines)
            got[key] = [json.loads(l)["result"] for l in q.stdout.strip().split("\n")]
        def verify(rep):
            """Mismatches of param-impact's accounts against margin compute's answers."""
            bad = []
            for i, a in enumerate(rep["accounts"]):
                b, c = got["before"][i], got["after"][i]
                for k, x in (("im_before", b["initial_margin"]), ("im_after", c["initial_margin"]), ("mm_before", b["maintenance_margin"]),
                             ("mm_after", c["maintenance_margin"]), ("free_collateral_before", b["free_collateral"]),
                             ("free_collateral_after", c["free_collateral"]), ("equity", b["equity"])):
                    if wei(a[k]) != wei(x):
                        bad.append(f"account {i + 1} {k}: impact {a[k]}, compute {x}")
                if a["liquidatable_before"] != b["liquidatable"] or a["liquidatable_after"] != c["liquidatable"]:
                    bad.append(f"account {i + 1} liquidatable")
                if wei(a["im_change"]) != wei(a["im_after"]) - wei(a["im_before"]):
                    bad.append(f"account {i + 1} im_change")
            return bad

        for b in verify(rep):
            check(False, b)
        n_liq = sum(c["liquidatable"] and not b["liquidatable"] for b, c in zip(got["before"], got["after"]))
        n_lost = sum(wei(b["free_collateral"]) >= 0 > wei(c["free_collateral"]) for b, c in zip(got["before"], got["after"]))
        s = rep["summary"]
        check(s["accounts"] == str(len(accounts)), "account count")
        check(s["became_liquidatable"] == str(n_liq) and s["lost_free_collateral"] == str(n_lost), "summary counts")
        check(wei(s["im_after"]) == sum(wei(r["initial_margin"]) for r in got["after"]), "total IM after")
        check(n_liq > 0 and n_lost > 0, f"the book must exercise the flags: {n_liq} become liquidatable, {n_lost} lose free collateral")
        print(f"{len(accounts)} accounts equal margin compute; {n_liq} become liquidatable, {n_lost} lose free collateral")

        # the hash the chain queues
        h = json.loads(run(["param-hash", proposed]).stdout)["param_hash"]
        check(rep["proposed"]["param_hash"] == h, "proposed hash != margin param-hash")
        h0 = json.loads(run(["param-hash", pmrm2]).stdout)["param_hash"]
        check(rep["current"]["param_hash"] == h0, "current hash != margin param-hash")
        # step limits recomputed
        cur, pro = json.load(open(pmrm2)), json.load(open(proposed))
        for st in rep["timelock_steps"]:
            if st["field"] == "imFactor":
                o, n = wei(cur["loss"]["im_factor"]), wei(pro["loss"]["im_factor"])
                check(st["ok"] == (abs(n - o) <= max(abs(o) // 4, WAD // 100)), "imFactor step")
            if st["field"] == "minSpotShock":
                o = min(wei(x["spot_shock"]) for x in cur["scenarios"])
                n = min(wei(x["spot_shock"]) for x in pro["scenarios"])
                check(st["ok"] == (abs(n - o) <= WAD // 20), "minSpotShock step")
        html = open(out_html).read()
        check("<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html,
              "the HTML report is not self-contained")
        check(html.count("class='account") == len(accounts), "one dot per account in the HTML")
        check(h in html, "the HTML names the proposed hash")

        # coverage before / after on a short slice: the current document's rows equal margin backtest's pmrm2
        cov = json.loads(run(["param-impact", "--current", pmrm2, "--proposed", proposed, book, "--prices", PRICES,
                              "--from", "2022-05-01", "--to", "2022-08-31", "--underlyings", "BTC"]).stdout)["param_impact"]
        bt = json.loads(run(["backtest", "--prices", PRICES, "--from", "2022-05-01", "--to", "2022-08-31", "--models", "pmrm2",
                             "--portfolios", "long_btc,short_strangle"]).stdout)["backtest"]["results"]
        rows = {(r["portfolio"], r["variant"]): r for r in cov["backtest_coverage"]["results"]}
        for r in bt:
            c = rows[(r["portfolio"], "current")]
            check(c["im_coverage"]["exceptions"] == r["margin_coverage"]["exceptions"] and c["average_im"] == r["average_margin"],
                  f"coverage of {r['portfolio']} under the current document differs from margin backtest")
        check(len(rows) == 14, "coverage rows")
        print("coverage before/after: current rows equal margin backtest")

        # bad input
        def error_of(args):
            return run_error(run(args, expect=1))
        empty = os.path.join(tmp, "empty.jsonl")
        open(empty, "w").write("\n")
        e = error_of(["param-impact", "--current", pmrm2, "--proposed", proposed, empty])
        check(e.get("code") == "OUT_OF_RANGE" and e.get("path") == "/book", f"empty book: {e}")
        bad = os.path.join(tmp, "bad.jsonl")
        a = json.loads(json.dumps(accounts[1]))
        a["account"]["colour"] = "red"
        open(bad, "w").write(json.dumps(accounts[0]) + "\n" + json.dumps(a) + "\n")
        e = error_of(["param-impact", "--current", pmrm2, "--proposed", proposed, bad])
        check(e.get("code") == "UNKNOWN_FIELD" and e.get("path") == "/book/2/account/colour", f"unknown field in a book line: {e}")
        d = json.load(open(proposed))
        d["loss"]["im_facter"] = "1"
        bad_doc = os.path.join(tmp, "bad-doc.json")
        open(bad_doc, "w").write(json.dumps(d))
        e = error_of(["param-impact", "--current", pmrm2, "--proposed", bad_doc, book])
        check(e.get("code") == "UNKNOWN_FIELD" and e.get("path") == "/proposed/loss/im_facter", f"unknown field in the document: {e}")
        e = error_of(["param-impact", "--current", pmrm2, "--proposed", proposed, book, "--prices", PRICES, "--from", "2010-01-01", "--to", "2011-12-31"])
        check(e.get("code") == "HISTORY_TOO_SHORT" and e.get("path") == "/history/BTC", f"window before the history: {e}")
        print("bad input: codes and paths")

        # mutations: one account's IM after moved by one wei, and a liquidation flag flipped: both caught
        m = json.loads(json.dumps(rep))
        m["accounts"][7]["im_after"] = "%d.%018d" % divmod(wei(m["accounts"][7]["im_after"]) + 1, WAD)
        check(len(verify(m)) >= 1, "mutation not caught: an IM one wei off")
        m = json.loads(json.dumps(rep))
        m["accounts"][3]["liquidatable_after"] = not m["accounts"][3]["liquidatable_after"]
        check(len(verify(m)) == 1, "mutation not caught: a liquidation flag flipped")
        print("mutations caught: an IM one wei off, a liquidation flag flipped")


if __name__ == "__main__":
    main()
    finish()
