// The clearing house's inputs as the chain sees them: PortfolioMargin.Book and
// PortfolioMargin.Params (contracts-interface/contracts/PortfolioMargin.sol), their ABI
// types and values, and the input hash that MarginAccounts.Liquidated carries:
// keccak256(abi.encode(book, params, scenarioId)). The mapping to and from the engine's
// requests: bridge/request.hpp.
//
// Errors (margin::error): ABI_BAD_VALUE from the value readers (abi/abi.hpp's codes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "abi/abi.hpp"
#include "abi/keccak.hpp"
#include "core/scenario.hpp"
#include "fixedpoint/i256.hpp"

namespace bridge {

using fp::I256;

/// PortfolioMargin.Leg. Every I256 here is the raw integer the contract holds (WAD
/// fixed point, 10^18 = 1), except seconds.
struct book_leg {
    I256 strike, vol, amount;  ///< amount = size x contract size (toward zero), signed
    bool call = true;
    friend bool operator==(const book_leg&, const book_leg&) = default;
};

/// PortfolioMargin.Expiry: the oracle's expiry and the account's positions on it.
struct book_expiry {
    I256 seconds_to_expiry, forward, forward_confidence, rate, discount, futures, futures_entry;
    std::vector<book_leg> legs;
    friend bool operator==(const book_expiry&, const book_expiry&) = default;
};

/// PortfolioMargin.Collateral.
struct book_collateral {
    I256 amount, price, confidence, im_haircut, mm_haircut;
    bool risk_cancelling = false;
    friend bool operator==(const book_collateral&, const book_collateral&) = default;
};

/// PortfolioMargin.Book: one account on one underlying, with its market.
struct book {
    I256 cash, spot, spot_confidence, stable_price, perp_position, perp_price, perp_entry, perp_confidence;
    std::vector<book_expiry> expiries;
    std::vector<book_collateral> collaterals;
    friend bool operator==(const book&, const book&) = default;
};

/// MarginAccounts.MAX_LEGS: the most option series one account of the clearing house holds (a
/// trade or liquidation that would open one more reverts InvalidParameter("legs"); the perp is
/// not counted), so a house book never has more legs than this. It bounds the gas of the house's
/// margin checks and liquidations (docs/clearing-house.md, "Liquidation economics"). Test
/// house_max_legs_mirror checks the two agree.
inline constexpr std::size_t house_max_legs = 32;

/// The ABI type of Book / Params, with Solidity's field names (error paths use them).
const abi::type& book_type();
const abi::type& params_type();

abi::value to_value(const book& b);
/// The Params struct's value: scenario vol moves as uint8 (0 none .. 4 abs_skew),
/// dteFloorSeconds in seconds, every other field a raw WAD.
abi::value to_value(const margin::scenario::params& p);

/// From a value of book_type() / params_type() (as decode gives it). Errors: ABI_BAD_VALUE
/// (wrong shape, a vol move above 4, a dteFloorSeconds outside int64).
margin::outcome<book> book_from_value(const abi::value& v);
margin::outcome<margin::scenario::params> params_from_value(const abi::value& v);

/// keccak256(abi.encode(book, params, scenarioId)): MarginAccounts' input hash.
abi::hash256 input_hash(const book& b, const margin::scenario::params& p, std::uint64_t scenario_id);

/// keccak256(abi.encode(params)): the id under which MarginAccounts' timelock queues a
/// setParams of exactly these parameters (Timelock.sol; kind "params"), and the hash ParamsSet
/// carries once they apply. `margin param-hash FILE` prints it for a parameter document.
abi::hash256 param_hash(const margin::scenario::params& p);

}  // namespace bridge
