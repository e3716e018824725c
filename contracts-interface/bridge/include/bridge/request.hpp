// The chain's book and the engine's request, both ways: the book the clearing house would
// hold for a request (book_of), and the validated request a book stands for (request_of,
// request_builder for many books under one parameter set).
//
// Errors (margin::error): NOT_REPRESENTABLE with the path of what the chain's
// one-underlying book cannot hold (or what has no request form), ARITHMETIC_OVERFLOW, and
// the request's own validation errors (the JSON API's codes, paths into the request).
#pragma once

#include <cstdint>
#include <string>

#include "bridge/book.hpp"
#include "core/model.hpp"

namespace bridge {

/// The book the chain would hold for a validated portfolio request with positions on
/// one underlying, in canonical form (what MarginAccounts.book gives): expiries held
/// (options or futures) in ascending order, each expiry's legs in request order,
/// collateral by asset name; an entry price defaults to the mark, and is 0 where no
/// perp / future is held. NOT_REPRESENTABLE (path into the request) for: the standard model,
/// positions on more than one underlying, perp funding, an option without mark_vol, an expiry
/// held without a rate, risk-cancelling collateral of another underlying, an account without
/// positions in a market of several underlyings, a collateral rule with a depth term
/// ("/params/collateral/<asset>/depth": depth haircut not supported on chain).
margin::outcome<book> book_of(const margin::request& req);

/// The inverse of book_of: a validated portfolio request for `book` under `params`, the
/// underlying named `underlying`, the market snapshot taken at `timestamp` (expiries at
/// timestamp + secondsToExpiry). Collateral becomes assets "C0", "C1", ... (a
/// risk-cancelling one takes the underlying's name), each with its haircuts as rules.
/// book_of(request_of(b, ...)) == b, or the call fails: NOT_REPRESENTABLE (path into the
/// book, e.g. "/expiries/0/secondsToExpiry" for an expired expiry; "/collaterals" when
/// the naming would reorder them), or the request's own validation error (its path is
/// then into the synthesised request).
margin::outcome<margin::request> request_of(const book& b, const margin::scenario::params& params, const std::string& underlying,
                                            std::int64_t timestamp);

/// request_of for many books under one parameter set (a keeper's scan): the parameters
/// are validated once by make(); build() then validates each book's market and account
/// only. The same requests as request_of.
class request_builder {
public:
    /// Errors: the JSON API's, with paths under /params.
    static margin::outcome<request_builder> make(const margin::scenario::params& params, std::string underlying);
    margin::outcome<margin::request> build(const book& b, std::int64_t timestamp) const;

private:
    std::string underlying_;
    margin::portfolio_params params_;  ///< validated, without collateral rules
};

}  // namespace bridge
