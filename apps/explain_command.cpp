// `margin explain`: a request's result as tables for people: the account's figures, each
// underlying's worst scenario by name ("spot ×0.82, vol up", api/scenario_label.hpp) and the
// positions' contributions to its loss; `--scenario N` one scenario, `--scenarios` all of them.
// A response document (`margin scenario 5 FILE | margin explain -`) is shown from its own fields.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <concepts>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "api/scenario_label.hpp"
#include "command_io.hpp"
#include "core/margin.hpp"
#include "table.hpp"

using margin::error_code;
using table::money;
using table::pad;

namespace {

constexpr const char* explain_usage = "usage: margin explain [FILE|-] " MARGIN_PARAMS_FLAGS
                                      " [--scenario N | --scenarios]\n"
                                      "  the request's result as tables: equity, margin balance, IM, MM, health; under a scenario model\n"
                                      "  each underlying's worst scenario by name and each position's part of its loss\n"
                                      "  FILE may also be a response (margin scenario 5 FILE | margin explain -): shown from its fields\n"
                                      "  --params NAME|FILE   evaluate under these parameters (a preset: standard, pmrm2, span16, es;\n"
                                      "                       or a parameter document) instead of the request's \"params\"\n"
                                      "  --model NAME         the same, a preset's name only\n"
                                      "  --scenario N         scenario N (scenario models): its meaning, P&L per underlying and expiry,\n"
                                      "                       each position's part, and the margins if it were the worst\n"
                                      "  --scenarios          every scenario's name and its P&L per underlying\n";

int fail(const std::string& why) { return command_io::usage_error("explain", why, explain_usage); }

// One holding's part of an underlying's P&L at scenario `id`: the account holding that position,
// or that collateral, alone (no cash) evaluated at `id`.
struct part {
    std::string name;
    margin::Wad pnl;
};

// The parts of `symbol`'s P&L at `id` (its positions, and collateral that moves with it), and the
// rest: total - their sum, what holding them together changes (a shocked expiry value is
// discounted by its sign and rounded as a whole, docs/scenario.md step 3), so that the rows add
// up to `total` exactly.
std::optional<std::vector<part>> parts_of(const margin::request& req, const std::string& symbol, std::int64_t id,
                                          const margin::Wad& total) {
    std::vector<part> out;
    margin::Wad sum;
    auto alone = [&](margin::request one, const std::string& name, bool always) {
        one.acct.cash = margin::Wad();
        const auto r = margin::compute_portfolio(one, id);
        if (!r.ok()) return false;
        margin::Wad pnl;
        for (const auto& u : r.value.underlyings)
            if (u.symbol == symbol) pnl = u.worst_loss;
        if (!always && pnl == margin::Wad()) return true;
        out.push_back({name, pnl});
        const auto s = fp::add(sum, pnl);
        if (s.ok()) sum = s.value;
        return s.ok();
    };
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        const margin::position& p = req.acct.positions[i];
        if (p.underlying != symbol) continue;
        margin::request one = req;
        one.acct.positions = {p};
        one.acct.collateral.clear();
        if (!alone(std::move(one), p.id.empty() ? "#" + std::to_string(i) : p.id, true)) return std::nullopt;
    }
    for (const auto& [asset, amount] : req.acct.collateral) {
        margin::request one = req;
        one.acct.positions.clear();
        one.acct.collateral = {{asset, amount}};
        if (!alone(std::move(one), "collateral " + asset, false)) return std::nullopt;
    }
    const auto rest = fp::sub(total, sum);
    if (!rest.ok()) return std::nullopt;
    out.push_back({"rest: held together", rest.value});
    return out;
}

// Splitting evaluates the account once per holding: a larger account is not split.
constexpr std::size_t max_split_holdings = 200;

void print_parts(std::ostringstream& o, const margin::request& req, const std::string& symbol, std::int64_t id, const margin::Wad& total) {
    if (req.acct.positions.size() + req.acct.collateral.size() > max_split_holdings) {
        o << "    (not split: over " << max_split_holdings << " holdings; margin explain --scenario " << id << " on a smaller account)\n";
        return;
    }
    const auto parts = parts_of(req, symbol, id, total);
    if (!parts) return;
    for (const part& p : *parts) o << "    " << pad(p.name, 28, false) << pad(fp::format(p.pnl), 34, true) << "\n";
    o << "    " << pad("= P&L at the scenario", 28, false) << pad(fp::format(total), 34, true) << "\n";
}

void figures(std::ostringstream& o, const margin::account_result& r) {
    auto line = [&](const char* label, const std::string& v) { o << "  " << pad(label, 34, false) << pad(v, 20, true) << "\n"; };
    line("equity", money(r.equity));
    line("margin balance", money(r.margin_balance));
    line("initial margin (IM)", money(r.initial_margin));
    line("maintenance margin (MM)", money(r.maintenance_margin));
    line("free collateral", money(r.free_collateral));
    line("health (margin balance - MM)", money(r.health));
    line("margin ratio (MM / margin balance)", r.margin_ratio ? table::percent(*r.margin_ratio) : std::string("n/a (margin balance <= 0)"));
    line("liquidatable", r.liquidatable ? "YES" : "no");
}

// The account at one scenario (--scenario N): what it is, P&L per underlying and expiry, parts.
int one_scenario(const margin::request& req, std::int64_t id) {
    const auto& prm = req.portfolio.scenarios;
    const auto r = margin::compute_portfolio(req, id);
    if (!r.ok()) return command_io::engine_error(*r.err);
    std::ostringstream o;
    o << "scenario " << id << ": " << margin::api::scenario_label(prm, id) << "\n";
    if (id < static_cast<std::int64_t>(prm.scenarios.size())) {
        const auto& s = prm.scenarios[static_cast<std::size_t>(id)];
        o << "  spot_shock " << fp::format(s.spot_shock) << ", weight " << fp::format(s.weight) << "\n";
    }
    o << "\nif it were the worst scenario of every underlying\n";
    figures(o, r.value);
    for (const auto& u : r.value.underlyings) {
        if (u.symbol.empty()) continue;
        o << "\n" << u.symbol << ": P&L " << fp::format(u.worst_loss) << "\n";
        for (const auto& e : u.expiries)
            o << "  expiry " << pad(std::to_string(e.expiry), 12, false) << pad(fp::format(e.worst_pnl), 34, true) << "\n";
        o << "  holdings' parts (each alone at this scenario; the rest is what holding them together changes)\n";
        print_parts(o, req, u.symbol, id, u.worst_loss);
    }
    std::fputs(o.str().c_str(), stdout);
    return 0;
}

// Every scenario's label and P&L per underlying (--scenarios).
int all_scenarios(const margin::request& req, const margin::account_result& r) {
    const auto& prm = req.portfolio.scenarios;
    std::ostringstream o;
    o << pad("#", 6, true) << "  " << pad("scenario", 32, false);
    for (const auto& u : r.underlyings)
        if (!u.symbol.empty()) o << pad(u.symbol, 18, true);
    o << "\n";
    for (std::size_t i = 0; i <= prm.scenarios.size(); ++i) {
        o << pad(i == prm.scenarios.size() ? "basis" : std::to_string(i), 6, true) << "  "
          << pad(margin::api::scenario_label(prm, static_cast<std::int64_t>(i)), 32, false);
        for (const auto& u : r.underlyings) {
            if (u.symbol.empty()) continue;
            const margin::Wad v = i < u.scenario_pnl.size() ? u.scenario_pnl[i] : u.basis_contingency;
            o << pad(money(v), 18, true);
        }
        o << "\n";
    }
    std::fputs(o.str().c_str(), stdout);
    return 0;
}

// A response document (compute's or scenario's) shown from its own fields.
int explain_response(const nlohmann::json& doc) {
    const nlohmann::json& r = doc["result"];
    auto text = [&](const char* k) { return r.contains(k) && r[k].is_string() ? r[k].get<std::string>() : std::string(); };
    std::ostringstream o;
    o << "a response (" << (r.contains("model") && r["model"].is_string() ? r["model"].get<std::string>() : "?")
      << " model); amounts to 0.01 toward zero; explain the request to see its scenarios by name\n\n";
    auto line = [&](const char* label, const std::string& v) { o << "  " << pad(label, 34, false) << pad(v, 20, true) << "\n"; };
    line("equity", money(text("equity")));
    if (r.contains("margin_balance")) line("margin balance", money(text("margin_balance")));
    line("initial margin (IM)", money(text("initial_margin")));
    line("maintenance margin (MM)", money(text("maintenance_margin")));
    line("free collateral", money(text("free_collateral")));
    line("health (margin balance - MM)", money(text("health")));
    line("liquidatable", r.value("liquidatable", false) ? "YES" : "no");
    if (r.contains("underlyings") && r["underlyings"].is_array()) {
        o << "\n  " << pad("underlying", 12, false) << pad("scenario", 10, true) << pad("P&L", 20, true) << "\n";
        for (const auto& u : r["underlyings"]) {
            const auto& w = u.contains("worst_scenario") ? u["worst_scenario"] : nlohmann::json();
            const std::string id = w.is_string()           ? w.get<std::string>()
                                   : w.is_number_integer() ? std::to_string(w.get<std::int64_t>())
                                                           : "-";
            o << "  " << pad(u["underlying"].is_string() ? u["underlying"].get<std::string>() : "(collateral)", 12, false)
              << pad("#" + id, 10, true) << pad(money(u.value("worst_loss", std::string())), 20, true) << "\n";
        }
    }
    std::fputs(o.str().c_str(), stdout);
    return 0;
}

}  // namespace

int explain_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(explain_usage);
    std::string file = "-", why;
    bool have_file = false, list = false;
    std::optional<std::int64_t> scenario;
    command_io::params_choice params;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (command_io::params_flag(args, i, params, why)) {
            if (!why.empty()) return fail(why);
        } else if (a == "--scenario") {
            std::int64_t n = 0;
            if (i + 1 >= args.size() || !command_io::count_arg(args[i + 1], 0, 999999, n)) return fail("--scenario takes a scenario index");
            scenario = n;
            ++i;
        } else if (a == "--scenarios") {
            list = true;
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            if (have_file) return fail("explain takes one FILE");
            file = a;
            have_file = true;
        }
    }
    if (scenario && list) return fail("--scenario and --scenarios: give one");
    std::string text;
    if (!read_all(file, text)) return fail("cannot read " + file);
    if (!command_io::apply_params(text, params, why)) return fail(why);
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_object() && doc.contains("error") && !doc.contains("account")) {  // an error document passed along
        std::printf("%s\n", text.c_str());
        return 1;
    }
    if (doc.is_object() && doc.contains("result") && doc["result"].is_object() && !doc.contains("account")) {
        if (scenario || list) return fail("--scenario and --scenarios need the request, not a response");
        return explain_response(doc);
    }
    const auto req = margin::api::parse_request(text);
    if (!req.ok()) return command_io::engine_error(*req.err);
    if ((scenario || list) && req.value.model != margin::margin_model::portfolio)
        return command_io::engine_error(
            {error_code::MODEL_NOT_SUPPORTED, "/params", "scenarios belong to the scenario models (pmrm2, span16)"});
    if (scenario) return one_scenario(req.value, *scenario);
    const auto res = margin::compute(req.value);
    if (!res.ok()) return command_io::engine_error(*res.err);
    const margin::account_result& r = res.value;
    if (list) return all_scenarios(req.value, r);
    const bool portfolio = r.model == margin::margin_model::portfolio;
    std::ostringstream o;
    o << margin::api::version_string() << "\n";
    o << (portfolio                              ? "portfolio (scenario)"
          : r.model == margin::margin_model::es  ? "es (expected shortfall)"
          : r.mode == margin::margin_mode::cross ? "cross"
                                                 : "isolated")
      << " margin, snapshot " << req.value.market.timestamp
      << " (Unix s); amounts to 0.01 toward zero, `margin compute` gives them exactly\n\n";
    figures(o, r);
    if (portfolio) {
        const auto& prm = req.value.portfolio.scenarios;
        o << "\nscenario risk (" << prm.scenarios.size() << " scenarios per underlying; margin explain --scenarios lists them)\n";
        o << "  " << pad("underlying", 12, false) << pad("worst", 8, true) << "  " << pad("scenario", 28, false)
          << pad("worst loss", 18, true) << pad("MM contingency", 18, true) << pad("IM contingency", 18, true) << "\n";
        for (const auto& u : r.underlyings) {
            const bool coll = u.symbol.empty();
            o << "  " << pad(coll ? "(collateral)" : u.symbol, 12, false)
              << pad(coll ? "-" : "#" + std::to_string(u.worst_scenario), 8, true) << "  "
              << pad(coll ? "" : margin::api::scenario_label(prm, u.worst_scenario), 28, false) << pad(money(u.worst_loss), 18, true)
              << pad(money(u.mm_contingency), 18, true) << pad(money(u.im_contingency), 18, true) << "\n";
        }
        for (const auto& c : r.offsets) o << "  offset " << c.a << "/" << c.b << ": credit " << money(c.credit) << "\n";
        o << "  scenario risk after offsets: " << money(r.scenario_risk) << "\n";
        for (const auto& u : r.underlyings) {
            if (u.symbol.empty()) continue;
            o << "\n"
              << u.symbol << "'s worst loss by holding (each alone at scenario " << u.worst_scenario
              << ", exact; the rest is what holding them together changes)\n";
            print_parts(o, req.value, u.symbol, u.worst_scenario, u.worst_loss);
        }
    }
    // Top contributors: positions by IM, largest first (ties: request order).
    std::vector<std::size_t> order(r.positions.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return r.positions[a].initial_margin > r.positions[b].initial_margin; });
    if (!order.empty() && r.model == margin::margin_model::standard) {
        o << "\ntop contributors to initial margin\n";
        o << "  " << pad("position", 24, false) << pad("size", 10, true) << pad("value", 16, true) << pad("IM", 16, true)
          << pad("MM", 16, true) << "\n";
        for (std::size_t n = 0; n < order.size() && n < 10; ++n) {
            const std::size_t i = order[n];
            const auto& p = req.value.acct.positions[i];
            const std::string name = p.id.empty() ? "#" + std::to_string(i) : p.id;
            o << "  " << pad(name, 24, false) << pad(fp::format(p.size), 10, true) << pad(money(r.positions[i].value), 16, true)
              << pad(money(r.positions[i].initial_margin), 16, true) << pad(money(r.positions[i].maintenance_margin), 16, true) << "\n";
        }
    }
    if (!r.collateral.empty()) {
        o << (r.model == margin::margin_model::standard ? "\ncollateral (valued at price - confidence, after the MM haircut)\n"
                                                        : "\ncollateral (at price; haircuts charged as contingencies)\n");
        for (const auto& c : r.collateral)
            o << "  " << pad(c.asset, 24, false) << pad(fp::format(c.amount), 10, true) << pad(money(c.value), 16, true)
              << pad(money(c.im_charge), 16, true) << "  IM charge\n";
    }
    for (const auto& [sym, g] : r.greeks_by_underlying)
        o << "\n"
          << sym << " greeks: delta " << fp::format(g.delta) << ", gamma " << fp::format(g.gamma) << ", vega " << money(g.vega)
          << ", theta " << money(g.theta) << " /year";
    o << "\n";
    std::fputs(o.str().c_str(), stdout);
    return 0;
}
