// Stress testing an account (docs/stress.md): scenarios resolved against the request and its
// price history, applied to its market, the account fully revalued and margined under its own
// model; and reverse stress, the smallest move along a direction that makes it liquidatable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/margin.hpp"
#include "core/model.hpp"
#include "core/risk/history.hpp"
#include "core/stress/scenario.hpp"

namespace margin::stress {

/// Derived moves and replays made plain shocks, "*" expanded to the market's underlyings: the
/// scenario as it is applied (printable as a stress/1 scenario). Errors (path: the scenario's
/// pointer + "/replay" or "/derived/<symbol>"): NO_HISTORY (a held underlying, a moved collateral
/// asset named by "stable", or the worst window's lead without a series), HISTORY_TOO_SHORT (a
/// series without a close on a day the window needs), UNKNOWN_UNDERLYING (a derived move's lead
/// the scenario does not shock).
outcome<scenario> resolve(const scenario& s, const request& validated, const risk::history& h, const std::string& path);

/// The request under a resolved scenario, validated (named roundings: docs/stress.md §Applying).
/// Errors: validate()'s, its path prefixed with `path` (a shocked value out of bounds),
/// SVI_NON_POSITIVE_VARIANCE, ARITHMETIC_OVERFLOW.
outcome<request> apply(const scenario& resolved, const request& validated, const std::string& path);

/// One contributor's P&L: a position (request order) or a collateral asset.
struct pnl_row {
    std::string pointer;  ///< /account/positions/<i> or /account/collateral/<asset>
    Wad pnl;
};

struct outcome_of_scenario {
    scenario resolved;
    Wad pnl;                    ///< the exact sum of rows
    std::vector<pnl_row> rows;  ///< positions (value after - value before), then collateral whose price moved
    account_result after;       ///< the account under the shocked market, its own model
};

/// Resolves, applies and margins one scenario; `before` is compute(validated).
outcome<outcome_of_scenario> run(const scenario& s, const request& validated, const account_result& before, const risk::history& h,
                                 const std::string& path);

// --- reverse stress -----------------------------------------------------------------

enum class direction_kind : std::uint8_t { spot_down, spot_up, vol_up, joint };

/// A direction: at distance t the scenario is spot -t / spot +t / vol relative +t of one
/// underlying, or `joint` with every linear field of `shape` (spot, vol relative / absolute /
/// skew, basis, perp basis, funding rate, rate, collateral price and haircut) times t.
struct direction {
    direction_kind kind = direction_kind::spot_down;
    std::string underlying;  ///< spot_down, spot_up, vol_up
    scenario shape;          ///< joint (resolved: no replay, no derived move)
};

/// The search: t = scan, 2 scan, ... up to max (scanned in order, no monotonicity assumed) until
/// the first liquidatable point; then bisection on the grid (multiples of `grid`) between the last
/// safe scan point and it. Bounds: 0 < grid <= scan <= max, scan a multiple of grid, max / grid
/// <= max_grid_points, max <= 0.99 for spot_down.
struct search {
    Wad grid = Wad::from_raw(fp::I256::from_i128(1'000'000'000'000'000));   ///< 0.001
    Wad scan = Wad::from_raw(fp::I256::from_i128(10'000'000'000'000'000));  ///< 0.01
    std::optional<Wad> max;  ///< default 0.99 (spot_down), 10 (spot_up), 10 (vol_up), 1 (joint)
};
inline constexpr std::int64_t max_grid_points = 100'000;
inline constexpr std::size_t max_scan_points = 2'000;
inline constexpr std::size_t max_scan_points_es = 100;  ///< under the es model (each evaluation measures an ES: ~12 ms)
/// Evaluations (scan + bisection + 1) x positions of one reverse request at most this.
inline constexpr std::size_t max_reverse_cells = 4'000'000;

struct reverse_result {
    direction dir;
    Wad max;                                  ///< the searched range's end
    bool already = false;                     ///< liquidatable at t = 0
    bool found = false;                       ///< a liquidatable point within max
    Wad t;                                    ///< found: the smallest grid point of the bracket that is liquidatable
    Wad safe_t;                               ///< found: the grid point below it (not liquidatable)
    scenario at;                              ///< the scenario at t
    std::optional<account_result> margin_at;  ///< the account at t
    std::optional<Wad> liquidation_price;     ///< spot_down / spot_up: floor(spot x (1 -/+ t))
    std::int64_t evaluations = 0;
};

/// The scenario of `d` at distance t (exact: t x each field, toward zero).
scenario at_distance(const direction& d, const Wad& t);

/// Errors: OUT_OF_RANGE (bounds of `s` under `path`), those of apply and compute at a point
/// (the message names t).
outcome<reverse_result> reverse(const direction& d, const search& s, const request& validated, const std::string& path);

}  // namespace margin::stress
