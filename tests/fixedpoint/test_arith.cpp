// add/sub/neg/abs/min/max and rounded mul/div/mul_div against an independent
// exact model on arbitrary-precision integers (both the 128-bit fast paths and
// the 512-bit general path are reached by the operand sizes drawn).
#include "../common/sample.hpp"
#include "fixedpoint/fast.hpp"
#include "test_util.hpp"

using namespace fp;
using fp::test::big;
using fp::test::F;
using fp::test::raw;
using fp::test::to_big;
using fp::test::W;

namespace {

const big MAX = (big(1) << 255) - 1;
const big MIN = -(big(1) << 255);
const big SCALE("1000000000000000000");

// Exact model: the rounded quotient n/d as the spec defines, or overflow.
std::string model_div(const big& n, const big& d, rounding r) {
    if (d == 0) return "FP_DIV_BY_ZERO";
    big q = n / d;  // truncates
    if (q * d != n) {
        const bool negative = (n < 0) != (d < 0);
        if (r == rounding::floor && negative) --q;
        if (r == rounding::ceil && !negative) ++q;
    }
    if (q > MAX || q < MIN) return "FP_OVERFLOW";
    return q.str();
}
std::string model_exact(const big& v) { return (v > MAX || v < MIN) ? "FP_OVERFLOW" : v.str(); }
std::string got(const result<Wad>& r) { return r.ok() ? r.value.raw().to_string() : std::string(errc_name(r.error)); }

constexpr rounding all_roundings[] = {rounding::toward_zero, rounding::floor, rounding::ceil};

}  // namespace

TEST_CASE("add, sub, neg, abs at the int256 boundary", "[arith]") {
    const Wad max = raw(MAX), min = raw(MIN), one_wei = raw(1);
    CHECK(got(add(max, one_wei)) == "FP_OVERFLOW");
    CHECK(got(sub(min, one_wei)) == "FP_OVERFLOW");
    CHECK(got(add(min, min)) == "FP_OVERFLOW");  // -2^256: Boost's own range would wrap here
    CHECK(got(add(max, min)) == "-1");
    CHECK(got(neg(min)) == "FP_OVERFLOW");
    CHECK(got(abs(min)) == "FP_OVERFLOW");
    CHECK(got(neg(max)) == (MIN + 1).str());
    CHECK(got(abs(raw(-5))) == "5");
    CHECK(fp::min(max, min) == min);
    CHECK(fp::max(max, min) == max);
    CHECK(F(add(W("0.1"), W("0.2"))) == "0.3");  // exact, unlike binary floating point
}

TEST_CASE("mul, div, mul_div: hand-computed roundings", "[arith]") {
    // 1.5 * 0.333333333333333333 = 0.4999999999999999995 exactly
    CHECK(F(mul(W("1.5"), W("0.333333333333333333"), rounding::toward_zero)) == "0.499999999999999999");
    CHECK(F(mul(W("1.5"), W("0.333333333333333333"), rounding::floor)) == "0.499999999999999999");
    CHECK(F(mul(W("1.5"), W("0.333333333333333333"), rounding::ceil)) == "0.5");
    CHECK(F(mul(W("-1.5"), W("0.333333333333333333"), rounding::toward_zero)) == "-0.499999999999999999");
    CHECK(F(mul(W("-1.5"), W("0.333333333333333333"), rounding::floor)) == "-0.5");
    CHECK(F(mul(W("-1.5"), W("0.333333333333333333"), rounding::ceil)) == "-0.499999999999999999");
    // 1/3 = 0.333...3|33..., -2/3 = -0.666...6|66...
    CHECK(F(div(W("1"), W("3"), rounding::floor)) == "0.333333333333333333");
    CHECK(F(div(W("1"), W("3"), rounding::ceil)) == "0.333333333333333334");
    CHECK(F(div(W("-2"), W("3"), rounding::toward_zero)) == "-0.666666666666666666");
    CHECK(F(div(W("-2"), W("3"), rounding::floor)) == "-0.666666666666666667");
    CHECK(F(div(W("2"), W("-3"), rounding::ceil)) == "-0.666666666666666666");
    CHECK(F(div(W("1"), W("0"), rounding::floor)) == "FP_DIV_BY_ZERO");
    // mul_div keeps the full product: (10^40 * 3) / 7 would overflow no 256-bit a*b here
    // but 10^60 * 10^60 does: 1e120 raw exceeds 2^256, the quotient by 1e50 does not.
    const Wad e60 = raw(big("1" + std::string(60, '0'))), e50 = raw(big("1" + std::string(50, '0')));
    CHECK(got(mul_div(e60, e60, e50, rounding::floor)) == "1" + std::string(70, '0'));
    CHECK(got(mul_div(raw(7), raw(1), raw(2), rounding::floor)) == "3");
    CHECK(got(mul_div(raw(-7), raw(1), raw(2), rounding::floor)) == "-4");
    CHECK(got(mul_div(raw(-7), raw(1), raw(2), rounding::ceil)) == "-3");
    CHECK(got(mul_div(raw(1), raw(1), raw(0), rounding::ceil)) == "FP_DIV_BY_ZERO");
    CHECK(got(mul(raw(MAX), W("2"), rounding::floor)) == "FP_OVERFLOW");
    CHECK(got(div(raw(MAX), W("0.5"), rounding::floor)) == "FP_OVERFLOW");
    CHECK(got(div(raw(MIN), W("-1"), rounding::floor)) == "FP_OVERFLOW");  // -(-2^255)
    CHECK(got(div(raw(MIN), W("1"), rounding::floor)) == MIN.str());
}

TEST_CASE("rounded arithmetic equals the exact model on 200,000 random operands", "[arith]") {
    fp::test::gen g(42);
    for (int i = 0; i < margin_test::sample(25000); ++i) {
        // Bit lengths up to 255 (general path) and up to 70 (fast paths) in equal measure.
        const int bits = (i & 1) ? 255 : 70;
        const big a = g.any(bits), b = g.any(bits), c = g.any(bits);
        const Wad wa = raw(a), wb = raw(b), wc = raw(c);
        REQUIRE(got(add(wa, wb)) == model_exact(a + b));
        REQUIRE(got(sub(wa, wb)) == model_exact(a - b));
        REQUIRE(got(neg(wa)) == model_exact(-a));
        REQUIRE(got(abs(wa)) == model_exact(a < 0 ? big(-a) : a));
        for (rounding r : all_roundings) {
            REQUIRE(got(mul(wa, wb, r)) == model_div(a * b, SCALE, r));
            REQUIRE(got(div(wa, wb, r)) == model_div(a * SCALE, b, r));
            REQUIRE(got(mul_div(wa, wb, wc, r)) == model_div(a * b, c, r));
        }
    }
}

TEST_CASE("mul_div by 2^k d (d < 2^128: 1, powers of two, 10^36 2^125) equals the exact model", "[arith]") {
    // The shifted-product path: operands of any width, divisors 2^k times an odd d of up to
    // 128 bits (d = 1 included), so that both the shift's dropped bits and the remainder
    // decide exactness, and quotients reach the edges of that path (2^126, 2^254).
    fp::test::gen g(1234);
    const big e36_q125 = big("1000000000000000000000000000000000000") << 125;
    for (int i = 0; i < margin_test::sample(20000); ++i) {
        const int dbits = static_cast<int>(g.u64() % 129);
        big d = dbits == 0 ? big(1) : big(g.bits(dbits) | 1);
        const int k = static_cast<int>(g.u64() % 200);
        big c = d << k;
        if (c > MAX) c = d;
        if (i % 7 == 0) c = e36_q125;
        if (g.u64() & 1) c = -c;
        const big a = g.any(255), b = g.any(i % 3 == 0 ? 128 : 255);
        for (rounding r : all_roundings) REQUIRE(got(mul_div(raw(a), raw(b), raw(c), r)) == model_div(a * b, c, r));
    }
    // Exact products (c = +-1) at the int256 edges.
    for (const big& a : {MAX, MIN, big(MAX / 2), big(big(1) << 127), big(-(big(1) << 127))})
        for (const big& c : {big(1), big(-1)})
            for (rounding r : all_roundings) REQUIRE(got(mul_div(raw(a), raw(big(1)), raw(c), r)) == model_div(a, c, r));
}

TEST_CASE("mul_floor_rem is floor(a b / 10^18) and the remainder it dropped, by the exact model", "[arith]") {
    // Both paths: operands within 128 bits (products below 2^256) and up to 255 bits (products
    // of up to 510 bits, beyond int256 half the time: an error, as mark_to_market needs).
    fp::test::gen g(99);
    for (int i = 0; i < margin_test::sample(20000); ++i) {
        const int bits = (i & 1) ? 255 : 70;  // the 128-bit path and the general one
        const big a = g.any(bits), b = g.any(i % 3 == 0 ? 64 : bits);
        const big n = a * b;
        big q = n / SCALE;
        if (q * SCALE > n) --q;  // floor for a negative inexact quotient
        const big rem = n - q * SCALE;
        const auto r = mul_floor_rem(raw(a), raw(b));
        if (n > MAX || n < MIN) {  // the product itself is not an int256
            REQUIRE(std::string(errc_name(r.error)) == "FP_OVERFLOW");
            continue;
        }
        REQUIRE(r.ok());
        REQUIRE(r.value.first.raw().to_string() == q.str());
        REQUIRE(r.value.second.raw().to_string() == rem.str());
        REQUIRE(got(mul(raw(a), raw(b), rounding::floor)) == q.str());  // the same quotient as mul
    }
}

TEST_CASE("comparison is numeric order", "[arith]") {
    fp::test::gen g(7);
    for (int i = 0; i < margin_test::sample(5000); ++i) {
        const big a = g.any(), b = g.any();
        REQUIRE((raw(a) < raw(b)) == (a < b));
        REQUIRE((raw(a) == raw(b)) == (a == b));
    }
}

TEST_CASE("construction and the fast-path boundary", "[arith]") {
    CHECK(Wad::from_int(0) == raw(0));
    CHECK(Wad::from_int(-3) == raw(big("-3000000000000000000")));
    CHECK(Wad::from_int(INT64_MAX) == raw(big(INT64_MAX) * SCALE));
    CHECK(Wad::from_int(INT64_MIN) == raw(big(INT64_MIN) * SCALE));
    CHECK(fp::test::to_big(Wad::from_raw(I256::max())) == MAX);
    CHECK(fp::test::to_big(Wad::from_raw(I256::min())) == MIN);
    // fits_i128 is exactly [-2^127, 2^127 - 1]; the arithmetic agrees on either side
    const big e = big(1) << 127;
    for (const big& v : {e - 1, e, -e, -e - 1}) {
        const I256 x = I256::parse(v.str()).value;
        CHECK(x.fits_i128() == (v >= -e && v < e));
        if (x.fits_i128()) CHECK(big(I256::from_i128(x.to_i128()).to_string()) == v);
        CHECK(got(add(raw(v), raw(1))) == model_exact(v + 1));
        CHECK(got(mul(raw(v), W("1.5"), rounding::floor)) == model_div(v * big("1500000000000000000"), SCALE, rounding::floor));
    }
}

TEST_CASE("I256::from_big on 256-bit Boost values: int256 range, zero, both ends", "[i256]") {
    using fp::detail::big256;
    const big256 p255 = big256(1) << 255;
    CHECK(fp::I256::from_big(big256(0)).value == fp::I256(0));
    CHECK(fp::I256::from_big(big256(p255 - 1)).value == fp::I256::max());
    CHECK(fp::I256::from_big(big256(-p255)).value == fp::I256::min());
    CHECK(fp::I256::from_big(p255).error == fp::errc::overflow);
    CHECK(fp::I256::from_big(big256(-p255 - 1)).error == fp::errc::overflow);
    CHECK(fp::I256::from_big(big256(-1)).value == fp::I256(-1));
}

TEST_CASE("dot: the exact sum of products rounded once, against the exact model", "[dot]") {
    fp::test::gen g(4242);
    for (int round = 0; round < margin_test::sample(3000); ++round) {
        const int n = static_cast<int>(g.u64() % 40);
        std::vector<Wad> a, b;
        big sum = 0;
        const int bits = round % 3 == 0 ? 127 : (round % 3 == 1 ? 90 : 200);
        for (int i = 0; i < n; ++i) {
            const big x = g.any(bits) >> (round % 7 == 0 ? 0 : 1), y = g.any(bits) >> (round % 5 == 0 ? 0 : 1);
            a.push_back(fp::test::raw(x));
            b.push_back(fp::test::raw(y));
            sum += x * y;
        }
        for (auto r : {fp::rounding::floor, fp::rounding::ceil, fp::rounding::toward_zero}) {
            big q = sum / big("1000000000000000000");
            if (q * big("1000000000000000000") != sum) {
                if (r == fp::rounding::floor && sum < 0) --q;
                if (r == fp::rounding::ceil && sum > 0) ++q;
            }
            const auto got = fp::dot(a, b, r);
            const bool fits =
                q <= fp::test::to_big(Wad::from_raw(fp::I256::max())) && q >= fp::test::to_big(Wad::from_raw(fp::I256::min()));
            INFO("round " << round << " n " << n);
            if (fits) {
                REQUIRE(got.ok());
                CHECK(fp::test::to_big(got.value) == q);
            } else {
                CHECK(got.error == fp::errc::overflow);
            }
        }
    }
    // the sign of the sum decides the floor: -1 wei * 1 wei = -1e-36 floors to -1 wei
    const Wad one_wei = Wad::from_raw(fp::I256(1)), minus_wei = Wad::from_raw(fp::I256(-1));
    const std::vector<Wad> a{one_wei}, b{minus_wei};
    CHECK(fp::dot(a, b, fp::rounding::floor).value == minus_wei);
    CHECK(fp::dot(a, b, fp::rounding::ceil).value == Wad{});
}

TEST_CASE("fast paths on raw integers compute exactly what mul and dot (floor) compute", "[fast]") {
    fp::test::gen g(99);
    int by_checked = 0;
    for (int round = 0; round < 20000; ++round) {
        const big x = g.any(round % 2 ? 127 : 100), y = g.any(round % 3 ? 127 : 60);
        if (!fp::test::raw(x).raw().fits_i128() || !fp::test::raw(y).raw().fits_i128()) continue;
        const fp::i128 a = fp::test::raw(x).raw().to_i128(), b = fp::test::raw(y).raw().to_i128();
        fp::i128 out = 0;
        const auto want = fp::mul(fp::test::raw(x), fp::test::raw(y), fp::rounding::floor);
        const bool fast = fp::fast::mul_floor(a, b, out);
        if (fast) {
            REQUIRE(want.ok());
            CHECK(Wad::from_raw(fp::I256::from_i128(out)) == want.value);
        }
        // it gives up only when the quotient nears 2^126 (|a b| / 10^18 >= 2^125 at least)
        if (!fast) CHECK(abs(x * y) / big(Wad::scale) >= (big(1) << 125));
        // mul_floor_by (a factor in [0, 2^64)): the same integer, or the same refusal
        if (b >= 0 && b < (fp::i128{1} << 64)) {
            fp::i128 by = 0;
            CHECK(fp::fast::mul_floor_by(a, static_cast<std::uint64_t>(b), by) == fast);
            if (fast) CHECK(by == out);
            ++by_checked;
        }
    }
    CHECK(by_checked > 2000);  // the draws reach the factor range often enough to mean something
    // Boundaries of the one-small-operand path: the product's top digit next to 10^18,
    // zero, the i128 extremes, each sign.
    const fp::i128 i128_max = static_cast<fp::i128>(~fp::u128{0} >> 1), i128_min = -i128_max - 1;
    const fp::i128 edges_a[] = {0, 1, -1, i128_max, i128_min, i128_max / 7, -(i128_max / 3), static_cast<fp::i128>(Wad::scale) << 60};
    const fp::i128 edges_b[] = {0,
                                1,
                                -1,
                                static_cast<fp::i128>(Wad::scale),
                                static_cast<fp::i128>(~std::uint64_t{0}),
                                -static_cast<fp::i128>(~std::uint64_t{0}),
                                static_cast<fp::i128>(std::uint64_t{1} << 63),
                                17,
                                -12345678901234567};
    for (const fp::i128 a : edges_a)
        for (const fp::i128 b : edges_b)
            for (const bool swap : {false, true}) {
                fp::i128 out = 0;
                const Wad wa = Wad::from_raw(fp::I256::from_i128(a)), wb = Wad::from_raw(fp::I256::from_i128(b));
                const auto want = fp::mul(wa, wb, fp::rounding::floor);
                if (swap ? fp::fast::mul_floor(b, a, out) : fp::fast::mul_floor(a, b, out)) {
                    REQUIRE(want.ok());
                    CHECK(Wad::from_raw(fp::I256::from_i128(out)) == want.value);
                } else {
                    CHECK(abs(big(a) * big(b)) / big(Wad::scale) >= (big(1) << 125));
                }
                if (!swap && b >= 0 && b < (fp::i128{1} << 64)) {  // mul_floor_by: the same
                    fp::i128 by = 0;
                    const bool fast = fp::fast::mul_floor_by(a, static_cast<std::uint64_t>(b), by);
                    CHECK(fast == fp::fast::mul_floor(a, b, out));
                    if (fast) CHECK(by == out);
                }
            }
    // split: v = units * 10^18 + frac with 0 <= frac < 10^18, up to |units| < 2^60
    const big wad_scale(Wad::scale);
    for (int round = 0; round < 20000; ++round) {
        const big x = g.any(round % 2 ? 119 : 64);
        fp::fast::wad_split sp;
        REQUIRE(fp::fast::split(fp::test::raw(x).raw().to_i128(), sp));
        CHECK(big(sp.units) * wad_scale + big(sp.frac) == x);
        CHECK(big(sp.frac) < wad_scale);
    }
    fp::fast::wad_split sp;
    CHECK_FALSE(fp::fast::split(static_cast<fp::i128>(big((big(1) << 60) * wad_scale)), sp));
    CHECK(fp::fast::split(static_cast<fp::i128>(big((big(1) << 60) * wad_scale - 1)), sp));
    CHECK_FALSE(fp::fast::split(-static_cast<fp::i128>(big((big(1) << 60) * wad_scale + 1)), sp));
    REQUIRE(fp::fast::split(-static_cast<fp::i128>(big((big(1) << 60) * wad_scale)), sp));
    CHECK(sp.units == -(std::int64_t{1} << 60));
    CHECK(sp.frac == 0);
    // split(units, rest): unnormalised parts, rest of any sign and size up to 2^127
    int rest_split = 0;
    for (int round = 0; round < 20000; ++round) {
        const big u = g.any(round % 4 ? 40 : 62), r = g.any(round % 3 ? 90 : 127);
        const fp::i128 units = static_cast<fp::i128>(round % 2 ? -u : u), rest = static_cast<fp::i128>(r);
        const big v = big(units) * wad_scale + big(rest);
        fp::fast::wad_split out;
        const bool ok = fp::fast::split(units, rest, out);
        const big want_units = v >= 0 ? v / wad_scale : -((-v + wad_scale - 1) / wad_scale);  // floor
        CHECK(ok == (want_units >= -(big(1) << 60) && want_units < (big(1) << 60)));
        if (ok) {
            CHECK(big(out.units) == want_units);
            CHECK(big(out.units) * wad_scale + big(out.frac) == v);
            ++rest_split;
        }
    }
    CHECK(rest_split > 10000);
    // join and mul_floor_split (a factor below 2^63) against the exact model
    for (int round = 0; round < 20000; ++round) {
        fp::fast::wad_split v;
        v.units = static_cast<std::int64_t>(g.any(round % 2 ? 60 : 30));
        v.frac = static_cast<std::uint64_t>(g.u64() % static_cast<std::uint64_t>(Wad::scale));
        const std::uint64_t f = round % 5 ? static_cast<std::uint64_t>(abs(g.any(60))) : (g.u64() >> 1);
        const big joined = big(v.units) * wad_scale + big(v.frac);
        CHECK(big(fp::fast::join(v)) == joined);
        const big p = joined * big(f);
        const big want = p >= 0 ? p / wad_scale : -((-p + wad_scale - 1) / wad_scale);
        CHECK(big(fp::fast::mul_floor_split(v, f)) == want);
    }
    // its edges: zero, the largest fraction, the range ends, the largest factor
    const std::uint64_t frac_max = static_cast<std::uint64_t>(Wad::scale) - 1, f_max = (std::uint64_t{1} << 63) - 1;
    for (const std::int64_t u : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1} << 60, -(std::int64_t{1} << 60), INT64_MAX, INT64_MIN})
        for (const std::uint64_t fr : {std::uint64_t{0}, std::uint64_t{1}, frac_max})
            for (const std::uint64_t f : {std::uint64_t{0}, std::uint64_t{1}, static_cast<std::uint64_t>(Wad::scale), f_max}) {
                const fp::fast::wad_split v{u, fr};
                const big p = (big(u) * wad_scale + big(fr)) * big(f);
                CHECK(big(fp::fast::mul_floor_split(v, f)) == (p >= 0 ? p / wad_scale : -((-p + wad_scale - 1) / wad_scale)));
            }
    // mul_floor_splits: two split operands, against the exact model; it refuses exactly when
    // |a.units b.units| reaches 2^66
    int splits_taken = 0;
    auto exact_floor = [&](const big& p) { return p >= 0 ? p / wad_scale : -((-p + wad_scale - 1) / wad_scale); };
    for (int round = 0; round < 20000; ++round) {
        fp::fast::wad_split a, b;
        a.units = static_cast<std::int64_t>(g.any(round % 3 ? 40 : 60));
        b.units = static_cast<std::int64_t>(g.any(round % 4 ? 20 : 60));
        a.frac = static_cast<std::uint64_t>(g.u64() % static_cast<std::uint64_t>(Wad::scale));
        b.frac = round % 7 ? static_cast<std::uint64_t>(g.u64() % static_cast<std::uint64_t>(Wad::scale)) : 0;
        if (a.units >= (std::int64_t{1} << 60) || a.units < -(std::int64_t{1} << 60) || b.units >= (std::int64_t{1} << 60) ||
            b.units < -(std::int64_t{1} << 60))
            continue;  // not a split
        const big want = exact_floor(big(fp::fast::join(a)) * big(fp::fast::join(b)));
        fp::i128 out = 0;
        const bool ok = fp::fast::mul_floor_splits(a, b, out);
        CHECK(ok == (abs(big(a.units) * big(b.units)) < (big(1) << 66)));
        if (ok) {
            CHECK(big(out) == want);
            ++splits_taken;
        }
    }
    CHECK(splits_taken > 10000);
    // its edges: zero, the largest fractions, the range ends of a split, the refusal boundary
    const std::int64_t u60 = std::int64_t{1} << 60, u33 = std::int64_t{1} << 33;
    for (const std::int64_t ua : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1}, u60 - 1, -u60, u33, -u33})
        for (const std::int64_t ub : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1}, u60 - 1, -u60, u33, -u33, u33 - 1})
            for (const std::uint64_t fa : {std::uint64_t{0}, frac_max})
                for (const std::uint64_t fb : {std::uint64_t{0}, std::uint64_t{1}, frac_max}) {
                    const fp::fast::wad_split a{ua, fa}, b{ub, fb};
                    fp::i128 out = 0;
                    const bool ok = fp::fast::mul_floor_splits(a, b, out);
                    CHECK(ok == (abs(big(ua) * big(ub)) < (big(1) << 66)));
                    if (ok) CHECK(big(out) == exact_floor(big(fp::fast::join(a)) * big(fp::fast::join(b))));
                }
    // Column sums: n rows of m values, each column against fp::dot; overflow is reported.
    int fast_columns = 0, rejected = 0;
    for (int round = 0; round < 600; ++round) {
        // rows: mostly a few, sometimes past one 32-term block
        const std::size_t n = round % 10 == 0 ? 33 + g.u64() % 48 : g.u64() % 9, m = 1 + g.u64() % 70;
        const int a_bits = round % 5 ? 100 : 119, b_bits = round % 3 ? 90 : 119;
        std::vector<fp::fast::wad_split> a(n);
        std::vector<std::vector<fp::fast::wad_split>> rows(n, std::vector<fp::fast::wad_split>(m));
        std::vector<const fp::fast::wad_split*> row_ptrs;
        std::vector<Wad> wa;
        std::vector<std::vector<Wad>> wb(n);
        for (std::size_t l = 0; l < n; ++l) {
            wa.push_back(fp::test::raw(g.any(a_bits)));
            REQUIRE(fp::fast::split(wa.back().raw().to_i128(), a[l]));
            for (std::size_t i = 0; i < m; ++i) {
                wb[l].push_back(fp::test::raw(g.any(b_bits)));
                REQUIRE(fp::fast::split(wb[l].back().raw().to_i128(), rows[l][i]));
            }
            row_ptrs.push_back(rows[l].data());
        }
        std::vector<fp::fast::wad_split> out(m);
        big largest = 0;
        const bool fast = fp::fast::dot_floor_columns(a.data(), row_ptrs.data(), n, m, out.data());
        for (std::size_t i = 0; i < m; ++i) {
            std::vector<Wad> column;
            for (std::size_t l = 0; l < n; ++l) column.push_back(wb[l][i]);
            const auto want = fp::dot(wa, column, fp::rounding::floor);
            REQUIRE(want.ok());
            if (fast) {  // split: units * 10^18 + frac with 0 <= frac < 10^18
                REQUIRE(big(out[i].units) * wad_scale + big(out[i].frac) == big(want.value.raw().big()));
                CHECK(big(out[i].frac) < wad_scale);
            }
            largest = std::max(largest, big(fp::abs(want.value).value.raw().big()));
        }
        // the fast path gives up only near the 128-bit limit (an intermediate past 2^127) or
        // when a result's units leave [-2^60, 2^60)
        if (!fast) CHECK(largest > (big(1) << 100));
        (fast ? fast_columns : rejected) += 1;
    }
    CHECK(fast_columns > 300);  // the fast path is taken in its range (336 of 600 here), not only skipped
    CHECK(rejected > 0);        // and the overflow checks do fire
}

TEST_CASE("decimal-scaled column sums compute exactly what dot (floor) computes", "[fast]") {
    fp::test::gen g(2026);
    const big wad_scale(Wad::scale);
    int scaled = 0, summed = 0, rejected = 0, narrow = 0;  // of 2,000 rounds
    std::array<int, 19> decimals_seen{};
    for (int round = 0; round < 2000; ++round) {
        // amounts with d decimals (d uniform in 0..18), magnitudes from tiny to past int64 once
        // scaled; mostly one block of up to 8 legs, sometimes several
        const std::size_t n = round % 10 == 0 ? 9 + g.u64() % 32 : g.u64() % 9, m = 1 + g.u64() % 40;
        // units of 20 bits keep the fraction sums B below 2^80 (the kernel's 64-bit steps); 40
        // bits pass it (its general steps); 62 bits reach the multipliers' limit
        const int d = static_cast<int>(g.u64() % 19), unit_bits = round % 7 ? (round % 3 ? 20 : 40) : 62;
        std::vector<Wad> wa;
        std::vector<fp::i128> a;
        int want_k = 0;
        for (std::size_t l = 0; l < n; ++l) {
            big p10 = 1;
            for (int e = 0; e < 18 - d; ++e) p10 *= 10;
            // units and d decimals (draws in separate statements: one sequence on every compiler)
            const big units = g.any(unit_bits), digits = g.any(60);
            big v = units * wad_scale / p10 + digits % (wad_scale / p10);
            if (g.u64() % 2) v = -v;
            v *= p10;
            wa.push_back(fp::test::raw(v));
            a.push_back(wa.back().raw().to_i128());
            // the decimals this amount needs, by exact arithmetic
            big frac = abs(v) % wad_scale;
            int need = 0;
            for (big unit = wad_scale; frac != 0 && unit > 1; unit /= 10, ++need)
                if (frac % unit == 0) break;
            want_k = std::max(want_k, need);
        }
        std::vector<std::int64_t> mult(n);
        int k = -1;
        if (!fp::fast::decimal_scale(a.data(), n, mult.data(), k)) {
            // refused only when a multiplier reaches 2^62
            big p10 = 1;
            for (int e = 0; e < 18 - k; ++e) p10 *= 10;
            bool too_big = false;
            for (std::size_t l = 0; l < n; ++l) too_big = too_big || abs(big(a[l])) / p10 >= (big(1) << 62);
            CHECK(too_big);
            ++rejected;
            continue;
        }
        ++scaled;
        CHECK(k == want_k);  // the fewest decimals that hold every amount
        ++decimals_seen[static_cast<std::size_t>(k)];
        big p10 = 1;
        for (int e = 0; e < 18 - k; ++e) p10 *= 10;
        for (std::size_t l = 0; l < n; ++l) CHECK(big(mult[l]) * p10 == big(a[l]));
        // rows of contract values, mostly realistic, sometimes near the split's limit
        const int b_bits = round % 5 ? 80 : 121;
        std::vector<std::vector<fp::fast::wad_split>> rows(n, std::vector<fp::fast::wad_split>(m));
        std::vector<const fp::fast::wad_split*> row_ptrs;
        std::vector<std::vector<Wad>> wb(n);
        for (std::size_t l = 0; l < n; ++l) {
            for (std::size_t i = 0; i < m; ++i) {
                big v = g.any(b_bits);
                if (g.u64() % 2) v = -v;
                wb[l].push_back(fp::test::raw(v));
                if (!fp::fast::split(wb[l].back().raw().to_i128(), rows[l][i])) {
                    CHECK(abs(v) >= (big(1) << 60) * wad_scale - 1);
                    rows[l][i] = {};
                    wb[l].back() = Wad{};
                }
                CHECK(big(rows[l][i].units) * wad_scale + big(rows[l][i].frac) == big(wb[l].back().raw().big()));
            }
            row_ptrs.push_back(rows[l].data());
        }
        std::vector<fp::fast::wad_split> out(m), out_bounded(m);
        const bool fast = fp::fast::dot_floor_columns_scaled(mult.data(), k, row_ptrs.data(), n, m, out.data());
        // the same with the rows' own bound on |units| (or one 2^29 above it): on 32-bit targets
        // (the wasm32 build of this test) the 64-bit sums where n max|m| max(bound, 2^30) < 2^63;
        // the same results either way
        std::uint64_t bound = 0, m_max = 0;
        for (std::size_t l = 0; l < n; ++l) {
            m_max = std::max(m_max, static_cast<std::uint64_t>(mult[l] < 0 ? -mult[l] : mult[l]));
            for (std::size_t i = 0; i < m; ++i)
                bound = std::max(bound, static_cast<std::uint64_t>(rows[l][i].units < 0 ? -rows[l][i].units : rows[l][i].units));
        }
        if (round % 4 == 3) bound += std::uint64_t{1} << 29;
        const bool fast_bounded = fp::fast::dot_floor_columns_scaled(mult.data(), k, row_ptrs.data(), n, m, out_bounded.data(), bound);
        if (n <= 64 && big(n) * big(m_max) * big(std::max<std::uint64_t>(bound, std::uint64_t{1} << 30)) < (big(1) << 63)) ++narrow;
        big largest = 0;
        for (std::size_t i = 0; i < m; ++i) {
            std::vector<Wad> column;
            for (std::size_t l = 0; l < n; ++l) column.push_back(wb[l][i]);
            const auto want = fp::dot(wa, column, fp::rounding::floor);
            REQUIRE(want.ok());
            if (fast) {  // split: units * 10^18 + frac with 0 <= frac < 10^18
                REQUIRE(big(out[i].units) * wad_scale + big(out[i].frac) == big(want.value.raw().big()));
                CHECK(big(out[i].frac) < wad_scale);
            }
            if (fast_bounded) {
                REQUIRE(big(out_bounded[i].units) * wad_scale + big(out_bounded[i].frac) == big(want.value.raw().big()));
                CHECK(big(out_bounded[i].frac) < wad_scale);
            }
            for (std::size_t l = 0; l < n; ++l) largest = std::max(largest, abs(big(mult[l]) * big(wb[l][i].raw().big())));
        }
        CHECK(fast_bounded == fast);  // a bound changes the steps, never the outcome
        // it gives up only when a product or a sum nears 2^126
        if (!fast) CHECK(largest * 41 >= (big(1) << 122));
        (fast ? summed : rejected) += 1;
    }
    CHECK(summed > 800);  // taken in its range, not only skipped
    CHECK(rejected > 0);  // and the range checks do fire
    CHECK(narrow > 300);  // in the 64-bit sums' range often (taken on 32-bit targets)
    for (int k = 0; k <= 18; k += 6) CHECK(decimals_seen[static_cast<std::size_t>(k)] > 0);
    // Fraction sums at and past 2^80 with small whole parts of either sign (the kernel's steps
    // for large B, where the random draws above seldom go): one leg, k = 1..6 decimals.
    int large_b = 0;
    for (int k = 1; k <= 6; ++k)
        for (const std::int64_t m :
             {std::int64_t{1234567890123}, -std::int64_t{1234567890123}, std::int64_t{1} << 61, -(std::int64_t{1} << 61) + 7})
            for (const fp::fast::wad_split v : {fp::fast::wad_split{-1, 999999999999999999}, fp::fast::wad_split{2, 999999999999999999},
                                                fp::fast::wad_split{-3, 1}, fp::fast::wad_split{0, 1u << 20}}) {
                big p10 = 1;
                for (int e = 0; e < 18 - k; ++e) p10 *= 10;
                const Wad amount = fp::test::raw(big(m) * p10), value = fp::test::raw(big(v.units) * wad_scale + big(v.frac));
                const fp::fast::wad_split* row = &v;
                fp::fast::wad_split out;
                if (!fp::fast::dot_floor_columns_scaled(&m, k, &row, 1, 1, &out)) continue;
                const auto want = fp::dot(std::vector<Wad>{amount}, std::vector<Wad>{value}, fp::rounding::floor);
                REQUIRE(want.ok());
                CHECK(big(out.units) * wad_scale + big(out.frac) == big(want.value.raw().big()));
                CHECK(big(out.frac) < wad_scale);
                if (abs(big(m) * big(v.frac)) >= (big(1) << 80)) ++large_b;
            }
    CHECK(large_b > 20);
}
