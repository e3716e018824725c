#!/usr/bin/env python3
"""Stress requests (docs/stress.md) for the API parity corpus: every scenario kind, the shipped
sets, historical replays on the shipped SYNTHETIC history, reverse stress and bad input.

    gen_stress_requests.py > stress-requests.jsonl
    gen_stress_requests.py --book > stress-book.jsonl   (40 accounts for `margin stress-book`)

One compact request per line. tests/core/api_parity.sh answers a line holding "reverse_stress"
with `margin stress FILE --reverse --compact`, any other with `margin stress FILE --synthetic
--compact` (the series a request's "history" lacks come from the synthetic history), on every
build, and compares the bytes. No randomness: the list below is the corpus. About 1 s natively.
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
EXAMPLE = json.load(open(os.path.join(ROOT, "core/api/examples/default.json")))


def book(name, params=None):
    r = copy.deepcopy(EXAMPLE)
    a = r["account"]
    if name == "linear":
        a["collateral"] = {"USDC": "250000", "BTC": "1.25"}
        a["positions"] = [
            {"id": "btc-perp-long", "type": "perp", "underlying": "BTC", "size": "2", "entry_price": "99000", "funding": "3"},
            {"id": "eth-perp-short", "type": "perp", "underlying": "ETH", "size": "-30", "funding": "12.5"},
            {"id": "btc-future", "type": "future", "underlying": "BTC", "expiry": "1774598400", "size": "-0.5"},
        ]
    if params:
        r["params"] = params
    return r


def stress(r, scenarios):
    return dict(r, stress=scenarios if isinstance(scenarios, str) else {"version": "stress/1", "scenarios": scenarios})


KINDS = [
    {"name": "spot", "underlyings": {"BTC": {"spot": "-0.3"}}},
    {"name": "all up", "underlyings": {"*": {"spot": "0.45"}}},
    {"name": "vol relative", "underlyings": {"BTC": {"vol": {"relative": "0.5"}}}},
    {"name": "vol floor", "underlyings": {"*": {"spot": "0.1", "vol": {"relative": "0.2", "floor": "0.9"}}}},
    {"name": "vol absolute", "underlyings": {"*": {"vol": {"absolute": "0.1"}}}},
    {"name": "vol term", "underlyings": {"*": {"vol": {"relative": "-0.25", "term_power": "0.3", "term_power_long": "0.13"}}}},
    {"name": "vol skew", "underlyings": {"BTC": {"spot": "-0.05", "vol": {"skew": "-0.4", "absolute": "0.02", "term_power": "0.5",
                                                                         "term_floor_days": "7"}}}},
    {"name": "basis", "underlyings": {"BTC": {"spot": "0.1", "basis": "-0.02", "perp_basis": "0.01"}}},
    {"name": "funding", "underlyings": {"BTC": {"funding": {"rate": "0.5", "days": "7"}}, "ETH": {"funding": {"rate": "-1.2", "days": "30"}}}},
    {"name": "rate", "underlyings": {"*": {"rate": "0.02"}}},
    {"name": "confidence", "underlyings": {"*": {"confidence_scale": "40"}}, "collateral": {"USDC": {"confidence_scale": "3"}}},
    {"name": "de-peg", "stable_price": "0.95", "collateral": {"USDC": {"price": "-0.05"}}},
    {"name": "collateral", "collateral": {"BTC": {"price": "-0.4", "haircut": "0.2"}, "USDC": {"haircut": "0.05"}}},
    {"name": "BTC -30%, ETH decouples", "underlyings": {"BTC": {"spot": "-0.3"}}, "derived": {"ETH": {"lead": "BTC", "correlation": "0"}}},
    {"name": "correlated", "underlyings": {"BTC": {"spot": "-0.3"}}, "derived": {"ETH": {"lead": "BTC", "correlation": "0.8", "vol_ratio": "1.25"}}},
    {"name": "beta", "underlyings": {"BTC": {"spot": "-0.4"}}, "derived": {"ETH": {"lead": "BTC", "beta": "3"}}},
    {"name": "anti", "underlyings": {"BTC": {"spot": "0.2"}}, "derived": {"ETH": {"lead": "BTC", "correlation": "-1"}}},
]
REPLAYS = [  # the synthetic history covers 2021-08-15 .. 2025-12-31
    {"name": "2022-06-13..18", "replay": {"from": "2022-06-13", "to": "2022-06-18"}},
    {"name": "2022-11-08..10", "replay": {"from": "2022-11-08", "to": "2022-11-10", "vol_beta": "0.5"}},
    {"name": "de-peg", "replay": {"from": "2023-03-10", "to": "2023-03-13", "stable": "USDC", "trough": "USDC"}},
    {"name": "2024-08-05", "replay": {"from": "2024-08-05"}},
    {"name": "worst 2-day BTC", "replay": {"worst": {"lead": "BTC", "days": "2"}}},
    {"name": "best day ETH", "replay": {"worst": {"lead": "ETH", "days": "1", "direction": "up"}}},
]

def book_lines(n=40):
    """A book for `margin stress-book` (JSON lines): the example and linear accounts scaled and
    shifted, every third under pmrm2; fixed arithmetic, no randomness."""
    lines = []
    for i in range(n):
        r = book("example" if i % 2 == 0 else "linear", "pmrm2" if i % 3 == 2 else None)
        r["account"]["cash"] = str(-5000 + 1700 * i)
        for p in r["account"]["positions"]:
            p["size"] = str(round(float(p["size"]) * (0.25 + (i % 7) * 0.3), 3))
        lines.append(json.dumps(r, separators=(",", ":")))
    return lines


if __name__ == "__main__" and sys.argv[1:] == ["--book"]:
    print("\n".join(book_lines()))
elif __name__ == "__main__":  # tests/stress/stress_common.py imports KINDS
    out = []
    for b, params in (("example", None), ("example", "pmrm2"), ("linear", None), ("linear", "span16")):
        out.append(stress(book(b, params), KINDS))
        out.append(stress(book(b, params), REPLAYS))
    out.append(stress(book("example"), "deribit"))
    out.append(stress(book("example", "pmrm2"), "deribit"))
    out.append(stress(book("linear"), "textbook"))
    out.append(stress(book("example", "es"), [KINDS[0], KINDS[2]]))
    out.append(stress(book("example"), [{"name": "2020-03-12", "replay": {"from": "2020-03-12"}}]))  # before the synthetic history
    # reverse stress
    out.append(dict(book("example"), reverse_stress={}))
    out.append(dict(book("example", "pmrm2"), reverse_stress={"scan": "0.02"}))
    out.append(dict(book("linear"), reverse_stress={"directions": [{"move": "spot_down", "underlying": "ETH"}, {"move": "vol_up", "underlying": "BTC"}]}))
    out.append(dict(book("example"), reverse_stress={"directions": [{"move": "vol_up", "underlying": "BTC"},
                                                                    {"move": "joint", "shape": {"underlyings": {"BTC": {"spot": "-0.9", "vol": {"relative": "1"}}},
                                                                                                "derived": {"ETH": {"lead": "BTC", "correlation": "0.7"}}}}]}))
    # bad input
    out.append(stress(book("example"), [{"name": "x", "underlyings": {"BTC": {"spot": "-1.5"}}}]))
    out.append(stress(book("example"), [{"name": "x", "underlyings": {"BTC": {"spot": "-0.3"}}, "derived": {"ETH": {"lead": "BTC", "correlation": "1.01"}}}]))
    out.append(stress(book("example"), [{"name": "x", "underlyings": {"BTC": {"sopt": "-0.3"}}}]))
    out.append(stress(book("example"), "nosuchset"))
    out.append(dict(book("example"), reverse_stress={"grid": "0.003", "scan": "0.01"}))
    for r in out:
        print(json.dumps(r, separators=(",", ":")))
