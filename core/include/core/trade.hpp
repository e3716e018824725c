// A trade applied to an account (docs/api.md, "Trade preview").
#pragma once

#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"

namespace margin {

/// The account after trading `trade` (positions as in an account, as given: each is validated
/// against `before` at /trade/positions/i). Options trade at their mark: the premium (the traded
/// position's floored value) moves to cash. Perps and futures trade at their entry_price
/// (default: the mark). A trade on a held instrument changes that position's size, and a linear
/// one's P&L against the held entry price moves into its funding (floored); a position closed
/// to zero leaves the account. Precondition: `before` is validated.
/// Errors (paths under /trade): OUT_OF_RANGE (1 to 10,000 positions, sums out of range),
/// DUPLICATE_POSITION, DUPLICATE_ID, TRADE_CONFLICT, the per-position validation errors.
outcome<request> apply_trade(const request& before, const std::vector<position>& trade);

}  // namespace margin
