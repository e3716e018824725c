// `margin cascade`: the liquidation cascade of a cascade/1 request (docs/cascade.md), as
// api::cascade_json answers it (the npm package's cascade is the same call). --shock replaces
// the request's shock by the shorthand's scenario (as `margin stress --shock`); the step log is
// the same bytes for any --threads.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "api/cascade.hpp"
#include "api/pipeline.hpp"
#include "cascade_compare_report.hpp"
#include "cascade_mc_report.hpp"
#include "cascade_report.hpp"
#include "command_io.hpp"

bool scenario_set(const std::string& scenarios, const std::vector<std::string>& shocks, nlohmann::ordered_json& set,
                  std::string& why);  // apps/stress_command.cpp
bool merge_history(nlohmann::ordered_json& doc, const std::string& prices,
                   const std::vector<std::pair<std::string, std::string>>& histories, bool synthetic, const std::set<std::string>& extra,
                   std::string& why);  // apps/risk_command.cpp

namespace {

using json = nlohmann::ordered_json;

constexpr const char* cascade_usage =
    "usage: margin cascade REQUEST|- [--shock SPEC]... [--prices DIR] [--paths N] [--seed S] [--threads N] [--compact] [--html FILE]\n"
    "       margin cascade REQUEST|- --compare MODELS [--table] [--html FILE] [--shock SPEC]... [--threads N] [--compact]\n"
    "  REQUEST: {\"api_version\": \"1\", \"cascade\": {\"mode\": \"house\"|\"market\", \"market\", \"params\", \"accounts\",\n"
    "  \"rule\", \"shock\", \"steps\", ...}} (docs/cascade.md §Request). --shock SYM:spot=-30%,vol=+50%: the shock\n"
    "  (repeatable; joined into one scenario). --threads 1 .. 64 (default 1): the same bytes for any N.\n"
    "  --prices DIR: the history (DIR/<symbol>-usd.csv) of the market's underlyings, for a replay shock or the\n"
    "  Monte Carlo's calibration. --paths N, --seed S: the Monte Carlo's (a request without \"monte_carlo\": one\n"
    "  calibrated on the history, the shock dropped; docs/cascade-monte-carlo.md).\n"
    "  --compare standard-isolated,standard,pmrm2,es (also span16): the same book and shock under each model\n"
    "  (docs/cascade-books.md): {\"cascade_compare\": [...]}; --table: a text table instead.\n"
    "  --html FILE: the report with plots (docs/cascade.md §Report; a Monte Carlo's: the bad-debt histogram with\n"
    "  VaR/ES and fund-99 markers; a comparison's: the table and bar plots); the JSON still goes to stdout.\n";

int fail(const std::string& why) { return command_io::usage_error("cascade", why, cascade_usage); }

// --compare: the rows as JSON (or --table), the report to --html.
int compare_models(const std::string& text, const std::string& list, bool table, const std::string& html, bool compact,
                   std::size_t threads) {
    const std::vector<std::string> models = command_io::split_commas(list);
    const auto r = margin::api::cascade_compare_json(text, models, !compact, threads);
    if (!r.ok()) {
        std::printf("%s\n", r.text.c_str());
        return 1;
    }
    const json doc = json::parse(r.text);
    if (!html.empty() && !command_io::write_output(html, cascade_compare_report::to_html(doc))) return fail("cannot write " + html);
    std::printf("%s\n", table ? cascade_compare_report::to_table(doc).c_str() : r.text.c_str());
    return 0;
}

}  // namespace

int cascade_command(const std::vector<std::string>& args) {
    std::string path, prices, paths, seed, html, compare;
    std::vector<std::string> shocks;
    std::int64_t threads = 1;
    bool compact = false, table = false, compared = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(cascade_usage, stdout);
            return 0;
        } else if (a == "--compact") {
            compact = true;
        } else if (a == "--table") {
            table = true;
        } else if (a == "--threads" || a == "--shock" || a == "--prices" || a == "--paths" || a == "--seed" || a == "--html" ||
                   a == "--compare") {
            if (i + 1 >= args.size()) return fail(a + " needs a value");
            const std::string& v = args[++i];
            if (a == "--prices") prices = v;
            if (a == "--paths") paths = v;
            if (a == "--seed") seed = v;
            if (a == "--html") html = v;
            if (a == "--compare") compare = v, compared = true;
            if (a == "--shock") shocks.push_back(v);
            if (a == "--threads" && !command_io::count_arg(v, 1, 64, threads)) return fail("--threads is 1 .. 64");
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            if (!path.empty()) return fail("cascade takes one REQUEST");
            path = a;
        }
    }
    if (compared && compare.empty()) return fail("--compare needs a list of models");
    if (compare.empty() && table) return fail("--table goes with --compare");
    if (!compare.empty() && (!paths.empty() || !seed.empty())) return fail("--compare runs single cascades: no --paths or --seed");
    if (path.empty()) path = "-";
    std::string text;
    if (!read_all(path, text)) return fail("cannot read " + path);
    if (!prices.empty() || !paths.empty() || !seed.empty()) {
        json doc = json::parse(text, nullptr, false);
        if (!doc.is_object() || !doc.contains("cascade") || !doc["cascade"].is_object())
            return fail("--prices, --paths and --seed need a request with a \"cascade\" object");
        json& c = doc["cascade"];
        if ((!paths.empty() || !seed.empty()) && !c.contains("monte_carlo")) {
            c.erase("shock");
            c["monte_carlo"] = {{"calibrate", json::object()}};
        }
        if (!paths.empty()) c["monte_carlo"]["paths"] = paths;
        if (!seed.empty()) c["monte_carlo"]["seed"] = seed;
        std::set<std::string> syms;
        if (c.contains("market") && c["market"].is_object() && c["market"].contains("underlyings") &&
            c["market"]["underlyings"].is_object())
            for (const auto& [sym, u] : c["market"]["underlyings"].items()) syms.insert(sym);
        std::string why;
        if (!prices.empty() && !merge_history(c, prices, {}, false, syms, why)) return fail(why);
        text = doc.dump();
    }
    if (!shocks.empty()) {
        json set, doc = json::parse(text, nullptr, false);
        std::string why;
        if (!scenario_set("", shocks, set, why)) return fail(why);
        if (!doc.is_object() || !doc.contains("cascade") || !doc["cascade"].is_object())
            return fail("--shock needs a request with a \"cascade\" object");
        json shock = set["scenarios"][0];
        shock.erase("name");
        doc["cascade"]["shock"] = std::move(shock);
        text = doc.dump();
    }
    if (!compare.empty()) return compare_models(text, compare, table, html, compact, static_cast<std::size_t>(threads));
    const auto r = margin::api::cascade_json(text, !compact, static_cast<std::size_t>(threads));
    std::printf("%s\n", r.text.c_str());
    if (!html.empty() && r.ok()) {  // the report of a single run (cascade_report) or of a Monte Carlo (cascade_mc_report)
        const json doc = json::parse(r.text);
        const std::string source = path == "-" ? "stdin" : path;
        const std::string page =
            doc.contains("cascade_monte_carlo") ? cascade_mc_report::to_html(doc, source) : cascade_report::to_html(doc, source);
        if (!command_io::write_output(html, page)) {
            std::fprintf(stderr, "margin cascade: cannot write %s\n", html.c_str());
            return 2;
        }
    }
    return r.ok() ? 0 : 1;
}
