// `margin backtest`: the margin of each model against the realised h-day loss of the shipped
// portfolio set, every day of a price history (docs/backtest.md). The engine's figures are
// integer and deterministic (core/risk/backtest.hpp); this shell reads the files, runs the
// (portfolio, model) pairs on up to --threads threads, computes the report statistics in
// double (backtest_stats.hpp) and writes the JSON document, the HTML report and the table.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "api/request.hpp"
#include "api/response.hpp"
#include "api/risk.hpp"
#include "backtest_report.hpp"
#include "command_io.hpp"
#include "core/margin.hpp"
#include "core/validate.hpp"
#include "parallel.hpp"

namespace {

using margin::error;
using margin::error_code;
namespace risk = margin::risk;

constexpr const char* backtest_usage =
    "usage: margin backtest --prices DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--horizon DAYS]\n"
    "                       [--portfolios NAME,...] [--models standard,pmrm2,span16,es_hs,es_fhs,es_mc]\n"
    "                       [--mc-paths N] [--threads N] [--json FILE] [--html FILE] [--table FILE] [--daily]\n"
    "  portfolios: long_btc short_btc_perp short_strangle covered_call calendar_spread btc_eth_pair\n"
    "              risk_reversal delta_hedged_short_straddle (default: all)\n";

constexpr const char* model_names[] = {"standard", "pmrm2", "span16", "es_hs", "es_fhs", "es_mc"};

int fail(const std::string& why) { return command_io::usage_error("backtest", why, backtest_usage); }
using command_io::engine_error;

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t comma = s.find(',', start);
        out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

// The model's parameters, from the shipped documents through the API's own decoder.
margin::outcome<margin::request> model_template(const std::string& name, std::int64_t mc_paths, std::int32_t horizon) {
    const std::string preset = name.rfind("es_", 0) == 0 ? "es" : name;
    const std::string text = R"({"api_version": "1", "market": {"timestamp": "1", "underlyings": {"BTC": {"spot": "1"}}},)"
                             R"( "account": {"cash": "0"}, "params": ")" +
                             preset + "\"" + (preset == "es" ? R"(, "history": {"BTC": "date,close\n2020-01-01,1\n"})" : "") + "}";
    auto r = margin::api::parse_request(text);
    if (!r.ok()) return r;
    if (preset == "es") {
        risk::params& p = r.value.es.risk;
        p.kind = name == "es_hs"    ? risk::method::historical
                 : name == "es_fhs" ? risk::method::filtered_historical
                                    : risk::method::monte_carlo;
        p.paths = mc_paths;
        p.horizon_days = horizon;
        if (auto e = risk::validate(p, "/backtest")) return margin::outcome<margin::request>::failure(*e);
    }
    return r;
}

}  // namespace

int backtest_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(backtest_usage);
    std::string prices, from = "2018-01-01", to = "2024-12-31", json_file = "-", html_file, table_file;
    std::string portfolios_arg, models_arg = "standard,pmrm2,span16,es_hs,es_fhs,es_mc";
    std::int64_t mc_paths = 2000, threads = 2;
    std::int32_t horizon = 2;
    bool daily = false;
    const auto number = command_io::count_arg;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--daily") {
            daily = true;
            continue;
        }
        if (!has_value) return fail(a.rfind("--", 0) == 0 ? a + " needs a value" : "unexpected argument " + a);
        const std::string& v = args[++i];
        std::int64_t n = 0;
        if (a == "--prices")
            prices = v;
        else if (a == "--from")
            from = v;
        else if (a == "--to")
            to = v;
        else if (a == "--portfolios")
            portfolios_arg = v;
        else if (a == "--models")
            models_arg = v;
        else if (a == "--json")
            json_file = v;
        else if (a == "--html")
            html_file = v;
        else if (a == "--table")
            table_file = v;
        else if (a == "--mc-paths") {
            if (!number(v, 1, 100000, mc_paths)) return fail("--mc-paths is 1 .. 100000");
        } else if (a == "--threads") {
            if (!number(v, 1, 64, threads)) return fail("--threads is 1 .. 64");
        } else if (a == "--horizon") {
            if (!number(v, 1, 30, n)) return fail("--horizon is 1 .. 30 days");
            horizon = static_cast<std::int32_t>(n);
        } else
            return fail("unknown option " + a);
    }
    if (prices.empty()) return fail("--prices DIR is required (DIR/btc-usd.csv, DIR/eth-usd.csv)");

    // inputs
    const auto from_day = risk::parse_date(from), to_day = risk::parse_date(to);
    if (!from_day) return engine_error({error_code::HISTORY_SYNTAX, "/backtest/from", "not a date YYYY-MM-DD: " + from});
    if (!to_day) return engine_error({error_code::HISTORY_SYNTAX, "/backtest/to", "not a date YYYY-MM-DD: " + to});
    std::vector<risk::bt_portfolio> portfolios;
    if (portfolios_arg.empty()) {
        for (std::size_t i = 0; i < risk::bt_portfolio_names.size(); ++i) portfolios.push_back(static_cast<risk::bt_portfolio>(i));
    } else {
        for (const std::string& name : split(portfolios_arg)) {
            std::size_t i = 0;
            while (i < risk::bt_portfolio_names.size() && risk::bt_portfolio_names[i] != name) ++i;
            if (i == risk::bt_portfolio_names.size())
                return engine_error({error_code::BAD_ENUM, "/backtest/portfolios", "no portfolio \"" + name + "\" in the shipped set"});
            portfolios.push_back(static_cast<risk::bt_portfolio>(i));
        }
    }
    std::vector<std::string> models = split(models_arg);
    std::vector<margin::request> templates;
    for (const std::string& m : models) {
        bool known = false;
        for (const char* k : model_names) known = known || m == k;
        if (!known)
            return engine_error(
                {error_code::BAD_ENUM, "/backtest/models", "no model \"" + m + "\" (standard, pmrm2, span16, es_hs, es_fhs, es_mc)"});
        auto t = model_template(m, mc_paths, horizon);
        if (!t.ok()) return engine_error(*t.err);
        templates.push_back(std::move(t.value));
    }
    auto hist = std::make_shared<risk::history>();
    bool needs_eth = false;
    for (const auto p : portfolios) needs_eth = needs_eth || p == risk::bt_portfolio::btc_eth_pair;
    for (const std::string sym : {"BTC", "ETH"}) {
        if (sym == "ETH" && !needs_eth) continue;
        const std::string path = command_io::price_file(prices, sym);
        std::string text;
        if (!read_all(path, text)) return engine_error({error_code::NO_HISTORY, "/history/" + sym, "cannot read " + path});
        auto s = margin::api::parse_history_csv(text, "/history/" + sym, path);
        if (!s.ok()) return engine_error(*s.err);
        (*hist)[sym] = std::move(s.value);
    }

    // per portfolio: where its window starts (the es models' full lookback for every asset held) and its vol proxy
    std::int32_t lookback = 0;
    for (const auto& t : templates)
        if (t.model == margin::margin_model::es) lookback = std::max(lookback, t.es.risk.lookback_days);
    struct plan {
        risk::bt_options o;
        std::vector<fp::Wad> vols;
    };
    std::vector<plan> plans;
    for (const auto p : portfolios) {
        plan pl;
        pl.o.first_day = *from_day;
        pl.o.last_day = *to_day;
        pl.o.horizon_days = horizon;
        pl.o.stride = horizon;
        if (lookback > 0)
            for (const std::string sym : {"BTC", "ETH"}) {
                if (sym == "ETH" && p != risk::bt_portfolio::btc_eth_pair) continue;
                pl.o.first_day = std::max(pl.o.first_day, hist->at(sym).first_day + lookback + horizon + 31);
            }
        if (auto e = risk::check_options(pl.o, *hist, p == risk::bt_portfolio::btc_eth_pair)) return engine_error(*e);
        auto v = risk::vol_proxy(hist->at("BTC"), pl.o);
        if (!v.ok()) return engine_error(*v.err);
        pl.vols = std::move(v.value);
        plans.push_back(std::move(pl));
    }
    for (auto& t : templates) t.history = hist;

    // the (portfolio, model) pairs on the threads; each result lands in its own slot
    backtest_report::run run;
    run.from = from;
    run.to = to;
    run.horizon_days = horizon;
    run.stride = horizon;
    run.mc_paths = mc_paths;
    run.options = plans.empty() ? risk::bt_options{} : plans[0].o;
    const std::size_t tasks = portfolios.size() * models.size();
    run.results.resize(tasks);
    std::vector<std::optional<error>> errors(tasks);
    const auto started = std::chrono::steady_clock::now();
    run_tasks(tasks, threads, [&](std::size_t t) {
        const std::size_t pi = t / models.size(), mi = t % models.size();
        backtest_report::result& r = run.results[t];
        r.portfolio = std::string(risk::bt_portfolio_names[static_cast<std::size_t>(portfolios[pi])]);
        r.model = models[mi];
        r.has_var = templates[mi].model == margin::margin_model::es;
        auto days = risk::run_backtest(portfolios[pi], templates[mi], *hist, plans[pi].vols, plans[pi].o);
        if (!days.ok()) {
            errors[t] = *days.err;
            return;
        }
        r.days = std::move(days.value);
        auto s = risk::summarise(r.days, r.has_var, plans[pi].o.stride);
        if (!s.ok()) {
            errors[t] = *s.err;
            return;
        }
        r.summary = s.value;
        r.margin_tests = backtest_report::tests_of(r.summary.margin_cov, 0.01);
        if (r.has_var) {
            r.var_tests = backtest_report::tests_of(r.summary.var_cov, 0.01);
            // the last formed day again, for its scenario P&L distribution
            const risk::bt_day& last = r.days.back();
            r.last_day = last.day;
            auto draft = risk::form_portfolio(portfolios[pi], last.day, *hist,
                                              plans[pi].vols.at(static_cast<std::size_t>(last.day - plans[pi].o.first_day)), templates[mi]);
            if (draft.ok()) {
                auto v = margin::validate(std::move(draft.value), true);
                if (v.ok()) {
                    auto res = margin::compute(v.value);
                    if (res.ok() && res.value.risk) {
                        r.last_pnl = res.value.risk->pnl;
                        r.last_var = res.value.risk->var;
                        r.last_es = res.value.risk->es;
                    }
                }
            }
            auto neg = fp::neg(last.loss);
            if (neg.ok()) r.last_realised_pnl = neg.value;
        }
    });
#ifdef __EMSCRIPTEN__
    threads = 1;
#endif
    run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (std::size_t t = 0; t < tasks; ++t)
        if (errors[t]) {
            error e = *errors[t];
            e.message = run.results[t].portfolio + " / " + run.results[t].model + ": " + e.message;
            return engine_error(e);
        }

    const auto write = command_io::write_output;
    if (!write(json_file, backtest_report::to_json(run, daily))) return fail("cannot write " + json_file);
    if (!html_file.empty() && !write(html_file, backtest_report::to_html(run))) return fail("cannot write " + html_file);
    if (!table_file.empty() && !write(table_file, backtest_report::to_table(run))) return fail("cannot write " + table_file);
    std::fprintf(stderr, "margin backtest: %zu portfolio x model runs in %.1f s on %lld thread(s)\n", tasks, run.wall_seconds,
                 static_cast<long long>(threads));
    return 0;
}
