// Scenario (portfolio) margin for one underlying: the worst loss of the whole
// portfolio over a list of market scenarios, times a loss factor, plus
// contingencies (docs/scenario.md). The parameters can express Derive's
// PMRM_2 (preset "pmrm2", checked against its published cases) and CME-style
// SPAN grids. Requests reach it through core/margin.hpp (compute_portfolio); the JSON
// API (core/api/) reads its parameter documents ("scenario/1").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::scenario {

using fp::Wad;

/// How a scenario moves implied vols.
enum class vol_move : std::uint8_t {
    none,
    up,           ///< vol * (1 + range_up * m(T)), floored at min_vol_up
    down,         ///< vol * max(0, 1 - range_down * m(T))
    linear_skew,  ///< wings moved linearly in log-moneyness k, capped (spot unchanged)
    abs_skew,     ///< wings moved in |k|, capped (spot unchanged)
};

struct scenario {
    Wad spot_shock;  ///< multiplier of the spot-driven part of prices (1.2 = +20%)
    vol_move vol = vol_move::none;
    Wad weight;  ///< dampening / cover fraction applied to the scenario's P&L (1 = full)
};

/// m(T) = (30 days / max(T, dte_floor)) ^ (T <= 30 days ? short_term_power : long_term_power).
struct vol_shock_params {
    Wad range_up, range_down, short_term_power, long_term_power, min_vol_up;
    std::int64_t dte_floor_seconds = 0;
};

/// Skew shock: multiplier 1 + clamp(k cap / k*, -cap, cap) with cap = c_base sqrt(t) + base_cap and
/// k* = max(min_k_star, sqrt(t) width_scale (vol_param_static + sqrt(t) vol_param_scale)).
struct skew_shock_params {
    Wad linear_base_cap, linear_c_base, abs_base_cap, abs_c_base, min_k_star, width_scale, vol_param_static, vol_param_scale;
};

/// Loss factors and static discounting of scenario values: positive expiry values are
/// multiplied by long_base * e^(-t (r long_mult + long_add)), negative ones by
/// min(1 / DF, short_base / e^(-t (r short_mult + short_add))).
struct loss_params {
    Wad im_factor, mm_factor;
    Wad long_rate_mult, long_rate_add, short_rate_mult, short_rate_add, long_base_discount, short_base_discount;
};

/// Basis (forward) contingency: the expiry P&L at forward * spot_up and * spot_down (vols unchanged),
/// worst of the two if negative, times (add_factor + mult_factor t).
struct basis_params {
    Wad spot_up, spot_down, add_factor, mult_factor;
};

struct contingency_params {
    Wad peg_loss_threshold, peg_loss_factor;      ///< IM factor += (threshold - stable price) * factor below it
    Wad confidence_threshold, confidence_margin;  ///< below the threshold: (1 - confidence) * margin * notional
    Wad mm_perp_percent, im_perp_percent;         ///< of perp notional (at spot)
    Wad mm_option_percent, im_option_percent;     ///< of naked short option notional (at spot), per strike
};

struct params {
    std::vector<scenario> scenarios;
    vol_shock_params vol_shock;
    skew_shock_params skew_shock;
    loss_params loss;
    basis_params basis;
    contingency_params contingency;
};

// --- the portfolio (one underlying), in the settlement (stable) currency ------------
// Defaults are neutral: a stable coin at its peg (1), full oracle confidence (1), the DF
// derived from the rate, no positions; so a default-constructed portfolio, expiry or
// collateral attracts no de-peg or confidence charge, and a builder sets only what it means.

struct option_leg {
    Wad strike, vol, amount;  ///< amount signed, in underlying units
    bool call = true;
};

struct expiry {
    std::int64_t seconds = 0;             ///< to expiry; 0 = expired (valued at intrinsic)
    Wad forward_fixed, forward_variable;  ///< forward = variable * spot shock + fixed
    Wad rate;                             ///< continuously compounded, >= 0: static discounting
    Wad discount;                         ///< DF; 0 = e^(-rate t)
    Wad confidence = Wad::from_int(1);    ///< min of forward, rate and vol confidences, in [0, 1]
    std::vector<option_leg> options;
    Wad futures;  ///< net dated futures on this expiry (underlying units): P&L = futures x forward move
};

struct collateral {
    std::string name;
    Wad amount, price;                  ///< price in USD; value = amount * price / stable price
    Wad confidence = Wad::from_int(1);  ///< in [0, 1]
    Wad im_haircut, mm_haircut;
    bool risk_cancelling = false;  ///< moves with spot in scenarios
};

struct portfolio {
    Wad cash;
    Wad spot;
    Wad spot_confidence = Wad::from_int(1);  ///< oracle confidence score in [0, 1] (1 = exact)
    Wad stable_price = Wad::from_int(1);     ///< USD per unit of the stable currency; peg charge below the threshold
    Wad perp_position, perp_price;
    Wad perp_confidence = Wad::from_int(1);  ///< in [0, 1]; read only with a perp position
    Wad perp_value;                          ///< value of the linear positions: perps' and futures' unrealised P&L + funding
    std::vector<expiry> expiries;
    std::vector<collateral> collaterals;
};

struct expiry_detail {
    Wad mtm;        ///< at the current market
    Wad worst_pnl;  ///< its part of the worst scenario's P&L (or of the basis contingency)
    Wad vol_up_mult, vol_down_mult;
    Wad discount_pos, discount_neg;
};

struct result {
    Wad initial_margin;  ///< Derive's sign: mtm + cash - requirement (negative = short of margin)
    Wad maintenance_margin;
    Wad mark_to_market;                ///< portfolio value incl. cash
    Wad worst_loss;                    ///< min over scenarios and the basis contingency (<= 0 when any loss)
    std::int64_t worst_scenario = -1;  ///< index into params.scenarios; scenarios.size() = basis contingency
    std::vector<Wad> scenario_pnl;     ///< per scenario, weighted, relative to mark-to-market
    Wad basis_contingency;
    Wad im_contingency, mm_contingency;  ///< amounts subtracted (IM subtracts both)
    Wad oracle_contingency;              ///< the confidence part of im_contingency
    Wad im_factor;                       ///< after the peg adjustment
    std::vector<expiry_detail> expiries;
};

namespace internal {
struct cache_access;  // the engine's way into a value_cache (core/src/scenario/cache.hpp)
}

/// Contract values shared across accounts that see the same market snapshot and
/// parameters (the SPAN risk-array idea: price each listed contract once per
/// scenario, then combine per account). Results are bit-identical with or without it.
/// One cache serves one (snapshot, params) pair: clear() it when either changes.
class value_cache {
public:
    value_cache();
    ~value_cache();
    value_cache(const value_cache&) = delete;
    value_cache& operator=(const value_cache&) = delete;

    std::size_t size() const noexcept;  ///< contracts priced so far
    void clear() noexcept;              ///< forgets all it kept: ready for another snapshot or parameters

private:
    struct impl;  // defined in core/src/scenario/cache.cpp
    friend struct internal::cache_access;
    std::unique_ptr<impl> impl_;
};

/// Evaluates the portfolio under every scenario. Errors: ARITHMETIC_OVERFLOW.
outcome<result> evaluate(const portfolio& p, const params& prm, value_cache* cache = nullptr);

/// One scenario, as the chain re-executes it: its P&L and the margins that would
/// follow if it were the worst (IM/MM in the sign of result). Bit-identical to
/// evaluate()'s scenario_pnl[id] and to its margins when id is the worst.
/// id == scenarios.size() is the basis contingency. Errors: OUT_OF_RANGE (id), ARITHMETIC_OVERFLOW.
struct scenario_outcome {
    Wad pnl;
    std::vector<Wad> expiry_pnl;  ///< each expiry's part of pnl
    Wad initial_margin, maintenance_margin;
};
outcome<scenario_outcome> evaluate_scenario(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache = nullptr);

}  // namespace margin::scenario
