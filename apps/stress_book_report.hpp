// `margin stress-book --html`: the book-stress report (docs/stress.md §Book-level stress), a
// self-contained HTML page (inline SVG, no script, nothing fetched) rendered from the JSON
// document the command prints, so every figure shown is that document's exact decimal string.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace stress_book_report {

/// The report of `doc` ({"api_version", "stress_book": {...}}, api::encode_book's document).
/// Per scenario (one bar each, in the document's order, each carrying data-i, data-name and
/// data-value = the JSON string): the liquidatable accounts (newly liquidatable marked), the
/// shortfall against a line at the insurance fund, the book's P&L; the summary, the scenario
/// table, the worst scenario's top contributors, the accounts most often among the top and each
/// scenario's top contributors. `book` and `set` name the inputs in the title.
std::string to_html(const nlohmann::ordered_json& doc, const std::string& book, const std::string& set);

}  // namespace stress_book_report
