// The cascade's hidden tests (run by name, not by ctest): vectors for the independent Python
// recomputation of the rule and the impact models (tests/core/check_cascade_rule.py), and a timing
// on a generated book. The tests proper are in test_cascade.cpp.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include "api/documents.hpp"
#include "api/request.hpp"
#include "core/cascade/cascade.hpp"
#include "fixtures.hpp"

using namespace margin;
using namespace margin::cascade;
using fixtures::W;
using nlohmann::json;

namespace {
limits house_limits() {
    limits l;
    l.buffer = W("0.1");
    l.reward = W("0.05");
    return l;
}
}  // namespace

// Vectors for tests/core/check_cascade_rule.py, which recomputes them with Python integers as
// FixedPoint.sol rounds (hidden: `core_tests "[cascade-vectors]" | python3 tests/core/check_cascade_rule.py`).
// Lines: "rule E MM b r mf target per f reward", "sqrt x r", "impact model k depth max mark flow I new" (raw wei).
TEST_CASE("cascade: rule and impact vectors", "[.][cascade-vectors]") {
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    auto next = [&] {  // xorshift64*: the cases only need spread, not quality
        x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
        return x * 0x2545f4914f6cdd1dULL;
    };
    auto raw = [](const Wad& w) { return w.raw().to_string(); };
    auto pick = [&](std::uint64_t scale_digits) {  // a value with up to `scale_digits` digits of wei
        fp::I256 v(static_cast<std::int64_t>(next() >> 2));
        std::string s = v.to_string();
        s = s.substr(0, std::min<std::size_t>(s.size(), 1 + next() % scale_digits));
        return Wad::from_raw(fp::I256::parse(s).value);
    };
    for (int k = 0; k < 3000; ++k) {
        const Wad mm = pick(19 - (k % 18));
        Wad e = pick(19 - (k % 17));
        if (next() % 3 == 0) e = fp::neg(e).value;
        if (next() % 5 == 0) e = fp::sub(mm, Wad::from_raw(fp::I256(static_cast<std::int64_t>(next() % 1000)))).value;
        limits l;
        l.buffer = Wad::from_raw(fp::I256(static_cast<std::int64_t>(next() % 1'000'000'000'000'000'001ULL)));
        l.reward = Wad::from_raw(fp::I256(static_cast<std::int64_t>(next() % 500'000'000'000'000'001ULL)));
        if (next() % 4 == 0) l.max_fraction = Wad::from_raw(fp::I256(static_cast<std::int64_t>(1 + next() % 1'000'000'000'000'000'000ULL)));
        auto t = fraction_and_reward(e, mm, l);
        REQUIRE(t.ok());
        std::printf("rule %s %s %s %s %s %s %s %s %s\n", raw(e).c_str(), raw(mm).c_str(), raw(l.buffer).c_str(), raw(l.reward).c_str(),
                    raw(l.max_fraction).c_str(), raw(t.value.target).c_str(), raw(t.value.per).c_str(), raw(t.value.fraction).c_str(),
                    raw(t.value.reward).c_str());
        const Wad v = pick(36);
        std::printf("sqrt %s %s\n", raw(v).c_str(), raw(sqrt_floor(v).value).c_str());
        liquidity lq{k % 2 ? impact_model::sqrt : impact_model::linear, pick(25), pick(19), pick(18), {}, {}};
        if (lq.depth.raw().is_zero() || lq.max_impact.raw().is_zero()) continue;
        if (lq.max_impact >= W("1")) lq.max_impact = W("0.5");
        const Wad mark = fp::add(pick(22), W("0.000001")).value;
        Wad flow = pick(20);
        if (next() % 2) flow = fp::neg(flow).value;
        auto r = apply_impact(lq, mark, flow);
        REQUIRE(r.ok());
        std::printf("impact %d %s %s %s %s %s %s %s\n", k % 2, raw(lq.k).c_str(), raw(lq.depth).c_str(), raw(lq.max_impact).c_str(),
                    raw(mark).c_str(), raw(flow).c_str(), raw(r.value.impact).c_str(), raw(r.value.new_mark).c_str());
    }
}

// A timing, not a test (hidden): N accounts on BTC (the shipped example's market, ETH dropped):
// a short put, a long call and a perp each, sizes and cash spread, the portfolio model (pmrm2);
// house mode over a path of 10 pushes of -3% each (the liquidators: the last 4 accounts,
// rich), then market mode from the -30% market with a square-root impact.
//   build/native/bin/core_tests "[cascade-speed]" -d yes
TEST_CASE("cascade: speed on a generated book", "[.][cascade-speed]") {
    const std::size_t n = 2000;
    json base = json::parse(api::document("example"));
    base["market"]["underlyings"].erase("ETH");
    base["market"].erase("collateral");
    base["params"] = "pmrm2";
    auto moved = [&](int pct) {  // spot, perp mark and the given forward x (1 + pct/100)
        json m = base["market"];
        auto scale = [&](json& v) {
            v = fp::format(fp::mul(W(v.get<std::string>()), W(std::to_string(100 + pct)), fp::rounding::floor).value);
        };
        auto& u = m["underlyings"]["BTC"];
        for (auto* f : {&u["spot"], &u["perp_mark"], &u["expiries"][0]["forward"]}) {
            scale(*f);
            *f = fp::format(fp::div(W(f->get<std::string>()), W("100"), fp::rounding::floor).value);
        }
        json j{{"api_version", "1"},
               {"market", m},
               {"params", "pmrm2"},
               {"account", {{"margin_mode", "cross"}, {"cash", "0"}, {"positions", json::array()}}}};
        return api::parse_request(j.dump()).value.market;
    };
    input in;
    for (std::size_t i = 0; i < n; ++i) {
        const bool liq = i + 4 >= n;
        json acct{{"margin_mode", "cross"},
                  {"cash", liq ? "100000000" : std::to_string(20000 + (i * 7919) % 60000)},
                  {"positions", json::array()}};
        if (!liq) {
            acct["positions"].push_back({{"type", "option"},
                                         {"underlying", "BTC"},
                                         {"expiry", "1767945600"},
                                         {"strike", "95000"},
                                         {"option_type", "put"},
                                         {"size", "-" + std::to_string(1 + i % 4)}});
            acct["positions"].push_back({{"type", "option"},
                                         {"underlying", "BTC"},
                                         {"expiry", "1774598400"},
                                         {"strike", "110000"},
                                         {"option_type", "call"},
                                         {"size", std::to_string(1 + i % 3)}});
            acct["positions"].push_back({{"type", "perp"},
                                         {"underlying", "BTC"},
                                         {"size", std::to_string(static_cast<int>(i % 7) - 2)},
                                         {"entry_price", "100040"}});
        }
        json j = base;
        j["account"] = acct;
        auto r = api::parse_request(j.dump());
        REQUIRE(r.ok());
        in.accounts.push_back(std::move(r.value));
        if (liq) in.liquidators.push_back(i);
    }
    in.rule = house_limits();
    in.insurance_fund = W("100000");
    in.start = in.accounts[0].market;
    for (int k = 1; k <= 10; ++k) in.path.push_back(moved(-3 * k));
    in.steps = 50;
    for (std::size_t threads : {1, 2}) {
        const auto t0 = std::chrono::steady_clock::now();
        auto h = run(in, threads);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        REQUIRE(h.ok());
        std::printf("house, %zu accounts, %zu thread(s): %zu steps, %zu liquidations, capped %d: %lld ms\n", n, threads,
                    h.value.total.steps_run, h.value.total.liquidations, static_cast<int>(h.value.total.capped),
                    static_cast<long long>(ms));
    }
    input mk = in;
    mk.mode = mode::market;
    mk.loss = loss_rule::ranked;
    mk.path = {moved(-30)};
    mk.liquidity["BTC"] = liquidity{impact_model::sqrt, W("500000000"), W("0.5"), W("0.2"), {}, {}};
    for (std::size_t threads : {1, 2}) {
        const auto t0 = std::chrono::steady_clock::now();
        auto m1 = run(mk, threads);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        REQUIRE(m1.ok());
        std::printf("market, %zu thread(s): %lld ms\n", threads, static_cast<long long>(ms));
    }
    auto m = run(mk, 2);
    REQUIRE(m.ok());
    std::printf("market, %zu accounts: %zu steps, %zu liquidations, amplification %s, bad debt %s\n", n, m.value.total.steps_run,
                m.value.total.liquidations, fp::format(m.value.total.amplification.at("BTC").value_or(Wad{})).c_str(),
                fp::format(m.value.total.bad_debt).c_str());
}
