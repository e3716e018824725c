// Black-76 kernel and option pricing: values against mpmath (40 digits,
// computed independently: the script is in the comment of each case), exact
// put-call parity, no-arbitrage bounds, monotonicity, errors.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../common/sample.hpp"
#include "api/documents.hpp"
#include "api/request.hpp"
#include "core/pricing.hpp"
#include "core/scenario.hpp"
#include "fixtures.hpp"

using namespace margin;
using fp::I256;

namespace {

fp::Wad W(const char* s) {
    const auto r = fp::parse(s);
    REQUIRE(r.ok());
    return r.value;
}

option_quote quote(const char* f, const char* k, const char* vol, std::int64_t seconds, const char* df, option_kind kind) {
    const auto w = fp::total_variance_ext(W(vol), seconds);
    REQUIRE(w.ok());
    const auto q = price_option({W(f), W(k), W(df), kind, seconds, fp::sqrt_year_fraction(seconds).value, w.value});
    REQUIRE(q.ok());
    return q.value;
}

// `reference_floor_wei` is the mpmath value floored to the wei. The unit price is
// floored too, from a kernel value within ~1e-21 relative of the truth, so it is
// that wei or, for prices above ~1000, possibly the one below.
void require_price(const option_quote& q, const char* reference_floor_wei) {
    const fp::Wad ref = W(reference_floor_wei);
    INFO("price " << fp::format(q.unit_price) << " reference " << reference_floor_wei);
    CHECK(q.unit_price <= ref);
    CHECK(q.unit_price >= fp::sub(ref, fp::Wad::from_raw(I256(1))).value);
}

constexpr std::int64_t year = 31'536'000;

}  // namespace

// mpmath (mp.dps = 40): v = vol sqrt(t); d1 = (ln(F/K) + v^2/2) / v; d2 = d1 - v;
// call = DF (F ncdf(d1) - K ncdf(d2)); put = DF (K ncdf(-d2) - F ncdf(-d1)).
TEST_CASE("Black-76 prices equal the mpmath reference, floored to the wei", "[black76]") {
    // F = K = 100, vol 0.2, t = 1: 7.96556745540579629308092364784 (call and put)
    require_price(quote("100", "100", "0.2", year, "1", option_kind::call), "7.965567455405796293");
    require_price(quote("100", "100", "0.2", year, "1", option_kind::put), "7.965567455405796293");
    // F = 100000, K = 95000, vol 0.55, 7 days, DF 0.999: call 6102.69473905508480366301607766,
    // put 1107.69473905508480366301607766
    require_price(quote("100000", "95000", "0.55", 604800, "0.999", option_kind::call), "6102.694739055084803663");
    require_price(quote("100000", "95000", "0.55", 604800, "0.999", option_kind::put), "1107.694739055084803663");
    // F = 2000, K = 2500, vol 1.2, t = 3, DF 0.9: call 1200.74210862119039965329697578,
    // put 1650.74210862119039965329697578
    require_price(quote("2000", "2500", "1.2", 3 * year, "0.9", option_kind::call), "1200.742108621190399653");
    require_price(quote("2000", "2500", "1.2", 3 * year, "0.9", option_kind::put), "1650.742108621190399653");
    // F = 3500, K = 5000, vol 0.8, one minute: call 2.3e-22692 (0 wei), put exactly 1500
    require_price(quote("3500", "5000", "0.8", 60, "1", option_kind::call), "0");
    require_price(quote("3500", "5000", "0.8", 60, "1", option_kind::put), "1500");
}

TEST_CASE("Black-76 deltas equal the mpmath reference within a wei", "[black76]") {
    // delta = DF ncdf(d1) (call), DF (ncdf(d1) - 1) (put); toward zero.
    CHECK(fp::format(quote("100", "100", "0.2", year, "1", option_kind::call).unit_greeks.delta) == "0.539827837277028981");
    CHECK(fp::format(quote("100", "100", "0.2", year, "1", option_kind::put).unit_greeks.delta) == "-0.460172162722971018");
    CHECK(fp::format(quote("100000", "95000", "0.55", 604800, "0.999", option_kind::call).unit_greeks.delta) == "0.760856666781566608");
    CHECK(fp::format(quote("2000", "2500", "1.2", 3 * year, "0.9", option_kind::put).unit_greeks.delta) == "-0.158131556205171083");
}

TEST_CASE("Black-76 kernel: exact put-call parity and no-arbitrage bounds", "[black76]") {
    const I256 one_q = I256::from_i128(fp::i128{1} << 125);
    const char* forwards[] = {"0.000001", "1", "3500", "100000", "123456789.123456789"};
    const char* moneyness[] = {"0.01", "0.5", "0.9", "1", "1.1", "2", "100"};
    const char* vols[] = {"0.01", "0.3", "1", "5"};
    const std::int64_t times[] = {60, 3600, 86400 * 30, year * 3};
    for (const char* f : forwards)
        for (const char* m : moneyness)
            for (const char* vol : vols)
                for (std::int64_t t : times) {
                    const fp::Wad F = W(f), K = fp::mul(W(f), W(m), fp::rounding::floor).value;
                    if (K.raw().sign() <= 0) continue;
                    const auto w = fp::total_variance_ext(W(vol), t);
                    REQUIRE(w.ok());
                    const auto r = fp::black76(F, K, w.value);
                    REQUIRE(r.ok());
                    const auto& b = r.value;
                    // call - put = (F - K) 2^125 exactly, unless a floor at intrinsic value bound
                    const fp::Wad fk = fp::sub(F, K).value;
                    const fp::Wad diff = fp::sub(fp::Wad::from_raw(b.call), fp::Wad::from_raw(b.put)).value;
                    const fp::Wad parity = fp::mul_div(fk, fp::Wad::from_raw(one_q), fp::Wad::from_raw(I256(1)), fp::rounding::floor).value;
                    const fp::Wad intrinsic_call = fp::max(parity, fp::Wad{});
                    const fp::Wad intrinsic_put = fp::max(fp::neg(parity).value, fp::Wad{});
                    INFO("F=" << f << " K/F=" << m << " vol=" << vol << " t=" << t);
                    CHECK(fp::Wad::from_raw(b.call) >= intrinsic_call);
                    CHECK(fp::Wad::from_raw(b.put) >= intrinsic_put);
                    if (fp::Wad::from_raw(b.call) > intrinsic_call && fp::Wad::from_raw(b.put) > intrinsic_put) CHECK(diff == parity);
                    // call <= F, put <= K (in wei * 2^125)
                    CHECK(fp::Wad::from_raw(b.call) <=
                          fp::mul_div(F, fp::Wad::from_raw(one_q), fp::Wad::from_raw(I256(1)), fp::rounding::floor).value);
                    CHECK(fp::Wad::from_raw(b.put) <=
                          fp::mul_div(K, fp::Wad::from_raw(one_q), fp::Wad::from_raw(I256(1)), fp::rounding::floor).value);
                    CHECK(b.n_d1 >= I256(0));
                    CHECK(b.n_d1 <= one_q);
                }
}

TEST_CASE("Black-76: price rises with vol and falls with strike", "[black76]") {
    fp::Wad prev_call{}, prev_strike_call = W("1000000");
    for (const char* vol : {"0.01", "0.05", "0.1", "0.2", "0.4", "0.8", "1.6", "3.2", "5"}) {
        const auto q = quote("100000", "110000", vol, 86400 * 30, "1", option_kind::call);
        CHECK(q.unit_price >= prev_call);
        prev_call = q.unit_price;
    }
    for (const char* k : {"50000", "80000", "95000", "100000", "105000", "120000", "200000"}) {
        const auto q = quote("100000", k, "0.6", 86400 * 30, "1", option_kind::call);
        CHECK(q.unit_price <= prev_strike_call);
        prev_strike_call = q.unit_price;
    }
}

TEST_CASE("Black-76 kernel errors", "[black76]") {
    const I256 w = fp::total_variance_ext(W("0.5"), 86400).value;
    CHECK(fp::black76(W("0"), W("1"), w).error == fp::errc::domain);
    CHECK(fp::black76(W("-1"), W("1"), w).error == fp::errc::domain);
    CHECK(fp::black76(W("1"), W("0"), w).error == fp::errc::domain);
    CHECK(fp::black76(W("1"), W("1"), I256(0)).error == fp::errc::domain);
    CHECK(fp::black76(W("1"), W("1"), I256::from_i128(fp::i128{1} << 126)).ok());
    // a variance past the kernel's range prices at the saturated limits: call = F, put = K
    const auto sat = fp::black76(W("3"), W("2"), fp::I256::max());
    REQUIRE(sat.ok());
    CHECK(sat.value.call ==
          fp::mul_div(W("3"), fp::Wad::from_raw(I256::from_i128(fp::i128{1} << 125)), fp::Wad::from_raw(I256(1)), fp::rounding::floor)
              .value.raw());
    CHECK(sat.value.put ==
          fp::mul_div(W("2"), fp::Wad::from_raw(I256::from_i128(fp::i128{1} << 125)), fp::Wad::from_raw(I256(1)), fp::rounding::floor)
              .value.raw());
    CHECK(sat.value.n_d1 == I256::from_i128(fp::i128{1} << 125));
    CHECK(fp::black76(fp::Wad::from_raw(fp::I256::max()), W("1"), w).error == fp::errc::overflow);
    CHECK(fp::total_variance_ext(W("0"), 60).error == fp::errc::domain);
    CHECK(fp::total_variance_ext(W("0.5"), 0).error == fp::errc::domain);
    CHECK(fp::total_variance_ext(W("0.5"), fp::max_expiry_seconds + 1).error == fp::errc::domain);
    CHECK(fp::total_variance_ext(W("1000"), fp::max_expiry_seconds).value ==
          I256::from_i128(static_cast<fp::i128>((fp::u128{1} << 127) - 1)));
    CHECK(fp::total_variance_ext(W("100000")).value == I256::from_i128(static_cast<fp::i128>((fp::u128{1} << 127) - 1)));
    CHECK(fp::total_variance_ext(W("-0.1")).error == fp::errc::domain);
    CHECK(fp::sqrt_year_fraction(-1).error == fp::errc::domain);
    // sqrt(1 year) = 1 exactly in Q125
    CHECK(fp::sqrt_year_fraction(year).value == I256::from_i128(fp::i128{1} << 125));
}

TEST_CASE("total variance from a vol: floor(vol^2 s 2^56 / (31536000 1e18))", "[black76]") {
    // vol 0.5, one year: w = 0.25 exactly, i.e. 0.25 * 1e18 * 2^56 EXT
    CHECK(fp::total_variance_ext(W("0.5"), year).value == I256::from_i128(fp::i128{250000000000000000} << 56));
    CHECK(fp::total_variance_ext(W("0.25")).value == I256::from_i128(fp::i128{250000000000000000} << 56));
}

TEST_CASE("SVI total variance: hand-computed cases", "[svi]") {
    // k = ln(K/F) = 0 at the money: w = a + b (rho (0 - m) + sqrt(m^2 + sigma^2)).
    // a = 0.04, b = 0.1, rho = -0.5, m = 0, sigma = 0.3: w = 0.04 + 0.1 * 0.3 = 0.07 exactly.
    const svi_params p{W("0.04"), W("0.1"), W("-0.5"), W("0"), W("0.3")};
    CHECK(fp::format(svi_total_variance(p, W("100"), W("100")).value) == "0.07");
    // m = 0.4, sigma = 0.3 at k = 0: d = -0.4, hypot = 0.5, rho d = 0.2: w = 0.04 + 0.1 * 0.7 = 0.11
    const svi_params q{W("0.04"), W("0.1"), W("-0.5"), W("0.4"), W("0.3")};
    CHECK(fp::format(svi_total_variance(q, W("2500"), W("2500")).value) == "0.11");
    // A surface with negative variance somewhere: a = -0.05, b = 0.1, rho = 0, sigma = 0.1 -> w(k = m) = -0.04
    const svi_params bad{W("-0.05"), W("0.1"), W("0"), W("0"), W("0.1")};
    CHECK(svi_total_variance(bad, W("100"), W("100")).error == fp::errc::domain);
}

TEST_CASE("option value rounds against the account for longs and shorts", "[black76]") {
    const auto q = quote("100000", "95000", "0.55", 604800, "0.999", option_kind::put);
    const auto lng = option_value(W("3"), W("0.999"), q.undiscounted).value;
    const auto sht = option_value(W("-3"), W("0.999"), q.undiscounted).value;
    // 3 * 1107.69473905508480366301607766 = 3323.08421716525441098904823298: the long
    // is floored (within the kernel's ~1e-21), the short is floored away from zero.
    CHECK(lng <= W("3323.084217165254410989"));
    CHECK(lng >= W("3323.084217165254410988"));
    CHECK(sht == fp::sub(fp::neg(lng).value, fp::Wad::from_raw(I256(1))).value);
}

TEST_CASE("sqrt_year_fraction equals floor(sqrt(floor(s 2^250 / 31536000))) (Boost model)", "[black76]") {
    using fp::detail::big512;
    std::vector<std::int64_t> secs = {0, 1, 59, 60, 86400, year - 1, year, year + 1, fp::max_expiry_seconds - 1, fp::max_expiry_seconds};
    std::uint64_t x = 88172645463325252ull;  // xorshift: deterministic on every target
    for (int i = 0; i < 3000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        secs.push_back(static_cast<std::int64_t>(x % static_cast<std::uint64_t>(fp::max_expiry_seconds + 1)));
    }
    for (std::int64_t s : secs) {
        const big512 n = (big512(s) << 250) / fp::seconds_per_year;
        const big512 r = boost::multiprecision::sqrt(n);
        INFO("seconds " << s);
        CHECK(fp::sqrt_year_fraction(s).value.to_string() == r.str());
    }
    CHECK(fp::sqrt_year_fraction(fp::max_expiry_seconds + 1).error == fp::errc::domain);
}

// The scenario engine values a leg with the same discounted Black-76 unit price as
// price_option: one unit long at the current market is worth exactly unit_price (the
// expiry's value is amount x unit value rounded once: exact for amount 1), and one unit
// short exactly its negation. Bit for bit, calls and puts, over random contracts.
TEST_CASE("the scenario engine's unit value is price_option's unit_price, bit for bit", "[black76][scenario]") {
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    REQUIRE(prm.ok());
    std::uint64_t x = 0x2545F4914F6CDD1Dull;  // xorshift: deterministic on every target
    auto next = [&x](std::uint64_t n) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x % n;
    };
    int compared = 0;
    for (int i = 0; i < margin_test::sample(2000); ++i) {
        // forward 0.01 to 10^6 with up to 18 decimals, strike 0.3x to 3x, vol 0.01 to 4, 1 minute to 3 years, DF 0.8 to 1
        const fp::Wad f =
            fp::Wad::from_raw(I256::from_i128(static_cast<fp::i128>(1 + next(1000000)) * (10000000000000000 + next(99999999))));
        const fp::Wad k = fp::mul_div(f, W(std::to_string(3 + next(28)).c_str()), W("10"), fp::rounding::floor).value;
        const fp::Wad vol = fp::Wad::from_raw(I256::from_i128(static_cast<fp::i128>(10000000000000000) * (1 + next(400))));
        const std::int64_t seconds = 60 + static_cast<std::int64_t>(next(static_cast<std::uint64_t>(3 * year)));
        const fp::Wad df = fp::Wad::from_raw(I256::from_i128(800000000000000000 + static_cast<fp::i128>(next(200000000000000001))));
        const bool call = next(2) == 0;
        const auto w = fp::total_variance_ext(vol, seconds);
        REQUIRE(w.ok());
        const auto q =
            price_option({f, k, df, call ? option_kind::call : option_kind::put, seconds, fp::sqrt_year_fraction(seconds).value, w.value});
        REQUIRE(q.ok());
        for (const char* amount : {"1", "-1"}) {
            scenario::portfolio p = fixtures::book(f);
            scenario::expiry e = fixtures::listed_expiry(seconds, f);
            e.discount = df;
            e.options.push_back({k, vol, W(amount), call});
            p.expiries.push_back(e);
            const auto r = scenario::evaluate(p, prm.value);
            REQUIRE(r.ok());
            INFO("F " << fp::format(f) << " K " << fp::format(k) << " vol " << fp::format(vol) << " s " << seconds << " DF "
                      << fp::format(df) << (call ? " call " : " put ") << amount);
            const fp::Wad want = amount[0] == '-' ? fp::neg(q.value.unit_price).value : q.value.unit_price;
            CHECK(r.value.expiries.at(0).mtm == want);
            CHECK(r.value.mark_to_market == want);
            ++compared;
        }
    }
    CHECK(compared == 2 * margin_test::sample(2000));
}
