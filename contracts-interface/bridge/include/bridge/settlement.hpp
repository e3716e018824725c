// Expiry settlement as the clearing house records it: MarginAccounts' OptionSettled event
// (emitted by Listings.payout) and the amount the engine computes for it,
// margin::option_settlement (core/settlement.hpp) on the chain's raw integers.
#pragma once

#include <cstdint>

#include "base/error.hpp"
#include "fixedpoint/i256.hpp"

namespace bridge {

using fp::I256;

/// One position paid out at its expiry's settlement (OptionSettled's fields; raw WAD
/// integers, expiry in Unix seconds).
struct option_settled {
    std::uint64_t series = 0, expiry = 0;
    I256 strike, amount, price, cash;
    bool call = true;
};

/// floor(amount x payoff) on the chain's integers: what `cash` must be. Errors:
/// ARITHMETIC_OVERFLOW (outside int256; the contract reverts FixedPointOverflow there).
margin::outcome<I256> settlement_cash(const I256& amount, const I256& strike, bool call, const I256& price);

}  // namespace bridge
