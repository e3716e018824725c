// Price impact of a liquidation flow (docs/cascade.md §Rules, "Impact"): linear or square-root
// in the flow's notional against a depth, capped; or a walk through an order-book snapshot.
// Every rounding goes against the liquidated side: a net sale moves the mark down and rounds it
// down, a net purchase moves it up and rounds it up.
#pragma once

#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"

namespace margin::cascade {

enum class impact_model : std::uint8_t { linear, sqrt, levels };

/// One price level of an order-book snapshot: `size` underlying units at `price`.
struct level {
    Wad price, size;
};

/// An underlying's liquidity. linear: I = min(max_impact, floor(k N / depth)); sqrt:
/// I = min(max_impact, floor(k floor_sqrt(floor(N / depth)))), N = ceil(|flow| mark). levels:
/// net sales walk `bids` (best first), net purchases `asks`. Bounds (the door checks them):
/// depth > 0, k >= 0, 0 < max_impact < 1; levels: prices > 0, sizes > 0, at most
/// max_levels per side; bids strictly descending, asks strictly ascending.
struct liquidity {
    impact_model model = impact_model::linear;
    Wad depth, k, max_impact;
    std::vector<level> bids, asks;
};

inline constexpr std::size_t max_levels = 1'000;

/// The impact of one step's net flow on one underlying.
struct impact_result {
    Wad notional;            ///< N = ceil(|flow| x mark)
    Wad impact;              ///< I (linear, sqrt); levels: floor(|mark - new mark| / mark)
    Wad new_mark;            ///< floor(mark (1 - I)) for a net sale, ceil(mark (1 + I)) for a net purchase, mark at 0 flow
    Wad execution;           ///< linear, sqrt: new_mark; levels: the VWAP (floor for a sale, ceil for a purchase)
    bool exhausted = false;  ///< levels: the flow went beyond the snapshot (the rest at last x (1 -/+ max_impact))
};

/// floor(sqrt(x)) of a Wad x >= 0 (the largest r with r^2 <= x exactly), from fp::sqrt (nearest).
fp::result<Wad> sqrt_floor(const Wad& x) noexcept;

/// `flow`: signed underlying units, negative = the liquidations sell. `mark` > 0.
/// Errors: ARITHMETIC_OVERFLOW.
outcome<impact_result> apply_impact(const liquidity& l, const Wad& mark, const Wad& flow);

}  // namespace margin::cascade
