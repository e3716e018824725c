// The machinery shared by `margin dynamic` and `margin param-impact` (docs/dynamic-params.md):
// the price files, the dynamic/1 configuration, each underlying's daily dynamic parameters per
// variant, and the backtest of the reference portfolios (the backtest's single-underlying set, on
// each underlying) under static or daily parameters: procyclicality and IM / MM coverage.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backtest_report.hpp"
#include "core/model.hpp"
#include "core/risk/dynamic.hpp"

namespace dynamic_setup {

using fp::Wad;

struct options {
    std::string prices, from = "2018-01-01", to = "2024-12-31", underlyings = "BTC,ETH";
    std::string variants = "none,buffer,stressed,floor,all", config_file;
    std::int64_t threads = 2;
    std::int32_t horizon = 2;
};

/// One day of one underlying under one variant: the core figures, the whole scenario/1
/// parameters, and the collateral haircuts of the underlying's asset (MM: volatility part;
/// IM add-on: the size-against-depth part at the configured value).
struct day_params {
    std::int32_t day = 0;
    margin::risk::dyn_day row;
    margin::scenario::params params;
    Wad mm_haircut, im_haircut;
};

struct run {
    std::string underlying, variant;
    std::vector<day_params> days;
};

struct asset_haircut {
    margin::risk::haircut_rule rule;
    Wad value;  ///< the holding (USD) at which the IM add-on is stated
};

struct state {
    std::shared_ptr<margin::risk::history> hist;
    std::int32_t first = 0, last = 0;
    margin::scenario::params base;         ///< the static document (pmrm2)
    margin::risk::dyn_config config;       ///< tools off; per-underlying reference sigma set per run
    std::map<std::string, Wad> reference;  ///< sigma_ref per underlying
    std::string reference_rule;            ///< how they were found
    std::map<std::string, asset_haircut> haircuts;
    std::vector<std::string> underlyings;
    std::vector<run> runs;  ///< underlying-major, variants in the order asked
};

/// Split on commas.
std::vector<std::string> split(const std::string& s);

/// The closes of `symbols` from DIR/<symbol lower case>-usd.csv. Errors: NO_HISTORY
/// ("/history/SYM") for a missing file, the CSV's own (docs/risk.md).
margin::outcome<std::shared_ptr<margin::risk::history>> load_prices(const std::string& dir, const std::vector<std::string>& symbols);

/// Everything `margin dynamic` computes but the comparison. Errors with codes and paths:
/// the configuration's (UNKNOWN_FIELD, WRONG_TYPE, BAD_DECIMAL, UNSUPPORTED_VERSION,
/// OUT_OF_RANGE under "/dynamic"), dates (HISTORY_SYNTAX "/dynamic/from", "/dynamic/to"),
/// BAD_ENUM ("/dynamic/variants"), the histories' (HISTORY_TOO_SHORT "/history/SYM").
margin::outcome<state> prepare(const options& o);

/// The smallest and largest spot shock of all scenarios (the timelock's tails), and the
/// full-weight grid's lowest and highest spot shock.
std::pair<Wad, Wad> tails(const margin::scenario::params& p);
std::pair<Wad, Wad> grid_edges(const margin::scenario::params& p);

/// One day's dynamic pmrm2 as a scenario/1 document (what `margin param-hash` reads).
std::string document_text(const margin::scenario::params& p, const std::string& underlying, const std::string& variant,
                          const std::string& date);
nlohmann::ordered_json config_json(const state& s);

/// A parameter variant of the comparison: fixed parameters, or a grid per underlying per day
/// (index 0 = the window's first day).
struct variant {
    std::string name;
    margin::scenario::params fixed;
    std::map<std::string, std::vector<margin::scenario::params>> daily;  ///< empty: `fixed` every day
};

struct comparison_row {
    std::string underlying, portfolio, variant;
    margin::risk::bt_summary summary;  ///< IM figures (procyclicality, IM coverage)
    margin::risk::bt_coverage mm_cov;  ///< loss > MM, every stride-th day
    backtest_report::tests im_tests, mm_tests;
    std::vector<margin::risk::bt_day> days;
};

/// The reference portfolios (the backtest's set but the BTC/ETH pair, formed on each
/// underlying) over first .. last under every variant, portfolio-major within an underlying.
margin::outcome<std::vector<comparison_row>> backtest_variants(const margin::risk::history& h, std::int32_t first, std::int32_t last,
                                                               std::int32_t horizon, const std::vector<std::string>& underlyings,
                                                               const std::vector<variant>& variants, std::int64_t threads);
/// The comparison of `margin dynamic --compare`: static pmrm2 and each variant of `s`.
margin::outcome<std::vector<comparison_row>> compare(const state& s, const options& o);
nlohmann::ordered_json comparison_json(const std::vector<comparison_row>& rows);
std::string comparison_table(const std::vector<comparison_row>& rows);

}  // namespace dynamic_setup
