"""One equity whatever the model (docs/api.md, "Equity"), recomputed from the requests.

    python3 tests/core/check_equity.py MARGIN [--count N] [--seed S]

For N generated accounts (tests/core/gen_requests.py: cash, collateral under a moving stable
price, perps, futures, options by mark vol and by SVI surface, contract sizes, cross and
isolated), each under the standard model, pmrm2, span16 and es (es where the synthetic history
covers the account), with Python integers:

- equity = cash + Σ linear floor(size (mark − entry)) + funding + Σ expiry floor(Σ amount u)
  + Σ collateral floor(amount price / stable_price), u = the option's reported `unit_value`
  (itself checked against an mpmath Black-76 at the reported vol: |u − DF B76| ≤ 1e-12 F + 10
  wei). Equal to the engine's under every model, and equal across models;
- option values: each floor(amount u) or one wei more, summing to their expiry's total;
- standard: the three collateral adjustments recomputed from price, confidence, MM haircut and
  stable price; margin_balance = equity − Σ adjustments = cash + Σ collateral value + Σ values;
  health = margin_balance − MM, free collateral = margin_balance − IM (cross); isolated: the
  pool and the positions' isolated balances;
- portfolio and es: no adjustments, margin_balance = equity = cash + Σ underlyings'
  mark_to_market, health = margin_balance − MM; worst_scenario a JSON integer.

Then the same checks on responses altered as a bug would alter them (standard's margin_balance
without the confidence adjustment; an option's value one wei off; a portfolio health computed
from a balance one wei off): each must be caught.
"""
import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import E18, QUIET, check, finish, fmt, mul_floor, wad  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SPY = 31_536_000


def load(rel):
    with open(os.path.join(ROOT, rel)) as f:
        return json.load(f)


STANDARD = load("core/api/params/standard-v1.json")
HISTORY = load("core/api/examples/history-synthetic.json")["history"]


def expiry_of(req, sym, t):
    for e in req["market"]["underlyings"][sym]["expiries"]:
        if int(e["expiry"]) == t:
            return e
    return None


def black76_check(req, pos, pr):
    """u against DF x Black-76 at the reported vol (mpmath); a loose bound, not the bits."""
    import mpmath

    mpmath.mp.dps = 40
    e = expiry_of(req, pos["underlying"], int(pos["expiry"]))
    F = mpmath.mpf(pr["underlying_price"])
    ts = int(req["market"]["timestamp"])
    T = mpmath.mpf(int(pos["expiry"]) - ts) / SPY
    df = e.get("discount_factor")
    if df is None:
        return True  # derived from a rate: the engine's DF is not in the request; the exact sum still binds u
    K, vol = mpmath.mpf(pos["strike"]), mpmath.mpf(pr["vol"])
    v, _ = black76(F, K, vol, T, pos["option_type"] == "call")
    want = mpmath.mpf(df) * v
    got = mpmath.mpf(wad(pr["unit_value"])) / E18
    return abs(got - want) <= F * mpmath.mpf("1e-12") + mpmath.mpf(10) / E18


def black76(F, K, vol, T, call):
    from margin_testlib import black76 as b

    return b(F, K, vol, T, call)


def equity_of(req, res):
    """(equity, {expiry: (total, [(index, floor part)])}) recomputed from the request and the units."""
    a = req["account"]
    m = req["market"]
    eq = wad(a.get("cash", "0"))
    exp = defaultdict(list)
    for i, (p, pr) in enumerate(zip(a.get("positions", []), res["positions"])):
        if p["type"] == "option":
            amount = wad(p["size"]) * wad(p.get("contract_size", "1")) // E18  # exact (validated)
            exp[(p["underlying"], int(p["expiry"]))].append((i, amount * wad(pr["unit_value"])))
        else:
            u = m["underlyings"][p["underlying"]]
            mark = wad(u["perp_mark"]) if p["type"] == "perp" else wad(expiry_of(req, p["underlying"], int(p["expiry"]))["forward"]) \
                if "forward" in expiry_of(req, p["underlying"], int(p["expiry"])) else wad(pr["underlying_price"])
            entry = wad(p["entry_price"]) if "entry_price" in p else mark
            eq += mul_floor(wad(p["size"]), mark - entry) + wad(p.get("funding", "0"))
    totals = {}
    for k, legs in exp.items():
        total = sum(x for _, x in legs) // E18
        totals[k] = (total, [(i, x // E18) for i, x in legs])
        eq += total
    stable = wad(m.get("stable_price", "1"))
    for asset, amount in a.get("collateral", {}).items():
        eq += wad(amount) * wad(m["collateral"][asset]["price"]) // stable
    return eq, totals


def standard_adjustments(req):
    a, m = req["account"], req["market"]
    doc = req.get("params") if isinstance(req.get("params"), dict) else STANDARD
    stable = wad(m.get("stable_price", "1"))
    st = conf = hc = 0
    counted = 0
    for asset, amount in a.get("collateral", {}).items():
        q, price, c = wad(amount), wad(m["collateral"][asset]["price"]), wad(m["collateral"][asset].get("confidence", "0"))
        mm = wad(doc["collateral"][asset]["mm_haircut"])
        at_eq, at_price, at_low = q * price // stable, q * price // E18, q * (price - c) // E18
        value = q * (price - c) * (E18 - mm) // E18**2
        st += at_eq - at_price
        conf += at_price - at_low
        hc += at_low - value
        counted += value
    return {"collateral_stable_price": st, "collateral_confidence": conf, "collateral_haircut": hc}, counted


def check_one(label, req, res, equity_py, totals):
    ok = True
    ok &= check(wad(res["equity"]) == equity_py, f"{label}: equity {res['equity']} != recomputed {fmt(equity_py)}")
    for (sym, t), (total, parts) in totals.items():
        vals = [wad(res["positions"][i]["value"]) for i, _ in parts]
        ok &= check(sum(vals) == total and all(v - p in (0, 1) for v, (_, p) in zip(vals, parts)),
                    f"{label}: the options of {sym} {t}: values {vals} do not split {total}")
    mb, mm, im = wad(res["margin_balance"]), wad(res["maintenance_margin"]), wad(res["initial_margin"])
    adj = {k: wad(v) for k, v in res["balance_adjustments"].items()}
    ok &= check(mb == wad(res["equity"]) - sum(adj.values()), f"{label}: margin_balance != equity - adjustments")
    if res["model"] == "standard":
        want, counted = standard_adjustments(req)
        ok &= check(adj == want, f"{label}: adjustments {adj} != recomputed {want}")
        values = sum(wad(p["value"]) for p in res["positions"])
        ok &= check(mb == wad(req["account"].get("cash", "0")) + counted + values,
                    f"{label}: margin_balance != cash + collateral values + position values")
    else:
        ok &= check(adj == {}, f"{label}: adjustments under {res['model']}")
    if res["margin_mode"] == "cross":
        ok &= check(wad(res["health"]) == mb - mm and wad(res["free_collateral"]) == mb - im,
                    f"{label}: health / free collateral not margin_balance - MM / IM")
    else:
        iso = [wad(p["isolated_balance"]) - wad(p["maintenance_margin"]) for p in res["positions"]]
        pool = wad(res["pool_balance"])
        ok &= check(wad(res["health"]) == min([pool] + iso), f"{label}: isolated health")
        ok &= check(pool + sum(wad(p["isolated_balance"]) for p in res["positions"]) == mb, f"{label}: pool + isolated balances != margin_balance")
    if res["model"] == "portfolio":
        ok &= check(wad(res["equity"]) == wad(req["account"].get("cash", "0")) + sum(wad(u["mark_to_market"]) for u in res["underlyings"]),
                    f"{label}: equity != cash + the underlyings' mark_to_market")
        ok &= check(all(type(u["worst_scenario"]) is int for u in res["underlyings"]), f"{label}: worst_scenario not an integer")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("margin", nargs="+")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261207)
    args = ap.parse_args()
    cmd = args.margin
    gen = subprocess.run([sys.executable, os.path.join(HERE, "gen_requests.py"), "--seed", str(args.seed), "--count", str(args.count)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    variants = []  # (account index, model, request)
    for k, line in enumerate(gen):
        try:
            req = json.loads(line)
        except ValueError:
            continue
        if not isinstance(req, dict) or not isinstance(req.get("account"), dict):
            continue
        std = copy.deepcopy(req)
        if isinstance(std.get("params"), (str, dict)) and not (isinstance(std["params"], dict) and str(std["params"].get("version")) == "standard/1"):
            std.pop("params")
        variants.append((k, "standard", std))
        if std["account"].get("margin_mode", "cross") == "cross":
            for model in ("pmrm2", "span16", "es"):
                r = copy.deepcopy(std)
                r["params"] = model
                if model == "es":
                    r["history"] = HISTORY
                variants.append((k, model, r))
    with tempfile.TemporaryDirectory() as d:
        inp, out = os.path.join(d, "in.jsonl"), os.path.join(d, "out.jsonl")
        with open(inp, "w") as f:
            for _, _, r in variants:
                f.write(json.dumps(r) + "\n")
        subprocess.run([*cmd, "batch", inp, out], capture_output=True)
        with open(out) as f:
            answers = [json.loads(x) for x in f]
    check(len(answers) == len(variants), f"{len(answers)} answers for {len(variants)} requests")
    by_account = defaultdict(dict)
    counts = defaultdict(int)
    units = 0
    bound_fail = 0
    kept = []
    for (k, model, req), ans in zip(variants, answers):
        if "result" not in ans:
            continue
        res = ans["result"]
        counts[model] += 1
        equity_py, totals = equity_of(req, res)
        check_one(f"account {k} {model}", req, res, equity_py, totals)
        by_account[k][model] = res["equity"]
        kept.append((f"account {k} {model}", req, res, equity_py, totals))
        if model == "standard":
            for p, pr in zip(req["account"].get("positions", []), res["positions"]):
                if p["type"] == "option":
                    units += 1
                    if not black76_check(req, p, pr):
                        bound_fail += 1
                        check(False, f"account {k}: unit_value {pr['unit_value']} far from DF x Black-76 at vol {pr['vol']}")
    multi = 0
    for k, eqs in by_account.items():
        if len(eqs) > 1:
            multi += 1
            check(len(set(eqs.values())) == 1, f"account {k}: equity differs across models: {eqs}")
    print(f"equity: {sum(counts.values())} results ({dict(counts)}), {multi} accounts under 2+ models with one equity; "
          f"{units} option unit values within the Black-76 bound")
    check(counts["standard"] >= args.count // 3 and counts["pmrm2"] >= args.count // 4 and counts["es"] >= 10,
          f"too few results to mean anything: {dict(counts)}")

    # Mutations: responses altered as a bug would alter them must be caught.
    QUIET[0] = True
    caught = []
    before = len(__import__("margin_testlib").FAILS)
    std = next(x for x in kept if x[2]["model"] == "standard" and wad(x[2]["balance_adjustments"]["collateral_confidence"]) > 0)
    label, req, res, e, t = std
    r = copy.deepcopy(res)
    conf = wad(r["balance_adjustments"]["collateral_confidence"])
    for f in ("margin_balance", "health", "free_collateral"):
        if f in r and (f == "margin_balance" or r["margin_mode"] == "cross"):
            r[f] = fmt(wad(r[f]) + conf)
    caught.append(("standard margin_balance without the confidence adjustment", not check_one(label, req, r, e, t)))
    opt = next(x for x in kept if any(p["type"] == "option" for p in x[1]["account"].get("positions", [])))
    label, req, res, e, t = opt
    r = copy.deepcopy(res)
    i = next(j for j, p in enumerate(req["account"]["positions"]) if p["type"] == "option")
    r["positions"][i]["value"] = fmt(wad(r["positions"][i]["value"]) + 1)
    caught.append(("an option value one wei off", not check_one(label, req, r, e, t)))
    pf = next(x for x in kept if x[2]["model"] == "portfolio")
    label, req, res, e, t = pf
    r = copy.deepcopy(res)
    r["health"] = fmt(wad(r["health"]) - 1)
    caught.append(("a portfolio health from a balance one wei off", not check_one(label, req, r, e, t)))
    QUIET[0] = False
    del __import__("margin_testlib").FAILS[before:]
    for what, ok in caught:
        check(ok, f"mutation not caught: {what}")
    print(f"mutations caught: {sum(ok for _, ok in caught)} of {len(caught)}")
    finish()


if __name__ == "__main__":
    main()
