// `margin dynamic`: the daily dynamic parameter series over a price history (docs/dynamic-params.md):
// each underlying's scale and anti-procyclicality tools (core/risk/dynamic.hpp), the varying fields
// of each day's dynamic pmrm2 document and haircuts, the largest day-to-day change of each field
// against the clearing house's timelock step limits, one day's whole document, and (--compare) the
// procyclicality and coverage of static pmrm2 against each dynamic variant on the reference
// portfolios of the backtest, on BTC and on ETH.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/response.hpp"
#include "backtest_report.hpp"
#include "command_io.hpp"
#include "core/risk/dynamic.hpp"
#include "dynamic_setup.hpp"
#include "parallel.hpp"

namespace {

using margin::error;
using margin::error_code;
using json = nlohmann::ordered_json;
namespace risk = margin::risk;
using fp::Wad;

constexpr const char* dynamic_usage =
    "usage: margin dynamic --prices DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--underlyings BTC,ETH]\n"
    "                      [--variants none,buffer,stressed,floor,all] [--config FILE] [--json FILE] [--csv FILE]\n"
    "                      [--compare] [--horizon DAYS] [--table FILE] [--threads N]\n"
    "       margin dynamic --prices DIR --document YYYY-MM-DD --underlying SYM [--variant V] [--from D] [--config FILE]\n"
    "  variants: none (the plain dynamic scale), buffer (a), stressed (b), floor (c), all (a+b+c); docs/dynamic-params.md\n";

int fail(const std::string& why) { return command_io::usage_error("dynamic", why, dynamic_usage); }
using command_io::engine_error;

std::string f(const Wad& w) { return fp::format(w); }

// Each field's largest day-to-day change and, for the fields Timelock.sol step-limits, how many
// daily updates its rule would refuse: "relative" |new - old| <= max(0.25 |old|, 0.01) (loss
// factors), "tail" <= 0.05 (the smallest and largest spot shock), "none" (bounds only).
json steps_json(const std::vector<dynamic_setup::day_params>& days) {
    json out = json::object();
    const auto field = [&](const char* name, auto get, const char* limit) {
        Wad largest;
        std::int32_t at = 0;
        std::int64_t beyond = 0;
        for (std::size_t i = 1; i < days.size(); ++i) {
            const Wad a = get(days[i - 1]), b = get(days[i]);
            const Wad d = fp::abs(fp::sub(b, a).value).value;
            if (i == 1 || d > largest) {
                largest = d;
                at = days[i].day;
            }
            if (std::string(limit) == "relative") {
                const Wad quarter =
                    fp::mul(fp::abs(a).value, Wad::from_raw(fp::I256::from_i128(250'000'000'000'000'000)), fp::rounding::floor).value;
                const Wad bound = fp::max(quarter, Wad::from_raw(fp::I256::from_i128(10'000'000'000'000'000)));
                beyond += d > bound ? 1 : 0;
            } else if (std::string(limit) == "tail") {
                beyond += d > Wad::from_raw(fp::I256::from_i128(50'000'000'000'000'000)) ? 1 : 0;
            }
        }
        json j;
        j["largest_daily_change"] = f(largest);
        j["day"] = days.size() > 1 ? risk::format_date(at) : "";
        j["step_limit"] = std::string(limit) == "relative" ? "max(0.25 |old|, 0.01)"
                          : std::string(limit) == "tail"   ? "0.05"
                                                           : "none (bounds only)";
        if (std::string(limit) != "none") j["updates_beyond_limit"] = std::to_string(beyond);
        out[name] = j;
    };
    field(
        "imFactor", [](const auto& d) { return d.params.loss.im_factor; }, "relative");
    field(
        "mmFactor", [](const auto& d) { return d.params.loss.mm_factor; }, "relative");
    field(
        "minSpotShock", [](const auto& d) { return dynamic_setup::tails(d.params).first; }, "tail");
    field(
        "maxSpotShock", [](const auto& d) { return dynamic_setup::tails(d.params).second; }, "tail");
    field(
        "gridDown", [](const auto& d) { return dynamic_setup::grid_edges(d.params).first; }, "none");
    field(
        "gridUp", [](const auto& d) { return dynamic_setup::grid_edges(d.params).second; }, "none");
    field(
        "rangeUp", [](const auto& d) { return d.params.vol_shock.range_up; }, "none");
    field(
        "rangeDown", [](const auto& d) { return d.params.vol_shock.range_down; }, "none");
    field(
        "scale", [](const auto& d) { return d.row.scale; }, "none");
    return out;
}

}  // namespace

int dynamic_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(dynamic_usage);
    dynamic_setup::options o;
    std::string json_file, csv_file, table_file, document_day, document_underlying, document_variant = "all";
    bool compare = false;
    const auto number = command_io::count_arg;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--compare") {
            compare = true;
            continue;
        }
        if (i + 1 >= args.size()) return fail(a.rfind("--", 0) == 0 ? a + " needs a value" : "unexpected argument " + a);
        const std::string& v = args[++i];
        std::int64_t n = 0;
        const std::map<std::string, std::string*> text = {{"--prices", &o.prices},
                                                          {"--from", &o.from},
                                                          {"--to", &o.to},
                                                          {"--underlyings", &o.underlyings},
                                                          {"--variants", &o.variants},
                                                          {"--config", &o.config_file},
                                                          {"--json", &json_file},
                                                          {"--csv", &csv_file},
                                                          {"--table", &table_file},
                                                          {"--document", &document_day},
                                                          {"--underlying", &document_underlying},
                                                          {"--variant", &document_variant}};
        if (const auto it = text.find(a); it != text.end())
            *it->second = v;
        else if (a == "--threads") {
            if (!number(v, 1, 64, o.threads)) return fail("--threads is 1 .. 64");
        } else if (a == "--horizon") {
            if (!number(v, 1, 30, n)) return fail("--horizon is 1 .. 30 days");
            o.horizon = static_cast<std::int32_t>(n);
        } else
            return fail("unknown option " + a);
    }
    if (o.prices.empty()) return fail("--prices DIR is required");
    if (!document_day.empty()) {
        if (document_underlying.empty()) return fail("--document takes --underlying SYM");
        o.underlyings = document_underlying;
        o.variants = document_variant;
        o.to = document_day;  // the series from --from: the buffer (a) depends on the path to the day
    }
    auto setup = dynamic_setup::prepare(o);
    if (!setup.ok()) return engine_error(*setup.err);
    dynamic_setup::state& st = setup.value;

    if (!document_day.empty()) {
        std::printf("%s\n", dynamic_setup::document_text(st.runs.at(0).days.back().params, st.runs.at(0).underlying, st.runs.at(0).variant,
                                                         document_day)
                                .c_str());
        return 0;
    }

    json doc;
    json& d = doc["dynamic"];
    d["from"] = o.from;
    d["to"] = o.to;
    d["config"] = dynamic_setup::config_json(st);
    json series = json::array(), steps = json::array();
    std::string csv =
        "underlying,variant,day,ewma_sigma,long_sigma,stressed_sigma,sigma,scale,im_multiplier,grid_down,grid_up,"
        "range_up,range_down,im_factor,mm_haircut,im_haircut\n";
    for (const auto& run : st.runs) {
        json s;
        s["underlying"] = run.underlying;
        s["variant"] = run.variant;
        // the asset's portfolio/1 collateral rule on each day: mm_haircut from its column, the size
        // term per account (docs/margin.md "Collateral depth"), not at the reference holding
        if (const auto hc = st.haircuts.find(run.underlying); hc != st.haircuts.end())
            s["collateral"][run.underlying] = {{"im_haircut", "0"},
                                               {"depth", f(hc->second.rule.depth)},
                                               {"liquidity", f(hc->second.rule.liquidity)},
                                               {"risk_cancelling", true}};
        std::map<std::string, json> cols;
        for (const char* k : {"day", "ewma_sigma", "long_sigma", "stressed_sigma", "sigma", "scale", "im_multiplier", "grid_down",
                              "grid_up", "range_up", "range_down", "im_factor", "mm_haircut", "im_haircut"})
            cols[k] = json::array();
        for (const auto& day : run.days) {
            const auto [down, up] = dynamic_setup::grid_edges(day.params);
            const std::vector<std::pair<const char*, std::string>> row = {{"day", risk::format_date(day.day)},
                                                                          {"ewma_sigma", f(day.row.ewma_sigma)},
                                                                          {"long_sigma", f(day.row.long_sigma)},
                                                                          {"stressed_sigma", f(day.row.stressed_sigma)},
                                                                          {"sigma", f(day.row.sigma)},
                                                                          {"scale", f(day.row.scale)},
                                                                          {"im_multiplier", f(day.row.im_multiplier)},
                                                                          {"grid_down", f(down)},
                                                                          {"grid_up", f(up)},
                                                                          {"range_up", f(day.params.vol_shock.range_up)},
                                                                          {"range_down", f(day.params.vol_shock.range_down)},
                                                                          {"im_factor", f(day.params.loss.im_factor)},
                                                                          {"mm_haircut", f(day.mm_haircut)},
                                                                          {"im_haircut", f(day.im_haircut)}};
            csv += run.underlying + "," + run.variant;
            for (const auto& [k, v] : row) {
                cols[k].push_back(v);
                csv += "," + v;
            }
            csv += "\n";
        }
        for (const char* k : {"day", "ewma_sigma", "long_sigma", "stressed_sigma", "sigma", "scale", "im_multiplier", "grid_down",
                              "grid_up", "range_up", "range_down", "im_factor", "mm_haircut", "im_haircut"})
            s[k] = cols[k];
        series.push_back(s);
        json t;
        t["underlying"] = run.underlying;
        t["variant"] = run.variant;
        t["fields"] = steps_json(run.days);
        steps.push_back(t);
    }
    d["series"] = series;
    d["steps"] = steps;
    std::string table;
    if (compare) {
        auto cmp = dynamic_setup::compare(st, o);
        if (!cmp.ok()) return engine_error(*cmp.err);
        d["comparison"] = dynamic_setup::comparison_json(cmp.value);
        table = dynamic_setup::comparison_table(cmp.value);
    }
    const auto write = command_io::write_output;
    if (json_file.empty() && csv_file.empty() && table_file.empty()) json_file = "-";
    if (!json_file.empty() && !write(json_file, doc.dump(1) + "\n")) return fail("cannot write " + json_file);
    if (!csv_file.empty() && !write(csv_file, csv)) return fail("cannot write " + csv_file);
    if (!table_file.empty() && !write(table_file, table)) return fail("cannot write " + table_file);
    return 0;
}
