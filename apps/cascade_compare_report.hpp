// `margin cascade --compare`: the models compared on one book and shock (docs/cascade.md "Models
// compared") as a text table (--table) and a self-contained HTML report (--html: the table and
// inline-SVG bar plots, no script, nothing fetched), both from the JSON document the command
// prints, so every figure shown is that document's exact decimal string.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cascade_compare_report {

/// The columns, in order: the row's keys (amplification: one column per underlying, "amp SYM").
/// Every cell is the JSON's value as written (a decimal string, a count, "null").
std::string to_table(const nlohmann::ordered_json& doc);

/// The report of `doc` ({"api_version", "cascade_compare": [...]}): a table (id 'compare', one
/// row per model with data-model, each cell with data-key and its JSON text) and one bar plot per
/// figure (liquidations, bad debt, capital locked, notional liquidated; each bar with data-model
/// and data-value = the JSON text).
std::string to_html(const nlohmann::ordered_json& doc);

}  // namespace cascade_compare_report
