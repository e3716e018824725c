"""The shared reference of the risk checks (check_risk.py): the `margin var` door, the tail
estimators and the component split in Python integers, the EWMA recursion in mpmath, and the
linear test book. Exact decimals, dates, the price history and the failure list come from
tests/common/margin_testlib.py."""
import json
import os
import sys

import mpmath as mp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import E18, json_out, run_margin  # noqa: E402

mp.mp.dps = 60


def run(margin, request, *flags):
    """`margin var -` on `request`: (exit code, its JSON or None, stderr)."""
    p = run_margin(margin, ["var", "-", "--compact", *flags], expect=None, stdin=json.dumps(request), timeout=60)
    return p.returncode, json_out(p), p.stderr


def split_in_proportion(total, weights):
    """docs/risk.md: floor(total w_i / W), the rest one wei each to the largest fractional parts
    (their first 18 digits), ties to the lower index; W <= 0: all to the first."""
    W = sum(weights)
    if W <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // W for w in weights]
    frac = [total * 10**18 * w // W - p * 10**18 for w, p in zip(weights, parts)]
    left = total - sum(parts)
    assert 0 <= left <= len(parts), left
    for i in sorted(range(len(parts)), key=lambda i: (-frac[i], i))[:left]:
        parts[i] += 1
    return parts


def tail(total, alpha_raw):
    n = len(total)
    k = -(-(n * (E18 - alpha_raw)) // E18)
    order = sorted(range(n), key=lambda i: (total[i], i))[:k]
    s = -sum(total[i] for i in order)
    return k, order, -total[order[-1]], -(-s // k)


def ewma_var(xs, ys, lam):
    """mpmath: the EWMA recursion of docs/risk.md over exact reals (seed: mean of the first 30 products)."""
    c = sum(x * y for x, y in zip(xs[:30], ys[:30])) / 30
    for x, y in zip(xs[30:], ys[30:]):
        c = lam * c + (1 - lam) * x * y
    return c


def base_request(prices):
    return {
        "api_version": "1",
        "market": {
            "timestamp": "1767225600",
            "underlyings": {
                "BTC": {"spot": "93500", "perp_mark": "93512.5", "expiries": [{"expiry": "1769760000", "forward": "94010"}]},
                "ETH": {"spot": "3350", "perp_mark": "3351.25"},
            },
            "collateral": {"USDC": {"price": "0.9999"}, "BTC": {"price": "93500"}},
        },
        "account": {
            "cash": "10000",
            "collateral": {"USDC": "25000", "BTC": "0.75"},
            "positions": [
                {"type": "perp", "underlying": "BTC", "size": "2.5", "entry_price": "90000", "funding": "-12.5"},
                {"type": "perp", "underlying": "ETH", "size": "-40", "entry_price": "3500"},
                {"type": "future", "underlying": "BTC", "expiry": "1769760000", "size": "-0.3", "entry_price": "95000"},
            ],
        },
    }
