// Full revaluation of an account under scenarios (docs/risk.md §Revaluation): every
// position and collateral asset valued at the scenario's prices with the engine's own
// pricing, its P&L against today's value.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/risk/params.hpp"
#include "core/risk/scenarios.hpp"

namespace margin::risk {

/// Options on a grid (docs/risk.md §Revaluation): per scenario, the first of the four nodes
/// it is interpolated from and their Lagrange weights in units of 2^-64.
struct interpolation {
    std::vector<Wad> nodes;                        ///< growth factors g_0 .. g_256
    std::vector<std::uint32_t> base;               ///< per scenario
    std::vector<std::array<fp::i128, 4>> weights;  ///< per scenario
};

/// floor(sum of w_i v_i / 2^64): the value interpolated from four node values.
Wad interpolate(const std::array<fp::i128, 4>& w, const Wad* v);

/// P&L per contributor and scenario, in the settlement currency.
struct pnl_matrix {
    std::size_t scenarios = 0;
    std::vector<std::string> rows;        ///< the contributor's JSON pointer: /account/positions/i, /account/collateral/<asset>
    std::vector<std::string> row_symbol;  ///< the symbol it moves with ("" when none)
    std::vector<Wad> total;               ///< per scenario: the account's P&L

    /// A row priced in every scenario: pnl[row * scenarios + k]. A row on a grid: its value at
    /// each node and today; its P&L in scenario k is interpolate(...) - today.
    std::vector<Wad> pnl;
    struct grid_row {
        std::size_t grid = 0;  ///< index into grids
        std::vector<Wad> node_values;
        Wad today;
    };
    std::vector<std::optional<grid_row>> on_grid;  ///< per row
    std::vector<interpolation> grids;

    /// Contributor `row`'s P&L in `scenario`.
    Wad at(std::size_t row, std::size_t scenario) const;
};

/// The symbols a request's risk moves: its positions' underlyings and the collateral
/// assets `h` has a series for (ascending). Collateral without a series keeps its price.
std::vector<std::string> moved_symbols(const request& validated, const history& h);

/// Revalues `validated` (a request validate() accepted) under `s`, whose columns must
/// include every position's underlying. A position's value uses the same formulas and
/// roundings as value_position() with the forward, perp mark and futures' forward times
/// g (floor) and the vols times the spot-vol multiplier (p.rule_for), with no time
/// decay; collateral P&L is amount * (floor(price * g) - price), floor, before haircuts.
/// Full revaluation: each total is the exact sum of its rows. On a grid (p.revaluation_used(),
/// more than 514 scenarios): options are priced at the 257 nodes, and each scenario's
/// total interpolates the sum of an underlying's option values at the nodes (one rounding
/// per underlying), so it may differ from the sum of the rows by less than a wei per option.
/// Errors (with the contributor's path): SVI_NON_POSITIVE_VARIANCE, ARITHMETIC_OVERFLOW.
outcome<pnl_matrix> revalue(const request& validated, const scenario_set& s, const params& p);

}  // namespace margin::risk
