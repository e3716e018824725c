"""The shared reference of the stress checks (check_stress.py): exact Wad arithmetic, the price
history, the engine's doors (`margin stress`, `margin batch`), the test book and scenario lists.
PRICES_DIR and the margin command come from the entry script's arguments."""
import copy
import json
import os
import subprocess
import sys
import tempfile

import mpmath as mp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from margin_testlib import E18, FAILS, black76, check, csv_path, fmt, json_out, read_closes, run_margin, wad  # noqa: E402,F401
from margin_testlib import day_number as days, mul_ceil as mulc, mul_floor as mulf, mul_trunc as mult  # noqa: E402,F401

mp.mp.dps = 60
ROOT = os.path.join(HERE, "..", "..")
PRICES = sys.argv[1]
CMD = sys.argv[2:]
TMP = tempfile.mkdtemp(prefix="check_stress_")
MUTATE = os.environ.get("STRESS_MUTATE") == "1"  # the reference rounds funding down: the check must fail


def load(sym):
    return read_closes(csv_path(PRICES, sym))


def run(args, text):
    return json_out(run_margin(CMD, args, expect=(0, 1), stdin=text, tail=100000), {})


def batch(requests):
    """Each request's response from `margin batch` (one process)."""
    inp, out = os.path.join(TMP, "in.jsonl"), os.path.join(TMP, "out.jsonl")
    with open(inp, "w") as f:
        for r in requests:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    subprocess.run(CMD + ["batch", inp, out], check=True)
    return [json.loads(l) for l in open(out).read().splitlines()]


# ---- the book ---------------------------------------------------------------------------
TS = 1767225600
E1, E2, E3 = TS + 14 * 86400, TS + 75 * 86400, TS + 40 * 86400


def book():
    return {
        "api_version": "1",
        "market": {
            "timestamp": str(TS),
            "underlyings": {
                "BTC": {"spot": "60000", "spot_confidence": "30", "perp_mark": "60010.5", "perp_confidence": "20",
                        "expiries": [{"expiry": str(E1), "forward": "60500", "discount_factor": "0.995", "forward_confidence": "40",
                                      "svi": {"a": "0.002", "b": "0.02", "rho": "-0.3", "m": "0.01", "sigma": "0.1"}},
                                     {"expiry": str(E2), "rate": "0.04",
                                      "svi": {"a": "0.01", "b": "0.05", "rho": "-0.25", "m": "0.02", "sigma": "0.2"}}]},
                "ETH": {"spot": "3000", "spot_confidence": "2", "perp_mark": "3001.25",
                        "expiries": [{"expiry": str(E3), "forward": "3020", "discount_factor": "0.996",
                                      "svi": {"a": "0.006", "b": "0.04", "rho": "-0.2", "m": "0.0", "sigma": "0.15"}}]},
            },
            "collateral": {"USDC": {"price": "0.9999", "confidence": "0.0001"}, "BTC": {"price": "60000", "confidence": "30"}},
        },
        "account": {
            "cash": "15000",
            "collateral": {"USDC": "40000", "BTC": "0.25"},
            "positions": [
                {"type": "perp", "underlying": "BTC", "size": "0.7", "entry_price": "59000", "funding": "12.5"},
                {"type": "future", "underlying": "BTC", "expiry": str(E1), "size": "-0.3"},
                {"type": "future", "underlying": "BTC", "expiry": str(E2), "size": "0.25", "entry_price": "61000"},
                {"type": "perp", "underlying": "ETH", "size": "-4", "funding": "-3"},
                {"type": "option", "underlying": "BTC", "expiry": str(E1), "strike": "65000", "option_type": "call", "size": "-1",
                 "mark_vol": "0.6"},
                {"type": "option", "underlying": "BTC", "expiry": str(E2), "strike": "55000", "option_type": "put", "size": "2"},
                {"type": "option", "underlying": "ETH", "expiry": str(E3), "strike": "3200", "option_type": "call", "size": "-5"},
            ],
        },
    }


# every kind of shock, each in a scenario of its own (the API parity corpus's list), then a joint one
sys.path.insert(0, os.path.join(HERE, "..", "core"))
from gen_stress_requests import KINDS  # noqa: E402

RATE = next(k for k in KINDS if k["name"] == "rate")
SCENARIOS = [k for k in KINDS if k is not RATE] + [
    {"name": "joint", "underlyings": {"BTC": {"spot": "-0.2", "vol": {"relative": "0.3"}, "basis": "0.005"},
                                      "ETH": {"spot": "-0.25", "perp_basis": "-0.003", "confidence_scale": "2"}},
     "collateral": {"BTC": {"haircut": "0.1"}}, "stable_price": "0.99"},
]
REPLAYS = [
    {"name": "r1", "replay": {"from": "2020-03-12", "to": "2020-03-12"}},
    {"name": "r2", "replay": {"from": "2022-06-13", "to": "2022-06-18", "vol_beta": "0.5"}},
    {"name": "r3", "replay": {"from": "2023-03-10", "to": "2023-03-13", "stable": "USDC", "trough": "USDC"}},
    {"name": "r4", "replay": {"worst": {"lead": "BTC", "days": "2", "direction": "down"}}},
    {"name": "r5", "replay": {"worst": {"lead": "ETH", "days": "1", "direction": "up"}}},
]

STD = json.load(open(os.path.join(ROOT, "core/api/params/standard-v1.json")))
PMRM2 = json.load(open(os.path.join(ROOT, "core/api/params/portfolio-pmrm2.json")))


def sh(s, sym):
    u = s.get("underlyings", {})
    return u.get(sym, u.get("*"))


def moves(s, req):
    """The applied scenario as docs/stress.md §Resolving defines it: "*" expanded, derived moves computed."""
    out = {}
    for sym in req["market"]["underlyings"]:
        u = sh(s, sym)
        if u is not None:
            out[sym] = copy.deepcopy(u)
    for sym, d in s.get("derived", {}).items():
        lead = wad(out[d["lead"]].get("spot", "0"))
        beta = wad(d["beta"]) if "beta" in d else mult(wad(d["correlation"]), wad(d.get("vol_ratio", "1")))
        r = max(min(mult(beta, lead), 10 * E18), -990 * 10**15)
        out.setdefault(sym, {})["spot"] = fmt(r)
    return out
