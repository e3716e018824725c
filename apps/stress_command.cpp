// `margin stress`: the account under stress scenarios (docs/stress.md), and `margin stress
// --reverse` / `margin reverse-stress`: the smallest move that makes it liquidatable.
//
//   --scenarios FILE|NAME   a stress/1 document, or a shipped set: deribit, textbook, replays
//   --shock SPEC            one scenario from a shorthand, e.g. BTC:spot=-30%,vol=+50% (repeatable:
//                           the shocks join into one scenario); --print-scenarios shows the expansion
//   --prices DIR / --history SYM=CSV / --synthetic   price history for replays (as margin var)
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "command_io.hpp"
#include "fixedpoint/wad.hpp"

bool merge_history(nlohmann::ordered_json& doc, const std::string& prices,
                   const std::vector<std::pair<std::string, std::string>>& histories, bool synthetic, const std::set<std::string>& extra,
                   std::string& why);  // apps/risk_command.cpp

using json = nlohmann::ordered_json;

namespace {

constexpr const char* stress_usage =
    "usage: margin stress [REQUEST|-] [--scenarios FILE|NAME] [--shock SPEC]... [--print-scenarios]\n"
    "                     [--prices DIR] [--history SYM=CSV]... [--synthetic] [--compact] " MARGIN_PARAMS_FLAGS
    "\n"
    "       margin stress [REQUEST|-] --reverse [--direction MOVE:SYM]... [--grid G] [--scan S] [--max M] [--compact]\n"
    "                     [--prices DIR] [--history SYM=CSV]... [--synthetic]   (the es model's history)\n"
    "       margin reverse-stress [REQUEST|-] ...   (the same as stress --reverse)\n"
    "  NAME: deribit, textbook, replays. SPEC: SYM:key=value,... with keys spot, vol, skew, basis, perp_basis,\n"
    "  rate, funding, funding_days, conf (an underlying), price, haircut (a collateral asset), follow, rho,\n"
    "  beta, vol_ratio (a move derived from a lead); or stable=PRICE. A value ending in % is a percentage\n"
    "  (-30% = -0.3); vol=+50% is relative (vols x 1.5), vol=+0.1 absolute (+10 vol points).\n"
    "  MOVE: spot_down, spot_up, vol_up (default: spot_down and spot_up of every underlying held).\n";

int fail(const std::string& why) {
    std::fprintf(stderr, "margin stress: %s\n%s", why.c_str(), stress_usage);
    return 2;
}

// "-30%" -> "-0.3", "+0.1" -> "0.1" (exact: a percentage is divided by 100 in decimal text).
bool decimal_of(std::string v, bool& percent, std::string& out) {
    percent = !v.empty() && v.back() == '%';
    if (percent) v.pop_back();
    if (!v.empty() && v[0] == '+') v.erase(0, 1);
    const auto x = fp::parse(v);
    if (!x.ok()) return false;
    if (!percent) return out = fp::format(x.value), true;
    const auto q = fp::div(x.value, fp::Wad::from_int(100), fp::rounding::toward_zero);
    if (!q.ok() || !fp::mul(q.value, fp::Wad::from_int(100), fp::rounding::toward_zero).ok() ||
        fp::mul(q.value, fp::Wad::from_int(100), fp::rounding::toward_zero).value != x.value)
        return false;
    out = fp::format(q.value);
    return true;
}

// One --shock SPEC into the scenario `s` (a stress/1 scenario object).
bool add_shock(const std::string& spec, json& s, std::string& why) {
    const std::size_t colon = spec.find(':');
    if (colon == std::string::npos) {
        const std::size_t eq = spec.find('=');
        bool pct = false;
        std::string v;
        if (eq == std::string::npos || spec.substr(0, eq) != "stable" || !decimal_of(spec.substr(eq + 1), pct, v) || pct)
            return why = "--shock takes SYM:key=value,... or stable=PRICE, got " + spec, false;
        s["stable_price"] = v;
        return true;
    }
    const std::string sym = spec.substr(0, colon);
    std::size_t at = colon + 1;
    while (at <= spec.size()) {
        std::size_t end = spec.find(',', at);
        if (end == std::string::npos) end = spec.size();
        const std::string kv = spec.substr(at, end - at);
        at = end + 1;
        const std::size_t eq = kv.find('=');
        if (eq == std::string::npos) return why = "--shock: expected key=value, got \"" + kv + "\"", false;
        const std::string k = kv.substr(0, eq), raw = kv.substr(eq + 1);
        if (k == "follow") {
            s["derived"][sym]["lead"] = raw;
            continue;
        }
        bool pct = false;
        std::string v;
        if (!decimal_of(raw, pct, v)) return why = "--shock: \"" + raw + "\" is not a decimal or a percentage", false;
        json& u = s["underlyings"][sym];
        if (k == "spot" || k == "basis" || k == "perp_basis" || k == "rate")
            u[k] = v;
        else if (k == "vol")
            u["vol"][pct ? "relative" : "absolute"] = v;
        else if (k == "skew")
            u["vol"]["skew"] = v;
        else if (k == "funding")
            u["funding"]["rate"] = v;
        else if (k == "funding_days")
            u["funding"]["days"] = raw;
        else if (k == "conf")
            u["confidence_scale"] = v;
        else if (k == "price" || k == "haircut")
            s["collateral"][sym][k] = v;
        else if (k == "rho" || k == "beta" || k == "vol_ratio")
            s["derived"][sym][k == "rho" ? "correlation" : k] = v;
        else
            return why = "--shock: unknown key \"" + k + "\"", false;
        if (u.empty()) s["underlyings"].erase(sym);
        if (s["underlyings"].empty()) s.erase("underlyings");
    }
    return true;
}

}  // namespace

/// The scenario set of --scenarios FILE|NAME (a file's JSON, else a shipped set's name) and
/// --shock SPECs (one scenario appended); `set` holds a request's own "stress" on entry, if any.
/// false, with `why`, on a usage error (also apps/stress_book_command.cpp).
bool scenario_set(const std::string& scenarios, const std::vector<std::string>& shocks, json& set, std::string& why) {
    if (!scenarios.empty()) {
        std::string s;
        std::ifstream probe(scenarios);
        if (probe && read_all(scenarios, s))
            set = json::parse(s, nullptr, false);
        else
            set = scenarios;  // a shipped set's name; the engine reports an unknown one
        if (set.is_discarded()) return why = scenarios + " is not JSON", false;
    }
    if (!shocks.empty()) {
        json sc = {{"name", ""}};
        for (const std::string& spec : shocks) {
            if (!add_shock(spec, sc, why)) return false;
            sc["name"] = sc["name"].get<std::string>() + (sc["name"].get<std::string>().empty() ? "" : " ") + spec;
        }
        if (set.is_string()) set = json::parse(margin::api::document("stress/" + set.get<std::string>()), nullptr, false);
        if (!set.is_object()) set = {{"version", "stress/1"}, {"scenarios", json::array()}};
        if (set.contains("scenarios") && set["scenarios"].is_array()) set["scenarios"].push_back(sc);
    }
    return true;
}

/// Symbols a stress set's replays read besides the accounts': stable, trough, worst lead (a
/// shipped set by its name).
std::set<std::string> replay_symbols(const json& set) {
    const json doc = set.is_string() ? json::parse(margin::api::document("stress/" + set.get<std::string>()), nullptr, false) : set;
    std::set<std::string> out;
    if (!doc.is_object() || !doc.contains("scenarios") || !doc["scenarios"].is_array()) return out;
    for (const json& s : doc["scenarios"]) {
        if (!s.is_object() || !s.contains("replay") || !s["replay"].is_object()) continue;
        const json& r = s["replay"];
        for (const char* k : {"stable", "trough"})
            if (r.contains(k) && r[k].is_string()) out.insert(r[k].get<std::string>());
        if (r.contains("worst") && r["worst"].is_object() && r["worst"].contains("lead") && r["worst"]["lead"].is_string())
            out.insert(r["worst"]["lead"].get<std::string>());
    }
    return out;
}

int stress_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(stress_usage);
    std::string file = "-", prices, scenarios;
    std::vector<std::pair<std::string, std::string>> histories;
    std::vector<std::string> shocks, directions;
    json grid = json::object();
    bool compact = false, have_file = false, synthetic = false, print = false, reverse = args[0] == "reverse-stress";
    command_io::params_choice params;
    std::string why;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
        const std::string* v = nullptr;
        if (command_io::params_flag(args, i, params, why)) {
            if (!why.empty()) return fail(why);
        } else if (a == "--compact") {
            compact = true;
        } else if (a == "--synthetic") {
            synthetic = true;
        } else if (a == "--print-scenarios") {
            print = true;
        } else if (a == "--reverse") {
            reverse = true;
        } else if (a == "--scenarios" || a == "--shock" || a == "--prices" || a == "--history" || a == "--direction" || a == "--grid" ||
                   a == "--scan" || a == "--max") {
            if (!(v = value())) return fail(a + " needs a value");
            if (a == "--scenarios") scenarios = *v;
            if (a == "--shock") shocks.push_back(*v);
            if (a == "--prices") prices = *v;
            if (a == "--direction") directions.push_back(*v);
            if (a == "--grid" || a == "--scan" || a == "--max") grid[a.substr(2)] = *v;
            if (a == "--history") {
                const std::size_t eq = v->find('=');
                if (eq == std::string::npos || eq == 0) return fail("--history takes SYMBOL=FILE.csv");
                histories.emplace_back(v->substr(0, eq), v->substr(eq + 1));
            }
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            if (have_file) return fail("stress takes one REQUEST");
            file = a;
            have_file = true;
        }
    }
    std::string text;
    if (!read_all(file, text)) return fail("cannot read " + file);
    if (!command_io::apply_params(text, params, why)) return fail(why);
    json doc = json::parse(text, nullptr, false);
    if (doc.is_object()) {  // anything else is left to the engine, which reports it with its code
        if (reverse) {
            if (!scenarios.empty() || !shocks.empty() || print) return fail("--reverse takes directions, not scenarios");
            json& r = doc["reverse_stress"];
            if (!r.is_object()) r = json::object();
            for (auto& [k, v] : grid.items()) r[k] = v;
            for (const std::string& d : directions) {
                const std::size_t colon = d.find(':');
                if (colon == std::string::npos) return fail("--direction takes MOVE:SYMBOL, e.g. spot_down:BTC");
                r["directions"].push_back({{"move", d.substr(0, colon)}, {"underlying", d.substr(colon + 1)}});
            }
            // the es model's measure reads a history
            if (!merge_history(doc, prices, histories, synthetic, {}, why)) return fail(why);
        } else {
            if (!directions.empty() || !grid.empty()) return fail("--direction, --grid, --scan and --max go with --reverse");
            json set = doc.contains("stress") ? doc["stress"] : json();
            if (!scenario_set(scenarios, shocks, set, why)) return fail(why);
            if (set.is_null()) return fail("give --scenarios FILE|NAME or --shock SPEC (or a request with \"stress\")");
            doc["stress"] = set;
            if (!merge_history(doc, prices, histories, synthetic, replay_symbols(set), why)) return fail(why);
        }
        text = doc.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
    }
    const auto out = reverse ? margin::api::reverse_stress_json(text, !compact)
                     : print ? margin::api::stress_scenarios_json(text, !compact)
                             : margin::api::stress_json(text, !compact);
    std::printf("%s\n", out.text.c_str());
    return out.ok() ? 0 : 1;
}
