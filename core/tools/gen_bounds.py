#!/usr/bin/env python3
"""One table of parameter bounds, generated for the engine and for the clearing house.

    gen_bounds.py            C++: core/include/core/param_bounds.hpp
    gen_bounds.py --solidity contracts-interface/contracts/ParamBounds.sol
    gen_bounds.py --json     the table as JSON (the boundary tests of harness/guards.js and trust.js)

Both outputs are committed; a ctest (`param_bounds_regenerate`) and a step of
scripts/test.sh re-run this file and require byte-identical output. Every bound is
inclusive and exact (decimal WAD text; raw integers in the outputs): the value at a
bound is accepted, one wei beyond it is refused, by core's validate() (the portfolio
model's scenario/1 parameters: the chain's PortfolioMargin.Params) and by
MarginAccounts (setParams, setLimits, setOracleLimits through HouseGuards).

Kinds (they keep validate()'s error codes): "nonneg" (NEGATIVE below 0, OUT_OF_RANGE
above), "positive" (NOT_POSITIVE at or below 0, OUT_OF_RANGE above; the lower bound is
1 wei), "range" (OUT_OF_RANGE either side), "seconds" (an integer count of seconds,
BAD_INTEGER outside). Rules that are not bounds (IM factor >= MM factor; a skew scenario
has spot shock 1; at most one scenario of each skew kind; 1 to 64 scenarios) are stated
by hand on both sides (core/src/validate_params.cpp, contracts/HouseGuards.sol).
"""
import json
import sys
from decimal import Decimal

WEI = "0.000000000000000001"

# (Solidity field, C++ group, C++ key, kind, lo, hi): PortfolioMargin.Params after `scenarios`,
# in validate()'s order (the first failing field is the one reported).
PARAMS = [
    ("rangeUp", "vol_shock", "range_up", "nonneg", "0", "10"),
    ("rangeDown", "vol_shock", "range_down", "nonneg", "0", "10"),
    ("shortTermPower", "vol_shock", "short_term_power", "nonneg", "0", "10"),
    ("longTermPower", "vol_shock", "long_term_power", "nonneg", "0", "10"),
    ("minVolUp", "vol_shock", "min_vol_up", "nonneg", "0", "10"),
    ("dteFloorSeconds", "vol_shock", "dte_floor_seconds", "seconds", "1", "100000000000"),
    ("linearBaseCap", "skew_shock", "linear_base_cap", "range", "0", "10"),
    ("linearCBase", "skew_shock", "linear_c_base", "range", "-10", "10"),
    ("absBaseCap", "skew_shock", "abs_base_cap", "range", "0", "10"),
    ("absCBase", "skew_shock", "abs_c_base", "range", "-10", "10"),
    ("minKStar", "skew_shock", "min_k_star", "range", "0.000001", "10"),
    ("widthScale", "skew_shock", "width_scale", "range", "0", "10"),
    ("volParamStatic", "skew_shock", "vol_param_static", "range", "0", "10"),
    ("volParamScale", "skew_shock", "vol_param_scale", "range", "-20", "20"),
    ("imFactor", "loss", "im_factor", "range", "0.5", "10"),
    ("mmFactor", "loss", "mm_factor", "range", "0.5", "10"),
    ("longRateMult", "loss", "long_rate_mult", "range", "0", "10"),
    ("longRateAdd", "loss", "long_rate_add", "range", "0", "10"),
    ("shortRateMult", "loss", "short_rate_mult", "range", "0", "10"),
    ("shortRateAdd", "loss", "short_rate_add", "range", "0", "10"),
    ("longBaseDiscount", "loss", "long_base_discount", "range", "0", "4"),
    ("shortBaseDiscount", "loss", "short_base_discount", "range", "0", "4"),
    ("basisUp", "basis", "spot_up", "range", "1", "3"),
    ("basisDown", "basis", "spot_down", "range", "0", "1"),
    ("basisAdd", "basis", "add_factor", "range", "0", "20"),
    ("basisMult", "basis", "mult_factor", "range", "0", "20"),
    ("pegThreshold", "contingency", "peg_loss_threshold", "range", "0", "100"),
    ("pegFactor", "contingency", "peg_loss_factor", "range", "0", "10"),
    ("confidenceThreshold", "contingency", "confidence_threshold", "range", "0", "1"),
    ("confidenceMargin", "contingency", "confidence_margin", "range", "0", "20"),
    ("mmPerpPercent", "contingency", "mm_perp_percent", "range", "0", "3"),
    ("imPerpPercent", "contingency", "im_perp_percent", "range", "0", "3"),
    ("mmOptionPercent", "contingency", "mm_option_percent", "range", "0", "2"),
    ("imOptionPercent", "contingency", "im_option_percent", "range", "0", "2"),
]

# Each element of `scenarios` (vol, a uint8 move 0..4, is the enum's range: ABI_BAD_VALUE in C++).
SCENARIO = [
    ("spotShock", "spot_shock", "positive", WEI, "10"),
    ("weight", "weight", "positive", WEI, "1"),
]
MAX_SCENARIOS = 64
MAX_VOL_MOVE = 4

# The clearing house's own settings (no engine counterpart; C++ gets them for the tools).
# RiskLimits (setLimits): the liquidation buffer and reward, the staleness bound (seconds), the
# oracle's per-push cap on price moves. OracleLimits (setOracleLimits): the per-second speed
# of each pushed field and its per-push caps (docs/clearing-house.md, "Oracle guards").
LIMITS = [
    ("buffer", "range", "0", "1"),
    ("reward", "range", "0", "0.5"),
    ("maxStaleness", "seconds", "1", "86400"),
    ("maxDeviation", "positive", WEI, "1"),
]
ORACLE = [
    ("priceRate", "positive", WEI, "1"),
    ("volRate", "positive", WEI, "1"),
    ("volCap", "positive", WEI, "10"),
    ("rateRate", "positive", WEI, "1"),
    ("rateCap", "positive", WEI, "1"),
    ("confRate", "positive", WEI, "1"),
    ("confCap", "positive", WEI, "1"),
    ("dfTolerance", "positive", WEI, "0.1"),
]
# The house's constructor settings: the timelock's delay (seconds) between queueing an admin change
# and executing it (docs/clearing-house.md, "Admin changes").
HOUSE = [
    ("delay", "seconds", "3600", "2592000"),
]
# The timelock's settings (values, not bounds; contracts/Timelock.sol, docs/clearing-house.md
# "Admin changes"): on each update after the first, a key factor (imFactor, mmFactor, the four
# contingency percents) and the liquidation buffer, reward and per-push deviation cap move by at
# most max(step x old, stepFloor); the scenarios' largest and smallest spot shocks by at most
# tailStep each; a queued change executes from its eta for grace seconds. (Solidity constant,
# field, kind, value.)
TIMELOCK = [
    ("STEP", "step", "range", "0.25"),
    ("STEP_FLOOR", "stepFloor", "range", "0.01"),
    ("TAIL_STEP", "tailStep", "range", "0.05"),
    ("GRACE", "grace", "seconds", "1209600"),
]


def raw(kind, text):
    """The integer the chain holds: WAD (x 10^18), or seconds as they are."""
    if kind == "seconds":
        return int(text)
    v = Decimal(text) * (10 ** 18)
    assert v == v.to_integral_value(), text
    return int(v)


def check_table():
    for _, _, _, kind, lo, hi in PARAMS:
        assert raw(kind, lo) <= raw(kind, hi)
        if kind == "nonneg":
            assert lo == "0"
        if kind == "positive":
            assert lo == WEI
    for name, *_ in PARAMS + [(s[0],) for s in SCENARIO] + LIMITS + ORACLE + HOUSE:
        assert len(name) <= 32, name
    for _, _, kind, value in TIMELOCK:
        assert raw(kind, value) > 0


def sol_int(v):
    return str(v) if abs(v) < 10 ** 6 else (f"{v // 10 ** 18}e18" if v % 10 ** 18 == 0 else str(v))


def sol_wad(v):
    """A WAD constant as Solidity decimal text: 0.25e18."""
    d = Decimal(v) / (10 ** 18)
    return f"{d.normalize():f}e18"


def cpp():
    out = []
    w = out.append
    w("// Generated by core/tools/gen_bounds.py - do not edit.")
    w("// The bounds of the portfolio model's parameters (scenario/1, the chain's PortfolioMargin.Params),")
    w("// inclusive and exact: core/src/validate_params.cpp checks them, MarginAccounts the same table")
    w("// (contracts-interface/contracts/ParamBounds.sol, generated from the same text).")
    w("#pragma once")
    w("")
    w("#include <cstddef>")
    w("")
    w('#include "core/scenario.hpp"')
    w("")
    w("namespace margin::param_bounds {")
    w("")
    w("enum class kind { nonneg, positive, range, seconds };")
    w("")
    w("/// One bounded field: its group and key in the parameter document, its name in the")
    w("/// chain's struct, its kind and its inclusive bounds as exact decimal text.")
    w("struct row {")
    w("    const char* group;")
    w("    const char* key;")
    w("    const char* field;")
    w("    kind k;")
    w("    const char* lo;")
    w("    const char* hi;")
    w("};")
    w("")
    w("inline constexpr row params[] = {")
    for f, g, k, kind, lo, hi in PARAMS:
        w(f'    {{"{g}", "{k}", "{f}", kind::{kind}, "{lo}", "{hi}"}},')
    w("};")
    w("")
    w("/// Each element of `scenarios` (group \"scenarios\").")
    w("inline constexpr row scenario[] = {")
    for f, k, kind, lo, hi in SCENARIO:
        w(f'    {{"scenarios", "{k}", "{f}", kind::{kind}, "{lo}", "{hi}"}},')
    w("};")
    w(f"inline constexpr std::size_t max_scenarios = {MAX_SCENARIOS};")
    w(f"inline constexpr int max_vol_move = {MAX_VOL_MOVE};")
    w("")
    w("/// The clearing house's RiskLimits (setLimits) and OracleLimits (setOracleLimits).")
    w("inline constexpr row house_limits[] = {")
    for f, kind, lo, hi in LIMITS:
        w(f'    {{"limits", "{f}", "{f}", kind::{kind}, "{lo}", "{hi}"}},')
    w("};")
    w("inline constexpr row oracle_limits[] = {")
    for f, kind, lo, hi in ORACLE:
        w(f'    {{"oracleLimits", "{f}", "{f}", kind::{kind}, "{lo}", "{hi}"}},')
    w("};")
    w("/// The clearing house's constructor settings (the timelock's delay).")
    w("inline constexpr row house_settings[] = {")
    for f, kind, lo, hi in HOUSE:
        w(f'    {{"house", "{f}", "{f}", kind::{kind}, "{lo}", "{hi}"}},')
    w("};")
    w("")
    w("/// A setting of the clearing house's timelock: a value, not a bound (exact decimal text).")
    w("struct setting {")
    w("    const char* field;")
    w("    kind k;")
    w("    const char* value;")
    w("};")
    w("/// The timelock's step limits (a key factor moves by at most max(step x old, stepFloor), a")
    w("/// scenario tail by at most tailStep) and its grace period (seconds) after a change's eta.")
    w("inline constexpr setting timelock[] = {")
    for _, f, kind, value in TIMELOCK:
        w(f'    {{"{f}", kind::{kind}, "{value}"}},')
    w("};")
    w("")
    w("/// The WAD field of `p` that params[i] bounds (nullptr for dteFloorSeconds, an integer).")
    w("inline const fp::Wad* field(const scenario::params& p, std::size_t i) {")
    w("    switch (i) {")
    for i, (f, g, k, kind, lo, hi) in enumerate(PARAMS):
        if kind == "seconds":
            w(f"        case {i}: return nullptr;")
        else:
            w(f"        case {i}: return &p.{g}.{k};")
    w("        default: return nullptr;")
    w("    }")
    w("}")
    w("")
    w("}  // namespace margin::param_bounds")
    return "\n".join(out) + "\n"


def sol():
    out = []
    w = out.append
    w("// SPDX-License-Identifier: MIT")
    w("// Generated by core/tools/gen_bounds.py - do not edit.")
    w("pragma solidity 0.8.37;")
    w("")
    w('import {PortfolioMargin} from "./PortfolioMargin.sol";')
    w("")
    w("/// @title ParamBounds")
    w("/// @notice The bounds of the portfolio model's parameters, the clearing house's risk limits and")
    w("/// its oracle limits: the table core's validate() checks (core/include/core/param_bounds.hpp,")
    w("/// generated from the same text). Inclusive and exact: the bound is accepted, one wei beyond")
    w("/// it refused with InvalidParameter(field).")
    w("library ParamBounds {")
    w("    error InvalidParameter(bytes32 what);")
    w("")
    w("    /// @notice Every bound of `p` (not the cross-field rules: HouseGuards.checkParams).")
    w("    function check(PortfolioMargin.Params calldata p) internal pure {")
    w("        uint256 n = p.scenarios.length;")
    w(f'        if (n == 0 || n > {MAX_SCENARIOS}) revert InvalidParameter("scenarios");')
    w("        for (uint256 i = 0; i < n; ++i) {")
    w("            PortfolioMargin.Scenario calldata s = p.scenarios[i];")
    for f, k, kind, lo, hi in SCENARIO:
        w(f'            if (s.{f} < {sol_int(raw(kind, lo))} || s.{f} > {sol_int(raw(kind, hi))}) revert InvalidParameter("{f}");')
    w(f'            if (s.vol > {MAX_VOL_MOVE}) revert InvalidParameter("vol");')
    w("        }")
    for f, g, k, kind, lo, hi in PARAMS:
        w(f'        if (p.{f} < {sol_int(raw(kind, lo))} || p.{f} > {sol_int(raw(kind, hi))}) revert InvalidParameter("{f}");')
    w("    }")
    w("")
    w("    /// @notice MarginAccounts.RiskLimits' bounds.")
    w("    function checkLimits(int256 buffer, int256 reward, uint64 maxStaleness, int256 maxDeviation) internal pure {")
    for f, kind, lo, hi in LIMITS:
        w(f'        if ({f} < {sol_int(raw(kind, lo))} || {f} > {sol_int(raw(kind, hi))}) revert InvalidParameter("{f}");')
    w("    }")
    w("")
    w("    /// @notice HouseGuards.OracleLimits' bounds, in its field order.")
    w("    function checkOracle(int256[" + str(len(ORACLE)) + "] memory v) internal pure {")
    for i, (f, kind, lo, hi) in enumerate(ORACLE):
        w(f'        if (v[{i}] < {sol_int(raw(kind, lo))} || v[{i}] > {sol_int(raw(kind, hi))}) revert InvalidParameter("{f}");')
    w("    }")
    w("")
    w("    /// @notice Timelock's step limits (a key factor moves by at most max(STEP x old, STEP_FLOOR),")
    w("    /// a scenario tail by at most TAIL_STEP; WAD) and GRACE, the seconds after a change's eta")
    w("    /// in which it may execute.")
    for c, f, kind, value in TIMELOCK:
        t = "uint256" if kind == "seconds" else "int256"
        w(f"    {t} internal constant {c} = {sol_int(raw(kind, value)) if kind == 'seconds' else sol_wad(raw(kind, value))};")
    w("")
    w("    /// @notice MarginAccounts' constructor settings: the timelock's delay (seconds).")
    w("    function checkHouse(uint256 delay) internal pure {")
    for f, kind, lo, hi in HOUSE:
        w(f'        if ({f} < {sol_int(raw(kind, lo))} || {f} > {sol_int(raw(kind, hi))}) revert InvalidParameter("{f}");')
    w("    }")
    w("}")
    return "\n".join(out) + "\n"


def table_json():
    rows = []
    for f, g, k, kind, lo, hi in PARAMS:
        rows.append({"table": "params", "field": f, "group": g, "key": k, "kind": kind, "lo": str(raw(kind, lo)), "hi": str(raw(kind, hi))})
    for f, k, kind, lo, hi in SCENARIO:
        rows.append({"table": "scenario", "field": f, "group": "scenarios", "key": k, "kind": kind, "lo": str(raw(kind, lo)), "hi": str(raw(kind, hi))})
    for f, kind, lo, hi in LIMITS:
        rows.append({"table": "limits", "field": f, "kind": kind, "lo": str(raw(kind, lo)), "hi": str(raw(kind, hi))})
    for f, kind, lo, hi in HOUSE:
        rows.append({"table": "house", "field": f, "kind": kind, "lo": str(raw(kind, lo)), "hi": str(raw(kind, hi))})
    for f, kind, lo, hi in ORACLE:
        rows.append({"table": "oracle", "field": f, "kind": kind, "lo": str(raw(kind, lo)), "hi": str(raw(kind, hi))})
    timelock = [{"field": f, "kind": kind, "value": str(raw(kind, value))} for _, f, kind, value in TIMELOCK]
    return json.dumps({"maxScenarios": MAX_SCENARIOS, "maxVolMove": MAX_VOL_MOVE, "rows": rows, "timelock": timelock}, indent=1) + "\n"


check_table()
args = sys.argv[1:]
if args and args[0] == "--solidity":
    sys.stdout.write(sol())
elif args and args[0] == "--json":
    sys.stdout.write(table_json())
else:
    sys.stdout.write(cpp())
