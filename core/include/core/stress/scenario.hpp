// Stress scenarios (docs/stress.md): the stress/1 document's model. A scenario moves the
// market of a validated request (spot, implied vols, forwards and the perp's basis, the
// funding accrued over a horizon, discount factors, the stable coin's price, collateral
// prices, haircuts and oracle confidences); derived moves and historical replays are
// resolved into plain shocks (resolve.hpp) before they are applied (apply.hpp).
// Plain data; every bound is checked by validate(document).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::stress {

using fp::Wad;

/// An implied-vol shock: every option's vol sigma (its mark_vol, or its surface's vol at the
/// shocked forward) becomes sigma + floor(sigma floor(relative m)) + floor(absolute m) +
/// floor(skew k), at least `floor`, clamped to [limits::min_vol, limits::max_vol]; k = ln K - ln F' (nearest
/// each), m = (30 days / max(T, term_floor_days))^p (p = term_power up to 30 days,
/// term_power_long beyond; m = 1 exactly when p = 0).
struct vol_shock {
    Wad relative;                        ///< -1 .. 10: +0.5 = vol x 1.5
    Wad absolute;                        ///< -10 .. 10 vol points: +0.1 = +10 vol points
    Wad skew;                            ///< -10 .. 10: vol change per unit of log-moneyness
    Wad term_power;                      ///< 0 .. 2
    std::optional<Wad> term_power_long;  ///< 0 .. 2; absent: term_power
    std::int64_t term_floor_days = 1;    ///< 1 .. 365
    Wad floor;                           ///< 0 .. 10: the shocked vol's floor (Deribit's min vol for a shock up)
    bool operator==(const vol_shock&) const = default;
};

/// One underlying's shocks. Relative moves are returns: +0.1 = +10%.
struct underlying_shock {
    Wad spot;  ///< -0.99 .. 10: spot, perp mark and forwards x (1 + spot), floor
    std::optional<vol_shock> vol;
    Wad basis;                                ///< -0.5 .. 0.5: forwards further x (1 + basis), floor
    Wad perp_basis;                           ///< -0.5 .. 0.5: the perp mark further x (1 + perp_basis), floor
    Wad funding_rate;                         ///< -10 .. 10 per year: perps pay size x mark' x rate x days / 365 (ceil)
    std::int64_t funding_days = 0;            ///< 0 .. 365: the horizon the funding shift accrues over
    Wad rate;                                 ///< -1 .. 1 per year: discount factors x e^(-rate t), given rates + rate
    Wad confidence_scale = Wad::from_int(1);  ///< 0 .. 1000: oracle confidences x scale (ceil, at most the price)
    bool operator==(const underlying_shock&) const = default;
};

/// One collateral asset's shocks.
struct collateral_shock {
    std::optional<Wad> price;                 ///< -0.99 .. 10; absent: the spot shock of the underlying of the same symbol, if any
    Wad haircut;                              ///< -1 .. 1: added to its IM and MM haircuts, each clamped to [0, 1]
    Wad confidence_scale = Wad::from_int(1);  ///< 0 .. 1000
    bool operator==(const collateral_shock&) const = default;
};

/// A spot move derived from a lead underlying's: return = beta x the lead's return, clamped to
/// [-0.99, 10]; beta = correlation x vol_ratio (correlation in [-1, 1]) or a given beta.
struct derived_move {
    std::string lead;
    std::optional<Wad> correlation;    ///< -1 .. 1
    Wad vol_ratio = Wad::from_int(1);  ///< 0 .. 10: sigma of this underlying / sigma of the lead
    std::optional<Wad> beta;           ///< -10 .. 10 (instead of a correlation)
    bool operator==(const derived_move&) const = default;
};

/// A historical replay: every underlying the account holds (and every collateral asset and the
/// stable coin with a series) moves as it did from the close before `from` to the close of `to`;
/// implied vols by the measures' spot-vol rule (docs/risk.md). `worst`: the window of `days`
/// days with the largest fall (or rise) of `lead` in its whole history.
struct replay_spec {
    std::optional<std::int32_t> from, to;  ///< days since 1970-01-01
    std::string worst_lead;                ///< non-empty: the worst-window form
    std::int32_t worst_days = 1;           ///< 1 .. 30
    bool worst_up = false;                 ///< the largest rise instead of the largest fall
    std::string stable;                    ///< a series whose move the stable coin's price follows ("" none)
    std::string trough;                    ///< a series: the window ends on its lowest close within from .. to ("" none)
    Wad vol_beta = Wad::from_int(1);       ///< the spot-vol rule's beta (|beta| <= 10); multiplier clamped to [0.5, 3]
    bool operator==(const replay_spec&) const = default;
};

struct scenario {
    std::string name;
    std::map<std::string, underlying_shock> underlyings;  ///< by symbol; "*": every other underlying of the market
    std::map<std::string, derived_move> derived;          ///< by symbol (replaces its spot shock)
    std::map<std::string, collateral_shock> collateral;   ///< by asset
    std::optional<Wad> stable_price;                      ///< the settlement coin's new USD price (0 < p <= 10)
    std::optional<replay_spec> replay;
    bool operator==(const scenario&) const = default;
};

/// A stress/1 document.
struct document {
    std::string version = "stress/1";
    std::vector<scenario> scenarios;
};

/// At most this many scenarios in a document, and scenarios x positions at most max_cells
/// (each cell is the account's full margin under its model: docs/stress.md §Caps).
inline constexpr std::size_t max_scenarios = 256;
inline constexpr std::size_t max_cells = 100'000;
inline constexpr std::size_t max_name_length = 128;

/// Bounds of every field (docs/stress.md), errors with their JSON pointer under `path`
/// (e.g. "/stress"): OUT_OF_RANGE, BAD_SYMBOL, MISSING_FIELD (a replay with neither dates nor
/// worst), OUT_OF_RANGE for an empty list.
std::optional<error> validate(const document& d, const std::string& path);
/// One scenario's bounds (path: the scenario's pointer).
std::optional<error> validate(const scenario& s, const std::string& path);

}  // namespace margin::stress
