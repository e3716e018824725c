#!/usr/bin/env python3
"""Every cascade result of the API parity corpus checked against docs/cascade.md §Accounting, as
far as the JSON exposes the ledgers (the accounts' cash is not in the log), with Python Fractions:

- no healthy account liquidated: every liquidation record's equity < maintenance (liquidatable at
  the evaluation that chose it), its fraction in (0, 1], a shortfall only when f = 1;
- each shortfall split in full: shortfall = insurance + socialised + the ADL charges, each >= 0;
- the insurance fund's flow: fund_s = fund_{s-1} - insurance paid (+ the rewards in market mode,
  where the liquidated account pays its reward to the fund), from the request's insurance_fund;
- the loss: bad_debt_s = the records' socialised amounts; socialisedLoss grows by at most that
  (loss rule none: the positive balances bear up to their total first) or by exactly that (ADL);
- the market counterparty: house mode 0; market mode, a step without ADL: it pays the closed
  positions' value, counterparty_s - counterparty_{s-1} = -sum(payment + reward);
- the dust: 0 in a step where the loss scale (loss_mark) did not move, and the dust kept in all
  (the sum over the steps so far) never < 0. A step's own dust can be negative when a loss goes
  through the scale: totalPositiveCash C still counts the wei the earlier floors took from the
  balances, so the claims fall by less than the B = min(rest, C) booked as borne (the contract's
  accounting, mirrored; docs/cascade.md §Accounting);
- the prices: without feedback the shocked market's (market mode), and equal to it with no liquidity;
- the totals: the sums of the steps, fund_used = the fund's fall, steps_run, and log_hash =
  keccak256 of the compact steps (tests/apps/cascade_cases.py's own Keccak).

    check_logs.py REQUESTS.jsonl RESPONSES.jsonl [--mutate]

--mutate: each planted edit of a log (a healthy account liquidated, one wei moved in the fund,
the insurance, the counterparty or the dust) must be caught.
"""
import copy
import json
import os
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "apps"))
from cascade_cases import keccak256  # noqa: E402

WEI = F(1, 10**18)


def check(req, doc, hash_too=True):
    """The list of findings for one (request, result) pair; empty: the log is consistent."""
    bad = []
    q, c = req["cascade"], doc["cascade"]
    market = q["mode"] == "market"
    adl_rule = q.get("loss", {}).get("adl", "none")
    fund = F(q.get("insurance_fund", "0"))
    fund0, cp, sl, mark = fund, F(0), F(0), {"epoch": 0, "scale": str(10**36)}
    tot = {"liquidations": 0, "notional": F(0), "bad_debt": F(0), "adl_notional": F(0)}
    no_fb, kept = None, F(0)
    for k, s in enumerate(c["steps"]):
        w = f"step {k}"
        if s["step"] != k:
            bad.append(f"{w}: numbered {s['step']}")
        count, notional, adl_n, socialised, insurance, rewards, payments, charges = 0, F(0), F(0), F(0), F(0), F(0), F(0), F(0)
        for j, l in enumerate(s["liquidations"]):
            x = f"{w} liquidation {j} (account {l['account']})"
            e, mm, f = F(l["equity"]), F(l["maintenance"]), F(l["fraction"])
            if not e < mm:
                bad.append(f"{x}: equity {l['equity']} >= maintenance {l['maintenance']}: a healthy account liquidated")
            if not 0 < f <= 1:
                bad.append(f"{x}: fraction {l['fraction']}")
            parts = [F(l["insurance"]), F(l["socialised"])] + [F(a["charge"]) for a in l["adl"]]
            if any(p < 0 for p in parts) or F(l["shortfall"]) < 0:
                bad.append(f"{x}: a negative part of the shortfall")
            if F(l["shortfall"]) != sum(parts):
                bad.append(f"{x}: shortfall {l['shortfall']} != insurance + socialised + ADL {sum(parts)}")
            if F(l["shortfall"]) > 0 and f != 1:
                bad.append(f"{x}: a shortfall at fraction {l['fraction']}")
            taken = market or l["liquidator"] is not None
            if not taken and (F(l["shortfall"]) or F(l["payment"]) or F(l["reward"]) or l["adl"]):
                bad.append(f"{x}: no liquidator took it, yet money moved")
            if taken:
                count += 1
                notional += F(l["notional"])
                adl_n += sum(F(a["notional"]) for a in l["adl"])
            socialised += F(l["socialised"])
            insurance += F(l["insurance"])
            rewards += F(l["reward"])
            payments += F(l["payment"])
            charges += sum(F(a["charge"]) for a in l["adl"])
        if s["count"] != count or F(s["notional"]) != notional or F(s["adl_notional"]) != adl_n:
            bad.append(f"{w}: count/notional/adl_notional {s['count']}/{s['notional']}/{s['adl_notional']} != the records' "
                       f"{count}/{notional}/{adl_n}")
        fund = fund - insurance + (rewards if market else 0)
        if F(s["fund"]) != fund:
            bad.append(f"{w}: fund {s['fund']}, the flows give {fund}")
        fund = F(s["fund"])
        if F(s["bad_debt"]) != socialised:
            bad.append(f"{w}: bad_debt {s['bad_debt']} != the records' socialised {socialised}")
        d_sl = F(s["socialised_loss"]) - sl
        if (adl_rule == "none" and not 0 <= d_sl <= socialised) or (adl_rule != "none" and d_sl != socialised):
            bad.append(f"{w}: socialised_loss moved by {d_sl} for a bad debt of {socialised} (loss {adl_rule})")
        sl = F(s["socialised_loss"])
        d_cp = F(s["counterparty"]) - cp
        if (not market and F(s["counterparty"]) != 0) or (market and charges == 0 and d_cp != -(payments + rewards)):
            bad.append(f"{w}: counterparty moved by {d_cp}, the closed positions' value is {-(payments + rewards)}")
        cp = F(s["counterparty"])
        dust = F(s["dust"])
        kept += dust
        if kept < 0 or (dust != 0 and s["loss_mark"] == mark):
            bad.append(f"{w}: dust {s['dust']}, {kept} in all (loss scale {'unchanged' if s['loss_mark'] == mark else 'moved'})")
        mark = s["loss_mark"]
        for sym, u in s["underlyings"].items():
            nf = u["price_no_feedback"]
            if market and no_fb is not None and no_fb.get(sym) != nf:
                bad.append(f"{w}: {sym} price without feedback {nf} moved")
            if market and sym not in q.get("liquidity", {}) and u["price"] != nf:
                bad.append(f"{w}: {sym} has no liquidity, yet its price {u['price']} != {nf}")
        no_fb = {sym: u["price_no_feedback"] for sym, u in s["underlyings"].items()}
        tot["liquidations"] += count
        tot["notional"] += notional
        tot["bad_debt"] += F(s["bad_debt"])
        tot["adl_notional"] += adl_n
    t = c["total"]
    if t["steps_run"] != len(c["steps"]) or t["liquidations"] != tot["liquidations"]:
        bad.append(f"total: steps_run/liquidations {t['steps_run']}/{t['liquidations']}")
    for key in ("notional", "bad_debt", "adl_notional"):
        if F(t[key]) != tot[key]:
            bad.append(f"total: {key} {t[key]} != the steps' {tot[key]}")
    if F(t["fund_used"]) != fund0 - fund:
        bad.append(f"total: fund_used {t['fund_used']} != {fund0 - fund}")
    if hash_too:
        steps = json.dumps(c["steps"], separators=(",", ":"), ensure_ascii=False)
        if c["log_hash"] != "0x" + keccak256(steps.encode()).hex():
            bad.append("log_hash is not keccak256 of the compact steps")
    return bad


def wei(x, d=1):
    """The decimal string x moved by d wei, as the engine prints it."""
    v = F(x) + d * WEI
    n = abs(v.numerator * 10**18 // v.denominator)
    i, f = divmod(n, 10**18)
    return ("-" if v < 0 else "") + str(i) + ("." + str(f).rjust(18, "0").rstrip("0") if f else "")


def mutations(pairs):
    """(name, request, edited result) for planted mistakes in the corpus's own logs."""
    out = []
    for req, doc in pairs:
        steps = doc["cascade"]["steps"]
        lq = [(k, j) for k, s in enumerate(steps) for j, _ in enumerate(s["liquidations"])]
        if lq and "healthy" not in [m[0] for m in out]:
            d = copy.deepcopy(doc)
            k, j = lq[-1]
            rec = d["cascade"]["steps"][k]["liquidations"][j]
            rec["equity"] = rec["maintenance"]  # at maintenance: not liquidatable
            out.append(("healthy", req, d))
        if lq and "fund" not in [m[0] for m in out]:
            d = copy.deepcopy(doc)
            s = d["cascade"]["steps"][lq[0][0]]
            s["fund"] = wei(s["fund"], -1)
            out.append(("fund", req, d))
        ins = [(k, j) for k, j in lq if steps[k]["liquidations"][j]["insurance"] != "0"]
        if ins and "insurance" not in [m[0] for m in out]:
            d = copy.deepcopy(doc)
            k, j = ins[0]
            rec = d["cascade"]["steps"][k]["liquidations"][j]
            rec["insurance"] = wei(rec["insurance"])
            rec["shortfall"] = wei(rec["shortfall"])  # the split still adds up: the fund's flow must see it
            out.append(("insurance", req, d))
        if req["cascade"]["mode"] == "market" and lq and "counterparty" not in [m[0] for m in out]:
            d = copy.deepcopy(doc)
            s = d["cascade"]["steps"][0]
            s["counterparty"] = wei(s["counterparty"])
            out.append(("counterparty", req, d))
        still = [k for k in range(1, len(steps)) if steps[k]["loss_mark"] == steps[k - 1]["loss_mark"]]
        if still and "dust" not in [m[0] for m in out]:
            d = copy.deepcopy(doc)
            d["cascade"]["steps"][still[0]]["dust"] = wei(steps[still[0]]["dust"])  # dust while the scale stood still
            out.append(("dust", req, d))
        marks = [{"epoch": 0, "scale": str(10**36)}] + [s["loss_mark"] for s in steps]
        moved = [k for k in range(len(steps)) if marks[k + 1] != marks[k]]
        if moved and "negative dust" not in [m[0] for m in out]:
            d = copy.deepcopy(doc)
            kept = sum(F(s["dust"]) for s in steps[: moved[0]])
            d["cascade"]["steps"][moved[0]]["dust"] = wei(str(-kept), -1)  # one wei more than all the dust kept before
            out.append(("negative dust", req, d))
    return out


def main(argv):
    reqs = [json.loads(line) for line in open(argv[1])]
    resps = [json.loads(line) for line in open(argv[2])]
    if len(reqs) != len(resps):
        print(f"cascade logs: {len(reqs)} requests, {len(resps)} responses")
        return 1
    pairs = [(q, r) for q, r in zip(reqs, resps) if "cascade" in r]
    failed, steps, liq = 0, 0, 0
    for i, (q, r) in enumerate(pairs):
        for m in check(q, r):
            print(f"cascade logs: result {i}: {m}")
            failed += 1
        steps += len(r["cascade"]["steps"])
        liq += sum(len(s["liquidations"]) for s in r["cascade"]["steps"])
    print(f"cascade logs: {len(pairs)} results, {steps} steps, {liq} liquidation records: "
          f"{'consistent' if not failed else f'{failed} findings'}")
    if "--mutate" in argv:
        caught = 0
        muts = mutations(pairs)
        for name, q, d in muts:
            found = check(q, d, hash_too=False)
            if found:
                caught += 1
            else:
                print(f"cascade logs: mutation {name} NOT caught")
        print(f"cascade logs: {caught} of {len(muts)} planted mistakes caught ({', '.join(m[0] for m in muts)})")
        if caught != len(muts) or len(muts) < 6:
            return 1
    return 1 if failed or not pairs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
