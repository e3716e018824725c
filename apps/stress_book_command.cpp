// `margin stress-book`: a book (JSON lines, one margin request per line) under a scenario set:
// per scenario the accounts that become liquidatable, the total shortfall against an insurance
// fund and the top contributors (docs/stress.md §Book). The accounts are split over --threads
// threads; the output is the same bytes for any thread count.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/response.hpp"
#include "api/risk.hpp"
#include "api/stress.hpp"
#include "command_io.hpp"
#include "core/stress/book.hpp"

bool scenario_set(const std::string& scenarios, const std::vector<std::string>& shocks, nlohmann::ordered_json& set,
                  std::string& why);                                      // apps/stress_command.cpp
std::set<std::string> replay_symbols(const nlohmann::ordered_json& set);  // apps/stress_command.cpp

namespace {

using json = nlohmann::ordered_json;

constexpr const char* book_usage =
    "usage: margin stress-book BOOK.jsonl --scenarios FILE|NAME [--shock SPEC]... [--insurance-fund X] [--top N]\n"
    "                          [--prices DIR] [--threads N] [--compact] [--timing]\n"
    "  BOOK: one margin request per line. Per scenario: accounts liquidatable, total shortfall (negative\n"
    "  equity) against the insurance fund (default 0), the top N contributors (default 10, at most 100).\n";

int fail(const std::string& why) {
    std::fprintf(stderr, "margin stress-book: %s\n%s", why.c_str(), book_usage);
    return 2;
}

int engine_error(const margin::error& e, bool pretty) {
    std::printf("%s\n", margin::api::encode_error(e, pretty).c_str());
    return 1;
}

}  // namespace

int stress_book_command(const std::vector<std::string>& args) {
    std::string book_path, scenarios, prices, fund_text = "0";
    std::vector<std::string> shocks;
    std::int64_t threads = 2, top = 10;
    bool compact = false, timing = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const std::string* v = nullptr;
        auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
        if (a == "--compact") {
            compact = true;
        } else if (a == "--timing") {
            timing = true;
        } else if (a == "--scenarios" || a == "--shock" || a == "--prices" || a == "--insurance-fund" || a == "--top" || a == "--threads") {
            if (!(v = value())) return fail(a + " needs a value");
            if (a == "--scenarios") scenarios = *v;
            if (a == "--shock") shocks.push_back(*v);
            if (a == "--prices") prices = *v;
            if (a == "--insurance-fund") fund_text = *v;
            if (a == "--top" || a == "--threads") {
                std::int64_t& n = a == "--top" ? top : threads;
                if (v->empty() || v->size() > 3 || v->find_first_not_of("0123456789") != std::string::npos)
                    return fail(a + " takes a count");
                n = std::stoll(*v);
                if (a == "--top" ? n > 100 : (n < 1 || n > 64)) return fail(a == "--top" ? "--top is 0 .. 100" : "--threads is 1 .. 64");
            }
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
    std::string why;
    if (!scenario_set(scenarios, shocks, set, why)) return fail(why);
    if (set.is_null()) return fail("give --scenarios FILE|NAME or --shock SPEC");
    const auto started = std::chrono::steady_clock::now();
    std::string text;
    if (!read_all(book_path, text)) return fail("cannot read " + book_path);
    auto book = margin::api::parse_book(text);
    if (!book.ok()) return engine_error(*book.err, !compact);
    auto doc = set.is_string() ? margin::api::shipped_stress_set(set.get<std::string>(), "/scenarios")
                               : margin::api::parse_stress_document(set.dump(), "/scenarios");
    if (!doc.ok()) return engine_error(*doc.err, !compact);
    // the history a replay reads: DIR/<symbol>-usd.csv for every symbol the book holds or a replay names
    margin::risk::history history;
    if (!prices.empty()) {
        std::set<std::string> symbols = replay_symbols(set);
        for (const auto& r : book.value) {
            for (const auto& p : r.acct.positions) symbols.insert(p.underlying);
            for (const auto& [asset, amount] : r.acct.collateral) symbols.insert(asset);
        }
        for (const std::string& sym : symbols) {
            const std::string path = command_io::price_file(prices, sym);
            std::ifstream probe(path);
            if (!probe) continue;
            std::string csv;
            if (!read_all(path, csv)) return fail("cannot read " + path);
            auto s = margin::api::parse_history_csv(csv, "/history/" + sym, path);
            if (!s.ok()) return engine_error(*s.err, !compact);
            history.emplace(sym, std::move(s.value));
        }
    }
    const auto& accounts = book.value;
    const auto& scs = doc.value.scenarios;
    std::vector<margin::stress::book_cell> cells(accounts.size() * scs.size());
#ifdef __EMSCRIPTEN__
    threads = 1;
#endif
    const std::size_t parts = std::min<std::size_t>(static_cast<std::size_t>(threads), accounts.size());
    std::vector<std::optional<margin::error>> errors(parts);
    auto work = [&](std::size_t t) {
        const std::size_t first = accounts.size() * t / parts, last = accounts.size() * (t + 1) / parts;
        errors[t] = margin::stress::evaluate_book(accounts, scs, history, first, last, cells);
    };
    if (parts <= 1) {
        work(0);
    } else {
#ifndef __EMSCRIPTEN__
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < parts; ++t) pool.emplace_back(work, t);
        for (auto& th : pool) th.join();
#endif
    }
    for (const auto& e : errors)
        if (e) return engine_error(*e, !compact);
    std::vector<margin::account_result> before;
    for (const auto& r : accounts) {
        auto b = margin::compute(r);
        if (!b.ok()) return engine_error(*b.err, !compact);
        before.push_back(std::move(b.value));
    }
    const auto summary = margin::stress::summarise_book(scs, before, cells, fund.value, static_cast<std::size_t>(top));
    std::printf("%s\n", margin::api::encode_book(summary, fund.value, !compact).c_str());
    if (timing)
        std::fprintf(stderr, "stress-book: %zu accounts x %zu scenarios on %zu thread(s): %.2f s wall\n", accounts.size(), scs.size(),
                     parts, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return 0;
}
