// JSON API v1, reading: request text -> a validated request (docs/api.md). Two steps: the
// text is decoded (JSON syntax, each field's presence and type) and core's validate()
// checks the rest; errors carry the JSON pointer of the field. Nothing here throws.
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"
#include "core/model.hpp"

namespace margin::api {

inline constexpr std::string_view api_version = "1";

/// Parses and validates a request.
outcome<request> parse_request(std::string_view json_text);
/// The same for a request without "params" (UNKNOWN_FIELD if present), under portfolio
/// parameters the caller already holds validated (from parse_request of a request that
/// carried them, or core's validate()): one parameter set for many accounts (keepers).
outcome<request> parse_request(std::string_view json_text, const portfolio_params& params);

/// The account after a trade (docs/api.md, "Trade preview"): trade_text is
/// {"positions": [...]}, positions as in a request's account, applied by core's
/// apply_trade(). Error paths start with /trade.
outcome<request> parse_trade(const request& before, std::string_view trade_text);

/// A scenario parameter document ("scenario/1"; docs/scenario.md), decoded and validated,
/// errors under `path`.
outcome<scenario::params> parse_scenario_params(std::string_view json_text, const std::string& path = "");

}  // namespace margin::api
