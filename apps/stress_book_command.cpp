// `margin stress-book`: a book (JSON lines, one margin request per line) under a scenario set:
// per scenario the accounts that become liquidatable, the total shortfall against an insurance
// fund and the top contributors (docs/stress.md §Book), as api::stress_book_json answers (the
// npm package's stressBook is the same call); --html writes the report with plots. The accounts
// are split over --threads threads; the output is the same bytes for any thread count.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "api/pipeline.hpp"
#include "api/stress.hpp"
#include "command_io.hpp"
#include "parallel.hpp"
#include "stress_book_report.hpp"

bool scenario_set(const std::string& scenarios, const std::vector<std::string>& shocks, nlohmann::ordered_json& set,
                  std::string& why);                                      // apps/stress_command.cpp
std::set<std::string> replay_symbols(const nlohmann::ordered_json& set);  // apps/stress_command.cpp

namespace {

using json = nlohmann::ordered_json;

constexpr const char* book_usage =
    "usage: margin stress-book BOOK.jsonl --scenarios FILE|NAME [--shock SPEC]... [--insurance-fund X] [--top N]\n"
    "                          [--prices DIR] [--threads N] [--compact] [--timing] [--html FILE] " MARGIN_PARAMS_FLAGS
    "\n"
    "  BOOK: one margin request per line. Per scenario: accounts liquidatable, total shortfall (negative\n"
    "  equity) against the insurance fund (default 0), the top N contributors (default 10, at most 100).\n"
    "  --html FILE: the report with plots (self-contained HTML); the JSON still goes to stdout.\n";

int fail(const std::string& why) { return command_io::usage_error("stress-book", why, book_usage); }

}  // namespace

int stress_book_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(book_usage);
    std::string book_path, scenarios, prices, html_file, fund_text = "0";
    std::vector<std::string> shocks;
    std::int64_t threads = 2, top = 10;
    bool compact = false, timing = false;
    command_io::params_choice params;
    std::string why;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const std::string* v = nullptr;
        auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
        if (command_io::params_flag(args, i, params, why)) {
            if (!why.empty()) return fail(why);
        } else if (a == "--compact") {
            compact = true;
        } else if (a == "--timing") {
            timing = true;
        } else if (a == "--scenarios" || a == "--shock" || a == "--prices" || a == "--insurance-fund" || a == "--top" || a == "--threads" ||
                   a == "--html") {
            if (!(v = value())) return fail(a + " needs a value");
            if (a == "--scenarios") scenarios = *v;
            if (a == "--shock") shocks.push_back(*v);
            if (a == "--prices") prices = *v;
            if (a == "--insurance-fund") fund_text = *v;
            if (a == "--html") html_file = *v;
            if (a == "--top" && !command_io::count_arg(*v, 0, 100, top)) return fail("--top is 0 .. 100");
            if (a == "--threads" && !command_io::count_arg(*v, 1, 64, threads)) return fail("--threads is 1 .. 64");
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            if (!book_path.empty()) return fail("stress-book takes one BOOK");
            book_path = a;
        }
    }
    if (book_path.empty()) return fail("give the BOOK (JSON lines; - for stdin)");
    const auto fund = fp::parse(fund_text);
    if (!fund.ok() || fund.value.raw().sign() < 0) return fail("--insurance-fund takes a decimal >= 0");
    json set;
    if (!scenario_set(scenarios, shocks, set, why)) return fail(why);
    if (set.is_null()) return fail("give --scenarios FILE|NAME or --shock SPEC");
    const auto started = std::chrono::steady_clock::now();
    std::string text;
    if (!read_all(book_path, text)) return fail("cannot read " + book_path);
    if (!command_io::apply_params_lines(text, params, why)) return fail(why);
    json options = {{"scenarios", set}, {"insurance_fund", fund_text}, {"top", std::to_string(top)}};
    // the history a replay reads: DIR/<symbol>-usd.csv for every symbol the book holds or a replay names
    if (!prices.empty()) {
        const auto book = margin::api::parse_book(text);
        if (!book.ok()) {
            std::printf("%s\n", margin::api::encode_error(*book.err, !compact).c_str());
            return 1;
        }
        std::set<std::string> symbols = replay_symbols(set);
        for (const auto& r : book.value) {
            for (const auto& p : r.acct.positions) symbols.insert(p.underlying);
            for (const auto& [asset, amount] : r.acct.collateral) symbols.insert(asset);
        }
        json& history = options["history"] = json::object();
        for (const std::string& sym : symbols) {
            const std::string path = command_io::price_file(prices, sym);
            if (!std::ifstream(path)) continue;
            std::string csv;
            if (!read_all(path, csv)) return fail("cannot read " + path);
            history[sym] = std::move(csv);
        }
    }
    const std::size_t parts = static_cast<std::size_t>(threads);
    const auto r =
        margin::api::stress_book_json(text, options.dump(), !compact, parts,
                                      [&](std::size_t n, const std::function<void(std::size_t)>& part) { run_tasks(n, threads, part); });
    std::printf("%s\n", r.text.c_str());
    if (!r.ok()) return 1;
    const json doc = json::parse(r.text);
    if (timing)
        std::fprintf(stderr, "stress-book: %s accounts x %zu scenarios on %zu thread(s): %.2f s wall\n",
                     doc["stress_book"]["accounts"].get<std::string>().c_str(), doc["stress_book"]["scenarios"].size(), parts,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!html_file.empty()) {
        const std::string title = scenarios.empty() ? std::string("--shock") : scenarios;
        if (!command_io::write_output(html_file, stress_book_report::to_html(doc, book_path, title)))
            return fail("cannot write " + html_file);
    }
    return 0;
}
