// The cascade simulator (core/cascade/, docs/cascade.md): the house's liquidation rule and loss
// ledger mirrored from MarginAccounts / HouseState at their edges, the impact models at 0 flow,
// the cap and 1-wei flows, and the loop in both modes (ledger conservation, thread independence,
// the step cap). Expected figures are computed by hand (the arithmetic is in the comments; Python
// integers agree) — never by the code under test.
#include <catch2/catch.hpp>

#include <cstdio>

#include "core/cascade/cascade.hpp"
#include "core/cascade/house_rule.hpp"
#include "core/cascade/impact.hpp"
#include "fixtures.hpp"

using namespace margin;
using namespace margin::cascade;
using fixtures::W;

namespace {
limits lim(const Wad& buffer, const Wad& reward) {
    limits l;
    l.buffer = buffer;
    l.reward = reward;
    return l;
}
limits house_limits() { return lim(W("0.1"), W("0.05")); }  // the harness's house: buffer 0.1, reward 0.05
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
        auto t = fraction_and_reward(wei(1), wei(1), lim(Wad{}, W("0.05")));
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

TEST_CASE("cascade: one partial liquidation, moved toward zero (MarginAccounts.sol:353-362, _transferPositions)", "[cascade]") {
    auto leg = [](instrument_type t, const char* size, std::int64_t strike) {
        position p;
        p.type = t;
        p.underlying = "BTC";
        p.expiry = 1'800'000'000;
        p.kind = option_kind::put;
        p.strike = Wad::from_int(strike);
        p.size = W(size);
        if (t == instrument_type::perp) p.entry_price = W("100");
        return p;
    };
    house_ledger h;
    house_account a, liq;
    REQUIRE_FALSE(set_cash(h, a.cash, W("11.5")));
    REQUIRE_FALSE(set_cash(h, liq.cash, W("1000")));
    a.positions = {leg(instrument_type::option, "-0.7", 90), leg(instrument_type::perp, "-0.3", 0)};
    // equity 10 (11.5 + floor(-0.3 x 5)), MM 20 (the witness's, given): target 22, per floor(1.05 x 20) = 21,
    // f = ceil(12 / 21) = 0.571428571428571429; reward = ceil(ceil(0.05 f = 0.02857142857142857145) x 20) = 0.57142857142857144
    SECTION("the moves") {
        auto x = liquidate(h, a, liq, W("10"), W("20"), W("105"), house_limits());
        REQUIRE(x.ok());
        REQUIRE_FALSE(x.value.legs);
        CHECK(x.value.t.fraction == W("0.571428571428571429"));
        CHECK(x.value.t.reward == W("0.57142857142857144"));
        // the perp settled at 105 first: cash 11.5 - 1.5 = 10 = equity, so optionsValue 0 and payment = -reward
        CHECK(x.value.options_value == Wad{});
        CHECK(x.value.payment == W("-0.57142857142857144"));
        CHECK(a.cash.cash == W("9.42857142857142856"));
        CHECK(liq.cash.cash == W("1000.57142857142857144"));
        // trunc(-0.7 f = -0.4000000000000000003) = -0.4 (FLOOR would give -0.400000000000000001);
        // trunc(-0.3 f = -0.1714285714285714287) = -0.171428571428571428, at entry 105
        REQUIRE(a.positions.size() == 2);
        CHECK(a.positions[0].size == W("-0.3"));
        CHECK(a.positions[1].size == W("-0.128571428571428572"));
        CHECK(*a.positions[1].entry_price == W("105"));
        REQUIRE(liq.positions.size() == 2);
        CHECK(liq.positions[0].size == W("-0.4"));
        CHECK(liq.positions[1].size == W("-0.171428571428571428"));
        CHECK(*liq.positions[1].entry_price == W("105"));
        CHECK(x.value.shortfall == Wad{});  // f < 1: no shortfall
    }
    SECTION("reverts leave the state as it was") {
        limits l = house_limits();
        l.max_payment = W("-1");  // the liquidator wants at least 1: PriceLimit
        const house_account a0 = a;
        auto x = liquidate(h, a, liq, W("10"), W("20"), W("105"), l);
        REQUIRE(x.ok());
        CHECK(x.value.price_limit);
        CHECK(a.cash.cash == W("11.5"));
        CHECK(a.positions.size() == a0.positions.size());
        // a liquidator at 32 legs cannot take a 33rd series: InvalidParameter("legs")
        for (int k = 0; k < 32; ++k) liq.positions.push_back(leg(instrument_type::option, "1", 1000 + k));
        auto y = liquidate(h, a, liq, W("10"), W("20"), W("105"), house_limits());
        REQUIRE(y.ok());
        CHECK(y.value.legs);
        CHECK(liq.positions.size() == 32);
        CHECK(liq.cash.cash == W("1000"));
    }
}

// ---- the loop ----------------------------------------------------------------------------------

#include <nlohmann/json.hpp>

#include "api/request.hpp"

namespace {

using nlohmann::json;

const char* standard_params =
    R"({"version":"standard/1","underlyings":{"*":{"option":{"im_otm_base":"0.15","im_floor":"0.1","mm_otm_base":"0.075","mm_floor":"0.075"},)"
    R"("perp":{"im_base":"0.02","mm_base":"0.01","size_slope":"0","max_rate":"1"},"future":{"im_base":"0.02","mm_base":"0.01","size_slope":"0","max_rate":"1"}}},"collateral":{}})";

json btc_market(const char* mark) {
    return json{{"timestamp", "1767225600"}, {"underlyings", {{"BTC", {{"spot", mark}, {"perp_mark", mark}}}}}};
}

request make_account(const json& params, const char* cash, const char* perp, const char* mark = "100") {
    json acct{{"margin_mode", "cross"}, {"cash", cash}, {"positions", json::array()}};
    if (perp) acct["positions"].push_back({{"type", "perp"}, {"underlying", "BTC"}, {"size", perp}, {"entry_price", "100"}});
    json j{{"api_version", "1"}, {"market", btc_market(mark)}, {"params", params}, {"account", acct}};
    auto r = api::parse_request(j.dump());
    if (!r.ok()) FAIL(r.err->path + ": " + r.err->message);
    return r.value;
}

market_state market_at(const char* mark) { return make_account(json::parse(standard_params), "0", nullptr, mark).market; }

/// The sum the ledger conserves, recomputed here from the result's own ledgers: sum of charged
/// cash is not visible from outside, so the check is on the records: what entered the fund.
Wad sum_cash(const std::vector<request>& book) {
    Wad s;
    for (const auto& r : book) s = fp::add(s, r.acct.cash).value;
    return s;
}

input market_book(loss_rule loss) {
    const json sp = json::parse(standard_params);
    input in;
    in.mode = mode::market;
    in.accounts = {make_account(sp, "12", "10"), make_account(sp, "40", "5"), make_account(sp, "500", "-15"),
                   make_account(sp, "100", nullptr)};
    in.rule = house_limits();
    in.insurance_fund = W("50");
    in.loss = loss;
    in.liquidity["BTC"] = liquidity{impact_model::linear, W("10000"), W("1"), W("0.5"), {}, {}};
    in.start = market_at("100");
    in.path = {market_at("90")};
    in.steps = 20;
    return in;
}

std::string digest(const result& r) {  // every figure of the log, for the thread comparison
    std::string s;
    auto w = [&](const Wad& x) { s += fp::format(x) + ","; };
    for (const auto& st : r.steps) {
        s += "step" + std::to_string(st.step) + ":";
        for (const auto& u : st.underlyings) {
            w(u.price);
            w(u.flow);
            w(u.impact);
        }
        for (const auto& l : st.liquidations) {
            s += std::to_string(l.account) + (l.liquidator ? "<" + std::to_string(*l.liquidator) : std::string("<-")) + ":";
            for (const auto* x :
                 {&l.equity, &l.maintenance, &l.fraction, &l.reward, &l.payment, &l.shortfall, &l.insurance, &l.socialised, &l.notional})
                w(*x);
            for (const auto& a : l.adl) {
                s += std::to_string(a.account) + "/";
                w(a.charge);
                w(a.notional);
            }
        }
        for (const auto* x : {&st.fund, &st.socialised_loss, &st.bad_debt, &st.counterparty, &st.dust, &st.total_positive_cash}) w(*x);
    }
    return s;
}

}  // namespace

TEST_CASE("cascade: market mode on a small book (impact, fund, loss rules, conservation)", "[cascade]") {
    for (loss_rule loss : {loss_rule::none, loss_rule::ranked, loss_rule::pro_rata}) {
        CAPTURE(static_cast<int>(loss));
        const input in = market_book(loss);
        auto r = run(in, 1);
        REQUIRE(r.ok());
        REQUIRE_FALSE(r.value.steps.empty());
        const auto& s0 = r.value.steps[0];
        // step 0 at mark 90: accounts 0 (12 - 100 = -88) and 1 (40 - 50 = -10) are liquidatable, f = 1, reward 0.
        // flow -15: N = ceil(15 x 90) = 1,350; I = floor(1350 / 10000) = 0.135; mark floor(90 x 0.865) = 77.85
        REQUIRE(s0.underlyings.size() == 1);
        CHECK(s0.underlyings[0].flow == W("-15"));
        CHECK(s0.underlyings[0].impact == W("0.135"));
        CHECK(s0.underlyings[0].price == W("77.85"));
        CHECK(s0.underlyings[0].price_no_feedback == W("90"));
        REQUIRE(s0.liquidations.size() == 2);
        const auto& a0 = s0.liquidations[0];
        CHECK(a0.account == 0);
        CHECK(a0.equity == W("-88"));
        CHECK(a0.fraction == W("1"));
        CHECK(a0.reward == Wad{});
        // closed at 77.85: 10 x (77.85 - 100) = -221.5; cash 12 - 221.5 = -209.5: the fund's 50, then 159.5
        CHECK(a0.payment == W("-221.5"));
        CHECK(a0.shortfall == W("209.5"));
        CHECK(a0.insurance == W("50"));
        const auto& a1 = s0.liquidations[1];
        // 5 x (77.85 - 100) = -110.75 from cash 40 (ADL: -70.75). Under the loss scale, account 1's
        // cash bore its share of account 0's 159.5 first: claims 640 (= 652 - account 0's 12),
        // scale 1e36 x 480.5 / 640 = 0.75078125e36, its 40 -> 30.03125, so -80.71875
        CHECK(a1.shortfall == (loss == loss_rule::none ? W("80.71875") : W("70.75")));
        CHECK(a1.insurance == Wad{});
        // conservation: cash + fund - socialised + counterparty, less the dust, is what it was
        Wad dust;
        for (const auto& st : r.value.steps) {
            CHECK(st.dust.raw().sign() >= 0);
            dust = fp::add(dust, st.dust).value;
        }
        if (loss != loss_rule::none) CHECK(dust == Wad{});
        // the fund from the records alone: 50 + rewards - insurance paid, step by step
        Wad fund = in.insurance_fund;
        for (const auto& st : r.value.steps) {
            for (const auto& l : st.liquidations) fund = fp::sub(fp::add(fund, l.reward).value, l.insurance).value;
            CHECK(st.fund == fund);
        }
        // the market paid for what it took: 221.5 + 110.75 of losses it received
        if (loss == loss_rule::none) CHECK(s0.counterparty == W("332.25"));  // (ADL: less the P&L it paid the deleveraged)
        REQUIRE(r.value.total.amplification.at("BTC").has_value());
        CHECK(*r.value.total.amplification.at("BTC") == W("2.215"));  // (77.85 - 100) / (90 - 100): nothing more after step 0
        CHECK(r.value.total.steps_run == 1);
        CHECK_FALSE(r.value.total.capped);
        CHECK(r.value.total.fund_used == W("50"));
        if (loss == loss_rule::ranked || loss == loss_rule::pro_rata) {
            // the only profitable perp: account 2, short 15 from 100: upnl at 77.85 = 332.25 >= 159.5 + 70.75 = 230.25
            Wad adl;
            for (const auto& l : s0.liquidations)
                for (const auto& a : l.adl) {
                    CHECK(a.account == 2);
                    adl = fp::add(adl, a.charge).value;
                }
            CHECK(adl == W("230.25"));
            CHECK(s0.bad_debt == Wad{});
            // account 2 (short 15 from 100) alone, ranked and pro rata alike: upnl floor(-15 x -22.15) = 332.25;
            // 159.5: phi = ceil(159.5 / 332.25) = 0.480060195635816404, q = trunc(-15 phi) = -7.20090293453724606,
            // notional ceil(7.20090293453724606 x 77.85) = 560.590293453724605771, realised floor(q x -22.15) =
            // 159.500000000000000229; then upnl floor(-7.79909706546275394 x -22.15) = 172.749999999999999771,
            // 70.75: phi 0.409551374819102751, q -3.194130925507900683, notional 248.663092550790068172, realised
            // 70.750000000000000128. The market paid 332.25 less both realised P&Ls: 101.999999999999999643
            REQUIRE(a0.adl.size() == 1);
            REQUIRE(a1.adl.size() == 1);
            CHECK(a0.adl[0].notional == W("560.590293453724605771"));
            CHECK(a1.adl[0].charge == W("70.75"));
            CHECK(a1.adl[0].notional == W("248.663092550790068172"));
            CHECK(s0.adl_notional == W("809.253386004514673943"));
            CHECK(s0.counterparty == W("101.999999999999999643"));
        } else {
            CHECK(s0.bad_debt == W("240.21875"));  // 159.5 + 80.71875, socialised over the positive cash
        }
        // the same bytes on two threads
        auto r2 = run(in, 2);
        REQUIRE(r2.ok());
        CHECK(digest(r2.value) == digest(r.value));
        (void)sum_cash;
    }
}

TEST_CASE("cascade: house mode on a small book (the rule, transfers, liquidator capital)", "[cascade]") {
    const json pp = "pmrm2";
    input in;
    in.mode = mode::house;
    in.accounts = {make_account(pp, "5", "10"), make_account(pp, "1000", "-10"), make_account(pp, "100000", nullptr),
                   make_account(pp, "1", nullptr)};
    in.liquidators = {3, 2};  // 3 cannot hold IM after taking it (cash 1): the next one takes it
    in.rule = house_limits();
    in.insurance_fund = W("10");
    in.start = make_account(pp, "0", nullptr, "100").market;
    in.path = {make_account(pp, "0", nullptr, "95").market, make_account(pp, "0", nullptr, "90").market};
    in.steps = 10;
    auto r = run(in, 1);
    REQUIRE(r.ok());
    std::size_t taken = 0;
    for (const auto& st : r.value.steps) {
        INFO(digest(r.value));
        // the loss scale's floors: at most one wei per positive balance (3) per loss
        CHECK(st.dust.raw().sign() >= 0);
        CHECK(st.dust <= wei(3));
        for (const auto& l : st.liquidations) {
            if (!l.liquidator) continue;
            ++taken;
            CHECK(l.account == 0);
            CHECK(*l.liquidator == 2);
            // the rule recomputed from the record's witness figures
            auto t = fraction_and_reward(l.equity, l.maintenance, in.rule);
            CHECK(t.value.fraction == l.fraction);
            CHECK(t.value.reward == l.reward);
            // perps only: equity = the settled cash, so optionsValue = 0 and payment = -reward
            CHECK(l.payment == fp::neg(l.reward).value);
        }
    }
    CHECK(taken == 1);
    Wad fund = in.insurance_fund;  // house mode: the fund only pays (rewards go to the liquidator)
    for (const auto& st : r.value.steps) {
        for (const auto& l : st.liquidations) fund = fp::sub(fund, l.insurance).value;
        CHECK(st.fund == fund);
    }
    // step 0 at 95: account 0 = 5 + 10 x (95 - 100) = -45: f = 1, reward 0, payment 0; shortfall 45:
    // the fund's 10, 35 socialised; account 3 (cash 1) would not hold IM: account 2 took it
    REQUIRE(r.value.steps.size() == 2);  // the second push, nothing left to liquidate
    const auto& l0 = r.value.steps[0].liquidations.at(0);
    CHECK(l0.equity == W("-45"));
    CHECK(l0.shortfall == W("45"));
    CHECK(l0.insurance == W("10"));
    CHECK(l0.socialised == W("35"));
    CHECK(r.value.steps[1].underlyings.at(0).price == W("90"));
    CHECK_FALSE(r.value.total.capped);
    auto r2 = run(in, 2);
    REQUIRE(r2.ok());
    CHECK(digest(r2.value) == digest(r.value));
    SECTION("no liquidator can take it: it waits, reported without one, until the cap") {
        in.liquidators = {3};
        in.steps = 3;
        auto w = run(in, 1);
        REQUIRE(w.ok());
        REQUIRE(w.value.steps.size() == 3);
        for (const auto& st : w.value.steps) {
            REQUIRE(st.liquidations.size() == 1);
            CHECK_FALSE(st.liquidations[0].liquidator.has_value());
            CHECK(st.count == 0);
        }
        CHECK(w.value.total.liquidations == 0);
        CHECK(w.value.total.capped);
        CHECK(w.value.steps[0].fund == W("10"));  // nothing moved
    }
}

// The step logs' text (market mode, the three loss rules), for a byte comparison between builds
// (hidden): the two outputs must be equal (2026-12-07: equal, sha256 8d50e825...):
//   build/native/bin/core_tests "[cascade-log]" | grep -o 'step0.*'
//   node build/wasm/bin/core_tests.js "[cascade-log]" | grep -o 'step0.*'
TEST_CASE("cascade: the step logs as text", "[.][cascade-log]") {
    for (loss_rule loss : {loss_rule::none, loss_rule::ranked, loss_rule::pro_rata}) {
        auto r = run(market_book(loss), 2);
        REQUIRE(r.ok());
        std::printf("%s\n", digest(r.value).c_str());
    }
}

TEST_CASE("cascade: bad input", "[cascade]") {
    input in = market_book(loss_rule::none);
    in.steps = 0;
    auto r = run(in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->code == error_code::BAD_COUNT);
    CHECK(r.err->path == "/steps");
    in.steps = 1001;
    CHECK(run(in).err->code == error_code::BAD_COUNT);
    in.steps = 1;
    in.accounts.clear();
    CHECK(run(in).err->path == "/accounts");
    in = market_book(loss_rule::none);
    in.mode = mode::house;
    CHECK(run(in).err->code == error_code::MODEL_NOT_SUPPORTED);
    in = market_book(loss_rule::none);
    in.liquidity["BTC"].depth = Wad{};
    CHECK(run(in).err->path == "/liquidity/BTC/depth");
    in.liquidity["BTC"].depth = W("1");
    in.liquidity["BTC"].max_impact = W("1");
    CHECK(run(in).err->path == "/liquidity/BTC/max_impact");
    in.liquidity["BTC"] = liquidity{impact_model::levels, {}, {}, W("0.5"), {{W("99"), W("1")}, {W("99"), W("1")}}, {}};
    CHECK(run(in).err->path == "/liquidity/BTC/bids/1");  // not strictly descending
    in = market_book(loss_rule::none);
    in.rule.reward = W("0.500000000000000001");  // ParamBounds: reward <= 0.5
    CHECK(run(in).err->path == "/rule/reward");
    in.rule.reward = W("0.05");
    in.rule.max_fraction = Wad{};  // liquidateWithin: (0, 1]
    CHECK(run(in).err->path == "/rule/max_fraction");
    in = market_book(loss_rule::none);
    in.liquidators = {4};
    CHECK(run(in).err->path == "/liquidators/0");
    in = market_book(loss_rule::none);
    in.accounts[2].acct.collateral["USDC"] = W("1");
    CHECK(run(in).err->path == "/accounts/2/collateral");
}
