// Dynamic parameters with anti-procyclicality (docs/dynamic-params.md): each day's scenario
// grid and vol-shock sizes scaled by the underlying's EWMA volatility relative to a reference
// volatility, collateral haircuts k sigma sqrt(MPOR) plus a size-against-depth term, and the
// three anti-procyclicality tools of EMIR RTS 153/2013 Art. 28, each selectable: (a) an IM
// buffer of at least 25% drawn down while the margin rises, (b) at least 25% weight on stressed
// observations, (c) a floor at the full-history (10-year) volatility. Integer fixed point,
// every rounding named; the same bits natively and in WebAssembly.
#pragma once

#include <cstdint>
#include <vector>

#include "base/error.hpp"
#include "core/risk/history.hpp"
#include "core/scenario.hpp"

namespace margin::risk {

/// The anti-procyclicality tools applied (any combination; none = the plain dynamic scale).
struct apc_tools {
    bool buffer = false;    ///< (a) IM buffer
    bool stressed = false;  ///< (b) weight on stressed observations
    bool floor = false;     ///< (c) floor at the long-run volatility
};

/// The documented choices (docs/dynamic-params.md §Parameters); check_dynamic states the bounds.
struct dyn_config {
    Wad lambda = Wad::from_raw(fp::I256::from_i128(940'000'000'000'000'000));         ///< EWMA decay, (0, 1)
    Wad reference_sigma;                                                              ///< sigma_ref, annualised, > 0
    Wad scale_floor = Wad::from_raw(fp::I256::from_i128(250'000'000'000'000'000));    ///< the scale's lower clamp, > 0
    Wad scale_cap = Wad::from_int(3);                                                 ///< its upper clamp, <= 5
    Wad buffer_rate = Wad::from_raw(fp::I256::from_i128(250'000'000'000'000'000));    ///< (a) B, 0.25 .. 1
    Wad stress_weight = Wad::from_raw(fp::I256::from_i128(250'000'000'000'000'000));  ///< (b) w, 0.25 .. 1
    std::int32_t stress_window = 250;                                                 ///< (b) returns per stressed window, 10 .. 1000
    std::int32_t long_window = 3650;  ///< (c) and (b): the lookback in returns (10 years), 250 .. 3650
    /// (b), (c): the series' first skip_days returns are left out of the long and stressed windows
    /// (thin launch markets: ETH fell 2.83 -> 1.33 -> 0.70 in its first days), 0 .. 365.
    std::int32_t skip_days = 30;
    apc_tools tools;
};

/// Bounds of `c` (OUT_OF_RANGE, path "/dynamic/<field>").
std::optional<error> check_dynamic(const dyn_config& c);

inline constexpr std::int32_t dyn_seed_distance = 400;  ///< the EWMA starts this many days before `first` (as the backtest's)
inline constexpr std::int32_t dyn_seed_returns = 30;    ///< returns averaged to seed it
inline constexpr std::int32_t dyn_max_days = 4000;      ///< days in one series

/// One day's figures of one underlying (all annualised vols; sigma = sqrt(365 v), sqrt to nearest).
struct dyn_day {
    std::int32_t day = 0;
    Wad ewma_sigma;      ///< sqrt(365 v_d), v_d the EWMA variance (backtest.hpp ewma_variance)
    Wad long_sigma;      ///< sqrt(365 L_d), L_d = floor(mean of x^2 over the long window's returns ending on d)
    Wad stressed_sigma;  ///< sqrt(365 S_d), S_d = the largest floor(mean of x^2) of stress_window consecutive returns in it
    Wad sigma;           ///< the vol the scale uses, after tools (b) and (c)
    Wad scale;           ///< f_d = clamp(floor4(sigma / sigma_ref), scale_floor, scale_cap)
    Wad im_multiplier;   ///< (a): ceil4(a_d / f_d) in [1, 1 + B], a_d the buffered scale; 1 without (a)
};

/// The series of days first .. last of `s` under `c`. `s` must hold first - 430 .. last
/// (HISTORY_TOO_SHORT at `path`); at most dyn_max_days days (OUT_OF_RANGE "/dynamic/to").
/// The long and stressed windows use the returns from s.first_day + 1 + skip_days on.
outcome<std::vector<dyn_day>> dynamic_series(const series& s, const dyn_config& c, std::int32_t first, std::int32_t last,
                                             const std::string& path);

/// sqrt(365 floor(mean of x_d^2)) over the returns of days from .. to (x_d = ln floor(P_d / P_{d-1}),
/// nearest): a realised vol, the default reference sigma. Errors: HISTORY_TOO_SHORT at `path`.
outcome<Wad> realised_sigma(const series& s, std::int32_t from, std::int32_t to, const std::string& path);

/// The base grid scaled by `f` (docs/dynamic-params.md §The dynamic document): every
/// full-weight scenario (weight 1) that moves spot with vol none / up / down gets spot shock
/// 1 + (s - 1) f; the dampened tails and the skew scenarios are kept; range_up x f and
/// min(range_down x f, 1); im_factor x m (the buffer's multiplier). Products are exact for
/// inputs of at most 14 decimals together (floor otherwise). Errors: ARITHMETIC_OVERFLOW.
outcome<scenario::params> scale_params(const scenario::params& base, const Wad& f, const Wad& m);

/// A collateral haircut from volatility and liquidity (docs/dynamic-params.md §Haircuts):
/// min(1, max(floor, ceil(k sigma sqrt(mpor_days / 365))) + ceil(liquidity x value / depth)).
struct haircut_rule {
    Wad k = Wad::from_raw(fp::I256::from_i128(2'330'000'000'000'000'000));  ///< 2.33 (99% one-sided normal)
    std::int32_t mpor_days = 2;                                             ///< 1 .. 30
    Wad floor;                                                              ///< the static document's haircut
    Wad depth;                                                              ///< USD that the market absorbs, > 0
    Wad liquidity = Wad::from_int(1);                                       ///< >= 0
};
outcome<Wad> dynamic_haircut(const haircut_rule& r, const Wad& sigma, const Wad& value);

}  // namespace margin::risk
