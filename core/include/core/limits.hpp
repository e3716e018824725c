// The stated caps and bounds of the engine's inputs (docs/api.md states each with its
// error code). validate() enforces them; the JSON layer only caps what it reads.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fixedpoint/wad.hpp"

namespace margin::limits {

inline constexpr std::size_t max_positions = 10000;             ///< per account, and per trade
inline constexpr std::size_t max_symbol_length = 32;            ///< underlying and asset symbols: [A-Za-z0-9_.-]
inline constexpr std::size_t max_id_length = 64;                ///< a position's id
inline constexpr std::int64_t max_timestamp = 100'000'000'000;  ///< Unix seconds (year ~5138)
inline constexpr std::size_t max_scenarios = 64;                ///< in a scenario/1 document
// Counts that bound the work of a request (docs/api.md, "Caps"): with them, no request of the
// API's kinds takes more than 1 s of engine time (bench/bench_limits.cpp builds the worst shapes).
inline constexpr std::size_t max_underlyings = 64;  ///< in a market, and in a standard parameter document ("*" included)
inline constexpr std::size_t max_expiries = 128;    ///< listed per underlying (so at most 8,192 in a market)
inline constexpr std::size_t max_collateral = 64;   ///< assets priced by a market, held by an account, accepted by parameters
inline constexpr std::size_t max_offsets = 2016;    ///< offset rules of a portfolio document: one per pair of 64 underlyings
inline constexpr std::size_t max_document_bytes = std::size_t{16} << 20;  ///< a JSON document: a request, a trade, a bundle (16 MiB)
/// Values (objects, arrays, strings...) in one request or trade document: above the largest valid
/// request (a risk request's 16 histories of 20,000 days as JSON rows and 10,000 positions hold
/// about 1.1 million), so that 16 MiB of tiny values is refused before it is all built.
inline constexpr std::size_t max_json_values = 2'000'000;
/// Members of one JSON object (no object of the API has more than a few dozen: maps of symbols are
/// capped at 64), so that 16 MiB of distinct keys is refused before it is all sorted in.
inline constexpr std::size_t max_object_members = 1024;
/// The portfolio model revalues every position under every scenario: an account holds at most
/// max_portfolio_positions, and positions x scenarios at most max_scenario_evaluations (4,000
/// positions under pmrm2's 31 scenarios or span16's 16, 2,000 under 64).
inline constexpr std::size_t max_portfolio_positions = 4000;
inline constexpr std::size_t max_scenario_evaluations = 128'000;

/// The positions an account may hold: 10,000; under the portfolio model with `scenarios`
/// scenarios, min(4,000, 128,000 / scenarios).
constexpr std::size_t position_cap(bool portfolio, std::size_t scenarios) {
    if (!portfolio) return max_positions;
    const std::size_t by_work = scenarios > 0 ? max_scenario_evaluations / scenarios : max_portfolio_positions;
    return by_work < max_portfolio_positions ? by_work : max_portfolio_positions;
}

inline const fp::Wad max_price = fp::Wad::from_int(1'000'000'000'000'000);       ///< 1e15: prices, forwards, strikes
inline const fp::Wad max_amount = fp::Wad::from_int(1'000'000'000'000'000'000);  ///< 1e18: cash, collateral, funding
inline const fp::Wad max_size = fp::Wad::from_int(1'000'000'000'000);            ///< 1e12: position sizes
inline const fp::Wad max_contract_size = fp::Wad::from_int(1'000'000);
inline const fp::Wad max_vol = fp::Wad::from_int(10);  ///< mark vols (1000%)
/// Smallest mark vol (0.01%): from it up, even a one-second expiry has a total variance of at
/// least one unit of the Black-76 kernel (fixedpoint SPEC.md W1; 2.3e19 units at 0.0001), so it prices.
inline const fp::Wad min_vol = fp::Wad::from_raw(fp::I256::from_i128(100'000'000'000'000));
inline const fp::Wad max_rate = fp::Wad::from_int(10);  ///< |rate|, continuously compounded per year
inline const fp::Wad max_discount_factor = fp::Wad::from_int(2);
inline const fp::Wad max_svi = fp::Wad::from_int(100);  ///< |a|, b, |m|, sigma

// Risk measures (docs/risk.md): within these no request takes more than 5 s natively.
inline constexpr std::int32_t max_history_days = 20000;               ///< per series, calendar days from its first to its last row
inline constexpr std::int32_t max_history_gap_days = 3;               ///< missing days in a row, each carrying the previous close
inline constexpr std::size_t max_history_symbols = 16;                ///< series in one request
inline constexpr std::int32_t max_lookback_days = 3650;               ///< HS/FHS scenarios, EWMA estimation window
inline constexpr std::int32_t max_horizon_days = 30;                  ///< h
inline constexpr std::int64_t max_paths = 100000;                     ///< Monte Carlo
inline constexpr std::size_t max_full_option_revaluations = 500'000;  ///< options x scenarios priced one by one (not on a grid)
inline constexpr std::size_t max_risk_cells = 2'000'000;              ///< (positions + moving collateral) x scenarios
inline constexpr std::size_t max_normal_draws = 5'000'000;            ///< Monte Carlo: paths x symbols x (1, or dof + 1 for Student t)
inline constexpr std::int32_t min_ewma_warmup_days = 30;              ///< FHS/MC: returns before the window that seed the EWMA

}  // namespace margin::limits
