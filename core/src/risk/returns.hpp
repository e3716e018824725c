// Daily log returns and their EWMA variance recursion over a window (internal to the
// risk measures; docs/risk.md §EWMA states the recursion and its seed).
#pragma once

#include <cstdint>
#include <vector>

#include "core/risk/history.hpp"
#include "core/risk/params.hpp"
#include "wad_ops.hpp"

namespace margin::risk::detail {

/// The days an estimation uses: price days from `start` (E - 30, the seed's first price)
/// to `last`; E = the window's first day - h.
struct span_days {
    std::int32_t start = 0, seed_end = 0, first = 0, last = 0;  ///< seed_end = E
};

/// x_d = ln(floor(P_d / P_{d-1})) (nearest) for d in (start, last]; index 0 is start + 1.
std::vector<Wad> log_returns(calc& c, const series& s, std::int32_t start, std::int32_t last);

/// EWMA (co)variance of two return series aligned on the same days: c_E = the mean of the
/// 30 seed products (floor), c_d = floor(lambda c_{d-1}) + floor((1 - lambda) x_d y_d) with
/// the product floor(x_d y_d); returns c_d for d = E .. last (index 0 = E).
std::vector<Wad> ewma(calc& c, const std::vector<Wad>& x, const std::vector<Wad>& y, const Wad& lambda);

/// sqrt(mean of x_d^2 over the lookback's days [first, last]) (floors, then the
/// correctly rounded sqrt): the long-run scale of the vol floor.
Wad rms(calc& c, const std::vector<Wad>& x, const span_days& d);

}  // namespace margin::risk::detail
