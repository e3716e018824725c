#!/usr/bin/env python3
"""Risk measures (docs/risk.md) against independent implementations, on the real price
history in ../shared/data/prices (read at test time, never copied):

1. HS on a linear book (perps, futures-free, moving collateral), end to end, to the wei:
   Python integers recompute every scenario, P&L, VaR, ES and the component split.
2. The estimators on the engine's own P&L vector of an option book (include_pnl): k, VaR,
   ES with Fractions; components sum exactly to ES; the P&L hash is what keccak gives.
3. FHS and the delta-normal closed form against mpmath (60 digits), within stated bounds.
4. Monte Carlo on one long perp: ES within 3 standard errors of the lognormal closed form.
5. Bad input: each a clear error with its code and path (or file line), never a crash.
6. Mutation: a one-wei change to a close moves pnl_hash (the digest bites).
7. Grid revaluation (the Monte Carlo default) against full revaluation on the option book:
   every path's P&L within 1e-6 of the largest P&L, ES within 1e-6 relative (measured below).
9. Delta-gamma (Cornish-Fisher): the engine's moments, VaR and ES recomputed in mpmath from its
   own quadratic form (delta, gamma per symbol) and an mpmath EWMA covariance (1e-9 relative); the
   linear book's delta and gamma exact (a perp's value is linear in g: gamma = delta); the
   accuracy of Cornish-Fisher against the exact distribution of the same quadratic form
   (docs/risk.md §Delta-gamma), a deliberate mutation of the reference (the s^2 term dropped)
   caught, and CORNISH_FISHER_INVALID for a long straddle.
8. The es margin model: IM = ceil(ES x de-peg factor) + the contingencies, each recomputed here
   from its definition (naked shorts per strike, linear notional, haircuts); MM = ceil(0.8 IM);
   the ES equals `margin var`'s; equity equals pmrm2's; its bad inputs.

The checks live by concept: risk_historical.py (1, 2, 5, 6), risk_simulated.py (3, 4, 7),
risk_es_model.py (8), risk_delta_gamma.py (9), on the shared reference risk_common.py and the
checks' common helpers (tests/common/margin_testlib.py).

    check_risk.py PRICES_DIR MARGIN_COMMAND...   (e.g. build/native/bin/margin, or node .../margin.js)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import FAILS  # noqa: E402
from risk_delta_gamma import delta_gamma  # noqa: E402
from risk_es_model import es_model  # noqa: E402
from risk_historical import bad_input, hs_linear, option_book  # noqa: E402
from risk_simulated import fhs_and_parametric, grid_vs_full, monte_carlo  # noqa: E402


def main():
    prices, margin = sys.argv[1], sys.argv[2:]
    delta_gamma(margin, prices)
    req = hs_linear(margin, prices)
    option_book(margin, prices)
    fhs_and_parametric(margin, prices)
    monte_carlo(margin, prices)
    if req:
        bad_input(margin, prices, req)
    grid_vs_full(margin, prices)
    es_model(margin, prices)
    print(f"risk checks: {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
