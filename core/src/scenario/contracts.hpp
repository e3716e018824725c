// Contract valuation for the scenario engine (internal): each expiry's state, shared
// by every scenario and contract of the expiry, and one option contract's per-unit
// values at every point ("column") an evaluation reads. These are what the
// value_cache keeps across accounts (cache.hpp) and what gather() combines per
// account (gather.hpp). Values round toward -inf, so each errs against the account.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/scenario.hpp"
#include "fixedpoint/fast.hpp"
#include "wad_ops.hpp"

namespace margin::scenario::internal {

/// Per-expiry values shared by every scenario and every contract of the expiry:
/// tau = seconds / year (floor), its square root, the DF (given, or e^(-rate tau)),
/// the forward, the vol-shock multipliers, the static discounts of gains and losses,
/// and the skew shock's caps and k*.
struct expiry_state {
    Wad tau, sqrt_tau, discount, forward;
    Wad up_mult, down_mult;
    Wad pos_discount, neg_discount;
    Wad linear_cap, abs_cap, k_star;
};

/// Expiry e's state under the parameters (docs/scenario.md); errors go to c.
expiry_state expiry_state_of(calc& c, const expiry& e, const params& prm);

/// The columns of contract_values::at (and of an expiry's values in gather.hpp):
/// the current market, the basis contingency's two forwards, then scenario i at
/// first_scenario_col + i.
constexpr std::size_t now_col = 0, basis_up_col = 1, basis_down_col = 2, first_scenario_col = 3;

/// Per-unit values of one option contract, floor(DF * Black-76 price) per unit of
/// underlying, at every column. An expiry's value at a column is the dot product of
/// the amounts with these, rounded once.
struct contract_values {
    std::vector<Wad> at;                     ///< [now_col], [basis_up_col], [basis_down_col], [first_scenario_col + i]
    std::vector<fp::fast::wad_split> split;  ///< the same split for fp::fast where every one fits, else empty
    std::uint64_t units_bound = 0;           ///< the largest |units| in split
};

/// Leg o's per-unit values on expiry e (state s) at every column; errors go to c.
contract_values price_contract(calc& c, const expiry& e, const expiry_state& s, const option_leg& o, const params& prm);

}  // namespace margin::scenario::internal
