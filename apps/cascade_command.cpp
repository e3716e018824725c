// `margin cascade`: the liquidation cascade of a cascade/1 request (docs/cascade.md), as
// api::cascade_json answers it (the npm package's cascade is the same call). --shock replaces
// the request's shock by the shorthand's scenario (as `margin stress --shock`); the step log is
// the same bytes for any --threads.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "api/cascade.hpp"
#include "api/pipeline.hpp"
#include "cascade_compare_report.hpp"
#include "command_io.hpp"

bool scenario_set(const std::string& scenarios, const std::vector<std::string>& shocks, nlohmann::ordered_json& set,
                  std::string& why);  // apps/stress_command.cpp

namespace {

using json = nlohmann::ordered_json;

constexpr const char* cascade_usage =
    "usage: margin cascade REQUEST|- [--shock SPEC]... [--threads N] [--compact]\n"
    "       margin cascade REQUEST|- --compare MODELS [--table] [--html FILE] [--shock SPEC]... [--threads N] [--compact]\n"
    "  REQUEST: {\"api_version\": \"1\", \"cascade\": {\"mode\": \"house\"|\"market\", \"market\", \"params\", \"accounts\",\n"
    "  \"rule\", \"shock\", \"steps\", ...}} (docs/cascade.md §Request). --shock SYM:spot=-30%,vol=+50%: the shock\n"
    "  (repeatable; joined into one scenario). --threads 1 .. 64 (default 1): the same bytes for any N.\n"
    "  --compare standard-isolated,standard,pmrm2,es (also span16): the same book and shock under each model\n"
    "  (docs/cascade.md \"Models compared\"): {\"cascade_compare\": [...]}; --table: a text table instead;\n"
    "  --html FILE: the report (table and bar plots) to FILE, the JSON still to stdout.\n";

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
    std::string path;
    std::vector<std::string> shocks;
    std::int64_t threads = 1;
    bool compact = false, table = false;
    std::string compare, html;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(cascade_usage, stdout);
            return 0;
        } else if (a == "--compact") {
            compact = true;
        } else if (a == "--table") {
            table = true;
        } else if (a == "--threads" || a == "--shock" || a == "--compare" || a == "--html") {
            if (i + 1 >= args.size()) return fail(a + " needs a value");
            const std::string& v = args[++i];
            if (a == "--shock") shocks.push_back(v);
            if (a == "--compare") compare = v;
            if (a == "--html") html = v;
            if (a == "--threads" && !command_io::count_arg(v, 1, 64, threads)) return fail("--threads is 1 .. 64");
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            if (!path.empty()) return fail("cascade takes one REQUEST");
            path = a;
        }
    }
    if (compare.empty() && (table || !html.empty())) return fail("--table and --html go with --compare");
    if (path.empty()) path = "-";
    std::string text;
    if (!read_all(path, text)) return fail("cannot read " + path);
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
    return r.ok() ? 0 : 1;
}
