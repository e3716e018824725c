// SPAN risk-array mode on hand-computed risk arrays: the 16-scenario scan with
// the 35% cover of the extremes, a long future, a long call, a covered write,
// calendar and spot charges, an inter-commodity credit and the short option
// minimum. Scenario order (0-based): 0-1 price unchanged (vol up, down), 2-3 up 1/3,
// 4-5 down 1/3, 6-7 up 2/3, 8-9 down 2/3, 10-11 up 3/3, 12-13 down 3/3, 14-15 the
// extreme up/down moves (2x the range). Arrays hold the loss of one long contract.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/span.hpp"

using namespace margin::span;

using margin::error_code;

namespace {

Wad W(const std::string& s) { return fp::parse(s).value; }
std::string F(const Wad& w) { return fp::format(w); }

std::array<Wad, 16> arr(std::initializer_list<const char*> v) {
    std::array<Wad, 16> a{};
    std::size_t i = 0;
    for (const char* s : v) a[i++] = W(s);
    return a;
}

// A future priced 100 with a 15 price scan range: a long loses when the price falls.
const auto future_array = arr({"0", "0", "-5", "-5", "5", "5", "-10", "-10", "10", "10", "-15", "-15", "15", "15", "-30", "30"});
// A call worth 6: gains capped by the move, losses capped by the premium.
const auto call_array = arr({"-1", "1", "-4", "-2", "2", "4", "-7", "-5", "4", "5", "-10", "-8", "5", "6", "-25", "6"});

params one_commodity(const char* intra = "2.5", const char* spot = "1", const char* som = "1") {
    params p = standard_params();
    p.commodities.push_back({"BTC", W(intra), W(spot), W(som)});
    return p;
}

contract future(std::int64_t month = 202612, bool spot_month = false) {
    return {"BTC", month, spot_month, future_array, W("1"), false, W("0")};
}
contract call() { return {"BTC", 202612, false, call_array, W("0.5"), true, W("6")}; }

}  // namespace

TEST_CASE("SPAN: a long future's scan risk is its worst covered scenario", "[span]") {
    // down 3/3 loses 15; the extreme down move loses 30 x 0.35 = 10.5: scan 15 at scenario 12
    const auto r = requirement({future()}, {{0, W("1")}}, one_commodity());
    REQUIRE(r.ok());
    CHECK(F(r.value.commodities[0].scan_risk) == "15");
    CHECK(r.value.commodities[0].scan_scenario == 12);
    CHECK(F(r.value.requirement) == "15");
    // 3 short: the loss is on the way up (scenario 10: 3 x 15 = 45; extreme up 3 x 30 x 0.35 = 31.5)
    const auto s = requirement({future()}, {{0, W("-3")}}, one_commodity());
    CHECK(F(s.value.commodities[0].scan_risk) == "45");
    CHECK(s.value.commodities[0].scan_scenario == 10);
}

TEST_CASE("SPAN: the extreme scenarios count at their 35% cover", "[span]") {
    // An array whose only loss is the extreme down move: 40 x 0.35 = 14
    contract c = future();
    c.risk_array = arr({"0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "40"});
    const auto r = requirement({c}, {{0, W("1")}}, one_commodity());
    CHECK(F(r.value.commodities[0].scan_risk) == "14");
    CHECK(r.value.commodities[0].scan_scenario == 15);
}

TEST_CASE("SPAN: a long call needs its premium less its value, i.e. nothing more", "[span]") {
    // scan: the worst loss is 6 (down 3/3, vol down); extreme down 6 x 0.35 = 2.1. NOV = +6.
    const auto r = requirement({call()}, {{0, W("1")}}, one_commodity());
    CHECK(F(r.value.commodities[0].scan_risk) == "6");
    CHECK(F(r.value.net_option_value) == "6");
    CHECK(F(r.value.requirement) == "0");
}

TEST_CASE("SPAN: a covered write needs less than its legs apart", "[span]") {
    // future - call per scenario: 1 -1 -1 -3 3 1 -3 -5 6 5 -5 -7 10 9 -5 24; covered extremes -1.75, 8.4
    // scan 10 (scenario 12); SOM 1 short x 1 = 1; NOV = -6: requirement 10 + 6 = 16
    const auto both = requirement({future(), call()}, {{0, W("1")}, {1, W("-1")}}, one_commodity());
    REQUIRE(both.ok());
    CHECK(F(both.value.commodities[0].scan_risk) == "10");
    CHECK(both.value.commodities[0].scan_scenario == 12);
    CHECK(F(both.value.net_option_value) == "-6");
    CHECK(F(both.value.requirement) == "16");
    // apart: the future 15; the short call: scan 10 (up 3/3) vs extreme up 25 x 0.35 = 8.75 -> 10, + 6 = 16
    const auto fut = requirement({future()}, {{0, W("1")}}, one_commodity());
    const auto sc = requirement({call()}, {{0, W("-1")}}, one_commodity());
    CHECK(F(sc.value.requirement) == "16");
    CHECK(both.value.requirement < fp::add(fut.value.requirement, sc.value.requirement).value);
}

TEST_CASE("SPAN: calendar spread charge and spot-month charge", "[span]") {
    // long Dec, short Mar: scans cancel; 1 spread x 2.5
    const auto cal = requirement({future(202612), future(202703)}, {{0, W("1")}, {1, W("-1")}}, one_commodity());
    CHECK(F(cal.value.commodities[0].scan_risk) == "0");
    CHECK(F(cal.value.commodities[0].intra_charge) == "2.5");
    CHECK(F(cal.value.requirement) == "2.5");
    // 2 long in the spot month: scan 30 + spot charge 2 x 1
    const auto spot = requirement({future(202611, true)}, {{0, W("2")}}, one_commodity());
    CHECK(F(spot.value.commodities[0].spot_charge) == "2");
    CHECK(F(spot.value.requirement) == "32");
}

TEST_CASE("SPAN: inter-commodity credit on opposite deltas, in priority order", "[span]") {
    params p = standard_params();
    p.commodities.push_back({"BTC", W("0"), W("0"), W("0")});
    p.commodities.push_back({"ETH", W("0"), W("0"), W("0")});
    p.spreads.push_back({"BTC", "ETH", W("1"), W("20"), W("0.5")});
    contract eth = future();
    eth.commodity = "ETH";
    for (auto& v : eth.risk_array) v = fp::mul(v, W("0.05"), fp::rounding::floor).value;  // a 0.75 scan range
    // long 1 BTC (scan 15), short 20 ETH (scan 20 x 0.75 = 15): one 1:20 spread;
    // credit 50% of each leg's price risk: BTC 1 x 15/1 x 0.5 = 7.5, ETH 20 x 15/20 x 0.5 = 7.5
    const auto r = requirement({future(), eth}, {{0, W("1")}, {1, W("-20")}}, p);
    REQUIRE(r.ok());
    CHECK(F(r.value.commodities[0].inter_credit) == "7.5");
    CHECK(F(r.value.commodities[1].inter_credit) == "7.5");
    CHECK(F(r.value.requirement) == "15");
    // same direction: no credit
    const auto same = requirement({future(), eth}, {{0, W("1")}, {1, W("20")}}, p);
    CHECK(F(same.value.requirement) == "30");
}

TEST_CASE("SPAN: the short option minimum binds on a far out-of-the-money short", "[span]") {
    contract otm = call();
    otm.risk_array =
        arr({"0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "-0.1", "-0.1", "0", "0", "-0.2", "0"});  // a long gains on the way up
    otm.option_value = W("0.05");
    // scan 0.1 x 2 = 0.2 (extreme up 0.2 x 0.35 x 2 = 0.14); SOM 2 x 1 = 2 binds; NOV -0.1
    const auto r = requirement({otm}, {{0, W("-2")}}, one_commodity());
    CHECK(F(r.value.commodities[0].scan_risk) == "0.2");
    CHECK(F(r.value.commodities[0].risk) == "2");
    CHECK(F(r.value.requirement) == "2.1");
}

TEST_CASE("SPAN: errors", "[span]") {
    contract c = future();
    c.commodity = "XRP";
    CHECK(requirement({c}, {{0, W("1")}}, one_commodity()).err->code == error_code::UNKNOWN_COMMODITY);
    CHECK(requirement({future()}, {{3, W("1")}}, one_commodity()).err->path == "/positions/0");
}
