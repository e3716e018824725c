// The cascade simulator (core/cascade/, docs/cascade.md): the house's liquidation rule and loss
// ledger mirrored from MarginAccounts / HouseState at their edges, the impact models at 0 flow,
// the cap and 1-wei flows, and the loop in both modes (ledger conservation, thread independence,
// the step cap). Expected figures are computed by hand (the arithmetic is in the comments; Python
// integers agree) — never by the code under test.
#include <catch2/catch.hpp>

#include "core/cascade/cascade.hpp"
#include "core/cascade/house_rule.hpp"
#include "core/cascade/impact.hpp"
#include "fixtures.hpp"

using namespace margin;
using namespace margin::cascade;
using fixtures::W;

namespace {
limits house_limits() { return limits{W("0.1"), W("0.05")}; }  // the harness's house: buffer 0.1, reward 0.05
Wad wei(std::int64_t n) { return Wad::from_raw(fp::I256(n)); }
}  // namespace

TEST_CASE("cascade: the fraction and reward at their edges (MarginAccounts.sol:335-348)", "[cascade]") {
    SECTION("equity <= 0: f = 1, no reward") {
        // target = ceil(1.1 x 100) = 110; f = WAD; reward = ceil(ceil(0.05 x 1) x 100) = 5 > equity -> 0
        auto t = fraction_and_reward(W("-5"), W("100"), house_limits());
        REQUIRE(t.ok());
        CHECK(t.value.target == W("110"));
        CHECK(t.value.per == Wad{});
        CHECK(t.value.fraction == W("1"));
        CHECK(t.value.reward == Wad{});
        auto z = fraction_and_reward(Wad{}, W("100"), house_limits());
        CHECK(z.value.fraction == W("1"));
        CHECK(z.value.reward == Wad{});
    }
    SECTION("partial: CEIL on the fraction and both reward products") {
        // per = floor(1.05 x 100) = 105; f = ceil(20 / 105) = ceil(0.190476190476190476|19..) = 0.190476190476190477
        // reward = ceil(0.05 x 0.190476190476190477 = 0.00952380952380952385) = 0.009523809523809524, x 100 = 0.9523809523809524
        auto t = fraction_and_reward(W("90"), W("100"), house_limits());
        REQUIRE(t.ok());
        CHECK(t.value.per == W("105"));
        CHECK(t.value.fraction == W("0.190476190476190477"));
        CHECK(t.value.reward == W("0.9523809523809524"));
    }
    SECTION("per rounding to 0 closes everything") {
        // buffer 0, reward 0.05, MM = 1 wei: per = floor(0.95 wei) = 0 -> f = 1; reward = ceil(0.05 wei) = 1 wei <= equity
        auto t = fraction_and_reward(wei(1), wei(1), limits{Wad{}, W("0.05")});
        REQUIRE(t.ok());
        CHECK(t.value.per == Wad{});
        CHECK(t.value.fraction == W("1"));
        CHECK(t.value.reward == wei(1));
    }
    SECTION("max_fraction clamps (liquidateWithin)") {
        // f = min(0.190476190476190477, 0.1) = 0.1; reward = ceil(0.005 x 100) = 0.5
        limits l = house_limits();
        l.max_fraction = W("0.1");
        auto t = fraction_and_reward(W("90"), W("100"), l);
        CHECK(t.value.fraction == W("0.1"));
        CHECK(t.value.reward == W("0.5"));
    }
    SECTION("the reward is capped at the equity") {
        // f = min(1, ceil((110 - 0.3) / 105) = 1.044761904761904762) = 1; reward = 5 > 0.3 -> 0.3
        auto t = fraction_and_reward(W("0.3"), W("100"), house_limits());
        CHECK(t.value.fraction == W("1"));
        CHECK(t.value.reward == W("0.3"));
    }
}

TEST_CASE("cascade: the loss scale (HouseState._setCash, _coverShortfall; AccountBook.claim)", "[cascade]") {
    house_ledger h;
    h.insurance_fund = W("30");
    cash_entry a, b, bad;
    REQUIRE_FALSE(set_cash(h, a, W("40")));
    REQUIRE_FALSE(set_cash(h, b, W("60")));
    REQUIRE_FALSE(set_cash(h, bad, W("-100")));
    CHECK(h.total_positive_cash == W("100"));
    SECTION("the fund first, then borne by the claims pro rata") {
        // shortfall 100: fund 30, rest 70 <= claims 100: scale = floor(1e36 x 30 / 100) = 3e35, tpc = 30
        auto c = cover_shortfall(h, bad);
        REQUIRE(c.ok());
        CHECK(c.value.shortfall == W("100"));
        CHECK(c.value.insurance == W("30"));
        CHECK(c.value.socialised == W("70"));
        CHECK(c.value.borne == W("70"));
        CHECK(h.insurance_fund == Wad{});
        CHECK(h.mark.epoch == 0);
        CHECK(h.mark.scale == fp::I256::parse("300000000000000000000000000000000000").value);
        CHECK(h.total_positive_cash == W("30"));
        CHECK(h.socialised_loss == Wad{});
        CHECK(claim(a, h.mark) == W("12"));  // floor(40 x 0.3)
        CHECK(claim(b, h.mark) == W("18"));
        CHECK(bad.cash == Wad{});
        // a later deposit enters at the current mark: not diluted
        cash_entry late;
        REQUIRE_FALSE(set_cash(h, late, W("10")));
        CHECK(claim(late, h.mark) == W("10"));
        CHECK(h.total_positive_cash == W("40"));
    }
    SECTION("claims exhausted: a new epoch, the rest is socialisedLoss") {
        // cash -150 with fund 30: rest 120 > claims 100: borne 100, scale floor(1e36 x 0 / 100) = 0 -> epoch 1, 1e36
        REQUIRE_FALSE(set_cash(h, bad, W("-150")));
        auto c = cover_shortfall(h, bad);
        REQUIRE(c.ok());
        CHECK(c.value.insurance == W("30"));
        CHECK(c.value.socialised == W("120"));
        CHECK(c.value.borne == W("100"));
        CHECK(h.mark.epoch == 1);
        CHECK(h.mark.scale == loss_mark::scale0());
        CHECK(h.total_positive_cash == Wad{});
        CHECK(h.socialised_loss == W("20"));
        CHECK(claim(a, h.mark) == Wad{});  // an earlier epoch's claim is worth 0
        CHECK(claim(b, h.mark) == Wad{});
    }
    SECTION("the scale's floors are the house's dust: at most one wei per balance") {
        // three claims of 1 wei, a loss of 1 wei: scale = floor(1e36 x 2 / 3); each claim floor(1 x 2/3) = 0
        house_ledger g;
        cash_entry x, y, z, d;
        for (auto* e : {&x, &y, &z}) REQUIRE_FALSE(set_cash(g, *e, wei(1)));
        REQUIRE_FALSE(set_cash(g, d, wei(-1)));
        auto c = cover_shortfall(g, d);
        REQUIRE(c.ok());
        CHECK(g.mark.scale == fp::I256::parse("666666666666666666666666666666666666").value);
        CHECK(g.total_positive_cash == wei(2));  // an upper bound of the claims (0 each)
        CHECK(claim(x, g.mark) == Wad{});
    }
}

TEST_CASE("cascade: price impact (linear, square root, levels)", "[cascade]") {
    liquidity lin{impact_model::linear, W("1000000"), W("1"), W("0.5"), {}, {}};
    SECTION("0 flow: no move") {
        auto r = apply_impact(lin, W("100"), Wad{});
        REQUIRE(r.ok());
        CHECK(r.value.impact == Wad{});
        CHECK(r.value.new_mark == W("100"));
    }
    SECTION("linear: k N / depth, against the liquidated side") {
        // sell 1,000 at 100: N = 100,000, I = 0.1, mark floor(100 x 0.9) = 90; a purchase: ceil(100 x 1.1) = 110
        auto s = apply_impact(lin, W("100"), W("-1000"));
        CHECK(s.value.notional == W("100000"));
        CHECK(s.value.impact == W("0.1"));
        CHECK(s.value.new_mark == W("90"));
        CHECK(apply_impact(lin, W("100"), W("1000")).value.new_mark == W("110"));
        // the cap: N = 1e6 -> k N / depth = 1 -> 0.5
        auto c = apply_impact(lin, W("100"), W("-10000"));
        CHECK(c.value.impact == W("0.5"));
        CHECK(c.value.new_mark == W("50"));
    }
    SECTION("1-wei flows") {
        // depth 100: N = ceil(1e-18 x 100) = 1e-16, I = floor(1e-16 / 100) = 1 wei; floor(100 (1 - 1e-18)) = 99.9999999999999999
        liquidity thin{impact_model::linear, W("100"), W("1"), W("0.5"), {}, {}};
        auto s = apply_impact(thin, W("100"), wei(-1));
        CHECK(s.value.notional == W("0.0000000000000001"));
        CHECK(s.value.impact == wei(1));
        CHECK(s.value.new_mark == W("99.9999999999999999"));
        CHECK(apply_impact(thin, W("100"), wei(1)).value.new_mark == W("100.0000000000000001"));
        // depth 1e6: I = floor(1e-22) = 0: no move
        CHECK(apply_impact(lin, W("100"), wei(-1)).value.new_mark == W("100"));
    }
    SECTION("square root: floor(k floor_sqrt(N / depth))") {
        // sqrt(2) = 1.41421356237309504880..: nearest ...049, floor ...048
        CHECK(sqrt_floor(W("2")).value == W("1.414213562373095048"));
        CHECK(sqrt_floor(W("4")).value == W("2"));
        CHECK(sqrt_floor(wei(1)).value == W("0.000000001"));  // sqrt(1e-18) = 1e-9 exactly
        // N / depth = 0.1: sqrt floor 0.316227766016837933; x 0.5 floor = 0.158113883008418966
        // mark floor(100 x 0.841886116991581034) = 84.1886116991581034
        liquidity sq{impact_model::sqrt, W("1000000"), W("0.5"), W("0.5"), {}, {}};
        auto s = apply_impact(sq, W("100"), W("-1000"));
        CHECK(s.value.impact == W("0.158113883008418966"));
        CHECK(s.value.new_mark == W("84.1886116991581034"));
        CHECK(apply_impact(sq, W("100"), Wad{}).value.new_mark == W("100"));
    }
    SECTION("order-book levels: VWAP, last level, exhausted") {
        liquidity lv{impact_model::levels, {}, {}, W("0.5"), {{W("99"), W("10")}, {W("98"), W("10")}}, {{W("101"), W("10")}}};
        // sell 15: 10 x 99 + 5 x 98 = 1,480; VWAP floor(1480 / 15) = 98.666666666666666666; mark 98; I = 0.02
        auto s = apply_impact(lv, W("100"), W("-15"));
        CHECK(s.value.execution == W("98.666666666666666666"));
        CHECK(s.value.new_mark == W("98"));
        CHECK(s.value.impact == W("0.02"));
        CHECK_FALSE(s.value.exhausted);
        // sell 25: the snapshot holds 20; the rest 5 at 98 x 0.5 = 49: (990 + 980 + 245) / 25 = 88.6
        auto e = apply_impact(lv, W("100"), W("-25"));
        CHECK(e.value.exhausted);
        CHECK(e.value.new_mark == W("49"));
        CHECK(e.value.execution == W("88.6"));
        // buy 12: 10 x 101 + 2 x ceil(101 x 1.5) = 1010 + 303 = 1313; VWAP ceil(1313 / 12) = 109.416666666666666667
        auto b = apply_impact(lv, W("100"), W("12"));
        CHECK(b.value.exhausted);
        CHECK(b.value.new_mark == W("151.5"));
        CHECK(b.value.execution == W("109.416666666666666667"));
    }
}
