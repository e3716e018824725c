#!/usr/bin/env python3
"""`margin cascade --compare`'s rows against separate `margin cascade` runs (docs/cascade-books.md
"Models compared"), outside the compare code path: for standard, pmrm2 and span16 the request with
its "params" replaced (and no account's own); for standard-isolated the isolated book built here —
each position's standard IM at S0 from `margin batch` (its account's "positions"[j].initial_margin),
the cash split floor(cash x IM_j / sum IM) in wei with Python integers, the remainder to the first
position — and run as a plain request. es has no separate run (a cascade/1 request carries no price
history; the compare gives es the shipped SYNTHETIC history): its row is only checked for shape.

Usage: cascade_compare_check.py REQUEST COMPARE_JSON MARGIN...   (exit 1 on a mismatch)
"""
import copy
import json
import subprocess
import sys
import tempfile
from decimal import Decimal

WAD = 10**18
FIELDS = ["liquidations", "bad_debt", "amplification", "capital_locked", "notional", "fund_used", "adl_notional", "steps_run",
          "capped", "log_hash"]


def wei(s):
    return int(Decimal(s) * WAD)


def dec(w):
    sign = "-" if w < 0 else ""
    w = abs(w)
    whole, frac = divmod(w, WAD)
    f = f"{frac:018d}".rstrip("0")
    return sign + str(whole) + ("." + f if f else "")


def run(margin, args, stdin=None):
    r = subprocess.run(margin + args, input=stdin, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"{' '.join(margin + args)}: status {r.returncode}: {r.stderr}")
    return r.stdout


def cascade(margin, req):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(req, f)
    out = json.loads(run(margin, ["cascade", f.name, "--compact"]))
    if "error" in out:
        sys.exit(f"separate run failed: {out['error']}")
    return out["cascade"]


def isolated_book(margin, req):
    c = req["cascade"]
    lines, owners = [], []
    for i, a in enumerate(c["accounts"]):
        if len(a["account"]["positions"]) > 1:
            lines.append(json.dumps({"api_version": "1", "params": "standard", "market": c["market"], "account": a["account"]},
                                    separators=(",", ":")))
            owners.append(i)
    ims = {}
    if lines:
        out = [x for x in run(margin, ["batch", "-", "-"], "\n".join(lines) + "\n").splitlines() if x.strip()]
        if len(out) != len(lines):
            sys.exit(f"batch gave {len(out)} answers for {len(lines)} requests")
        for i, x in zip(owners, out):
            ims[i] = [wei(p["initial_margin"]) for p in json.loads(x)["result"]["positions"]]
    accounts = []
    for i, a in enumerate(c["accounts"]):
        acct = a["account"]
        ps = acct["positions"]
        if len(ps) <= 1:
            accounts.append({"account": acct})
            continue
        im = ims[i]
        cash, total = wei(acct["cash"]), sum(im)
        share = [0] * len(ps)
        if total > 0 and cash > 0:
            for j in range(1, len(ps)):
                share[j] = cash * im[j] // total  # floor
        share[0] = cash - sum(share[1:])
        for j, p in enumerate(ps):
            accounts.append({"account": {"margin_mode": "cross", "cash": dec(share[j]), "positions": [p]}})
    out = copy.deepcopy(req)
    out["cascade"]["accounts"] = accounts
    out["cascade"]["params"] = "standard"
    return out


def main():
    request_path, compare_path, margin = sys.argv[1], sys.argv[2], sys.argv[3:]
    req = json.load(open(request_path))
    for a in req["cascade"]["accounts"]:
        a.pop("params", None)
    rows = json.load(open(compare_path))["cascade_compare"]
    bad = 0
    for row in rows:
        m = row["model"]
        if m == "es":
            ok = all(k in row for k in FIELDS)
            print(f"es: shape {'ok' if ok else 'BAD'} (no separate run: a cascade/1 request has no history)")
            bad += 0 if ok else 1
            continue
        if m == "standard-isolated":
            r = isolated_book(margin, req)
        else:
            r = copy.deepcopy(req)
            r["cascade"]["params"] = m
        got = cascade(margin, r)
        want = dict(got["total"], log_hash=got["log_hash"], accounts=got["accounts"])
        diffs = [k for k in FIELDS + ["accounts"] if row[k] != want[k]]
        print(f"{m}: {'ok' if not diffs else 'DIFFER in ' + ', '.join(diffs)} (liquidations {row['liquidations']}, bad debt "
              f"{row['bad_debt']}, capital locked {row['capital_locked']})")
        bad += 1 if diffs else 0
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
