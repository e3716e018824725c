// Full revaluation of an account under scenarios (docs/risk.md §Revaluation): every
// position and collateral asset valued at the scenario's prices with the engine's own
// pricing, its P&L against today's value.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/risk/params.hpp"
#include "core/risk/scenarios.hpp"

namespace margin::risk {

/// P&L per contributor and scenario, in the settlement currency.
struct pnl_matrix {
    std::size_t scenarios = 0;
    std::vector<std::string> rows;        ///< the contributor's JSON pointer: /account/positions/i, /account/collateral/<asset>
    std::vector<std::string> row_symbol;  ///< the symbol it moves with ("" when none)
    std::vector<Wad> pnl;                 ///< row-major [row][scenario]
    std::vector<Wad> total;               ///< per scenario: the exact sum over rows

    const Wad& at(std::size_t row, std::size_t scenario) const noexcept { return pnl[row * scenarios + scenario]; }
};

/// The symbols a request's risk moves: its positions' underlyings and the collateral
/// assets `h` has a series for (ascending). Collateral without a series keeps its price.
std::vector<std::string> moved_symbols(const request& validated, const history& h);

/// Revalues `validated` (a request validate() accepted) under `s`, whose columns must
/// include every position's underlying. A position's value uses the same formulas and
/// roundings as value_position() with the forward, perp mark and futures' forward times
/// g (floor) and the vols times the spot-vol multiplier (p.rule_for), with no time
/// decay; collateral P&L is amount * (floor(price * g) - price), floor, before haircuts.
/// Errors (with the contributor's path): SVI_NON_POSITIVE_VARIANCE, ARITHMETIC_OVERFLOW.
outcome<pnl_matrix> revalue(const request& validated, const scenario_set& s, const params& p);

}  // namespace margin::risk
