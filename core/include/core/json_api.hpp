// JSON API v1: one request/response format for the CLI, WebAssembly and replay
// (docs/api.md; schema in core/schema/). Numbers are exact decimal strings;
// errors are {"error": {"code", "path", "message"}}. Nothing here throws.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/margin.hpp"
#include "core/model.hpp"

namespace margin {

inline constexpr std::string_view api_version = "1";

/// "margin <engine version> build <build id> (json api v1, fixedpoint spec v1)"; the build
/// id hashes the engine's sources (cmake/build_id.cmake), so native and WASM builds share it.
std::string version_string();

/// Parses and validates a request. Errors carry the JSON pointer of the field.
outcome<request> parse_request(std::string_view json_text);
/// The same for a request without "params" (UNKNOWN_FIELD if present), under portfolio
/// parameters the caller already holds validated (from parse_request of a request that
/// carried them): one parameter set parsed once for many accounts (keepers).
outcome<request> parse_request(std::string_view json_text, const portfolio_params& params);

/// The standard parameter document shipped with the engine (core/params/standard-v1.json).
std::string_view default_params_json() noexcept;
/// The shipped portfolio-model documents by name ("pmrm2", "span16":
/// core/params/portfolio-*.json); empty if unknown.
std::string_view portfolio_preset_json(std::string_view name) noexcept;
/// The embedded example request (core/examples/default.json).
std::string_view example_request_json() noexcept;

/// Canonical encoding of a request (docs/api.md §Canonical encoding): every
/// default made explicit, keys sorted by byte value, no whitespace, decimals
/// in canonical form. Equal meaning gives equal bytes; parse -> encode is idempotent.
std::string canonical_request(const request& req);

/// The response document for a result (pretty: 2-space indent, else compact).
std::string encode_result(const request& req, const account_result& res, bool pretty);
/// {"error": {...}}.
std::string encode_error(const error& e, bool pretty);

/// Request text -> response text: parse, validate, compute, encode.
std::string compute_json(std::string_view request_text, bool pretty);

/// The same at one scenario (portfolio model): every underlying evaluated at
/// `scenario` instead of its worst (compute_portfolio). Errors as compute_json,
/// plus MODEL_NOT_SUPPORTED (standard model) and OUT_OF_RANGE (path /scenario).
std::string scenario_json(std::string_view request_text, std::int64_t scenario, bool pretty);

/// The account after a trade (docs/api.md, "Trade preview"): trade_text is
/// {"positions": [...]}, positions as in a request's account. Options trade at
/// their mark (the premium, the traded position's floored value, moves to cash);
/// perps and futures at their entry_price (default: the mark). A trade on an
/// instrument the account holds changes that position's size (a linear one's
/// P&L against the held entry price moves into its funding, floored); one
/// closed to zero leaves the account. Error paths start with /trade.
outcome<request> apply_trade(const request& before, std::string_view trade_text);

/// Margin before and after a trade: {"api_version", "before": result, "after":
/// result, "change": after - before of equity, IM, MM, free collateral, health}.
/// Errors as compute_json, plus apply_trade's.
std::string preview_json(std::string_view request_text, std::string_view trade_text, bool pretty);

}  // namespace margin
