// Scenario margin speed under the pmrm2 preset: microseconds per account for 10
// and 50 options over 4 expiries (each account priced from scratch), and the
// keeper's batch figure: 10,000 accounts of 20 positions sharing one market
// snapshot, contract values cached across accounts (scenario::value_cache).
//
//   bench_scenario [--json | --batch]     (natively, or `node bench_scenario.js` for wasm)
//   --batch: the batch figure only (whole-unit amounts), from exactly 3 passes (for profilers);
//   --batch-decimals: the same with amounts of up to 3 decimals
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "api/documents.hpp"
#include "api/request.hpp"
#include "core/scenario.hpp"
#include "fixtures.hpp"
#include "timer.hpp"

namespace {

namespace sc = margin::scenario;
namespace fx = margin::fixtures;
using fp::Wad;
using fx::W;

volatile std::int64_t sink;

// A BTC book: 4 expiries (7, 30, 90, 180 days), 10 strikes each, calls and puts.
struct universe {
    std::vector<sc::expiry> expiries;  // options empty: the listed contracts are below
    std::vector<std::vector<sc::option_leg>> listed;
};

universe make_universe() {
    universe u;
    const std::int64_t days[] = {7, 30, 90, 180};
    for (int e = 0; e < 4; ++e) {
        u.expiries.push_back(fx::listed_expiry(fx::days(days[e]), W(std::to_string(100000 + 400 * e)), W("0.05")));
        std::vector<sc::option_leg> legs;
        for (int k = 0; k < 10; ++k)
            for (bool call : {true, false})
                legs.push_back({W(std::to_string(80000 + 5000 * k)), W("0." + std::to_string(45 + 2 * k)), W("0"), call});
        u.listed.push_back(legs);
    }
    return u;
}

// An account holding n options spread over the 4 expiries, plus a perp and cash; amounts
// in whole units, or with up to 3 decimals (`fractional`).
sc::portfolio account(const universe& u, int n, std::uint64_t seed, bool fractional = false) {
    sc::portfolio p = fx::book(W("100000"), W("100020"));
    p.cash = W("250000");
    p.perp_position = W("-0.5");
    p.expiries = u.expiries;
    std::uint64_t x = seed * 2654435761u + 1;
    for (int i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const int e = i % 4;
        sc::option_leg leg = u.listed[static_cast<std::size_t>(e)][x % 20];
        bool dup = false;
        for (const auto& l : p.expiries[static_cast<std::size_t>(e)].options) dup = dup || (l.strike == leg.strike && l.call == leg.call);
        if (dup) {
            --i;
            continue;
        }
        leg.amount = W(std::string((x >> 8) % 3 ? "-" : "") + std::to_string(1 + (x >> 16) % 5) +
                       (fractional ? "." + std::to_string(1 + (x >> 24) % 999) : ""));
        p.expiries[static_cast<std::size_t>(e)].options.push_back(leg);
    }
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
    const bool batch_decimals = argc > 1 && std::strcmp(argv[1], "--batch-decimals") == 0;
    const bool batch_only = batch_decimals || (argc > 1 && std::strcmp(argv[1], "--batch") == 0);  // for profiling
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    if (!prm.ok()) {
        std::fprintf(stderr, "preset: %s\n", prm.err->message.c_str());
        return 1;
    }
    const universe u = make_universe();
    struct row {
        std::string name, what;
        double ns;
    };
    std::vector<row> rows;
    for (int n : {10, 50}) {
        if (batch_only) break;
        const sc::portfolio p = account(u, n, 7);
        rows.push_back({"pmrm2_account_" + std::to_string(n),
                        std::to_string(n) + " options over 4 expiries, pmrm2 (31 scenarios), priced from scratch",
                        bench::ns_per_op([&] { sink = sc::evaluate(p, prm.value).value.worst_scenario; }, 1)});
    }
    // Batch: 10,000 accounts of 20 positions on one snapshot; the cache is filled by the first pass.
    for (const bool fractional : {false, true}) {
        if (batch_only && fractional != batch_decimals) continue;
        std::vector<sc::portfolio> book;
        for (int i = 0; i < 10000; ++i) book.push_back(account(u, 20, static_cast<std::uint64_t>(i) + 1, fractional));
        sc::value_cache cache;
        for (const auto& p : book) sink = sc::evaluate(p, prm.value, &cache).value.worst_scenario;
        auto pass = [&] {
            for (const auto& p : book) sink = sc::evaluate(p, prm.value, &cache).value.worst_scenario;
        };
        double per_account = 0;
        if (batch_only) {  // a fixed amount of work (3 passes), so instruction counts compare across builds
            const auto t0 = std::chrono::steady_clock::now();
            for (int i = 0; i < 3; ++i) pass();
            per_account = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() /
                          (3.0 * static_cast<double>(book.size()));
        } else {
            per_account = bench::ns_per_op(pass, static_cast<long long>(book.size()));
        }
        rows.push_back(
            {fractional ? "pmrm2_batch_20_dec" : "pmrm2_batch_20",
             std::string("20 positions per account") + (fractional ? " (amounts with up to 3 decimals)" : " (whole-unit amounts)") +
                 ", 10,000 accounts sharing one snapshot, contract values cached (" + std::to_string(cache.size()) + " contracts)",
             per_account});
    }
    if (json) {
        std::printf("[");
        for (std::size_t i = 0; i < rows.size(); ++i)
            std::printf("%s{\"op\":\"%s\",\"what\":\"%s\",\"fixed_ns\":%.1f,\"double_ns\":0}", i ? "," : "", rows[i].name.c_str(),
                        rows[i].what.c_str(), rows[i].ns);
        std::printf("]\n");
    } else {
        for (const auto& r : rows)
            std::printf("%-18s %10.1f us/account  %10.0f accounts/s   %s\n", r.name.c_str(), r.ns / 1000, 1e9 / r.ns, r.what.c_str());
    }
    return 0;
}
