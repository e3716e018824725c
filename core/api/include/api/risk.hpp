// JSON API v1, risk measures (docs/risk.md): a margin request plus "risk" (the measure's
// parameters) and "history" (daily closes per symbol, as CSV text or [date, close] rows),
// decoded and validated; the result document.
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/risk/history.hpp"
#include "core/risk/measures.hpp"
#include "core/risk/params.hpp"

namespace margin::api {

struct risk_request {
    request req;          ///< validated
    risk::params params;  ///< validated
    risk::history history;
    bool include_pnl = false;  ///< "risk": {"include_pnl": true}: the P&L vector in the result
};

/// Parses and validates a risk request. Errors: those of parse_request, and under /risk
/// and /history the codes of docs/risk.md (HISTORY_SYNTAX, HISTORY_ORDER, HISTORY_GAP, ...).
outcome<risk_request> parse_risk_request(std::string_view json_text);

/// A CSV price history: the header "date,close", then one "YYYY-MM-DD,decimal" row per
/// line (LF or CRLF; a last empty line allowed). Errors (path `path`, the message naming
/// `origin` and the line): HISTORY_SYNTAX, HISTORY_ORDER, HISTORY_GAP, NOT_POSITIVE, OUT_OF_RANGE.
outcome<risk::series> parse_history_csv(std::string_view text, const std::string& path, std::string_view origin);

/// The result document {"api_version", "risk": {...}} (docs/risk.md §Result); "pnl_hash" is
/// keccak256 of the P&L vector as abi.encodePacked(int256[]) of its wei values.
std::string encode_risk(const risk_request& r, const risk::risk_result& res, bool pretty);

/// The digest that "pnl_hash" carries, 0x-prefixed lower-case hex.
std::string pnl_hash(const std::vector<fp::Wad>& pnl);

}  // namespace margin::api
