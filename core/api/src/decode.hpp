// The decoders of the API's documents into the model (types and presence only; core's
// validate() checks bounds and derives). Internal to api/.
#pragma once

#include <string>

#include "api/documents.hpp"
#include "core/model.hpp"
#include "decoder.hpp"

namespace margin::api::detail {

void decode_standard(decoder& d, const json& o, const std::string& path, standard_params& p);
void decode_portfolio(decoder& d, const json& o, const std::string& path, portfolio_params& p);
void decode_scenarios(decoder& d, const json& o, const std::string& path, scenario::params& p);
/// One position of an account or a trade.
void decode_position(decoder& d, const json& o, const std::string& path, position& p);
/// A request's fields; the portfolio parameters from `given` (already validated) instead of "params".
outcome<request> decode_request(const json& root, const portfolio_params* given);

}  // namespace margin::api::detail
