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

inline const fp::Wad max_price = fp::Wad::from_int(1'000'000'000'000'000);       ///< 1e15: prices, forwards, strikes
inline const fp::Wad max_amount = fp::Wad::from_int(1'000'000'000'000'000'000);  ///< 1e18: cash, collateral, funding
inline const fp::Wad max_size = fp::Wad::from_int(1'000'000'000'000);            ///< 1e12: position sizes
inline const fp::Wad max_contract_size = fp::Wad::from_int(1'000'000);
inline const fp::Wad max_vol = fp::Wad::from_int(10);   ///< mark vols (1000%)
/// Smallest mark vol (0.01%): from it up, even a one-second expiry has a total variance of at
/// least one unit of the Black-76 kernel (fixedpoint SPEC.md W1; 2.3e19 units at 0.0001), so it prices.
inline const fp::Wad min_vol = fp::Wad::from_raw(fp::I256::from_i128(100'000'000'000'000));
inline const fp::Wad max_rate = fp::Wad::from_int(10);  ///< |rate|, continuously compounded per year
inline const fp::Wad max_discount_factor = fp::Wad::from_int(2);
inline const fp::Wad max_svi = fp::Wad::from_int(100);  ///< |a|, b, |m|, sigma

}  // namespace margin::limits
