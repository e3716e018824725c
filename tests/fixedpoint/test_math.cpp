// exp, ln, sqrt, pow, normal pdf/cdf: special values, error codes, properties.
// Reference digits are published constants (e, ln 2, sqrt 2, 1/sqrt(2 pi),
// Phi(1.96)) rounded half up at the 18th decimal; test_accuracy.cpp measures
// the full domains against MPFR.
#include "../common/sample.hpp"
#include "test_util.hpp"

using namespace fp;
using fp::test::big;
using fp::test::F;
using fp::test::raw;
using fp::test::W;

TEST_CASE("exp: values, exact points, limits", "[math]") {
    CHECK(F(exp(W("0"))) == "1");                                        // exactly
    CHECK(F(exp(W("1"))) == "2.718281828459045235");                     // e = 2.71828182845904523536...
    CHECK(F(exp(W("-1"))) == "0.367879441171442322");                    // 1/e = 0.36787944117144232159...
    CHECK(F(exp(W("0.693147180559945309"))) == "1.999999999999999999");  // ln2 - 4.17e-19: 2 - 8.3e-19
    CHECK(F(exp(W("136"))) == "FP_OVERFLOW");
    CHECK(F(exp(raw((big(1) << 255) - 1))) == "FP_OVERFLOW");
    CHECK(F(exp(W("-42.5"))) == "0");
    CHECK(F(exp(raw(-(big(1) << 255)))) == "0");
    // ln((2^255-1)/1e18) = 135.30599936889323158907...: the last argument that fits is ...589
    CHECK(exp(W("135.305999368893231589")).ok());
    CHECK(F(exp(W("135.30599936889323159"))) == "FP_OVERFLOW");
    // Smallest non-zero: exp(x) >= 0.5e-18 iff x >= ln(0.5e-18) = -42.13967885445276762...
    CHECK(F(exp(W("-42.139678854452767"))) == "0.000000000000000001");
    CHECK(F(exp(W("-42.139678854452768"))) == "0");
}

TEST_CASE("exp is monotone across range-reduction boundaries", "[math]") {
    // k switches at odd multiples of ln2/2; check +-1 wei around each one.
    const big ln2_half("346573590279972654");  // ln2/2 = 0.3465735902799726547...
    for (int j = -121; j <= 389; j += 2) {
        const big c = ln2_half * j;
        const auto lo = exp(raw(c - 1)), mid = exp(raw(c)), hi = exp(raw(c + 1));
        if (!hi.ok()) break;
        REQUIRE(lo.value <= mid.value);
        REQUIRE(mid.value <= hi.value);
    }
}

TEST_CASE("ln: values, exact points, domain", "[math]") {
    CHECK(F(ln(W("1"))) == "0");
    CHECK(F(ln(W("2"))) == "0.693147180559945309");  // 0.69314718055994530942...
    CHECK(F(ln(W("0.5"))) == "-0.693147180559945309");
    CHECK(F(ln(W("10"))) == "2.302585092994045684");   // 2.30258509299404568402...
    CHECK(F(ln(raw(1))) == "-41.446531673892822312");  // ln(1e-18) = -41.4465316738928223118...
    CHECK(F(ln(W("0"))) == "FP_DOMAIN");
    CHECK(F(ln(W("-1"))) == "FP_DOMAIN");
    CHECK(F(ln(raw(-(big(1) << 255)))) == "FP_DOMAIN");
    // ln(2^255 - 1 wei) = 255 ln2 - ln(1e18) = 135.305999368893231589...
    CHECK(F(ln(raw((big(1) << 255) - 1))) == "135.305999368893231589");
    // 1 +- 1 wei: ln(1+e) = e - e^2/2 to 36 decimals
    CHECK(F(ln(raw(big("1000000000000000001")))) == "0.000000000000000001");
    CHECK(F(ln(raw(big("999999999999999999")))) == "-0.000000000000000001");
}

TEST_CASE("ln is monotone across its path switches", "[math]") {
    // near-1 window edges and every power of two (where e and the halving switch)
    std::vector<big> pts = {big("707106781186547525"), big("1414213562373095048")};
    for (int e = 1; e < 255; ++e) pts.push_back(big(1) << e);
    for (const big& c : pts) {
        const auto lo = ln(raw(c - 1)), mid = ln(raw(c)), hi = ln(raw(c + 1));
        REQUIRE(lo.value <= mid.value);
        REQUIRE(mid.value <= hi.value);
    }
}

TEST_CASE("sqrt: exact squares, rounding to nearest, domain", "[math]") {
    CHECK(F(sqrt(W("0"))) == "0");
    CHECK(F(sqrt(W("1"))) == "1");
    CHECK(F(sqrt(W("4"))) == "2");
    CHECK(F(sqrt(W("2"))) == "1.414213562373095049");  // 1.41421356237309504880...
    CHECK(F(sqrt(W("0.000000000000000001"))) == "0.000000001");
    CHECK(F(sqrt(W("-0.000000000000000001"))) == "FP_DOMAIN");
    fp::test::gen g(11);
    for (int i = 0; i < 5000; ++i) {  // r = round(sqrt(x * 1e18)) <=> (2r-1)^2 < 4 x 1e18 < (2r+1)^2
        const big x = abs(g.any());
        const auto r = sqrt(raw(x));
        REQUIRE(r.ok());
        const big n4 = x * big("4000000000000000000"), rr = fp::test::to_big(r.value);
        REQUIRE((rr == 0 || (2 * rr - 1) * (2 * rr - 1) < n4));
        REQUIRE(n4 < (2 * rr + 1) * (2 * rr + 1));
    }
}

TEST_CASE("pow: identities and domain", "[math]") {
    CHECK(F(pow(W("2"), W("0"))) == "1");
    CHECK(F(pow(W("1"), W("123456789.123"))) == "1");  // ln(1) is exactly 0
    CHECK(F(pow(W("1"), raw((big(1) << 255) - 1))) == "1");
    CHECK(F(pow(W("2"), W("10"))) == "1024");
    CHECK(F(pow(W("4"), W("0.5"))) == "2");
    CHECK(F(pow(W("2"), W("-1"))) == "0.5");
    CHECK(F(pow(W("0"), W("1"))) == "FP_DOMAIN");
    CHECK(F(pow(W("-2"), W("2"))) == "FP_DOMAIN");
    CHECK(F(pow(W("2"), W("1000"))) == "FP_OVERFLOW");
    CHECK(F(pow(W("2"), W("-1000"))) == "0");
    CHECK(F(pow(W("1.000000000000000001"), raw((big(1) << 255) - 1))) == "FP_OVERFLOW");
    CHECK(F(pow(W("0.999999999999999999"), raw((big(1) << 255) - 1))) == "0");
    // (1 + 1e-18)^(1e18) = e^(1 - 5e-19 + ...) = 2.718281828459045234 (rounded)
    CHECK(F(pow(W("1.000000000000000001"), W("1000000000000000000"))) == "2.718281828459045234");
}

TEST_CASE("normal pdf and cdf: values, symmetry, monotonicity", "[math]") {
    CHECK(F(normal_pdf(W("0"))) == "0.398942280401432678");  // 1/sqrt(2 pi) = 0.39894228040143267794...
    CHECK(F(normal_pdf(W("10"))) == "0");
    CHECK(F(normal_pdf(raw((big(1) << 255) - 1))) == "0");
    CHECK(F(normal_cdf(W("0"))) == "0.5");
    CHECK(F(normal_cdf(W("1.96"))) == "0.975002104851779566");  // 0.97500210485177956...
    CHECK(F(normal_cdf(W("9"))) == "1");
    CHECK(F(normal_cdf(W("-9"))) == "0");
    CHECK(F(normal_cdf(raw(-(big(1) << 255)))) == "0");
    fp::test::gen g(13);
    for (int i = 0; i < 5000; ++i) {
        const big x = g.uniform(0, 10);
        const big s = fp::test::to_big(normal_cdf(raw(x)).value) + fp::test::to_big(normal_cdf(raw(-x)).value);
        REQUIRE(abs(s - big("1000000000000000000")) <= 1);  // each side rounded once
        REQUIRE(normal_pdf(raw(x)).value == normal_pdf(raw(-x)).value);
    }
    // monotone at every piece boundary j/2 and around 0
    for (int j = -18; j <= 18; ++j) {
        const big c = big("500000000000000000") * j;
        REQUIRE(normal_cdf(raw(c - 1)).value <= normal_cdf(raw(c)).value);
        REQUIRE(normal_cdf(raw(c)).value <= normal_cdf(raw(c + 1)).value);
    }
}

TEST_CASE("hypot: sqrt(a^2 + b^2) correctly rounded, against the exact model", "[hypot]") {
    CHECK(F(fp::hypot(W("3"), W("4"))) == "5");
    CHECK(F(fp::hypot(W("-0.3"), W("0.4"))) == "0.5");
    CHECK(F(fp::hypot(W("0"), W("0"))) == "0");
    CHECK(F(fp::hypot(W("0.000000000000000001"), W("0.000000000000000001"))) == "0.000000000000000001");  // sqrt 2 wei
    CHECK(fp::hypot(Wad::from_raw(I256::max()), Wad::from_raw(I256::max())).error == errc::overflow);
    fp::test::gen g(77);
    for (int i = 0; i < margin_test::sample(20000); ++i) {
        const big a = g.any(200), b = g.any(i % 2 ? 200 : 60);
        const big n = a * a + b * b;
        big r = boost::multiprecision::sqrt(n);
        if (n - r * r > r) ++r;  // nearest: no ties exist for integers
        INFO(a << " " << b);
        CHECK(fp::test::to_big(fp::hypot(raw(a), raw(b)).value) == r);
    }
    // the 256-bit fast path (|a|, |b| < 2^127) against the same exact model, edges included
    const big top = (big(1) << 127) - 1;
    std::vector<std::pair<big, big>> cases = {{top, top}, {-top, top}, {top, 0}, {big(1) << 126, big(1) << 126}, {-top, -1}};
    for (int i = 0; i < margin_test::sample(20000); ++i) cases.emplace_back(g.any(1 + i % 127), g.any(1 + (i * 7) % 127));
    for (int i = 1; i < 2000; ++i) {  // around perfect squares: 3k, 4k and a wei off
        const big k = g.any(1 + i % 120);
        cases.emplace_back(3 * k, 4 * k + (i % 3) - 1);
    }
    for (const auto& [a, b] : cases) {
        const big n = a * a + b * b;
        big r = boost::multiprecision::sqrt(n);
        if (n - r * r > r) ++r;
        INFO(a << " " << b);
        CHECK(fp::test::to_big(fp::hypot(raw(a), raw(b)).value) == r);
    }
}
