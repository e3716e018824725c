// JSON API v1, the liquidation cascade (docs/cascade.md §Request, §Result): a cascade/1 request
// decoded into cascade::input (paths under /cascade), and the step log encoded with its hash.
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"
#include "core/cascade/cascade.hpp"

namespace margin::api {

/// Caps: accounts 1 .. stress::max_book_accounts, a house path of at most cascade::max_steps
/// markets, liquidators at most the book. Errors: JSON's; UNSUPPORTED_VERSION /api_version;
/// UNKNOWN_FIELD, MISSING_FIELD, WRONG_TYPE, BAD_DECIMAL ... with their paths; BAD_ENUM
/// /cascade/mode, /cascade/loss/adl, /cascade/liquidity/<SYM>/model; OUT_OF_RANGE /cascade/accounts
/// (empty), /cascade/insurance_fund (< 0), /cascade/shock/path/<i> (a house path crossing an
/// expiry held, or market mode given a path); BAD_COUNT /cascade/steps (0 or > 1000),
/// /cascade/liquidators/<i>; MODE_NOT_SUPPORTED /cascade/accounts/<i>/account/margin_mode
/// (isolated in house mode); an account's own errors under /cascade/accounts/<i>/ (its params
/// under .../params, or /cascade/params when it takes the book's); the scenario's under
/// /cascade/shock; the bounds cascade::run checks are reported by cascade_json under /cascade.
outcome<cascade::input> parse_cascade_request(std::string_view json_text);

/// {"api_version", "cascade": {"mode", "steps": [...], "total": {...}, "log_hash"}}; log_hash =
/// keccak256 of the compact encoding of "steps" (the bytes between its brackets included).
std::string encode_cascade(const cascade::input& in, const cascade::result& r, bool pretty);

/// keccak256 of `steps_compact` (the steps array's compact text) as "0x" + 64 hex digits.
std::string cascade_log_hash(std::string_view steps_compact);

}  // namespace margin::api
