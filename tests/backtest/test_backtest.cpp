// The backtest's exact counts at their boundaries (docs/backtest.md §Statistics): Basel zones at
// 4/5 and 9/10 exceptions, rolling windows of exactly 250 observations, transition counts, the
// stride, the procyclicality ratios and their floors. End-to-end checks against independent
// Python on the real history are in tests/backtest/check_backtest.py.
#include <catch2/catch.hpp>

#include "core/risk/backtest.hpp"

using fp::Wad;
using namespace margin::risk;

namespace {
Wad dec(const char* s) { return fp::parse(s).value; }
}  // namespace

TEST_CASE("Basel zones: green 0-4, yellow 5-9, red from 10", "[backtest]") {
    CHECK(basel_zone(-1) == "n/a");
    CHECK(basel_zone(0) == "green");
    CHECK(basel_zone(4) == "green");
    CHECK(basel_zone(5) == "yellow");
    CHECK(basel_zone(9) == "yellow");
    CHECK(basel_zone(10) == "red");
}

TEST_CASE("coverage: rolling 250-observation windows and transitions", "[backtest]") {
    SECTION("249 observations: no window") {
        const auto c = coverage_of(std::vector<bool>(249, true));
        CHECK(c.windows == 0);
        CHECK(c.last_window_exceptions == -1);
        CHECK(c.exceptions == 249);
        CHECK(c.n11 == 248);
    }
    SECTION("exactly 250: one window") {
        std::vector<bool> h(250, false);
        for (int i = 0; i < 5; ++i) h[static_cast<std::size_t>(i * 50)] = true;
        const auto c = coverage_of(h);
        CHECK(c.windows == 1);
        CHECK(c.yellow == 1);
        CHECK(c.last_window_exceptions == 5);
        CHECK(c.n01 == 4);  // the first observation is an exception: 4 entries, 5 exits minus the last
        CHECK(c.n10 == 5);
        CHECK(c.n00 + c.n01 + c.n10 + c.n11 == 249);
    }
    SECTION("an exception leaves the window after 250 observations") {
        std::vector<bool> h(260, false);
        for (int i = 0; i < 10; ++i) h[static_cast<std::size_t>(i)] = true;  // 10 at the start
        const auto c = coverage_of(h);
        CHECK(c.windows == 11);
        CHECK(c.red == 1);     // only the first window holds all 10
        CHECK(c.yellow == 5);  // windows starting at 1..5 hold 9..5
        CHECK(c.green == 5);   // starting at 6..10 hold 4..0
        CHECK(c.max_in_window == 10);
        CHECK(c.last_window_exceptions == 0);
    }
}

TEST_CASE("summary: stride, exceptions, ratios with their floors", "[backtest]") {
    std::vector<bt_day> days;
    // margins 100, 200, 300, 50, 100, ...; losses exceed the margin on days 1 and 2
    const char* margins[] = {"100", "200", "300", "50", "100", "100", "100"};
    for (int i = 0; i < 7; ++i) {
        bt_day d;
        d.day = 19000 + i;
        d.margin = dec(margins[i]);
        d.loss = i == 1 || i == 2 ? dec("1000") : dec("1");
        d.var = dec("10");
        d.es = dec("3");
        d.spot = dec("2");
        days.push_back(d);
    }
    const auto s = summarise(days, true, 2);
    REQUIRE(s.ok());
    const bt_summary& v = s.value;
    CHECK(v.days == 7);
    CHECK(v.exceptions_overlapping == 2);
    CHECK(v.margin_cov.n == 4);  // days 0, 2, 4, 6
    CHECK(v.margin_cov.exceptions == 1);
    CHECK(v.var_cov.exceptions == 1);
    CHECK(v.tail_loss_over_es == dec("333.333333333333333333"));  // floor(1000 / 3)
    CHECK(v.average_margin == dec("135.714285714285714285"));     // floor(950 / 7)
    CHECK(v.peak == dec("300"));
    CHECK(v.trough == dec("50"));
    CHECK(v.peak_to_trough == dec("6"));
    CHECK(v.peak_to_trough_per_spot == dec("6"));
    CHECK(v.largest_increase[0] == dec("1"));  // 50 -> 100 (day 4) and 100 -> 200 (day 1): the first kept
    CHECK(v.largest_increase_day[0] == 19001);
    CHECK(v.largest_increase[1] == Wad{});  // 100 -> 100 (day 5) and 200 -> 100 (day 6): 0 is larger
    CHECK(v.largest_increase_day[1] == 19005);
}
