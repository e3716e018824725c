// Validation of the engine's inputs: every bound, cross-field rule and derived value of a
// request, in one place. The JSON API decodes text to the model and calls these; code that
// builds a request itself (the chain bridge, keepers) calls them the same way, so the same
// input gives the same error whatever door it came through.
//
// Checks run in the request's document order (docs/api.md) and the first failure is
// reported, with the JSON pointer of the offending field in the request's JSON form.
#pragma once

#include <string>

#include "base/error.hpp"
#include "core/model.hpp"

namespace margin {

/// A request as given -> the validated request the engine computes on. Fills what the
/// request derives: each expiry's seconds to expiry, sqrt(t) in Q125, its forward (given, or
/// floor(spot e^(r t))) and discount factor (given, or e^(-r t) rounded to nearest, or 1),
/// and sorts each underlying's expiries by time. Idempotent: validate(validate(r)) == validate(r).
/// Parameters are validated too unless `params_validated` (a keeper's many accounts under one
/// parameter set already validated with validate(portfolio_params)).
/// Errors: the codes of docs/api.md's validation table, each with its path.
outcome<request> validate(request draft, bool params_validated = false);

/// Standard parameters (path: where the document sits, e.g. "/params").
std::optional<error> validate(const standard_params& p, const std::string& path);
/// Portfolio parameters, their scenario document's errors under path + "/scenarios".
std::optional<error> validate(const portfolio_params& p, const std::string& path);
/// es-model parameters (docs/risk.md): the risk measure's bounds (risk::validate, under
/// path + "/risk"), 0 < mm_factor <= 1, the contingencies' bounds as in a scenario document,
/// the collateral rules as in portfolio parameters.
std::optional<error> validate(const es_params& p, const std::string& path);
/// A scenario parameter document ("scenario/1"; docs/scenario.md): bounds per field, 1 to 64
/// scenarios, skew scenarios at spot 1 and one of each kind, im_factor >= mm_factor.
std::optional<error> validate(const scenario::params& p, const std::string& path);

/// One position against its request (market, parameters, mode), at `path` (e.g.
/// "/account/positions/3" or "/trade/positions/0"): what validate() checks per position.
std::optional<error> validate(const position& p, const request& context, const std::string& path);

}  // namespace margin
