// JSON API v1, SPAN risk-array mode (docs/span.md): exchange-supplied risk arrays, their
// positions and parameters in one request, decoded and checked; the result document.
//
//   {"api_version": "1", "span": {"contracts": [...], "positions": [...], "params": {...}}}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "core/span.hpp"

namespace margin::api {

/// Caps of a SPAN request (docs/span.md §JSON API): contracts, positions, commodities, spreads.
inline constexpr std::size_t max_span_contracts = 4096;
inline constexpr std::size_t max_span_positions = 4096;
inline constexpr std::size_t max_span_commodities = 256;
inline constexpr std::size_t max_span_spreads = 256;

struct span_request {
    std::vector<span::contract> contracts;
    std::vector<span::position> positions;
    span::params params;
};

/// Parses and checks a SPAN request. Errors (JSON pointers under /span): the document's
/// (JSON_SYNTAX, WRONG_TYPE, UNKNOWN_FIELD, MISSING_FIELD, UNSUPPORTED_VERSION, decimals),
/// OUT_OF_RANGE (a cap, a risk array without 16 entries, |value| above 10^15, a cover outside
/// [0, 1], a credit rate outside [0, 1], a month outside 1 .. 999999, a position's contract
/// not listed), NEGATIVE (a charge, an option value), NOT_POSITIVE (a spread's delta ratio),
/// DUPLICATE_KEY (a commodity listed twice), UNKNOWN_COMMODITY (a contract's commodity or a
/// spread leg without parameters), BAD_COUNT (a contract index or month that is not a
/// whole-number string), BAD_SYMBOL (a commodity name).
outcome<span_request> parse_span_request(std::string_view json_text);

/// {"api_version": "1", "span": {"commodities": [...], "total_risk", "net_option_value",
/// "requirement"}} (docs/span.md §JSON API).
std::string encode_span(const span::result& r, bool pretty);

}  // namespace margin::api
