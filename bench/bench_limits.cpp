// The worst requests within the stated caps (core/limits.hpp, docs/api.md "Caps"): each shape
// is built at its caps and timed through the API's doors (text in, response text out: parse,
// validate, compute, encode), in CPU time, so that the figure is the engine's time whatever
// else the machine runs. The target (issue 31): no request of the API's kinds within the
// limits takes more than 1 s of engine time; risk requests (docs/risk.md "Caps", issue 26) have
// their own caps, within which none may take more than 5 s. Figures, not a test.
//
//   bench_limits [--json]     (natively, or `node bench_limits.js` for wasm)
//
// Each figure is the median of 3 runs (CPU ms; wall ms beside it).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/limits.hpp"
#include "core/risk/history.hpp"

namespace {

using nlohmann::json;
namespace limits = margin::limits;

constexpr long long ts = 1767225600;

std::string sym(std::size_t i) {
    char b[16];
    std::snprintf(b, sizeof b, "U%02zu", i);
    return b;
}
std::string asset(std::size_t i) {
    char b[16];
    std::snprintf(b, sizeof b, "C%02zu", i);
    return b;
}
std::string expiry(std::size_t j) { return std::to_string(ts + 86400LL * static_cast<long long>(j + 1)); }

// A market at its caps: 64 underlyings x 128 expiries, each expiry derived from a rate (the
// forward and discount factor computed) with an SVI surface; 64 priced collateral assets.
json market() {
    json m = {{"timestamp", std::to_string(ts)}, {"underlyings", json::object()}, {"collateral", json::object()}};
    for (std::size_t u = 0; u < limits::max_underlyings; ++u) {
        json ex = json::array();
        for (std::size_t j = 0; j < limits::max_expiries; ++j)
            ex.push_back({{"expiry", expiry(j)},
                          {"rate", "0.05"},
                          {"forward_confidence", "10"},
                          {"svi", {{"a", "0.01"}, {"b", "0.05"}, {"rho", "-0.3"}, {"m", "0.02"}, {"sigma", "0.2"}}}});
        m["underlyings"][sym(u)] = {
            {"spot", "100000"}, {"spot_confidence", "10"}, {"perp_mark", "100010"}, {"perp_confidence", "5"}, {"expiries", std::move(ex)}};
    }
    for (std::size_t c = 0; c < limits::max_collateral; ++c) m["collateral"][asset(c)] = {{"price", "1.5"}, {"confidence", "0.01"}};
    return m;
}

// Position i of an account at its caps: options on every underlying and expiry, on distinct
// strikes (each its own Black-76 evaluation), from the surface; every 7th a perp or a future.
json position(std::size_t i, bool isolated) {
    const std::size_t u = i % limits::max_underlyings, j = (i / limits::max_underlyings) % limits::max_expiries;
    json p;
    if (i < limits::max_underlyings && i % 2 == 0)
        p = {{"type", "perp"}, {"underlying", sym(u)}, {"size", "-3"}, {"entry_price", "99000"}, {"funding", "-12.5"}};
    else if (i % 7 == 3)
        p = {{"type", "future"}, {"underlying", sym(u)}, {"expiry", expiry(j)}, {"size", "2"}, {"entry_price", "101000"}};
    else
        p = {{"type", "option"},
             {"underlying", sym(u)},
             {"expiry", expiry(j)},
             {"strike", std::to_string(60000 + 7 * i)},
             {"option_type", i % 2 ? "call" : "put"},
             {"size", i % 3 ? "-1.5" : "2"}};
    p["id"] = "p" + std::to_string(i);
    if (isolated) p["isolated_margin"] = "100000";
    return p;
}

json account(bool isolated) {
    json a = {{"cash", "100000000"}, {"collateral", json::object()}, {"positions", json::array()}};
    if (isolated) a["margin_mode"] = "isolated";
    for (std::size_t c = 0; c < limits::max_collateral; ++c) a["collateral"][asset(c)] = "1000";
    for (std::size_t i = 0; i < limits::max_positions; ++i) a["positions"].push_back(position(i, isolated));
    return a;
}

json standard_params() {
    json p = json::parse(margin::api::document("standard"));
    p["collateral"] = json::object();
    for (std::size_t c = 0; c < limits::max_collateral; ++c) p["collateral"][asset(c)] = {{"im_haircut", "0.1"}, {"mm_haircut", "0.05"}};
    return p;
}

// A portfolio document at its caps: 64 scenarios (the pmrm2 grid extended), 64 collateral
// rules (the first risk-cancelling on an underlying of the same symbol), 2,016 offsets.
json portfolio_params() {
    json p = json::parse(margin::api::document("pmrm2"));
    json sc = json::parse(margin::api::document("scenarios/pmrm2"));
    const char* vols[] = {"up", "none", "down"};
    for (std::size_t k = 0; sc["scenarios"].size() < limits::max_scenarios; ++k)
        sc["scenarios"].push_back({{"spot_shock", "1." + std::to_string(200 + k)}, {"vol", vols[k % 3]}, {"weight", "0.5"}});
    p["scenarios"] = sc;
    p["collateral"] = json::object();
    for (std::size_t c = 0; c < limits::max_collateral; ++c)
        p["collateral"][asset(c)] = {{"im_haircut", "0.1"}, {"mm_haircut", "0.05"}, {"risk_cancelling", false}};
    p["offsets"] = json::array();
    for (std::size_t a = 0; a < limits::max_underlyings; ++a)
        for (std::size_t b = a + 1; b < limits::max_underlyings; ++b)
            p["offsets"].push_back({{"underlyings", {sym(a), sym(b)}}, {"rate", "0.3"}});
    return p;
}

std::string request(const json& params, bool isolated, std::size_t positions = limits::max_positions) {
    json r = {{"api_version", "1"}, {"params", params}, {"market", market()}, {"account", account(isolated)}};
    if (params.is_string()) r["account"].erase("collateral");  // a preset accepts its own assets only
    r["account"]["positions"].erase(r["account"]["positions"].begin() + static_cast<std::ptrdiff_t>(positions),
                                    r["account"]["positions"].end());
    return r.dump();
}

// ---- risk requests at their caps (docs/risk.md "Caps")

constexpr std::size_t risk_symbols = limits::max_history_symbols;  // 16 series, one per underlying

// Position `i` of a risk account: position()'s kinds, on the first 16 underlyings only.
json risk_position(std::size_t i) { return position((i / risk_symbols) * limits::max_underlyings + i % risk_symbols, false); }

// 16 series of 20,000 days each (the caps), ending on the market's day: a seeded random walk of
// at most 3% a day in cents, as CSV text.
json risk_history() {
    json h = json::object();
    const std::int32_t last = static_cast<std::int32_t>(ts / 86400), first = last - limits::max_history_days + 1;
    for (std::size_t u = 0; u < risk_symbols; ++u) {
        std::uint64_t x = 0x9E3779B97F4A7C15ULL * (u + 1);
        std::int64_t cents = 10'000'000;
        std::string csv = "date,close\n";
        for (std::int32_t d = first; d <= last; ++d) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            const std::int64_t step = static_cast<std::int64_t>((x >> 33) % 601) - 300;  // -3.00% .. +3.00%
            cents = std::max<std::int64_t>(100, cents + cents * step / 10'000);
            csv +=
                margin::risk::format_date(d) + "," + std::to_string(cents / 100) + "." + std::to_string(100 + cents % 100).substr(1) + "\n";
        }
        h[sym(u)] = std::move(csv);
    }
    return h;
}

// A risk request: `options` options (distinct strikes) and then futures up to `positions`, on 16
// underlyings, with the history at its caps and `risk` as given.
std::string risk_request(const json& risk, std::size_t options, std::size_t positions, const json& history) {
    json m = market(), u = json::object();
    for (std::size_t k = 0; k < risk_symbols; ++k) u[sym(k)] = m["underlyings"][sym(k)];
    m["underlyings"] = std::move(u);
    m["collateral"] = json::object();
    json a = {{"cash", "100000000"}, {"positions", json::array()}};
    std::size_t n_options = 0;
    for (std::size_t i = 0; a["positions"].size() < positions; ++i) {
        json p = risk_position(i);
        const bool option = p["type"] == "option";
        if (option && n_options == options) continue;
        if (!option && p["type"] != "future" && n_options < options) continue;  // perps first would crowd out options
        n_options += option ? 1 : 0;
        a["positions"].push_back(std::move(p));
    }
    return json{{"api_version", "1"}, {"market", std::move(m)}, {"account", std::move(a)}, {"risk", risk}, {"history", history}}.dump();
}

// A request whose cost is its text: `filler` (16 MiB less the rest) placed where the
// decoder meets it last.
std::string padded(const std::string& before, std::size_t reserve, const std::function<std::string(std::size_t)>& filler,
                   const std::string& after) {
    const std::size_t room = limits::max_document_bytes - before.size() - after.size() - reserve;
    return before + filler(room) + after;
}

struct shape {
    const char* name;
    const char* what;
    std::string text;
    std::function<margin::api::reply(const std::string&)> run;
};

double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
    bool as_json = false;
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--json") == 0)
            as_json = true;
        else
            only.push_back(argv[i]);
    }
    auto compute = [](const std::string& t) { return margin::api::compute_json(t, false); };
    std::vector<shape> shapes;

    const std::string standard = request(standard_params(), false);
    const std::string isolated = request(standard_params(), true);
    // Under the portfolio model an account holds at most min(4,000, 128,000 / scenarios) positions (limits::position_cap).
    const std::size_t cap31 = limits::position_cap(true, 31), cap64 = limits::position_cap(true, 64);
    const std::string pmrm2 = request("pmrm2", false, cap31);
    const std::string span16 = request("span16", false, limits::position_cap(true, 16));
    const std::string portfolio = request(portfolio_params(), false, cap64);
    {
        json one = json::parse(standard);
        one["account"]["positions"] = json::array({position(1, false)});
        shapes.push_back(
            {"expiries", "64 underlyings x 128 expiries (rates and SVI derived), 64 collateral assets, 1 position", one.dump(), compute});
    }
    shapes.push_back(
        {"standard", "standard cross: 10,000 positions over 64 x 128 expiries (options from SVI), 64 collateral", standard, compute});
    shapes.push_back({"isolated", "standard isolated: the same account, each position margined alone", isolated, compute});
    shapes.push_back({"pmrm2", "portfolio, pmrm2 preset (31 scenarios): 4,000 positions (its cap) of the same market", pmrm2, compute});
    shapes.push_back({"span16", "portfolio, span16 preset (16 scenarios): 4,000 positions (its cap) of the same market", span16, compute});
    shapes.push_back(
        {"portfolio-64", "portfolio/1 at its caps: 64 scenarios, 64 collateral rules, 2,016 offsets; 2,000 positions", portfolio, compute});
    shapes.push_back({"portfolio-1", "portfolio-64's market and parameters, one position", request(portfolio_params(), false, 1), compute});
    shapes.push_back({"scenario-pmrm2", "margin scenario 0 of pmrm2", pmrm2,
                      [](const std::string& t) { return margin::api::scenario_json(t, 0, false); }});
    shapes.push_back({"scenario", "margin scenario 0 of portfolio-64", portfolio,
                      [](const std::string& t) { return margin::api::scenario_json(t, 0, false); }});
    shapes.push_back({"canonical", "the canonical encoding of portfolio-64", portfolio, [](const std::string& t) {
                          const auto r = margin::api::parse_request(t);
                          return margin::api::reply{r.ok() ? margin::api::canonical_request(r.value) : std::string(), r.err};
                      }});
    {
        // A trade of 10,000 positions, every one on a held instrument (the sizes merge).
        auto trade_of = [](std::size_t n) {
            json trade = {{"positions", json::array()}};
            for (std::size_t i = 0; i < n; ++i) {
                json p = position(i, false);
                p.erase("id");
                p["size"] = "1";
                trade["positions"].push_back(std::move(p));
            }
            return trade.dump();
        };
        const std::string t = trade_of(limits::max_positions), t64 = trade_of(cap64), t31 = trade_of(cap31);
        shapes.push_back({"preview", "preview: 10,000 held positions, a trade of 10,000 on them (standard)", standard,
                          [t](const std::string& r) { return margin::api::preview_json(r, t, false); }});
        shapes.push_back({"preview-pmrm2", "preview: 4,000 held positions under pmrm2, a trade of 4,000 on them", pmrm2,
                          [t31](const std::string& r) { return margin::api::preview_json(r, t31, false); }});
        shapes.push_back({"preview-64", "preview: 2,000 held positions under portfolio-64, a trade of 2,000 on them", portfolio,
                          [t64](const std::string& r) { return margin::api::preview_json(r, t64, false); }});
    }
    {
        const std::string head = R"({"api_version":"1","market":{"timestamp":"1767225600","underlyings":{}},"account":{"positions":[)";
        shapes.push_back({"deep", "16 MiB of arrays nested 15 deep (refused at 2,000,000 values)",
                          padded(R"({"api_version":"1","zz":[)", 2,
                                 [](std::size_t room) {
                                     std::string s;
                                     const std::string unit = "[[[[[[[[[[[[[[]]]]]]]]]]]]]],";
                                     while (s.size() + unit.size() + 1 < room) s += unit;
                                     return s + "0";
                                 },
                                 "]}"),
                          compute});
        shapes.push_back({"long-string", "a 16 MiB position id",
                          padded(
                              head + R"({"type":"perp","underlying":"BTC","size":"1","id":")", 0,
                              [](std::size_t room) { return std::string(room, 'x'); }, R"("}]}})"),
                          compute});
        shapes.push_back({"long-key", "a 16 MiB underlying symbol",
                          padded(R"({"api_version":"1","market":{"timestamp":"1767225600","underlyings":{")", 0,
                                 [](std::size_t room) { return std::string(room, 'B'); }, R"(":{"spot":"1"}}}})"),
                          compute});
        shapes.push_back({"long-decimal", "a 16 MiB decimal (leading zeros)",
                          padded(
                              head + R"({"type":"perp","underlying":"BTC","size":")", 0,
                              [](std::size_t room) { return std::string(room - 1, '0') + "1"; }, R"("}]}})"),
                          compute});
        shapes.push_back({"many-fields", "16 MiB of distinct keys in one object (refused at 1,024 members)",
                          padded(R"({"api_version":"1","account":{)", 0,
                                 [](std::size_t room) {
                                     std::string s;
                                     for (std::size_t i = 0;; ++i) {
                                         const std::string kv = "\"k" + std::to_string(i) + "\":\"1\",";
                                         if (s.size() + kv.size() + 12 > room) break;
                                         s += kv;
                                     }
                                     return s + "\"zz\":\"1\"";
                                 },
                                 "}}"),
                          compute});
    }

    {
        // Full revaluation prices options x scenarios one by one: at most 500,000 of them; the rest
        // of the (positions + moving collateral) x scenarios cap of 2,000,000 is filled with futures.
        const json history = risk_history();
        const std::size_t lookback = limits::max_lookback_days;
        const std::size_t options = limits::max_full_option_revaluations / lookback, cells = limits::max_risk_cells / lookback;
        auto risk = [](const std::string& t) { return margin::api::risk_json(t, false); };
        for (const char* method : {"historical", "filtered_historical"})
            shapes.push_back({std::string(method) == "historical" ? "risk-hs" : "risk-fhs",
                              "risk: 137 options + 410 futures on 16 underlyings x 3,650 scenarios (full revaluation at both caps), "
                              "16 series of 20,000 days",
                              risk_request({{"method", method}, {"lookback_days", std::to_string(lookback)}}, options, cells, history),
                              risk});
        // Monte Carlo: 100,000 normal paths (20 positions: the cell cap), and Student t with 30 degrees
        // of freedom at the normal-draw cap (10,000 paths x 16 symbols x 31 draws).
        const std::size_t paths = static_cast<std::size_t>(limits::max_paths), per_path = limits::max_risk_cells / paths;
        shapes.push_back(
            {"risk-mc", "risk: Monte Carlo, normal, 100,000 paths x 20 positions (16 underlyings, grid), 16 series of 20,000 days",
             risk_request({{"method", "monte_carlo"}, {"paths", std::to_string(paths)}, {"lookback_days", std::to_string(lookback)}},
                          per_path, per_path, history),
             risk});
        shapes.push_back({"risk-mc-t",
                          "risk: Monte Carlo, Student t (30 dof), 10,000 paths x 16 symbols: 4,960,000 normal draws (the cap 5,000,000)",
                          risk_request({{"method", "monte_carlo"},
                                        {"innovations", "student_t"},
                                        {"dof", "30"},
                                        {"paths", "10000"},
                                        {"lookback_days", std::to_string(lookback)}},
                                       per_path, per_path, history),
                          risk});
        shapes.push_back({"risk-mc-over", "risk: Monte Carlo, Student t (30 dof), 100,000 paths x 16 symbols: refused (49,600,000 draws)",
                          risk_request({{"method", "monte_carlo"},
                                        {"innovations", "student_t"},
                                        {"dof", "30"},
                                        {"paths", std::to_string(paths)},
                                        {"lookback_days", std::to_string(lookback)}},
                                       per_path, per_path, history),
                          risk});
        shapes.push_back({"risk-dg", "risk: delta-gamma, 4,000 positions on 16 underlyings, 16 series of 20,000 days",
                          risk_request({{"method", "delta_gamma"}, {"lookback_days", std::to_string(lookback)}}, 4000, 4000, history),
                          risk});
    }

    if (as_json) std::printf("[\n");
    for (std::size_t k = 0; k < shapes.size(); ++k) {
        const shape& s = shapes[k];
        if (!only.empty() && std::find(only.begin(), only.end(), s.name) == only.end()) continue;
        std::vector<double> cpu, wall;
        std::string answer;
        for (int rep = 0; rep < 3; ++rep) {
            const double c0 = cpu_ms();
            const auto w0 = std::chrono::steady_clock::now();
            const auto r = s.run(s.text);
            wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count());
            cpu.push_back(cpu_ms() - c0);
            answer = r.ok() ? "ok" : std::string(margin::name(r.err->code)) + " " + r.err->path.substr(0, 40);
        }
        std::sort(cpu.begin(), cpu.end());
        std::sort(wall.begin(), wall.end());
        if (as_json)
            std::printf("  {\"shape\": \"%s\", \"bytes\": %zu, \"cpu_ms\": %.1f, \"wall_ms\": %.1f, \"answer\": \"%s\"}%s\n", s.name,
                        s.text.size(), cpu[1], wall[1], answer.c_str(), k + 1 < shapes.size() ? "," : "");
        else
            std::printf("%-14s %9zu B  %8.1f ms CPU  %8.1f ms wall  %-24s %s\n", s.name, s.text.size(), cpu[1], wall[1], answer.c_str(),
                        s.what);
    }
    if (as_json) std::printf("]\n");
    return 0;
}
