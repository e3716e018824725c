// The 128/256-bit kernels behind the fast paths, against exact big integers.
#include "../common/sample.hpp"
#include "fixedpoint/wide.hpp"
#include "test_util.hpp"

using namespace fp;
using namespace fp::detail;
using fp::test::big;

namespace {

big B(u128 v) { return (big(static_cast<std::uint64_t>(v >> 64)) << 64) | big(static_cast<std::uint64_t>(v)); }
big B(const u256w& v) { return (B(v.hi) << 128) | B(v.lo); }
big B(i128 v) { return v < 0 ? big(-B(uabs(v))) : B(uabs(v)); }
big floor_div(const big& n, const big& d) {  // cpp_int '/' truncates
    big q = n / d;
    if (q * d != n && ((n < 0) != (d < 0))) --q;
    return q;
}

// Random u128 with a random bit length, and the boundary values.
u128 rnd128(fp::test::gen& g) {
    const int n = static_cast<int>(g.u64() % 129);
    u128 v = (u128{g.u64()} << 64) | g.u64();
    return n == 128 ? v : (v & ((u128{1} << n) - 1));
}

}  // namespace

TEST_CASE("mul_wide is the exact 256-bit product", "[wide]") {
    fp::test::gen g(1);
    const u128 edge[] = {0, 1, ~u128{0}, u128{1} << 127, (u128{1} << 64) - 1, u128{1} << 64};
    for (u128 a : edge)
        for (u128 b : edge) CHECK(B(mul_wide(a, b)) == B(a) * B(b));
    for (int i = 0; i < 20000; ++i) {
        const u128 a = rnd128(g), b = rnd128(g);
        REQUIRE(B(mul_wide(a, b)) == B(a) * B(b));
    }
}

TEST_CASE("smul_shr is floor(a*b / 2^s), as an arithmetic shift", "[wide]") {
    fp::test::gen g(2);
    for (int i = 0; i < 20000; ++i) {
        const i128 a = static_cast<i128>(rnd128(g) >> 2) * ((g.u64() & 1) ? -1 : 1);
        const i128 b = static_cast<i128>(rnd128(g) >> 2) * ((g.u64() & 1) ? -1 : 1);
        const int s = 126 + static_cast<int>(g.u64() % 100);  // result < 2^127 for these sizes
        REQUIRE(B(smul_shr(a, b, s)) == floor_div(B(a) * B(b), big(1) << s));
    }
    CHECK(smul_shr(-1, 1, 1) == -1);  // floor(-0.5)
    CHECK(smul_shr(-2, 1, 1) == -1);
    CHECK(smul_shr(1, 1, 1) == 0);
}

TEST_CASE("div_wide is floor(n / d) for every divisor size", "[wide]") {
    fp::test::gen g(3);
    int checked = 0;
    for (int i = 0; i < 40000; ++i) {
        const u128 d = rnd128(g);
        if (d == 0) continue;
        u256w n{rnd128(g), (u128{g.u64()} << 64) | g.u64()};
        if (n.hi >= d) n.hi = n.hi % d;  // precondition: quotient fits 128 bits
        REQUIRE(B(div_wide(n, d)) == B(n) / B(d));
        ++checked;
    }
    CHECK(checked > 39000);
    // Knuth D's rare add-back branch: divisor with a small low digit, numerator just below q*d.
    for (int i = 0; i < 2000; ++i) {
        const u128 d = (u128{1} << 127) | (u128{g.u64()} << 64) | (g.u64() & 0xff);
        const u128 q = (u128{g.u64()} << 64) | g.u64();
        const big n = B(q) * B(d) - 1;
        const u256w nw{static_cast<u128>(static_cast<std::uint64_t>(big(n >> 192))) << 64 |
                           static_cast<std::uint64_t>(big((n >> 128) & ((big(1) << 64) - 1))),
                       static_cast<u128>(static_cast<std::uint64_t>(big((n >> 64) & ((big(1) << 64) - 1)))) << 64 |
                           static_cast<std::uint64_t>(big(n & ((big(1) << 64) - 1)))};
        REQUIRE(B(nw) == n);
        REQUIRE(B(div_wide(nw, d)) == n / B(d));
    }
}

TEST_CASE("div_invariant is floor(n / d) with the exactness, for 64-bit divisors", "[wide]") {
    fp::test::gen g(5);
    auto check = [](const u256w& n, const fp::detail::invariant_divisor& dv) {
        bool inexact = false;
        const u128 q = div_invariant(n, dv, inexact);
        REQUIRE(B(q) == B(n) / dv.plain);
        REQUIRE(inexact == (B(n) % dv.plain != 0));
    };
    const u128 ones = ~u128{0};
    for (std::uint64_t d : {std::uint64_t{1}, std::uint64_t{3}, std::uint64_t{1000000000000000000ull}, ~std::uint64_t{0},
                            std::uint64_t{1} << 63, (std::uint64_t{1} << 63) + 1, std::uint64_t{0xffffffff}}) {
        const auto dv = fp::detail::make_invariant_divisor(d);
        check({0, 0}, dv);
        check({d - 1, ones}, dv);  // the largest numerator allowed
        check({d - 1, 0}, dv);
        for (int i = 0; i < margin_test::sample(5000); ++i) {
            // random numerators below d * 2^128, and exact multiples with their neighbours
            u256w n{rnd128(g) % d, rnd128(g)};
            check(n, dv);
            const u256w m = mul_wide(rnd128(g) >> 1, d);
            if (m.hi < d) {
                check(m, dv);
                if (m.lo != 0) check({m.hi, m.lo - 1}, dv);
                if (m.lo != ones) check({m.hi, m.lo + 1}, dv);
            }
        }
    }
    for (int i = 0; i < margin_test::sample(20000); ++i) {  // random divisors of every size
        const std::uint64_t d = g.u64() >> (g.u64() % 64);
        if (d == 0) continue;
        check({rnd128(g) % d, rnd128(g)}, fp::detail::make_invariant_divisor(d));
    }
    CHECK(fp::detail::wad_divisor.plain == 1000000000000000000ull);
}

TEST_CASE("isqrt_wide is floor(sqrt(n)) up to 2^256 - 1", "[wide]") {
    fp::test::gen g(4);
    auto check = [](const u256w& n) {
        const big r = B(isqrt_wide(n));
        REQUIRE(r * r <= B(n));
        REQUIRE((r + 1) * (r + 1) > B(n));
    };
    const u128 ones = ~u128{0};
    for (const u256w& n : {u256w{0, 0}, u256w{0, 1}, u256w{0, 2}, u256w{0, 3}, u256w{0, 4}, u256w{ones, ones}, u256w{ones, 0},
                           u256w{0, ones}, u256w{1, 0}, u256w{u128{1} << 127, 0}})
        check(n);
    for (int i = 0; i < 20000; ++i) {
        const u256w n{rnd128(g), rnd128(g)};
        check(n);
        const u128 r = rnd128(g);  // exact squares and their neighbours
        const u256w sq = mul_wide(r, r);
        check(sq);
        if (sq.lo != 0) check({sq.hi, sq.lo - 1});
        if (sq.lo != ones) check({sq.hi, sq.lo + 1});
    }
}
