// Expiry settlement of a European option (cash-settled): what a position receives, or pays,
// when its expiry settles at a price. The clearing house's twin is
// Listings.cash (contracts-interface/contracts/Listings.sol); both give the same integer.
#pragma once

#include "base/error.hpp"
#include "fixedpoint/wad.hpp"

namespace margin {

/// The cash a position of `amount` units (signed: long > 0, short < 0) receives at expiry,
/// negative when it pays: floor(amount x payoff), the payoff exact, per unit
///   call: max(price - strike, 0),   put: max(strike - price, 0).
/// Rounded toward -infinity: against the account on both sides (a long receives the
/// product rounded down, a short pays it rounded up), so the sum over the two sides of a
/// series is never positive and the house keeps the difference (under 1 wei per position).
/// No checks of range beyond int256: the clearing house's bounds (|amount| <= 1e12,
/// 0 < strike, price <= 1e15) keep every step exact. Errors: ARITHMETIC_OVERFLOW (path
/// "/settlement") when the payoff or the product leaves int256.
outcome<fp::Wad> option_settlement(const fp::Wad& amount, const fp::Wad& strike, bool call, const fp::Wad& price);

}  // namespace margin
