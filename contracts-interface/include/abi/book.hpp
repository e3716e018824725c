// The clearing house's inputs as the chain sees them: PortfolioMargin.Book and
// PortfolioMargin.Params (contracts-interface/contracts/PortfolioMargin.sol), their
// ABI types and values, the mapping from an engine request, and the input hash that
// MarginAccounts.Liquidated carries: keccak256(abi.encode(book, params, scenarioId)).
//
// Errors (margin::error): NOT_REPRESENTABLE with the request path of what the chain's
// one-underlying book cannot hold; ABI_BAD_DATA / ABI_BAD_VALUE from abi.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "abi/abi.hpp"
#include "abi/keccak.hpp"
#include "core/model.hpp"
#include "core/scenario.hpp"
#include "fixedpoint/i256.hpp"

namespace abi {

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

/// The ABI type of Book / Params, with Solidity's field names (error paths use them).
const type& book_type();
const type& params_type();

value to_value(const book& b);
/// The Params struct's value: scenario vol moves as uint8 (0 none .. 4 abs_skew),
/// dteFloorSeconds in seconds, every other field a raw WAD.
value to_value(const margin::scenario::params& p);

/// From a value of book_type() / params_type() (as decode gives it). Errors: ABI_BAD_VALUE
/// (wrong shape, a vol move above 4, a dteFloorSeconds outside int64).
outcome<book> book_from_value(const value& v);
outcome<margin::scenario::params> params_from_value(const value& v);

/// The book the chain would hold for a validated portfolio request with positions on
/// one underlying, in canonical form (what MarginAccounts.book gives): expiries held
/// (options or futures) in ascending order, each expiry's legs in request order,
/// collateral by asset name; an entry price defaults to the mark, and is 0 where no
/// perp / future is held. NOT_REPRESENTABLE (path into the request) for: the standard model,
/// positions on more than one underlying, perp funding, an option without mark_vol, an expiry
/// held without a rate, risk-cancelling collateral of another underlying, an account without
/// positions in a market of several underlyings.
outcome<book> book_of(const margin::request& req);

/// The inverse of book_of: a validated portfolio request for `book` under `params`, the
/// underlying named `underlying`, the market snapshot taken at `timestamp` (expiries at
/// timestamp + secondsToExpiry). Collateral becomes assets "C0", "C1", ... (a
/// risk-cancelling one takes the underlying's name), each with its haircuts as rules.
/// book_of(request_of(b, ...)) == b, or the call fails: NOT_REPRESENTABLE (path into the
/// book, e.g. "/expiries/0/secondsToExpiry" for an expired expiry; "/collaterals" when
/// the naming would reorder them), or the request's own validation error (its path is
/// then into the synthesised request).
outcome<margin::request> request_of(const book& b, const margin::scenario::params& params, const std::string& underlying,
                                    std::int64_t timestamp);

/// request_of for many books under one parameter set (a keeper's scan): the parameters
/// are validated once by make(); build() then parses and validates each book's market and
/// account only. The same requests as request_of.
class request_builder {
public:
    /// Errors: the JSON API's, with paths under /params.
    static outcome<request_builder> make(const margin::scenario::params& params, std::string underlying);
    outcome<margin::request> build(const book& b, std::int64_t timestamp) const;

private:
    std::string underlying_;
    margin::portfolio_params params_;  ///< validated, without collateral rules
};

/// keccak256(abi.encode(book, params, scenarioId)): MarginAccounts' input hash.
hash256 input_hash(const book& b, const margin::scenario::params& p, std::uint64_t scenario_id);

}  // namespace abi
