// Helpers shared by the fixedpoint tests.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

#include "fixedpoint/wad.hpp"

namespace fp::test {

// arbitrary precision, expression templates off: the independent exact model
using big = boost::multiprecision::number<boost::multiprecision::cpp_int_backend<>, boost::multiprecision::et_off>;

inline Wad W(const char* s) {
    const auto r = parse(s);
    REQUIRE(r.ok());
    return r.value;
}
inline Wad raw(const big& v) { return Wad::from_raw(I256::parse(v.str()).value); }
inline big to_big(const Wad& w) { return big(w.raw().to_string()); }
inline std::string F(const result<Wad>& r) { return r.ok() ? format(r.value) : std::string(errc_name(r.error)); }

/// Deterministic generator of int256 raw values spread over all magnitudes.
struct gen {
    std::mt19937_64 rng;
    explicit gen(std::uint64_t seed) : rng(seed) {}
    std::uint64_t u64() { return rng(); }
    /// Uniform in [0, 2^bits).
    big bits(int n) {
        big v = 0;
        for (int i = 0; i < n; i += 64) v = (v << 64) | big(rng());
        return n == 0 ? big(0) : big(v & ((big(1) << n) - 1));
    }
    /// A value of random bit length 0..max_bits and random sign.
    big any(int max_bits = 255) {
        const int n = static_cast<int>(rng() % static_cast<std::uint64_t>(max_bits + 1));
        big v = bits(n);
        return (rng() & 1) ? big(-v) : v;
    }
    /// Uniform real in [lo, hi] as a raw wei value.
    big uniform(double lo, double hi) {
        const long double u = static_cast<long double>(rng() >> 11) / static_cast<long double>(1ULL << 53);
        const long double x = static_cast<long double>(lo) + u * (static_cast<long double>(hi) - lo);
        return big(static_cast<std::int64_t>(x * 1e6L)) * big(1000000000000LL) + big(rng() % 1000000000000ULL);
    }
};

}  // namespace fp::test
