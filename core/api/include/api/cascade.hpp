// JSON API v1, the liquidation cascade (docs/cascade.md §Request, §Result): a cascade/1 request
// decoded into cascade::input (paths under /cascade), and the step log encoded with its hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/pipeline.hpp"
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

/// The Monte Carlo's part of a request ("monte_carlo", docs/cascade-monte-carlo.md).
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

/// {"api_version", "cascade_monte_carlo": {...}} (docs/cascade-monte-carlo.md).
std::string encode_cascade_mc(const cascade_request& rq, const cascade::mc_result& r, bool pretty);

/// {"api_version", "cascade": {"mode", "steps": [...], "total": {...}, "log_hash"}}; log_hash =
/// keccak256 of the compact encoding of "steps" (the bytes between its brackets included).
std::string encode_cascade(const cascade::input& in, const cascade::result& r, bool pretty);

/// keccak256 of `steps_compact` (the steps array's compact text) as "0x" + 64 hex digits.
std::string cascade_log_hash(std::string_view steps_compact);

}  // namespace margin::api

namespace margin::api {

/// The book generator's options (docs/cascade-books.md).
struct cascade_book_options {
    std::size_t accounts = 0;              ///< 1 .. stress::max_book_accounts
    std::uint64_t seed = 0;                ///< the Philox key
    std::vector<std::string> underlyings;  ///< empty: BTC and ETH (house mode: BTC)
    bool house = false;                    ///< house mode: one underlying, portfolio params, liquidators appended
    std::string params;                    ///< a preset name; empty: "standard" (house mode: "pmrm2")
    std::string market;                    ///< a JSON document with a "market" (or a market itself); empty: the example's
};

/// A ready cascade/1 request of a generated book (the defaults of docs/cascade-books.md:
/// rule, fund, liquidity, a -15 % spot shock on every underlying, 50 steps). Errors: the generator's
/// (cascade::generate, paths /accounts, /underlyings/<i>); UNKNOWN_PRESET /params; the market's
/// under /market; MODEL_NOT_SUPPORTED /params (house mode off the portfolio model).
reply cascade_book_json(const cascade_book_options& options, bool pretty);

/// The generated book as stress-book JSON lines (docs/stress.md): one margin request per line.
reply cascade_book_jsonl(const cascade_book_options& options);

/// The options as a JSON document {"accounts": "N", "seed": "S", "underlyings"?: ["BTC", ...],
/// "mode"?: "market"|"house", "params"?: NAME, "market"?: {...}, "jsonl"?: true|false} (the CLI's
/// flags and the npm package's cascadeBook both come here), answered as cascade_book_json (or
/// cascade_book_jsonl). Errors: UNKNOWN_FIELD, MISSING_FIELD /accounts, /seed; BAD_COUNT /accounts,
/// /seed (not a whole number; seed at most 2^64 - 1); BAD_ENUM /mode; WRONG_TYPE ...; then the generator's.
reply cascade_book_from_json(std::string_view options_json, bool pretty);

/// The models `cascade_compare_json` knows: "standard-isolated", "standard", "pmrm2", "span16", "es".
bool cascade_compare_model(std::string_view name) noexcept;

/// The request's book cross margined by default, and in isolated form: each account becomes one
/// account per position (cross, standard model) whose cash is the position's isolated margin,
/// floor(cash x IM_j / sum IM) (IM_j the position's standard IM at S0), the remainder to the first
/// position (all of it when sum IM = 0 or cash <= 0); accounts of one position, or isolated as
/// given, are kept. Errors: MODEL_NOT_SUPPORTED /accounts/<i> (not the standard model); those of
/// compute under /accounts/<i>; OUT_OF_RANGE /accounts (the split book over stress::max_book_accounts).
outcome<cascade::input> isolate(const cascade::input& in);

/// The request's book and shock under each model in turn (every account's parameters replaced by
/// the model's preset; "standard-isolated": the standard preset on `isolate`d accounts):
/// {"api_version": "1", "cascade_compare": [{"model", "accounts", "liquidations", "bad_debt",
/// "amplification", "capital_locked", "notional", "fund_used", "adl_notional", "steps_run",
/// "capped", "log_hash"}, ...]}. Errors: UNKNOWN_PRESET /compare/<k> (an unknown model), the
/// request's (as cascade_json) under the first model that fails, its message naming the model.
reply cascade_compare_json(std::string_view request_text, const std::vector<std::string>& models, bool pretty, std::size_t threads);

}  // namespace margin::api
