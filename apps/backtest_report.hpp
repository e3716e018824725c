// `margin backtest` (docs/backtest.md): the results of one run and their two renderings,
// the JSON document and the self-contained HTML report (inline SVG, no script, nothing
// fetched).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/risk/backtest.hpp"

namespace backtest_report {

/// The report statistics of one coverage sequence (double; docs/backtest.md §Statistics).
struct tests {
    double expected = 0, kupiec_lr = 0, kupiec_p = 1, christoffersen_lr = 0, christoffersen_p = 1, cc_lr = 0, cc_p = 1;
};
tests tests_of(const margin::risk::bt_coverage& c, double p);

/// One portfolio under one model.
struct result {
    std::string portfolio, model;
    bool has_var = false;  ///< an es model: the VaR level's coverage is the tested one
    std::vector<margin::risk::bt_day> days;
    margin::risk::bt_summary summary;
    tests margin_tests, var_tests;
    // es models: the last formed day's scenario P&L distribution, its VaR and ES, and the realised P&L
    std::vector<fp::Wad> last_pnl;
    fp::Wad last_var, last_es, last_realised_pnl;
    std::int32_t last_day = 0;
};

struct run {
    std::string from, to;
    std::int32_t horizon_days = 2, stride = 2;
    std::int64_t mc_paths = 0;
    double wall_seconds = 0;  ///< not in the JSON (it would not be deterministic); printed on stderr
    margin::risk::bt_options options;
    std::vector<result> results;  ///< portfolio-major, in the order asked
};

/// The JSON document (docs/backtest.md §Output); `daily` adds each day's figures.
std::string to_json(const run& r, bool daily);
/// The HTML report.
std::string to_html(const run& r);
/// The closing table as Markdown (portfolio, model, exceptions, Kupiec p, zone, average margin, peak-to-trough).
std::string to_table(const run& r);

}  // namespace backtest_report
