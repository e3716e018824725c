// Philox4x32-10, the Monte Carlo stream convention, the uniform mapping (SPEC.md §7) and
// the inverse normal distribution function (SPEC.md §4.8): properties and known values.
// Accuracy against MPFR is in test_accuracy.cpp.
#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "fixedpoint/philox.hpp"
#include "kernels.hpp"
#include "test_util.hpp"

using namespace fp;
using fp::test::W;

namespace {

// Random123's known-answer vectors, tests/kat_vectors of github.com/DEShawResearch/random123
// (commit 9545ff6): "philox4x32 R ctr0 ctr1 ctr2 ctr3 key0 key1 expected0..3", words as listed,
// counter and key all zeros, all ones, and the hex digits of pi.
struct kat {
    philox_counter ctr;
    philox_key key;
    philox_counter expected;
};
constexpr kat KAT10[] = {
    {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}, {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};
constexpr kat KAT7[] = {
    {{0, 0, 0, 0}, {0, 0}, {0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}, {0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}, {0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}},
};

// The known answers hold at compile time too (the functions are constexpr).
static_assert(philox4x32_10(KAT10[0].ctr, KAT10[0].key) == KAT10[0].expected);
static_assert(philox4x32_10(KAT10[2].ctr, KAT10[2].key) == KAT10[2].expected);
static_assert(uniform_open_raw(0) == 1);
static_assert(uniform_open_raw(~std::uint64_t{0}) == 999'999'999'999'999'999);

constexpr u128 N = 999'999'999'999'999'999;  // 10^18 - 1
constexpr u128 TWO65 = u128{1} << 65;

// The mapping by its defining formula, 1 + floor((2b + 1) N / 2^65) ((2b + 1) N < 2^125).
std::int64_t uniform_model(std::uint64_t b) { return static_cast<std::int64_t>(1 + ((2 * u128{b} + 1) * N) / TWO65); }

}  // namespace

TEST_CASE("philox4x32-10: Random123 known answers", "[random]") {
    for (const kat& k : KAT10) CHECK(philox4x32_10(k.ctr, k.key) == k.expected);
    // The round count is the template parameter: Random123's 7-round vectors as well.
    for (const kat& k : KAT7) CHECK(philox4x32<7>(k.ctr, k.key) == k.expected);
    // Ten rounds are not seven.
    CHECK(philox4x32<10>(KAT7[0].ctr, KAT7[0].key) != KAT7[0].expected);
}

TEST_CASE("philox stream convention: counter and key layout, two draws per block", "[random]") {
    const std::uint64_t seed = 0x0123456789abcdefull, path = 0xfedcba9876543210ull;
    for (std::uint64_t draw : {0ull, 1ull, 2ull, 3ull, 1001ull, 0xffffffffffffffffull, 0x1234567890ull}) {
        const std::uint64_t block = draw >> 1;
        const philox_counter x =
            philox4x32_10({static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), 0x76543210u, 0xfedcba98u},
                          {0x89abcdefu, 0x01234567u});
        const std::uint64_t expect = draw % 2 == 0 ? (std::uint64_t{x[1]} << 32 | x[0]) : (std::uint64_t{x[3]} << 32 | x[2]);
        CHECK(philox_bits64(seed, path, draw) == expect);
        CHECK(philox_block(seed, path, block) == x);
    }
    // Seed, path and draw each change the bits; a frozen value pins the whole convention.
    std::set<std::uint64_t> seen;
    for (std::uint64_t s = 0; s < 4; ++s)
        for (std::uint64_t p = 0; p < 16; ++p)
            for (std::uint64_t d = 0; d < 16; ++d) seen.insert(philox_bits64(s, p, d));
    CHECK(seen.size() == 4 * 16 * 16);
    CHECK(philox_bits64(0, 0, 0) == 0xe169c58d6627e8d5ull);  // KAT10[0]'s words 1:0
    CHECK(philox_bits64(0, 0, 1) == 0x9b00dbd8bc57ac4cull);  // words 3:2
}

TEST_CASE("uniform mapping: the formula, inside (0, 1), symmetric, monotone, 18 or 19 preimages", "[random]") {
    fp::test::gen g(201);
    std::vector<std::uint64_t> bs = {
        0, 1, 2, 17, 18, 19, 36, 37, 38, ~std::uint64_t{0}, ~std::uint64_t{0} - 1, std::uint64_t{1} << 63, (std::uint64_t{1} << 63) - 1};
    for (int i = 0; i < 20000; ++i) bs.push_back(g.u64());
    for (int i = 0; i < 2000; ++i) bs.push_back(g.u64() >> (g.u64() % 64));  // small values too
    for (const std::uint64_t b : bs) {
        const std::int64_t u = uniform_open_raw(b);
        REQUIRE(u == uniform_model(b));
        REQUIRE(u >= 1);
        REQUIRE(u <= 999'999'999'999'999'999);
        // the complement of the bits is the reflected uniform: u(~b) = 10^18 - u(b)
        REQUIRE(uniform_open_raw(~b) == 1'000'000'000'000'000'000 - u);
        if (b != ~std::uint64_t{0}) REQUIRE(uniform_open_raw(b + 1) - u >= 0);
        if (b != ~std::uint64_t{0}) REQUIRE(uniform_open_raw(b + 1) - u <= 1);
    }
    // Preimage counts: value v is hit by the b with (2b + 1) N in [2^65 (v - 1), 2^65 v).
    for (int i = 0; i < 2000; ++i) {
        const u128 v = 1 + g.u64() % N;
        auto first_b = [&](u128 target) {            // smallest b with 1 + floor((2b+1)N / 2^65) >= target
            const u128 need = (target - 1) * TWO65;  // (2b + 1) N >= need (< 2^125)
            u128 m = (need + N - 1) / N;             // smallest m >= need / N
            if (m % 2 == 0) ++m;                     // m = 2b + 1 is odd
            return (m - 1) / 2;
        };
        const u128 count = first_b(v + 1) - first_b(v);
        REQUIRE((count == 18 || count == 19));
    }
    CHECK(uniform_open_raw(0) == 1);
    CHECK(uniform_open_raw(17) == 1);  // (2b + 1) N < 2^65 for b = 0..17: 18 preimages of 1
    CHECK(uniform_open_raw(18) == 2);
    CHECK(uniform_open_raw(~std::uint64_t{17}) == 999'999'999'999'999'999);  // and of 10^18 - 1
    CHECK(uniform_open_raw(~std::uint64_t{18}) == 999'999'999'999'999'998);
}

TEST_CASE("normal_quantile: domain", "[random][quantile]") {
    for (const char* bad : {"0", "1", "-0.5", "1.000000000000000001", "2", "-1000000000000000000000000000000"}) {
        INFO(bad);
        const auto r = normal_quantile(W(bad));
        CHECK(r.error == errc::domain);
        CHECK(r.value == Wad{});
    }
    CHECK(normal_quantile(Wad::from_raw(I256::max())).error == errc::domain);
    CHECK(normal_quantile(Wad::from_raw(I256::min())).error == errc::domain);
    CHECK(normal_quantile(W("0.000000000000000001")).ok());
    CHECK(normal_quantile(W("0.999999999999999999")).ok());
}

TEST_CASE("normal_quantile: known values", "[random][quantile]") {
    // mpmath at 50 digits, rounded to 18 decimals (see SPEC.md §5 for the full comparison).
    CHECK(format(normal_quantile(W("0.5")).value) == "0");
    CHECK(format(normal_quantile(W("0.975")).value) == "1.959963984540054236");  // 1.95996398454005423552...
    CHECK(format(normal_quantile(W("0.025")).value) == "-1.959963984540054236");
    CHECK(format(normal_quantile(W("0.99")).value) == "2.326347874040841101");                   // 2.32634787404084110088...
    CHECK(format(normal_quantile(W("0.000000000000000001")).value) == "-8.757290348782315064");  // -8.75729034878231506388...
    CHECK(format(normal_quantile(W("0.999999999999999999")).value) == "8.757290348782315064");
    CHECK(format(normal_quantile(W("0.500000000000000001")).value) == "0.000000000000000003");  // sqrt(2 pi) 1e-18 = 2.5066e-18
    CHECK(format(normal_quantile(W("0.499999999999999999")).value) == "-0.000000000000000003");
    CHECK(format(normal_quantile(W("0.841344746068542949")).value) == "1.000000000000000002");  // 1.0000000000000000017141...
}

TEST_CASE("normal_quantile: exactly antisymmetric and monotone", "[random][quantile]") {
    fp::test::gen g(202);
    std::vector<std::int64_t> ps;
    for (int i = 0; i < 4000; ++i) ps.push_back(uniform_open_raw(g.u64()));
    for (int i = 0; i < 2000; ++i) ps.push_back(1 + static_cast<std::int64_t>(g.u64() >> (6 + g.u64() % 58)));  // tails
    for (std::int64_t k = 1; k <= 200; ++k) ps.push_back(k);                                                    // the last wei
    for (std::int64_t k = -300; k <= 300; ++k) ps.push_back(500'000'000'000'000'000 + k);                       // around 1/2
    for (int e = 0; e <= 58; ++e)                                                                               // binade edges
        for (std::int64_t d = -1; d <= 1; ++d) ps.push_back((std::int64_t{1} << e) + d);
    std::vector<std::int64_t> qs;
    for (const std::int64_t p : ps)
        if (p >= 1 && p <= 999'999'999'999'999'999) qs.push_back(p);
    std::sort(qs.begin(), qs.end());
    qs.erase(std::unique(qs.begin(), qs.end()), qs.end());
    i128 prev = -9'000'000'000'000'000'000;
    for (const std::int64_t p : qs) {
        const auto a = normal_quantile(Wad::from_raw(I256(p)));
        const auto b = normal_quantile(Wad::from_raw(I256(1'000'000'000'000'000'000 - p)));
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        INFO(p);
        const i128 x = a.value.raw().to_i128();
        REQUIRE(x == -b.value.raw().to_i128());
        REQUIRE(x >= prev);  // non-decreasing in p
        REQUIRE((p < 500'000'000'000'000'000) == (x < 0));
        prev = x;
    }
}

TEST_CASE("normal_quantile: inverts normal_cdf where Phi is steep enough", "[random][quantile]") {
    // normal_cdf is correctly rounded and its slope is at most 0.4, so for |x| <= 2 (where
    // the round trip is well conditioned) Phi(Phi^-1(p)) is within 0.4 * 0.5 + 0.5 wei of p.
    fp::test::gen g(203);
    for (int i = 0; i < 3000; ++i) {
        const std::int64_t p = 22'750'131'948'179'208 + static_cast<std::int64_t>(g.u64() % 954'499'736'103'641'584ull);
        const auto x = normal_quantile(Wad::from_raw(I256(p)));
        REQUIRE(x.ok());
        const i128 back = normal_cdf(x.value).value.raw().to_i128();
        REQUIRE(back - p <= 1);
        REQUIRE(p - back <= 1);
    }
}

TEST_CASE("normal_quantile: the initial guess is within 2^-33 of the result", "[random][quantile]") {
    // SPEC.md §4.8 N3's error bound, which N8's third-order step needs (2^-34 fits; the
    // final result is within a wei of the exact quantile, so it stands for it here).
    fp::test::gen g(204);
    const i128 tol = (i128{1'000'000'000'000'000'000} << 56) >> 33;  // 2^-33 in EXT
    std::vector<std::uint64_t> Ps;
    for (int i = 0; i < 5000; ++i) Ps.push_back(1 + g.u64() % 500'000'000'000'000'000ull);
    for (int i = 0; i < 3000; ++i) Ps.push_back(1 + (g.u64() >> (5 + g.u64() % 59)));
    for (int e = 0; e <= 58; ++e)
        for (std::uint64_t d : {0ull, 1ull, 2ull}) Ps.push_back((std::uint64_t{1} << e) - 1 + d);
    Ps.push_back(500'000'000'000'000'000ull);
    for (const std::uint64_t P : Ps) {
        if (P < 1 || P > 500'000'000'000'000'000ull) continue;
        const i128 y0 = static_cast<i128>(detail::normal_quantile_guess_ext(P));
        const i128 y = -normal_quantile(Wad::from_raw(I256(static_cast<std::int64_t>(P)))).value.raw().to_i128() * (i128{1} << 56);
        INFO(static_cast<std::int64_t>(P));
        REQUIRE(y0 - y <= tol);
        REQUIRE(y - y0 <= tol);
    }
}

TEST_CASE("Monte Carlo normals: a frozen digest of 20,000 draws, the same in every build", "[random][quantile]") {
    // seed 42, paths 0..19, draws 0..999: Philox bits -> uniform -> normal_quantile. The digest
    // (FNV-1a over the results' raw values, 8 bytes little-endian each) pins the stream
    // convention, the mapping and every bit of the quantile; this test runs natively and in wasm.
    std::uint64_t h = 0xcbf29ce484222325ull;
    i128 sum = 0, sum_sq = 0;
    for (std::uint64_t path = 0; path < 20; ++path)
        for (std::uint64_t draw = 0; draw < 1000; ++draw) {
            const std::int64_t u = uniform_open_raw(philox_bits64(42, path, draw));
            const auto z = normal_quantile(Wad::from_raw(I256(u)));
            REQUIRE(z.ok());
            const i128 v = z.value.raw().to_i128();
            sum += v;
            sum_sq += v * v / 1'000'000'000'000'000'000;  // z^2 in wei (|v| < 9e18: v^2 < 2^127)
            const auto bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
            for (int b = 0; b < 64; b += 8) h = (h ^ ((bits >> b) & 0xff)) * 0x100000001b3ull;
        }
    CHECK(h == 0xd2508da7b4e215d5ull);
    // The sample mean of 20,000 standard normals is within 4 standard errors (0.0283) of 0.
    CHECK(sum < i128{28'300'000'000'000'000} * 20'000);
    CHECK(sum > -i128{28'300'000'000'000'000} * 20'000);
    // ... and the sample variance within 4 standard errors (0.04) of 1.
    CHECK(sum_sq < i128{1'040'000'000'000'000'000} * 20'000);
    CHECK(sum_sq > i128{960'000'000'000'000'000} * 20'000);
}
