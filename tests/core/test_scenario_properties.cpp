// Hedging properties of the scenario engine on generated portfolios (pmrm2
// preset): the portfolio's requirement is at most the sum of its legs'
// (so adding a hedge never costs more than the hedge alone), IM >= MM, and the
// result does not depend on the order of positions (bit for bit).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "../common/sample.hpp"
#include "api/documents.hpp"
#include "api/request.hpp"
#include "core/scenario.hpp"
#include "fixtures.hpp"
#include "scenario/wide.hpp"

namespace sc = margin::scenario;
namespace fx = margin::fixtures;
using fp::Wad;
using fx::W;

namespace {

struct rng {
    std::uint64_t x;
    std::uint64_t next() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    }
    std::int64_t in(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
};

// ETH at 3000, perp at 3001, expiries in 3, 30 and 120 days (forward 3000 + days, rate 4%).
sc::portfolio base() {
    sc::portfolio p = fx::book(W("3000"), W("3001"));
    for (std::int64_t d : {3, 30, 120}) p.expiries.push_back(fx::listed_expiry(fx::days(d), W(std::to_string(3000 + d)), W("0.04")));
    return p;
}

// Requirement in the API's sign: what the margin takes from the mark-to-market.
Wad requirement(const sc::result& r, bool initial) {
    return fp::sub(r.mark_to_market, initial ? r.initial_margin : r.maintenance_margin).value;
}

struct leg {
    int expiry = -1;  // -1: the perp
    sc::option_leg option;
    Wad perp;
};

sc::portfolio with(const std::vector<leg>& legs) {
    sc::portfolio p = base();
    for (const leg& l : legs) {
        if (l.expiry < 0)
            p.perp_position = fp::add(p.perp_position, l.perp).value;
        else
            p.expiries[static_cast<std::size_t>(l.expiry)].options.push_back(l.option);
    }
    return p;
}

std::vector<leg> random_legs(rng& g) {
    std::vector<leg> legs;
    const int n = static_cast<int>(g.in(2, 6));
    for (int i = 0; i < n; ++i) {
        leg l;
        if (g.in(0, 4) == 0) {
            l.perp = W(std::to_string(g.in(-5, 5)) + ".5");
        } else {
            l.expiry = static_cast<int>(g.in(0, 2));
            l.option = {W(std::to_string(2000 + 250 * g.in(0, 8))), W("0." + std::to_string(g.in(40, 95))),
                        W(std::to_string(g.in(-10, 10)) + "." + std::to_string(g.in(0, 9))), g.in(0, 1) == 1};
        }
        legs.push_back(l);
    }
    return legs;
}

}  // namespace

TEST_CASE("scenario margin: portfolio <= sum of legs, IM >= MM, order-invariant (pmrm2, 200 portfolios)", "[scenario][properties]") {
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    REQUIRE(prm.ok());
    rng g{0x9E3779B97F4A7C15ull};
    for (int round = 0; round < 200; ++round) {
        std::vector<leg> legs = random_legs(g);
        const auto whole = sc::evaluate(with(legs), prm.value);
        REQUIRE(whole.ok());
        Wad sum_im, sum_mm;
        for (const leg& l : legs) {
            const auto alone = sc::evaluate(with({l}), prm.value);
            REQUIRE(alone.ok());
            sum_im = fp::add(sum_im, requirement(alone.value, true)).value;
            sum_mm = fp::add(sum_mm, requirement(alone.value, false)).value;
        }
        const Wad im = requirement(whole.value, true), mm = requirement(whole.value, false);
        // a few wei of slack per leg for the per-product roundings
        const Wad slack =
            fp::mul(Wad::from_raw(fp::I256(100)), Wad::from_int(static_cast<std::int64_t>(legs.size())), fp::rounding::ceil).value;
        INFO("round " << round << ": IM " << fp::format(im) << " vs legs " << fp::format(sum_im));
        CHECK(im <= fp::add(sum_im, slack).value);
        CHECK(mm <= fp::add(sum_mm, slack).value);
        CHECK(im >= mm);
        // any order of the legs gives the same bits
        std::vector<leg> shuffled = legs;
        std::reverse(shuffled.begin(), shuffled.end());
        std::rotate(shuffled.begin(), shuffled.begin() + 1, shuffled.end());
        sc::portfolio q = with(shuffled);
        std::reverse(q.expiries.begin(), q.expiries.end());
        const auto again = sc::evaluate(q, prm.value);
        REQUIRE(again.ok());
        CHECK(again.value.initial_margin == whole.value.initial_margin);
        CHECK(again.value.maintenance_margin == whole.value.maintenance_margin);
        CHECK(again.value.scenario_pnl == whole.value.scenario_pnl);
    }
}

TEST_CASE("scenario margin: a perp hedge of an option's delta lowers the requirement", "[scenario][properties]") {
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    REQUIRE(prm.ok());
    // 10 short ATM 30-day calls (delta ~ -5) against 5 long perps
    const std::vector<leg> calls{{1, {W("3000"), W("0.6"), W("-10"), true}, Wad{}}};
    std::vector<leg> hedged = calls;
    hedged.push_back({-1, {}, W("5")});
    const auto naked = sc::evaluate(with(calls), prm.value);
    const auto both = sc::evaluate(with(hedged), prm.value);
    const auto perp = sc::evaluate(with({hedged.back()}), prm.value);
    REQUIRE((naked.ok() && both.ok() && perp.ok()));
    CHECK(requirement(both.value, true) < requirement(naked.value, true));
    CHECK(requirement(both.value, true) <= fp::add(requirement(naked.value, true), requirement(perp.value, true)).value);
}

// evaluate() runs on 128-bit integers first and re-runs on int256 (Wad) arithmetic when
// anything does not fit; detail::evaluate_wide() runs on int256 only. They must agree bit
// for bit, with and without a shared cache, on books small and large enough to need the
// int256 path, with amounts of every decimal count (the column sums' scaled kernel).
TEST_CASE("scenario margin: the 128-bit lane equals the int256 arithmetic bit for bit", "[scenario][lanes]") {
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    REQUIRE(prm.ok());
    rng g{20261121};
    sc::value_cache cache;
    int compared = 0, failures = 0;
    auto same = [](const sc::result& a, const sc::result& b) {
        return a.initial_margin == b.initial_margin && a.maintenance_margin == b.maintenance_margin &&
               a.mark_to_market == b.mark_to_market && a.worst_loss == b.worst_loss && a.worst_scenario == b.worst_scenario &&
               a.scenario_pnl == b.scenario_pnl && a.basis_contingency == b.basis_contingency && a.im_contingency == b.im_contingency &&
               a.mm_contingency == b.mm_contingency && a.oracle_contingency == b.oracle_contingency && a.im_factor == b.im_factor &&
               a.expiries.size() == b.expiries.size() &&
               std::equal(a.expiries.begin(), a.expiries.end(), b.expiries.begin(), [](const auto& x, const auto& y) {
                   return x.mtm == y.mtm && x.worst_pnl == y.worst_pnl && x.discount_pos == y.discount_pos &&
                          x.discount_neg == y.discount_neg;
               });
    };
    for (int round = 0; round < margin_test::sample(300); ++round) {
        std::vector<leg> legs = random_legs(g);
        // amounts with 0 to 18 decimals; every 10th book scaled towards the 128-bit limit
        const int digits = static_cast<int>(g.in(0, 18));
        const std::string zeros(round % 10 == 0 ? static_cast<std::size_t>(g.in(14, 26)) : 0, '0');
        for (leg& l : legs) {
            std::string frac;
            for (int d = 0; d < digits; ++d) frac += static_cast<char>('0' + g.in(0, 9));
            const std::string amount = std::to_string(g.in(-20, 20)) + zeros + (frac.empty() ? "" : "." + frac);
            (l.expiry < 0 ? l.perp : l.option.amount) = W(amount);
        }
        sc::portfolio p = with(legs);
        // prices with 18 decimals, so that products round (floor and ceiling differ)
        p.spot = W("3000." + std::to_string(100000000000000000 + g.in(0, 899999999999999999)));
        p.perp_price = W("3001." + std::to_string(100000000000000000 + g.in(0, 899999999999999999)));
        if (round % 4 == 0) p.collaterals.push_back({"ETH", W("2" + zeros + ".5"), W("3000"), W("1"), W("0.02"), W("0.01"), true});
        for (sc::value_cache* c : {static_cast<sc::value_cache*>(nullptr), &cache}) {
            const auto fast = sc::evaluate(p, prm.value, c);
            const auto wide = sc::detail::evaluate_wide(p, prm.value);
            REQUIRE(fast.ok() == wide.ok());
            if (!fast.ok()) {
                CHECK(fast.err->code == wide.err->code);
                ++failures;
                continue;
            }
            CHECK(same(fast.value, wide.value));
            for (const std::int64_t id :
                 {std::int64_t{0}, fast.value.worst_scenario, static_cast<std::int64_t>(prm.value.scenarios.size())}) {
                const auto one = sc::evaluate_scenario(p, prm.value, id, c);
                const auto one_wide = sc::detail::evaluate_scenario_wide(p, prm.value, id);
                REQUIRE(one.ok());
                REQUIRE(one_wide.ok());
                CHECK(one.value.pnl == one_wide.value.pnl);
                CHECK(one.value.expiry_pnl == one_wide.value.expiry_pnl);
                CHECK(one.value.initial_margin == one_wide.value.initial_margin);
                CHECK(one.value.maintenance_margin == one_wide.value.maintenance_margin);
            }
            ++compared;
        }
    }
    CHECK(compared > margin_test::sample(500));
    // the large books do reach past 128 bits somewhere (IM beyond 2^127 wei is past i128)
    const auto huge = with({{0, {W("3000"), W("0.8"), W("-4" + std::string(22, '0')), true}, Wad{}}});
    const auto r = sc::evaluate(huge, prm.value);
    REQUIRE(r.ok());
    CHECK_FALSE(r.value.initial_margin.raw().fits_i128());
    CHECK(same(r.value, sc::detail::evaluate_wide(huge, prm.value).value));
}

// The engine keeps its buffers in one per-thread workspace (core/src/scenario/workspace.hpp)
// whose previous contents must never reach a result: the same portfolios evaluated in
// another order, between books of other sizes and ones that need the int256 lane, give the
// same bits as each evaluated first.
TEST_CASE("scenario margin: results do not depend on what the thread evaluated before", "[scenario][workspace]") {
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    REQUIRE(prm.ok());
    rng g{77};
    std::vector<sc::portfolio> books;
    for (int i = 0; i < 40; ++i) {
        sc::portfolio p = with(random_legs(g));
        if (i % 3 == 0) p.collaterals.push_back({"ETH", W("2.5"), W("3000"), W("0.99"), W("0.02"), W("0.01"), true});
        if (i % 7 == 0) p.expiries.pop_back();
        books.push_back(p);
    }
    books.push_back(with({{0, {W("3000"), W("0.8"), W("-4" + std::string(22, '0')), true}, Wad{}}}));  // the int256 lane
    books.push_back(with({}));                                                                         // no positions
    const std::int64_t basis = static_cast<std::int64_t>(prm.value.scenarios.size());
    std::vector<sc::result> first;
    std::vector<sc::scenario_outcome> first_one;
    for (const sc::portfolio& p : books) {
        const auto r = sc::evaluate(p, prm.value);
        const auto one = sc::evaluate_scenario(p, prm.value, basis);
        REQUIRE((r.ok() && one.ok()));
        first.push_back(r.value);
        first_one.push_back(one.value);
    }
    sc::value_cache cache;
    for (std::size_t k = books.size(); k-- > 0;) {
        const std::size_t other = (k * 7 + 3) % books.size();
        REQUIRE(sc::evaluate(books[other], prm.value, &cache).ok());  // something else first
        const auto r = sc::evaluate(books[k], prm.value, k % 2 ? &cache : nullptr);
        const auto one = sc::evaluate_scenario(books[k], prm.value, basis, k % 2 ? nullptr : &cache);
        REQUIRE((r.ok() && one.ok()));
        INFO("book " << k);
        CHECK(r.value.scenario_pnl == first[k].scenario_pnl);
        CHECK(r.value.initial_margin == first[k].initial_margin);
        CHECK(r.value.maintenance_margin == first[k].maintenance_margin);
        CHECK(r.value.mark_to_market == first[k].mark_to_market);
        CHECK(r.value.worst_scenario == first[k].worst_scenario);
        CHECK(r.value.im_contingency == first[k].im_contingency);
        CHECK(r.value.oracle_contingency == first[k].oracle_contingency);
        CHECK(one.value.pnl == first_one[k].pnl);
        CHECK(one.value.expiry_pnl == first_one[k].expiry_pnl);
        CHECK(one.value.initial_margin == first_one[k].initial_margin);
    }
}

// Defaults are neutral (core/scenario.hpp): a default-constructed portfolio, expiry and
// collateral carry no de-peg and no confidence charge, and collateral divides by a stable
// price of 1, not 0.
TEST_CASE("scenario margin: default-constructed inputs are neutral", "[scenario]") {
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    REQUIRE(prm.ok());
    const auto empty = sc::evaluate(sc::portfolio{}, prm.value);
    REQUIRE(empty.ok());
    CHECK(empty.value.im_factor == prm.value.loss.im_factor);  // no peg adjustment
    CHECK(empty.value.oracle_contingency == Wad{});
    CHECK(empty.value.initial_margin == Wad{});
    sc::portfolio p = base();
    p.perp_position = W("-2");
    p.expiries[1].options.push_back({W("3000"), W("0.6"), W("-3"), true});
    sc::collateral usdc;
    usdc.name = "USDC";
    usdc.amount = W("1000");
    usdc.price = W("1");
    p.collaterals.push_back(usdc);
    const auto r = sc::evaluate(p, prm.value);
    REQUIRE(r.ok());
    CHECK(r.value.im_factor == prm.value.loss.im_factor);
    CHECK(r.value.oracle_contingency == Wad{});
    CHECK(fp::sub(r.value.mark_to_market, W("1000")).value == r.value.expiries[1].mtm);  // 1000 USDC at 1 / 1
}

// value_cache::clear() readies a cache for another (snapshot, params) pair: what it kept of
// the first parameters (contract values, and the scenario rows of the 128-bit lane) must not
// reach the second's results, whether the second list of scenarios is shorter or longer.
TEST_CASE("scenario margin: a cleared value_cache serves other parameters bit for bit", "[scenario][cache]") {
    const auto pmrm2 = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    const auto span16 = margin::api::parse_scenario_params(margin::api::document("scenarios/span16"));
    REQUIRE((pmrm2.ok() && span16.ok()));
    sc::portfolio p = base();
    p.perp_position = W("1");
    p.expiries[1].options.push_back({W("3000"), W("0.6"), W("-3"), true});
    sc::value_cache cache;
    for (const auto* prm : {&pmrm2.value, &span16.value, &pmrm2.value}) {
        const auto fresh = sc::evaluate(p, *prm);
        const auto cached = sc::evaluate(p, *prm, &cache);
        REQUIRE((fresh.ok() && cached.ok()));
        CHECK(cached.value.scenario_pnl == fresh.value.scenario_pnl);
        CHECK(cached.value.initial_margin == fresh.value.initial_margin);
        CHECK(cached.value.worst_scenario == fresh.value.worst_scenario);
        cache.clear();
        CHECK(cache.size() == 0);
    }
}
