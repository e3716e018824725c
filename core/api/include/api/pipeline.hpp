// Request text -> response text, each door of the API in one call (the CLI, the WebAssembly
// package, the preview page): parse, validate, compute, encode. Nothing here throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace margin::api {

/// A response document and whether it is an error document.
struct reply {
    std::string text;          ///< the response, or {"error": {...}}
    std::optional<error> err;  ///< set when text is an error document
    bool ok() const noexcept { return !err.has_value(); }
    /// The error document of `e` (encode_error), with `err` set.
    static reply failure(const error& e, bool pretty);
};

/// The margin of the request's account under its model. A SPAN risk-array request
/// {"api_version": "1", "span": {...}} (docs/span.md) is answered as span_json() answers it.
reply compute_json(std::string_view request_text, bool pretty);

/// The same at one scenario (portfolio model): every underlying evaluated at `scenario`
/// instead of its worst. Errors as compute_json, plus MODEL_NOT_SUPPORTED (standard
/// model) and OUT_OF_RANGE (path /scenario).
reply scenario_json(std::string_view request_text, std::int64_t scenario, bool pretty);

/// Margin before and after a trade: {"api_version", "before": result, "after": result,
/// "change": after - before of equity, IM, MM, free collateral, health}. Errors as
/// compute_json, plus parse_trade's (paths under /trade).
reply preview_json(std::string_view request_text, std::string_view trade_text, bool pretty);

/// VaR and ES of the request's account from its "risk" parameters and "history"
/// (docs/risk.md). Errors as compute_json, plus parse_risk_request's and the measure's.
reply risk_json(std::string_view request_text, bool pretty);

/// The account under each scenario of its "stress" (a stress/1 document or a shipped set's name;
/// docs/stress.md): P&L total and per contributor, equity, IM, MM, liquidatable. Errors as
/// compute_json, plus parse_stress_request's and a scenario's (path /stress/scenarios/<i>).
reply stress_json(std::string_view request_text, bool pretty);
/// The request's scenarios as they are applied (replays, derived moves and "*" resolved), as a
/// stress/1 document.
reply stress_scenarios_json(std::string_view request_text, bool pretty);
/// Reverse stress (docs/stress.md §Reverse stress) of the request's "reverse_stress".
reply reverse_stress_json(std::string_view request_text, bool pretty);

/// Runs part(0) .. part(parts - 1), in any order or at once (each part writes only its own
/// results); empty: one after the other.
using part_runner = std::function<void(std::size_t parts, const std::function<void(std::size_t)>& part)>;
/// Book-level stress (docs/stress.md §Book-level stress): the book (JSON lines, parse_book) under
/// the scenario set of `options_text` (parse_book_options): {"api_version", "stress_book": {...}}
/// (encode_book). The accounts are split into `parts` (at most one per account) run by `run`; the
/// bytes do not depend on either. Errors: parse_book's, then parse_book_options', then an account's
/// under a scenario (stress::evaluate_book's).
reply stress_book_json(std::string_view book_jsonl, std::string_view options_text, bool pretty, std::size_t parts = 1,
                       const part_runner& run = {});

/// The liquidation cascade of a cascade/1 request (docs/cascade.md §Request, §Result): the step
/// log, the totals and log_hash. `threads` (1 .. 64; 1 under WebAssembly) split each step's
/// evaluation; the bytes do not depend on it. Errors: parse_cascade_request's (api/cascade.hpp),
/// then cascade::run's with their paths under /cascade (its /path under /cascade/shock/path).
reply cascade_json(std::string_view request_text, bool pretty, std::size_t threads = 1);

/// The SPAN risk-array requirement of {"api_version": "1", "span": {"contracts", "positions",
/// "params"}} (docs/span.md §JSON API). Errors: parse_span_request's (paths under /span).
reply span_json(std::string_view request_text, bool pretty);

}  // namespace margin::api
