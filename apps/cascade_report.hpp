// `margin cascade --html`: the liquidation cascade's report (docs/cascade.md §Report), a
// self-contained HTML page (inline SVG, no script, nothing fetched) rendered from the JSON document
// the command prints, so every figure shown is that document's exact decimal string.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cascade_report {

/// The report of `doc` ({"api_version", "cascade": {...}}, api::cascade_json's document). Charts
/// (svg.chart, one mark per step in step order, each carrying data-i = the step's index in
/// `steps` and data-value = the JSON string): per underlying `price-<SYM>` (points
/// circle.price = `price`, circle.no-feedback = `price_no_feedback`); `count` and `notional`
/// (rect.bar: liquidations per step); `fund` (circle.fund = `fund`, circle.bad-debt = the
/// cumulative `bad_debt`, circle.socialised = `socialised_loss`); `adl` (rect.bar:
/// `adl_notional`). Tables: #totals (the result's `total`), #steps (one row per step). `request`
/// names the input in the title.
std::string to_html(const nlohmann::ordered_json& doc, const std::string& request);

}  // namespace cascade_report
