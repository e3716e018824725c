// Dynamic parameters at their boundaries (docs/dynamic-params.md): the configuration's bounds
// (EMIR's 25% minimums), the buffer's path (whole in calm, drawn down by a jump, rebuilt by
// holding), the scale's clamps, the grid scaling (tails and skews kept, range_down capped at 1),
// the haircut's floor, cap and depth term. The full series against independent Python on the
// real history is tests/dynamic/check_dynamic.py.
#include <catch2/catch.hpp>

#include "core/risk/dynamic.hpp"

using fp::Wad;
using namespace margin::risk;

namespace {
Wad dec(const char* s) { return fp::parse(s).value; }
Wad one() { return Wad::from_int(1); }

// 1,200 days of closes: +-1% alternating, one -30% day at index 900, then +-1% again.
series synthetic() {
    series s;
    s.first_day = 10000;
    Wad p = Wad::from_int(100);
    for (int i = 0; i < 1200; ++i) {
        const Wad g = i == 900 ? dec("0.7") : (i % 2 ? dec("1.01") : dec("0.99"));
        p = fp::mul(p, g, fp::rounding::floor).value;
        s.closes.push_back(p);
    }
    return s;
}
}  // namespace

TEST_CASE("dynamic: the configuration's bounds", "[dynamic]") {
    dyn_config c;
    c.reference_sigma = dec("0.6");
    CHECK(!check_dynamic(c));
    c.buffer_rate = dec("0.2499");
    REQUIRE(check_dynamic(c));
    CHECK(check_dynamic(c)->path == "/dynamic/buffer_rate");
    c.buffer_rate = dec("0.25");
    c.stress_weight = dec("0.2499");
    CHECK(check_dynamic(c)->path == "/dynamic/stress_weight");
    c.stress_weight = one();
    CHECK(!check_dynamic(c));
    c.long_window = 249;
    CHECK(check_dynamic(c)->path == "/dynamic/long_window");
    c.long_window = 3650;
    c.stress_window = 3651;
    CHECK(check_dynamic(c)->path == "/dynamic/stress_window");
    c.stress_window = 250;
    c.scale_cap = dec("5.0001");
    CHECK(check_dynamic(c)->path == "/dynamic/scale_floor");
}

TEST_CASE("dynamic: the buffer is whole in calm, drawn down by a jump, rebuilt by holding", "[dynamic]") {
    const series s = synthetic();
    dyn_config c;
    c.reference_sigma = dec("0.1");  // calm vol ~0.19: scale ~1.9
    c.tools.buffer = true;
    const std::int32_t first = s.first_day + 500, last = s.first_day + 1199;
    auto r = dynamic_series(s, c, first, last, "/history/X");
    REQUIRE(r.ok());
    const auto& d = r.value;
    REQUIRE(d.size() == 700);
    CHECK(d[0].im_multiplier == dec("1.25"));  // whole on the first day
    const std::size_t jump = 900 - 500;
    CHECK(d[jump].scale == Wad::from_int(3));  // the -30% day: the scale hits its cap
    CHECK(d[jump].im_multiplier == one());     // the buffer is used up: IM moves by less than f
    for (const dyn_day& x : d) {
        CHECK(x.im_multiplier >= one());
        CHECK(x.im_multiplier <= dec("1.25"));
        CHECK(x.scale >= c.scale_floor);
        CHECK(x.scale <= c.scale_cap);
    }
    // after the jump the scale decays while the buffered scale holds at 3: the multiplier is a / f
    // (IM does not fall), and climbs back to 1.25 once 1.25 f is below the held scale
    std::size_t k = jump;
    while (k < d.size() && d[k].scale == Wad::from_int(3)) ++k;
    REQUIRE(k < d.size());
    CHECK(d[k].im_multiplier > one());
    CHECK(fp::mul(d[k].scale, d[k].im_multiplier, fp::rounding::ceil).value >= Wad::from_int(3));
    CHECK(d.back().im_multiplier == dec("1.25"));
    // without the tool the multiplier is 1 throughout, the scale the same
    c.tools.buffer = false;
    auto plain = dynamic_series(s, c, first, last, "/history/X");
    REQUIRE(plain.ok());
    CHECK(plain.value[jump].scale == d[jump].scale);
    CHECK(plain.value[0].im_multiplier == one());
}

TEST_CASE("dynamic: the floor and the stressed weight raise the vol, never lower it", "[dynamic]") {
    const series s = synthetic();
    dyn_config c;
    c.reference_sigma = dec("0.1");
    c.long_window = 300;
    c.stress_window = 50;
    const std::int32_t first = s.first_day + 500, last = s.first_day + 1199;
    auto plain = dynamic_series(s, c, first, last, "");
    c.tools.floor = true;
    auto floored = dynamic_series(s, c, first, last, "");
    c.tools.floor = false;
    c.tools.stressed = true;
    auto stressed = dynamic_series(s, c, first, last, "");
    REQUIRE(plain.ok());
    REQUIRE(floored.ok());
    REQUIRE(stressed.ok());
    bool binds = false;
    for (std::size_t i = 0; i < plain.value.size(); ++i) {
        CHECK(floored.value[i].sigma >= plain.value[i].sigma);
        CHECK(floored.value[i].sigma == fp::max(plain.value[i].sigma, plain.value[i].long_sigma));
        CHECK(stressed.value[i].sigma >= fp::min(plain.value[i].sigma, plain.value[i].stressed_sigma));
        binds = binds || floored.value[i].sigma > plain.value[i].sigma;
    }
    CHECK(binds);
    // a window before the history's warm-up
    CHECK(dynamic_series(s, c, s.first_day + 100, last, "/history/X").err->code == margin::error_code::HISTORY_TOO_SHORT);
}

TEST_CASE("dynamic: the grid is scaled, the tails and skews are kept", "[dynamic]") {
    margin::scenario::params base;
    using margin::scenario::vol_move;
    base.scenarios = {{dec("1.18"), vol_move::up, one()},
                      {dec("0.82"), vol_move::down, one()},
                      {dec("0.34"), vol_move::up, dec("0.054")},
                      {one(), vol_move::linear_skew, one()}};
    base.vol_shock.range_up = dec("0.5");
    base.vol_shock.range_down = dec("0.275");
    base.loss.im_factor = one();
    auto p = scale_params(base, dec("3.8"), dec("1.2345"));
    REQUIRE(p.ok());
    CHECK(p.value.scenarios[0].spot_shock == dec("1.684"));
    CHECK(p.value.scenarios[1].spot_shock == dec("0.316"));
    CHECK(p.value.scenarios[2].spot_shock == dec("0.34"));  // a dampened tail: kept
    CHECK(p.value.scenarios[3].spot_shock == one());        // a skew: kept
    CHECK(p.value.vol_shock.range_up == dec("1.9"));
    CHECK(p.value.vol_shock.range_down == one());  // 1.045 capped
    CHECK(p.value.loss.im_factor == dec("1.2345"));
}

TEST_CASE("dynamic: haircuts k sigma sqrt(MPOR/365) + depth term, floored and capped", "[dynamic]") {
    haircut_rule r;
    r.floor = dec("0.05");
    r.depth = Wad::from_int(1000);
    auto low = dynamic_haircut(r, dec("0.1"), Wad{});  // 2.33 x 0.1 x 0.074 = 0.017: the floor binds
    REQUIRE(low.ok());
    CHECK(low.value == dec("0.05"));
    auto mid = dynamic_haircut(r, dec("0.7"), Wad{});
    REQUIRE(mid.ok());
    CHECK(mid.value > dec("0.12"));
    CHECK(mid.value < dec("0.1209"));
    auto sized = dynamic_haircut(r, dec("0.1"), Wad::from_int(3));  // + ceil(3 / 1000)
    CHECK(sized.value == dec("0.053"));
    auto capped = dynamic_haircut(r, dec("0.7"), Wad::from_int(5000));
    CHECK(capped.value == one());
}
