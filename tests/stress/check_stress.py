#!/usr/bin/env python3
"""Stress testing (docs/stress.md) against an independent implementation:

1. Every scenario kind applied here in Python integers (the roundings of docs/stress.md
   §Applying): the shocked spot, perp mark, forwards, funding, collateral prices, stable price,
   haircuts and confidences, and the shocked request rebuilt from them is margined by the
   engine's plain `margin batch` door: equity, IM, MM, health and liquidatable equal the stress
   door's, to the wei, under the standard and the pmrm2 models.
2. The linear P&L (perps with funding, futures on given and rate-derived forwards, moving
   collateral) to the wei; options against mpmath Black-76 (60 digits) with the shocked vol
   recomputed from its definition (parallel, term-scaled, skew; mark vols and SVI surfaces);
   the total is the exact sum of its rows.
3. Derived moves (correlation, beta, clamping) exactly; historical replays from the CSV closes
   exactly (the named dates, the worst 2-day window of the lead, the stable coin's trough).
4. Reverse stress against a brute-force fine scan (every grid point up to the one found) on
   generated accounts: the point found is liquidatable, the one below is not, no scan point
   before is, and the count of accounts where the brute force finds the same point is stated.
5. A deliberate mutation of the reference (the funding accrual floored instead of ceiled: 1 wei) is caught.
7. The book (`margin stress-book`): per scenario the liquidatable and newly liquidatable counts,
   the P&L, the shortfall against the insurance fund and the top contributors recomputed from the
   per-account stress door; one thread and two give the same result.
6. Bad input: codes and JSON pointers (unknown fields, shocks out of range, a correlation outside
   [-1, 1], a replay date outside the history, no history, the caps, an unknown set).

The checks live by concept: stress_apply.py (1, 2, 5 and the --shock shorthand), stress_replays.py
(3), stress_reverse.py (4), stress_book_check.py (7), on the shared reference stress_common.py; bad
input (6) and the mutation run are here.

    check_stress.py PRICES_DIR MARGIN_COMMAND...   (e.g. build/native/bin/margin, or node .../margin.js)
"""
import json
import os
import subprocess
import sys

from stress_common import CMD, E1, FAILS, MUTATE, PRICES, book, check, run
from stress_apply import check_scenarios, shorthand
from stress_replays import check_replays
from stress_reverse import reverse_checks
from stress_book_check import book_check


def bad_inputs():
    base = book()
    S = lambda *sc: dict(base, stress={"version": "stress/1", "scenarios": list(sc)})
    cases = [
        (S({"name": "x", "underlyings": {"BTC": {"spt": "-0.3"}}}), "UNKNOWN_FIELD", "/stress/scenarios/0/underlyings/BTC/spt"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": "-1.5"}}}), "OUT_OF_RANGE", "/stress/scenarios/0/underlyings/BTC/spot"),
        (S({"name": "x", "underlyings": {"BTC": {"vol": {"relative": "-2"}}}}), "OUT_OF_RANGE", "/stress/scenarios/0/underlyings/BTC/vol/relative"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": "-0.3"}}, "derived": {"ETH": {"lead": "BTC", "correlation": "1.5"}}}),
         "OUT_OF_RANGE", "/stress/scenarios/0/derived/ETH/correlation"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": 1}}}), "JSON_NUMBER", "/stress/scenarios/0/underlyings/BTC/spot"),
        (S({"name": "x", "replay": {"from": "2010-01-01"}}), "HISTORY_TOO_SHORT", "/stress/scenarios/0/replay"),
        (S({"name": "x", "replay": {"from": "2020-02-30"}}), "BAD_INTEGER", "/stress/scenarios/0/replay/from"),
        (dict(base, stress="nosuchset"), "UNKNOWN_PRESET", "/stress"),
        (dict(base, stress={"version": "stress/2", "scenarios": []}), "UNSUPPORTED_VERSION", "/stress/version"),
        (S(), "OUT_OF_RANGE", "/stress/scenarios"),
        (S(*[{"name": str(i)} for i in range(257)]), "OUT_OF_RANGE", "/stress/scenarios"),
        (S({"name": "x", "underlyings": {"BTC": {"spot": "-0.3"}}, "derived": {"ETH": {"lead": "SOL", "beta": "1"}}}),
         "UNKNOWN_UNDERLYING", "/stress/scenarios/0/derived/ETH/lead"),
        (S({"name": "x", "underlyings": {"BTC": {"funding": {"rate": "0.1"}}}}), "MISSING_FIELD", "/stress/scenarios/0/underlyings/BTC/funding/days"),
        (dict(base, reverse_stress={"scan": "0.0015"}), "OUT_OF_RANGE", "/reverse_stress/scan"),
        (dict(base, reverse_stress={"directions": [{"move": "sideways", "underlying": "BTC"}]}), "BAD_ENUM", "/reverse_stress/directions/0/move"),
        (dict(book(), params="es", reverse_stress={}), "OUT_OF_RANGE", "/reverse_stress/scan"),
        (dict(base, reverse_stress={"directions": [{"move": "spot_down", "underlying": "SOL"}]}), "UNKNOWN_UNDERLYING",
         "/reverse_stress/directions/0/underlying"),
    ]
    big = book()
    big["account"]["positions"] = [{"type": "option", "underlying": "BTC", "expiry": str(E1), "option_type": "call", "strike": str(40000 + i),
                                    "size": "1", "mark_vol": "0.5"} for i in range(400)]
    # the cap: 251 scenarios x 400 positions > 100,000
    cases.append((dict(big, stress={"version": "stress/1", "scenarios": [{"name": str(i)} for i in range(251)]}), "OUT_OF_RANGE",
                  "/stress/scenarios"))
    for req, code, path in cases:
        args = ["stress", "--compact", "--prices", PRICES] + ([] if "stress" in req else ["--reverse"])
        r = run(args, json.dumps(req))
        e = r.get("error", {})
        check(e.get("code") == code and e.get("path") == path, f"bad input: expected {code} at {path}, got {e or str(r)[:200]}")
    # no history at all for a replay
    r = run(["stress", "--compact"], json.dumps(dict(base, stress="replays")))
    check(r.get("error", {}).get("code") == "NO_HISTORY", f"a replay without history: {r.get('error')}")
    print(f"bad input: {len(cases) + 1} cases with their codes and paths")


if MUTATE:
    check_scenarios("standard")
    print(f"mutated reference: {len(FAILS)} mismatches")
    sys.exit(0 if FAILS else 1)
check_scenarios("standard")
check_scenarios("pmrm2")
check_replays()
shorthand()
bad_inputs()
reverse_checks(int(os.environ.get("STRESS_ACCOUNTS", "20")))
book_check(int(os.environ.get("STRESS_BOOK", "9")))
# the mutation: the same checks against a reference that floors the funding accrual must fail
p = subprocess.run([sys.executable, __file__, PRICES] + CMD, env=dict(os.environ, STRESS_MUTATE="1"), capture_output=True)
check(p.returncode == 0, "a reference rounding the funding accrual down is caught")
print("mutation:", p.stdout.decode().strip().splitlines()[-1] if p.stdout.strip() else "(no output)")
print("check_stress:", "FAILED" if FAILS else "ok", f"({len(FAILS)} failures)" if FAILS else "")
sys.exit(1 if FAILS else 0)
