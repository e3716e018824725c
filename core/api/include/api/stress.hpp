// JSON API v1, stress testing (docs/stress.md): a margin request plus "stress" (a stress/1
// document, or the name of a shipped set) and, for replays, "history"; or plus
// "reverse_stress" (directions and the search grid). Decoded and validated; result documents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/risk/history.hpp"
#include "core/stress/book.hpp"
#include "core/stress/stress.hpp"

namespace margin::api {

/// The shipped scenario sets: "deribit" (Deribit-style grid), "textbook" (a 20% drop with a vol
/// spike), "replays" (the named historical windows): document("stress/<name>").
outcome<stress::document> shipped_stress_set(std::string_view name, const std::string& path);

/// A stress/1 document's text. Errors: JSON's, UNKNOWN_FIELD, WRONG_TYPE, BAD_DECIMAL, ... with
/// their paths under `prefix`, then stress::validate's.
outcome<stress::document> parse_stress_document(std::string_view text, const std::string& prefix = "");

struct stress_request {
    request req;  ///< validated
    risk::history history;
    stress::document doc;  ///< validated
};
/// Errors: parse_request's, then under /stress and /history. Caps: scenarios x positions <=
/// stress::max_cells (OUT_OF_RANGE at /stress/scenarios).
outcome<stress_request> parse_stress_request(std::string_view json_text);

struct reverse_request {
    request req;                                ///< validated
    std::vector<stress::direction> directions;  ///< default: spot down and spot up of every underlying held
    stress::search grid;
};
outcome<reverse_request> parse_reverse_request(std::string_view json_text);

/// One scenario as a stress/1 JSON object (the fields that differ from their defaults).
std::string encode_scenario(const stress::scenario& s);
/// {"api_version", "stress": {"model", "before", "scenarios": [...], "worst", "liquidatable"}}.
std::string encode_stress(const stress_request& r, const account_result& before, const std::vector<stress::outcome_of_scenario>& out,
                          bool pretty);
/// The resolved scenarios as a stress/1 document (what --print-scenarios shows).
std::string encode_stress_document(const std::vector<stress::scenario>& s, bool pretty);
/// {"api_version", "reverse_stress": {"before", "directions": [...]}}.
std::string encode_reverse(const reverse_request& r, const account_result& before, const std::vector<stress::reverse_result>& out,
                           bool pretty);

}  // namespace margin::api

namespace margin::api {

/// A book: one margin request per line (JSON lines; empty lines skipped), each validated. Errors:
/// parse_request's, the path prefixed with "/book/<line - 1>" and the message naming the line;
/// OUT_OF_RANGE for an empty book or more than stress::max_book_accounts.
outcome<std::vector<request>> parse_book(std::string_view jsonl);

/// {"api_version", "stress_book": {"accounts", "insurance_fund", "before", "scenarios": [{name,
/// liquidatable, newly_liquidatable, pnl, shortfall, uncovered, covered, top: [{line, shortfall,
/// equity, pnl}]}], "worst"}} (docs/stress.md §Book).
std::string encode_book(const stress::book_summary& s, const Wad& insurance_fund, bool pretty);

/// The options of a book stress (docs/stress.md §Book-level stress): {"scenarios": a stress/1
/// document or a shipped set's name, "insurance_fund"?: decimal >= 0 (default "0"), "top"?: count
/// 0 .. 100 (default "10"), "history"?: as a request's (replays read it)}. Errors: JSON's,
/// UNKNOWN_FIELD, MISSING_FIELD (/scenarios), the document's under /scenarios, OUT_OF_RANGE
/// (/insurance_fund below 0), BAD_COUNT (/top), the history's under /history.
struct book_options {
    stress::document doc;  ///< validated
    risk::history history;
    Wad insurance_fund;
    std::size_t top = 10;
};
outcome<book_options> parse_book_options(std::string_view json_text);

}  // namespace margin::api
