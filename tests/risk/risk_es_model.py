"""The es margin model through `margin compute` (check_risk.py 8): IM = ceil(ES x de-peg factor) +
the contingencies, each recomputed from its definition; MM = ceil(0.8 IM); its ES is `margin
var`'s, its equity the portfolio model's; the canonical request computes the same; bad input."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import E18, ceil_div, check, example, fmt, history_text, run_margin, wad  # noqa: E402
from risk_common import run  # noqa: E402


def es_model(margin, prices):
    ex = example(margin)
    hist = history_text(prices, ("BTC", "ETH", "USDC"))

    def compute(req):
        p = run_margin(margin, ["compute", "-", "--compact"], expect=None, stdin=json.dumps(req), timeout=60)
        return p.returncode, json.loads(p.stdout)

    es_doc = json.loads(open(os.path.join(os.path.dirname(__file__), "../../core/api/params/es.json")).read())
    for stable in ("1", "0.97"):
        req = json.loads(json.dumps(ex))
        req["market"]["stable_price"] = stable
        req["params"] = "es"
        req["history"] = hist
        rc, out = compute(req)
        check(rc == 0 and out["result"]["model"] == "es", f"es model computes: {out}")
        if rc != 0:
            continue
        r = out["result"]
        # the ES as `margin var` measures it under the document's risk parameters
        vreq = json.loads(json.dumps(ex))
        vreq["market"]["stable_price"] = stable
        vreq["history"] = hist
        vreq["risk"] = es_doc["risk"]
        _, v, _ = run(margin, vreq)
        es = wad(v["risk"]["es"])
        check(wad(r["risk"]["es"]) == es, "es model: its ES is margin var's")
        c = es_doc["contingency"]
        factor = E18 + max(0, wad(c["peg_loss_threshold"]) - wad(stable)) * wad(c["peg_loss_factor"]) // E18  # exact here
        want_req = ceil_div(max(es, 0) * factor, E18)
        check(wad(r["es_requirement"]) == want_req, f"es model: ES requirement {r['es_requirement']} vs {fmt(want_req)} (stable {stable})")
        # contingencies from their definitions
        mkt, acct = req["market"], req["account"]
        pct = {k: wad(c[k]) for k in c}
        cont = {}
        for sym in sorted({p["underlying"] for p in acct["positions"]}):
            spot = wad(mkt["underlyings"][sym]["spot"])
            mm = im = 0
            linear = sum(abs(wad(p["size"])) for p in acct["positions"] if p["underlying"] == sym and p["type"] != "option")
            # requirements round up (against the account): notional, then each percentage
            mm += ceil_div(ceil_div(linear * spot, E18) * pct["mm_perp_percent"], E18)
            im += ceil_div(ceil_div(linear * spot, E18) * pct["im_perp_percent"], E18)
            by = {}
            for p in acct["positions"]:
                if p["underlying"] == sym and p["type"] == "option":
                    key = (p["expiry"], wad(p["strike"]))
                    by[key] = by.get(key, 0) + wad(p["size"]) * wad(p.get("contract_size", "1")) // E18
            naked = sum(max(-n, 0) for n in by.values())
            mm += ceil_div(ceil_div(naked * spot, E18) * pct["mm_option_percent"], E18)
            im += ceil_div(ceil_div(naked * spot, E18) * pct["im_option_percent"], E18)
            cont[sym] = (mm, im)
        col_mm = col_im = 0
        for asset, amount in acct["collateral"].items():
            value = wad(amount) * wad(mkt["collateral"][asset]["price"]) // wad(stable)
            col_mm += ceil_div(value * wad(es_doc["collateral"][asset]["mm_haircut"]), E18)
            col_im += ceil_div(value * wad(es_doc["collateral"][asset]["im_haircut"]), E18)
        cont[None] = (col_mm, col_im)
        got = {x["underlying"]: (wad(x["mm_contingency"]), wad(x["im_contingency"])) for x in r["contingencies"]}
        check(got == cont, f"es model: contingencies {got} vs their definitions {cont}")
        im = want_req + sum(a + b for a, b in cont.values())
        check(wad(r["initial_margin"]) == im, f"es model: IM {r['initial_margin']} = requirement + contingencies {fmt(im)}")
        check(wad(r["maintenance_margin"]) == ceil_div(im * wad(es_doc["mm_factor"]), E18), "es model: MM = ceil(0.8 IM)")
        check(wad(r["health"]) == wad(r["equity"]) - wad(r["maintenance_margin"]), "es model: health = equity - MM")
        pm = json.loads(json.dumps(req))
        pm["params"] = "pmrm2"
        pm.pop("history")
        _, po = compute(pm)
        check(po["result"]["equity"] == r["equity"], "es model: equity is the portfolio model's mark-to-market")
        # the canonical form carries params and history: computing it gives the same bytes
        can = subprocess.run([*margin, "canonical", "-"], input=json.dumps(req).encode(), capture_output=True).stdout
        p2 = subprocess.run([*margin, "compute", "-", "--compact"], input=can, capture_output=True)
        check(json.loads(p2.stdout) == out, "es model: the canonical request computes to the same result")

    def bad(mutate, code, path, what):
        req = json.loads(json.dumps(ex))
        req["params"] = "es"
        req["history"] = hist
        mutate(req)
        rc, out = compute(req)
        e = out.get("error", {})
        check(rc == 1 and e.get("code") == code and e.get("path") == path, f"es bad input, {what}: {code} {path} vs {out}")

    bad(lambda r: r.pop("history"), "MISSING_FIELD", "/history", "no history")
    bad(lambda r: r.update(params="pmrm2"), "UNKNOWN_FIELD", "/history", "history under pmrm2")
    doc = json.loads(json.dumps(es_doc))
    doc["mm_factor"] = "1.5"
    bad(lambda r: r.update(params=doc), "OUT_OF_RANGE", "/params/mm_factor", "mm_factor above 1")
    doc2 = json.loads(json.dumps(es_doc))
    doc2["risk"]["confidence"] = "0.4"
    bad(lambda r: r.update(params=doc2), "OUT_OF_RANGE", "/params/risk/confidence", "alpha below 0.5")
    doc3 = json.loads(json.dumps(es_doc))
    del doc3["collateral"]["USDC"]
    bad(lambda r: r.update(params=doc3), "COLLATERAL_NOT_ACCEPTED", "/account/collateral/USDC", "collateral without haircuts")
    bad(lambda r: r["account"].update(margin_mode="isolated"), "MODE_NOT_SUPPORTED", "/account/margin_mode", "isolated mode")
    bad(lambda r: r["history"].pop("ETH"), "NO_HISTORY", "/account/positions/4/underlying", "an underlying without history")
