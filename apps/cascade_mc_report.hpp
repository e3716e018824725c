// `margin cascade --html` with a Monte Carlo (docs/cascade-monte-carlo.md): the bad-debt
// report, a self-contained HTML page (inline SVG, no script, nothing fetched) rendered from the
// JSON document the command prints, so every figure shown is that document's exact decimal string.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cascade_mc_report {

/// The report of `doc` ({"api_version", "cascade_monte_carlo": {...}}): the summary table
/// (#summary: the figures as the JSON's strings), the histogram of the listed paths' bad debts
/// (svg#histogram: rect.bar per bin with data-lo, data-hi, data-count: bin 0 holds the paths with
/// bad debt 0, bin i >= 1 those with lo < b <= hi, hi = floor(max i / B) exactly, B = min(20, N),
/// the last hi = max), and vertical line.marker for var_95, es_95, var_99, es_99 and fund_99
/// (data-name, data-value) on the same linear axis as the bins' edges; the worst paths (#worst).
std::string to_html(const nlohmann::ordered_json& doc, const std::string& request);

}  // namespace cascade_mc_report
