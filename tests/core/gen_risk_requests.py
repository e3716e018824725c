#!/usr/bin/env python3
"""Risk requests (docs/risk.md) for the API parity corpus: every method on four books, with
the shipped SYNTHETIC history, and bad histories and parameters.

    gen_risk_requests.py > risk-requests.jsonl

One compact request per line, answered by `margin var --synthetic --compact` on every build
(tests/core/api_parity.sh), by the npm package's computeRiskText(line, {synthetic: true})
under Node and in Chromium (wasm/test/). Requests without "history" take the synthetic
series; a request with a "history" of its own keeps its series and the missing ones are
filled from the synthetic history. No randomness: the list below is the corpus, and the
edited series are cut from core/api/examples/history-synthetic.json.

Cost: every Monte Carlo case but one runs 200 to 2,000 paths (the one: 10,000 paths on the
option book, about 0.5 s natively); the whole file takes about 2 s natively.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
EXAMPLE = json.load(open(os.path.join(ROOT, "core/api/examples/default.json")))
SYNTHETIC = json.load(open(os.path.join(ROOT, "core/api/examples/history-synthetic.json")))["history"]


def book(name):
    """Four accounts on the example's market: options (the example), linear, ETH options, stablecoin."""
    r = copy.deepcopy(EXAMPLE)
    a = r["account"]
    if name == "linear":
        a["collateral"] = {"USDC": "250000", "BTC": "1.25"}
        a["positions"] = [
            {"id": "btc-perp-long", "type": "perp", "underlying": "BTC", "size": "2", "entry_price": "99000"},
            {"id": "eth-perp-short", "type": "perp", "underlying": "ETH", "size": "-30", "entry_price": "3550", "funding": "12.5"},
            {"id": "btc-future", "type": "future", "underlying": "BTC", "expiry": "1774598400", "size": "-0.5", "entry_price": "101000"},
        ]
    elif name == "eth_options":
        a["collateral"] = {"USDC": "40000"}
        a["positions"] = [
            {"type": "option", "underlying": "ETH", "expiry": "1769760000", "strike": "3000", "option_type": "put", "size": "-15"},
            {"type": "option", "underlying": "ETH", "expiry": "1769760000", "strike": "4000", "option_type": "call", "size": "-15"},
            {"type": "option", "underlying": "ETH", "expiry": "1769760000", "strike": "3500", "option_type": "call", "size": "5",
             "mark_vol": "0.62"},
        ]
    elif name == "stable":
        a["collateral"] = {"USDC": "1000000"}
        a["positions"] = []
    elif name == "empty":
        a.pop("collateral")
        a["positions"] = []
    return r


def req(name, risk=None, history=None, **edits):
    r = book(name)
    if risk is not None:
        r["risk"] = risk
    if history is not None:
        r["history"] = history
    for k, v in edits.items():
        r[k] = v
    return r


def rows(sym):
    return SYNTHETIC[sym].rstrip("\n").split("\n")


def csv(lines):
    return "\n".join(lines) + "\n"


def without(sym, start, n):
    """The synthetic series with n consecutive rows removed from row `start` (1 = the first data row)."""
    r = rows(sym)
    return csv(r[:start] + r[start + n:])


def with_row(sym, at, line):
    r = rows(sym)
    r[at] = line
    return csv(r)


def npd():
    """A Monte Carlo request whose EWMA covariance has no Cholesky factor: Y's closes are X's
    squared (y = 2x in log returns: a singular matrix) on a very quiet series (daily returns
    about 1e-5, variances about 1e-10, so the pivot tolerance of 1e-12 of the diagonal is one
    wei), and the floors of the EWMA recursion leave the second pivot tens of wei below zero.
    (Two identical series do not do it: their entries are equal to the wei and the pivot is
    within the tolerance, a documented zero column.)"""
    r = book("empty")
    r["market"]["underlyings"] = {"X": {"spot": "1", "perp_mark": "1"}, "Y": {"spot": "1", "perp_mark": "1"}}
    r["account"]["positions"] = [{"type": "perp", "underlying": "X", "size": "1000"},
                                 {"type": "perp", "underlying": "Y", "size": "-500"}]
    x, rows_x, rows_y = 10**9, ["date,close"], ["date,close"]
    state = 12345
    for d in range(200):
        state = (state * 1103515245 + 12345) % 2**31  # a fixed LCG: the corpus is a constant
        x += (state % 20001) - 10000                   # +-1e-5 a day on 1.000000000
        day = f"2025-{1 + d // 28:02d}-{1 + d % 28:02d}"
        rows_x.append(f"{day},{x // 10**9}.{x % 10**9:09d}")
        y = x * x
        rows_y.append(f"{day},{y // 10**18}.{y % 10**18:018d}")
    return dict(r, risk={"method": "monte_carlo", "paths": "10", "lookback_days": "100", "as_of": "2025-07-28"},
                history={"X": csv(rows_x), "Y": csv(rows_y)})


def cases():
    mc = {"method": "monte_carlo"}
    yield req("options")  # every default: HS, 99%, 2 days, 1,460 days
    yield req("options", {"method": "historical", "horizon_days": "10", "lookback_days": "1000"})
    yield req("options", {"method": "historical", "vol_rules": {"BTC": {"beta": "1.5", "min": "0.6", "max": "2.5"},
                                                                "*": {"beta": "0.5"}}})
    yield req("linear", {"confidence": "0.975", "horizon_days": "1", "lookback_days": "500"})
    yield req("linear", {"as_of": "2025-09-30", "lookback_days": "1000", "include_pnl": True})
    yield req("stable", {"as_of": "2023-06-30", "lookback_days": "365", "include_pnl": True})
    yield req("eth_options", {"method": "historical", "confidence": "0.95", "horizon_days": "5"})
    yield req("empty", {"method": "historical"})  # OUT_OF_RANGE: nothing moves, no scenarios
    yield req("options", {"method": "filtered_historical"})
    yield req("options", {"method": "filtered_historical", "ewma_lambda": "0.94", "vol_floor": "1"})
    yield req("linear", {"method": "filtered_historical", "vol_floor": "0.8", "as_of": "2024-08-10", "lookback_days": "730",
                         "include_pnl": True})
    yield req("stable", {"method": "filtered_historical", "as_of": "2023-03-20", "lookback_days": "365"})
    yield req("eth_options", {"method": "filtered_historical", "horizon_days": "3", "confidence": "0.995"})
    yield req("options", {"method": "parametric"})
    yield req("linear", {"method": "parametric", "confidence": "0.995", "horizon_days": "5"})
    yield req("eth_options", {"method": "parametric", "vol_floor": "0.5", "ewma_lambda": "0.9"})
    yield req("stable", {"method": "parametric", "as_of": "2023-03-12", "lookback_days": "365"})
    yield req("options", {**mc, "paths": "10000", "seed": "7"})  # the one full-size Monte Carlo run
    yield req("options", {**mc, "paths": "1000", "innovations": "student_t", "dof": "4"})
    yield req("linear", {**mc, "paths": "2000", "seed": "0"})
    yield req("linear", {**mc, "paths": "2000", "seed": "1"})
    yield req("linear", {**mc, "paths": "300", "seed": "18446744073709551615", "include_pnl": True})
    yield req("linear", {**mc, "paths": "1", "confidence": "0.51"})
    yield req("eth_options", {**mc, "paths": "500", "innovations": "student_t", "dof": "30", "vol_floor": "1.2"})
    yield req("eth_options", {**mc, "paths": "2000", "lookback_days": "365", "horizon_days": "1", "as_of": "2025-06-30"})
    yield req("stable", {**mc, "paths": "1000", "innovations": "student_t", "dof": "3", "as_of": "2023-03-15",
                          "lookback_days": "400"})
    # delta-gamma(-vega), Cornish-Fisher (docs/risk.md §Delta-gamma)
    yield req("options", {"method": "delta_gamma"})
    yield req("linear", {"method": "delta_gamma", "confidence": "0.995", "horizon_days": "5"})
    yield req("eth_options", {"method": "delta_gamma", "vol_floor": "0.5", "ewma_lambda": "0.9",
                              "vol_rules": {"ETH": {"beta": "2", "min": "0.7", "max": "1.5"}}})
    yield req("stable", {"method": "delta_gamma", "as_of": "2023-03-12", "lookback_days": "365"})
    yield req("empty", {"method": "delta_gamma"})
    long_straddle = book("eth_options")
    long_straddle["account"]["positions"] = [
        {"type": "option", "underlying": "ETH", "expiry": "1769760000", "strike": "3500", "option_type": t, "size": "10"}
        for t in ("call", "put")]
    yield dict(long_straddle, risk={"method": "delta_gamma"})                                     # CORNISH_FISHER_INVALID
    yield dict(long_straddle, risk={"method": "delta_gamma", "confidence": "0.6"})                # at any confidence
    short_straddle = copy.deepcopy(long_straddle)
    for p in short_straddle["account"]["positions"]:
        p["size"] = "-10"
    yield dict(short_straddle, risk={"method": "delta_gamma"})                                    # skewness +2.8: valid
    yield req("empty", {"method": "parametric"})                                                  # OUT_OF_RANGE: nothing moves
    yield npd()                                                                                   # NOT_POSITIVE_DEFINITE
    yield req("options", {"method": "historical"}, params="pmrm2")  # the margin model does not change the measure
    # histories of the request's own: JSON rows, CRLF, a 3-day gap (carried forward), a longer series elsewhere
    yield req("linear", {"method": "historical"}, {"BTC": [r.split(",") for r in rows("BTC")[1:]]})
    yield req("linear", {"method": "filtered_historical"}, {"ETH": SYNTHETIC["ETH"].replace("\n", "\r\n")})
    yield req("linear", {"method": "historical", "include_pnl": True}, {"BTC": without("BTC", 1500, 3)})
    # bad histories: one series broken, the others synthetic
    yield req("linear", None, {"BTC": with_row("BTC", 900, "2023-02-01,abc")})                   # HISTORY_SYNTAX
    yield req("linear", None, {"BTC": "Date,Close\n2025-01-01,100\n"})                            # HISTORY_SYNTAX header
    yield req("linear", None, {"ETH": with_row("ETH", 200, "2022-02-30,3000")})                   # HISTORY_SYNTAX date
    yield req("linear", None, {"ETH": with_row("ETH", 700, "2023-07-16,1." + "1" * 19)})          # HISTORY_SYNTAX precision
    yield req("linear", None, {"BTC": with_row("BTC", 50, rows("BTC")[49])})                      # HISTORY_ORDER duplicate
    yield req("linear", None, {"BTC": csv(rows("BTC")[:10] + [rows("BTC")[11], rows("BTC")[10]] + rows("BTC")[12:])})  # unsorted
    yield req("linear", None, {"BTC": without("BTC", 1200, 4)})                                   # HISTORY_GAP
    yield req("linear", None, {"USDC": with_row("USDC", 400, rows("USDC")[400].split(",")[0] + ",0")})  # NOT_POSITIVE
    yield req("linear", None, {"BTC": csv(rows("BTC")[:1001])})                                   # HISTORY_TOO_SHORT (truncated)
    yield req("linear", {"as_of": "2022-06-01"})                                                  # HISTORY_TOO_SHORT (as_of)
    yield req("options", {"method": "monte_carlo", "lookback_days": "3650", "paths": "10"})       # HISTORY_TOO_SHORT (lookback)
    yield req("linear", {"method": "historical"}, {"BTC": [["2025-01-01", "100"], ["2025-01-02"]]})  # HISTORY_SYNTAX row
    yield req("linear", {"method": "historical"}, {"BTC": [["2025-01-01", 100]]})                  # JSON_NUMBER in a row
    yield req("linear", None, {"BTC": 42})                                                        # JSON_NUMBER
    yield req("linear", None, "BTC")                                                              # WRONG_TYPE
    sol = book("linear")
    sol["market"]["underlyings"]["SOL"] = {"spot": "180", "perp_mark": "180.2"}
    sol["account"]["positions"].append({"type": "perp", "underlying": "SOL", "size": "100"})
    yield sol                                                                                     # NO_HISTORY
    # bad parameters
    yield req("linear", {"confidence": "0.5"})
    yield req("linear", {"confidence": "1"})
    yield req("linear", {"horizon_days": "0"})
    yield req("linear", {"horizon_days": "2.5"})                                                  # BAD_COUNT
    yield req("linear", {"horizon_days": 2})                                                      # JSON_NUMBER
    yield req("linear", {"method": "monte_carlo", "paths": "0"})
    yield req("linear", {"method": "monte_carlo", "paths": "100001"})
    yield req("linear", {"method": "monte_carlo", "paths": "100000", "innovations": "student_t", "dof": "30"})  # OUT_OF_RANGE: normal draws
    yield req("linear", {"method": "monte_carlo", "seed": "18446744073709551616"})
    yield req("linear", {"method": "bootstrap"})                                                  # BAD_ENUM
    yield req("linear", {"method": "monte_carlo", "innovations": "student_t", "dof": "2"})
    yield req("linear", {"as_of": "2025-13-01"})
    yield req("linear", {"ewma_lambda": "1"})
    yield req("linear", {"vol_rules": {"BTC": {"beta": "11"}}})
    yield req("linear", {"include_pnl": "yes"})
    yield req("linear", {"horizon": "2"})                                                         # UNKNOWN_FIELD
    broken = book("linear")
    broken["market"]["underlyings"]["BTC"]["spot"] = "-1"
    yield broken                                                                                  # the margin request's own check


def main():
    out = [json.dumps(c, separators=(",", ":")) for c in cases()]
    out += ['{"api_version":"1"', "[]"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
