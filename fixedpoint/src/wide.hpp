// Internal 128/256-bit integer kernels for the fast paths of fixedpoint/.
//
// Every function here computes an exactly specified integer result (floor of
// a product, floor of a quotient); how it gets there is free. Tests check each
// against Boost.Multiprecision on random and boundary operands.
#pragma once

#include <cstdint>

#include "fixedpoint/i256.hpp"

namespace fp::detail {

constexpr u128 u128_from_parts(std::uint64_t hi, std::uint64_t lo) noexcept {
    return (u128{hi} << 64) | lo;
}
constexpr i128 i128_from_parts(std::uint64_t hi, std::uint64_t lo) noexcept {
    return static_cast<i128>(u128_from_parts(hi, lo));
}

/// An unsigned 256-bit value as two 128-bit halves.
struct u256w {
    u128 hi = 0;
    u128 lo = 0;
};

constexpr std::uint64_t lo64(u128 x) noexcept { return static_cast<std::uint64_t>(x); }
constexpr std::uint64_t hi64(u128 x) noexcept { return static_cast<std::uint64_t>(x >> 64); }

/// Full 256-bit product a * b.
constexpr u256w mul_wide(u128 a, u128 b) noexcept {
    const u128 ll = u128{lo64(a)} * lo64(b);
    const u128 lh = u128{lo64(a)} * hi64(b);
    const u128 hl = u128{hi64(a)} * lo64(b);
    const u128 hh = u128{hi64(a)} * hi64(b);
    const u128 mid = u128{hi64(ll)} + lo64(lh) + lo64(hl);  // < 3 * 2^64, no overflow
    return {hh + hi64(lh) + hi64(hl) + hi64(mid), (mid << 64) | lo64(ll)};
}

/// floor(x / 2^s) for 0 < s < 256; the caller guarantees the result fits 128 bits.
constexpr u128 shr_wide(const u256w& x, int s) noexcept {
    if (s >= 128) return x.hi >> (s - 128);
    return (x.lo >> s) | (x.hi << (128 - s));
}

/// True when x mod 2^s != 0 (0 < s < 256).
constexpr bool low_bits_set(const u256w& x, int s) noexcept {
    if (s >= 128) return x.lo != 0 || (x.hi & ((u128{1} << (s - 128)) - 1)) != 0;
    return (x.lo & ((u128{1} << s) - 1)) != 0;
}

/// floor(a * b / 2^s). Precondition: the result is below 2^128.
constexpr u128 mul_shr(u128 a, u128 b, int s) noexcept { return shr_wide(mul_wide(a, b), s); }

constexpr u128 uabs(i128 a) noexcept { return a < 0 ? u128{0} - static_cast<u128>(a) : static_cast<u128>(a); }

/// floor(a * b / 2^s) for signed a, b (an arithmetic shift of the exact
/// product, as Solidity's `sar(s, mul(a, b))`). Precondition: |result| < 2^127.
constexpr i128 smul_shr(i128 a, i128 b, int s) noexcept {
    const u256w p = mul_wide(uabs(a), uabs(b));
    const u128 m = shr_wide(p, s);
    if ((a < 0) == (b < 0)) return static_cast<i128>(m);
    return -static_cast<i128>(m + (low_bits_set(p, s) ? 1 : 0));
}

/// Q125 product: floor(a * b / 2^125).
constexpr int Q = 125;
constexpr i128 mulq(i128 a, i128 b) noexcept { return smul_shr(a, b, Q); }

constexpr int clz64(std::uint64_t x) noexcept { return x == 0 ? 64 : __builtin_clzll(x); }
constexpr int clz128(u128 x) noexcept { return hi64(x) != 0 ? clz64(hi64(x)) : 64 + clz64(lo64(x)); }

/// floor(n / d). Preconditions: d != 0 and n.hi < d (so the quotient fits 128 bits).
/// Knuth's algorithm D with 64-bit digits (TAOCP 4.3.1), two quotient digits.
inline u128 div_wide(u256w n, u128 d) noexcept {
    if (hi64(d) == 0) {
        // n.hi < d < 2^64: schoolbook with a one-digit divisor.
        const std::uint64_t d0 = lo64(d);
        const u128 a = (n.hi << 64) | hi64(n.lo);  // n.hi < d0, so a / d0 < 2^64
        const std::uint64_t q1 = static_cast<std::uint64_t>(a / d0);
        const u128 b = ((a % d0) << 64) | lo64(n.lo);
        return (u128{q1} << 64) | static_cast<std::uint64_t>(b / d0);
    }
    const int s = clz64(hi64(d));
    if (s != 0) {  // normalise: top bit of d set; n < d * 2^128 keeps n * 2^s within 256 bits
        d <<= s;
        n.hi = (n.hi << s) | (n.lo >> (128 - s));
        n.lo <<= s;
    }
    const std::uint64_t d1 = hi64(d), d0 = lo64(d);
    // One quotient digit of the 3-digit numerator (u2 u1 u0), which is < d * 2^64.
    auto step = [&](u128 top, std::uint64_t u0, u128& rem) -> std::uint64_t {
        const std::uint64_t u2 = hi64(top), u1 = lo64(top);
        u128 qhat = (u2 >= d1) ? ~std::uint64_t{0} : top / d1;
        u128 rhat = top - qhat * d1;
        while (hi64(rhat) == 0 && qhat * d0 > ((rhat << 64) | u0)) {
            --qhat;
            rhat += d1;
        }
        // rem = (u2 u1 u0) - qhat * (d1 d0), computed modulo 2^128; the true
        // value is in (-d, d), so one add-back fixes a negative estimate.
        const u256w prod = mul_wide(qhat, d);
        const u128 num_lo = (u128{u1} << 64) | u0;
        u128 r = num_lo - prod.lo;
        const bool borrow = num_lo < prod.lo;
        const u128 top_diff = u128{u2} - prod.hi - (borrow ? 1 : 0);  // 0 or all-ones
        if (top_diff != 0) {
            --qhat;
            r += d;
        }
        rem = r;
        return static_cast<std::uint64_t>(qhat);
    };
    u128 r = 0;
    const std::uint64_t q1 = step(n.hi, hi64(n.lo), r);
    const std::uint64_t q0 = step(r, lo64(n.lo), r);
    return (u128{q1} << 64) | q0;
}

}  // namespace fp::detail
