// JSON API v1, the liquidation cascade (docs/cascade.md §Request, §Result): a cascade/1 request
// decoded into cascade::input (paths under /cascade), and the step log encoded with its hash.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "core/cascade/cascade.hpp"
#include "core/cascade/monte_carlo.hpp"
#include "core/risk/history.hpp"

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

/// The Monte Carlo's part of a request ("monte_carlo", docs/cascade.md "## Monte Carlo").
struct cascade_mc_request {
    cascade::mc_spec spec;
    std::optional<std::size_t> emit;  ///< a path whose markets the result lists (path_markets)
    std::size_t list = 10'000;        ///< the per-path list's cap (0 .. 100,000): paths 0 .. list - 1
    std::string market;               ///< the request's market, compact JSON (emitted markets are it with the marks moved)
};

/// A cascade/1 request: the simulator's input and, with "monte_carlo", the Monte Carlo.
struct cascade_request {
    cascade::input in;
    std::optional<cascade_mc_request> mc;
};

/// parse_cascade_request's, and "monte_carlo" (then no "shock": OUT_OF_RANGE /cascade/shock) with
/// its errors under /cascade/monte_carlo (decode_cascade_mc.cpp).
outcome<cascade_request> parse_cascade(std::string_view json_text);

/// {"api_version", "cascade_monte_carlo": {...}} (docs/cascade.md "## Monte Carlo").
std::string encode_cascade_mc(const cascade_request& rq, const cascade::mc_result& r, bool pretty);

/// {"api_version", "cascade": {"mode", "steps": [...], "total": {...}, "log_hash"}}; log_hash =
/// keccak256 of the compact encoding of "steps" (the bytes between its brackets included).
std::string encode_cascade(const cascade::input& in, const cascade::result& r, bool pretty);

/// keccak256 of `steps_compact` (the steps array's compact text) as "0x" + 64 hex digits.
std::string cascade_log_hash(std::string_view steps_compact);

}  // namespace margin::api
