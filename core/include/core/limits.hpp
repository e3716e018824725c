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

inline const fp::Wad max_price = fp::Wad::from_int(1'000'000'000'000'000);       ///< 1e15: prices, forwards, strikes
inline const fp::Wad max_amount = fp::Wad::from_int(1'000'000'000'000'000'000);  ///< 1e18: cash, collateral, funding
inline const fp::Wad max_size = fp::Wad::from_int(1'000'000'000'000);            ///< 1e12: position sizes
inline const fp::Wad max_contract_size = fp::Wad::from_int(1'000'000);
inline const fp::Wad max_vol = fp::Wad::from_int(10);   ///< mark vols (1000%)
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
inline constexpr std::int32_t min_ewma_warmup_days = 30;              ///< FHS/MC: returns before the window that seed the EWMA

}  // namespace margin::limits
