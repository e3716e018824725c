// `margin var`: VaR and ES of a request's account (docs/risk.md). The request's "risk" and
// "history" fields may come from flags instead: --prices DIR reads DIR/<symbol>-usd.csv
// (lower case, the layout of a CoinGecko-style export) for every symbol the account holds;
// --synthetic takes the series the request's "history" lacks from the shipped SYNTHETIC history
// (the document "history/synthetic", core/api/examples/history-synthetic.json: invented data, not
// market closes), so that a request without any history runs with no files at all.
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/response.hpp"
#include "command_io.hpp"

using json = nlohmann::ordered_json;

namespace {

constexpr const char* var_usage =
    "usage: margin var [FILE|-] [--prices DIR] [--history SYM=CSV]... [--synthetic] " MARGIN_PARAMS_FLAGS
    "\n"
    "                  [--method historical|filtered_historical|parametric|monte_carlo|delta_gamma]\n"
    "                  [--confidence A] [--horizon DAYS] [--lookback DAYS] [--paths N] [--seed S] [--as-of YYYY-MM-DD]\n"
    "                  [--lambda L] [--vol-floor F] [--innovations normal|student_t] [--dof N] [--include-pnl] [--compact]\n";

int fail(const std::string& why) {
    std::fprintf(stderr, "margin var: %s\n%s", why.c_str(), var_usage);
    return 2;
}

}  // namespace

// The histories of flags merged into a request object (also `margin stress`): --history SYM=FILE
// first, then DIR/<symbol>-usd.csv for every symbol the account holds and every one of `extra`
// (--prices), then the SYNTHETIC series still missing (--synthetic). false, with `why`, on an I/O error.
bool merge_history(json& doc, const std::string& prices, const std::vector<std::pair<std::string, std::string>>& histories, bool synthetic,
                   const std::set<std::string>& extra, std::string& why) {
    for (const auto& [sym, path] : histories) {
        std::string csv;
        if (!read_all(path, csv)) return why = "cannot read " + path, false;
        doc["history"][sym] = csv;
    }
    if (!prices.empty()) {
        std::set<std::string> held = extra;
        if (doc.contains("account") && doc["account"].is_object()) {
            const json& acct = doc["account"];
            if (acct.contains("positions") && acct["positions"].is_array())
                for (const json& p : acct["positions"])
                    if (p.is_object() && p.contains("underlying") && p["underlying"].is_string()) held.insert(p["underlying"]);
            if (acct.contains("collateral") && acct["collateral"].is_object())
                for (const auto& [asset, v] : acct["collateral"].items()) held.insert(asset);
        }
        for (const std::string& sym : held) {
            if (doc.contains("history") && doc["history"].contains(sym)) continue;
            const std::string path = command_io::price_file(prices, sym);
            std::ifstream probe(path);
            if (!probe) continue;  // an asset without a file: the engine says if it needed one
            std::string csv;
            if (!read_all(path, csv)) return why = "cannot read " + path, false;
            doc["history"][sym] = csv;
        }
    }
    if (synthetic && (!doc.contains("history") || doc["history"].is_object())) {
        // after --history and --prices: the synthetic series fill only what is still missing
        const json shipped = json::parse(margin::api::document("history/synthetic"));
        json& history = doc["history"];
        for (const auto& [sym, csv] : shipped["history"].items())
            if (!history.contains(sym)) history[sym] = csv;
    }
    return true;
}

int risk_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(var_usage);
    std::string file = "-", prices;
    std::vector<std::pair<std::string, std::string>> histories;  // symbol, CSV file
    json risk = json::object();
    bool compact = false, have_file = false, synthetic = false;
    const std::vector<std::pair<std::string, const char*>> valued = {{"--method", "method"},
                                                                     {"--confidence", "confidence"},
                                                                     {"--horizon", "horizon_days"},
                                                                     {"--lookback", "lookback_days"},
                                                                     {"--paths", "paths"},
                                                                     {"--seed", "seed"},
                                                                     {"--as-of", "as_of"},
                                                                     {"--lambda", "ewma_lambda"},
                                                                     {"--innovations", "innovations"},
                                                                     {"--dof", "dof"},
                                                                     {"--vol-floor", "vol_floor"}};
    command_io::params_choice params;
    std::string why;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (command_io::params_flag(args, i, params, why)) {
            if (!why.empty()) return fail(why);
            continue;
        }
        auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
        bool matched = false;
        for (const auto& [flag, key] : valued)
            if (a == flag) {
                const std::string* v = value();
                if (!v) return fail(a + " needs a value");
                risk[key] = *v;
                matched = true;
            }
        if (matched) continue;
        if (a == "--compact") {
            compact = true;
        } else if (a == "--synthetic") {
            synthetic = true;
        } else if (a == "--include-pnl") {
            risk["include_pnl"] = true;
        } else if (a == "--prices") {
            const std::string* v = value();
            if (!v) return fail("--prices needs a directory");
            prices = *v;
        } else if (a == "--history") {
            const std::string* v = value();
            const std::size_t eq = v ? v->find('=') : std::string::npos;
            if (!v || eq == std::string::npos || eq == 0) return fail("--history takes SYMBOL=FILE.csv");
            histories.emplace_back(v->substr(0, eq), v->substr(eq + 1));
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            if (have_file) return fail("var takes one FILE");
            file = a;
            have_file = true;
        }
    }
    std::string text;
    if (!read_all(file, text)) return fail("cannot read " + file);
    if (!command_io::apply_params(text, params, why)) return fail(why);
    json doc = json::parse(text, nullptr, false);
    if (!risk.empty() || !histories.empty() || !prices.empty() || synthetic) {
        // Flags merge into the request; a request that is not a JSON object is left to the
        // engine, which reports it with its code.
        if (doc.is_object()) {
            for (auto& [k, v] : risk.items()) doc["risk"][k] = v;
            if (!merge_history(doc, prices, histories, synthetic, {}, why)) return fail(why);
            text = doc.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
        }
    }
    const auto out = margin::api::risk_json(text, !compact);
    std::printf("%s\n", out.text.c_str());
    return out.ok() ? 0 : 1;
}
