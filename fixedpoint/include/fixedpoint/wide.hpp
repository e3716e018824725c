// 128/256-bit integer kernels behind the fast paths of fixedpoint/ (internal: fp::detail).
//
// Every function here computes an exactly specified integer result (floor of
// a product, floor of a quotient); how it gets there is free. Tests check each
// against Boost.Multiprecision on random and boundary operands.
#pragma once

#include <array>
#include <cstdint>

#include "fixedpoint/i256.hpp"

namespace fp::detail {

constexpr u128 u128_from_parts(std::uint64_t hi, std::uint64_t lo) noexcept { return (u128{hi} << 64) | lo; }
constexpr i128 i128_from_parts(std::uint64_t hi, std::uint64_t lo) noexcept { return static_cast<i128>(u128_from_parts(hi, lo)); }

/// An unsigned 256-bit value as two 128-bit halves.
struct u256w {
    u128 hi = 0;
    u128 lo = 0;
};

constexpr std::uint64_t lo64(u128 x) noexcept { return static_cast<std::uint64_t>(x); }
constexpr std::uint64_t hi64(u128 x) noexcept { return static_cast<std::uint64_t>(x >> 64); }

constexpr u128 uabs(i128 a) noexcept { return a < 0 ? u128{0} - static_cast<u128>(a) : static_cast<u128>(a); }

/// Full 128-bit product of two 64-bit words. wasm32 has no 64x64->128
/// multiply and clang would call the generic 128x128 __multi3, so there it is
/// built from four 32x32->64 products (i64.mul); natively one `mul`.
constexpr u128 mul64(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__wasm__)
    const std::uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const std::uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);  // < 3 * 2^32
    const std::uint64_t lo = (mid << 32) | (p00 & 0xffffffffu);
    const std::uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return (u128{hi} << 64) | lo;
#else
    return u128{a} * b;
#endif
}

/// floor(n / d) and n mod d for n < d * 2^64 (so the quotient fits 64 bits).
/// wasm32 would call the generic 128/128 __udivti3; there the 128/64 step is
/// two 64/32 schoolbook steps on native i64.div_u (Hacker's Delight, divlu).
/// On x86-64 it is the hardware 128/64 `div`.
inline std::uint64_t div128by64(u128 n, std::uint64_t d, std::uint64_t& rem) noexcept {
#if defined(__wasm__)
    const int s = __builtin_clzll(d);  // d != 0
    d <<= s;
    const u128 ns = n << s;  // n < d * 2^64, so n * 2^s < 2^128
    const std::uint64_t n1 = static_cast<std::uint64_t>(ns >> 64), n0 = static_cast<std::uint64_t>(ns);
    const std::uint64_t d1 = d >> 32, d0 = d & 0xffffffffu;
    const std::uint64_t n01 = n0 >> 32, n00 = n0 & 0xffffffffu;
    std::uint64_t q1 = n1 / d1, r = n1 - q1 * d1;
    while (q1 >> 32 != 0 || q1 * d0 > ((r << 32) | n01)) {
        --q1;
        r += d1;
        if (r >> 32 != 0) break;
    }
    const std::uint64_t n21 = (n1 << 32) + n01 - q1 * d;  // mod 2^64, < d
    std::uint64_t q0 = n21 / d1;
    r = n21 - q0 * d1;
    while (q0 >> 32 != 0 || q0 * d0 > ((r << 32) | n00)) {
        --q0;
        r += d1;
        if (r >> 32 != 0) break;
    }
    rem = ((n21 << 32) + n00 - q0 * d) >> s;
    return (q1 << 32) | q0;
#elif defined(__x86_64__)
    // One `div` instruction; the generic u128 / u64 would call __udivti3 and __umodti3.
    // The precondition n < d * 2^64 is what keeps `div` from faulting.
    std::uint64_t q = 0, r = 0;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo64(n)), "d"(hi64(n)), "r"(d) : "cc");
    rem = r;
    return q;
#else
    rem = static_cast<std::uint64_t>(n % d);
    return static_cast<std::uint64_t>(n / d);
#endif
}

/// a * k for |k| < 2^63 when the product fits i128 (two 64x64 products, so
/// wasm32 avoids the generic 128x128 __multi3).
constexpr i128 mul_small(i128 a, std::int64_t k) noexcept {
    const u128 ua = uabs(a);
    const std::uint64_t uk = k < 0 ? 0 - static_cast<std::uint64_t>(k) : static_cast<std::uint64_t>(k);
    const u128 m = mul64(lo64(ua), uk) + (mul64(hi64(ua), uk) << 64);
    return ((a < 0) != (k < 0)) ? -static_cast<i128>(m) : static_cast<i128>(m);
}

/// Full 256-bit product a * b.
constexpr u256w mul_wide(u128 a, u128 b) noexcept {
    const u128 ll = mul64(lo64(a), lo64(b));
    const u128 lh = mul64(lo64(a), hi64(b));
    const u128 hl = mul64(hi64(a), lo64(b));
    const u128 hh = mul64(hi64(a), hi64(b));
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

/// Arithmetic shift right by s (0 < s < 256) of the 256-bit two's complement
/// value (hi:lo): floor(v / 2^s). Precondition: the result fits i128.
constexpr i128 sar_wide(u128 hi, u128 lo, int s) noexcept {
    if (s >= 128) return static_cast<i128>(hi) >> (s - 128);
    return static_cast<i128>((hi << (128 - s)) | (lo >> s));
}

/// floor(a * b / 2^s) for signed a, b (an arithmetic shift of the exact
/// product, as Solidity's `sar(s, mul(a, b))`). Precondition: the result fits i128.
/// The signed product is the unsigned product of the bit patterns with the
/// high half corrected by the operands' sign terms (mod 2^256), so no branches.
constexpr i128 smul_shr(i128 a, i128 b, int s) noexcept {
    const u256w p = mul_wide(static_cast<u128>(a), static_cast<u128>(b));
    const u128 hi = p.hi - (a < 0 ? static_cast<u128>(b) : 0) - (b < 0 ? static_cast<u128>(a) : 0);
    return sar_wide(hi, p.lo, s);
}

/// floor(a * b / 2^s) for signed a and unsigned b (b may use all 128 bits).
/// Precondition: the result fits i128.
constexpr i128 smul_shr_u(i128 a, u128 b, int s) noexcept {
    const u256w p = mul_wide(static_cast<u128>(a), b);
    return sar_wide(p.hi - (a < 0 ? b : 0), p.lo, s);
}

/// Q125 product: floor(a * b / 2^125).
constexpr int Q = 125;
constexpr i128 mulq(i128 a, i128 b) noexcept { return smul_shr(a, b, Q); }

/// The polynomial c[0] + c[1] t + ... + c[N-1] t^(N-1) in Q125 by Horner's rule,
/// exactly as SPEC.md §4.0 specifies: acc = c[N-1], then acc = c[i] + mulq(acc, t)
/// for i = N-2 down to 0. (Zero coefficients at the top leave the value unchanged.)
template <std::size_t N>
constexpr i128 horner(const std::array<i128, N>& c, i128 t) noexcept {
    static_assert(N >= 1 && N <= 64);
    i128 acc = c[N - 1];
    for (int i = static_cast<int>(N) - 2; i >= 0; --i) acc = c[static_cast<unsigned>(i)] + mulq(acc, t);
    return acc;
}

constexpr int clz64(std::uint64_t x) noexcept { return x == 0 ? 64 : __builtin_clzll(x); }
constexpr int clz128(u128 x) noexcept { return hi64(x) != 0 ? clz64(hi64(x)) : 64 + clz64(lo64(x)); }

/// floor(n / d). Preconditions: d != 0 and n.hi < d (so the quotient fits 128 bits).
/// Knuth's algorithm D with 64-bit digits (TAOCP 4.3.1), two quotient digits.
inline u128 div_wide(u256w n, u128 d) noexcept {
    if (hi64(d) == 0) {
        // n.hi < d < 2^64: schoolbook with a one-digit divisor.
        const std::uint64_t d0 = lo64(d);
        std::uint64_t r = 0;
        const std::uint64_t q1 = div128by64((n.hi << 64) | hi64(n.lo), d0, r);  // n.hi < d0
        const std::uint64_t q0 = div128by64((u128{r} << 64) | lo64(n.lo), d0, r);
        return (u128{q1} << 64) | q0;
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
        u128 qhat = ~std::uint64_t{0};
        if (u2 < d1) {
            std::uint64_t r64 = 0;
            qhat = div128by64(top, d1, r64);
        }
        u128 rhat = top - mul64(lo64(qhat), d1);
        while (hi64(rhat) == 0 && mul64(lo64(qhat), d0) > ((rhat << 64) | u0)) {
            --qhat;
            rhat += d1;
        }
        // rem = (u2 u1 u0) - qhat * (d1 d0), computed modulo 2^128; the true
        // value is in (-d, d), so one add-back fixes a negative estimate.
        // qhat is one 64-bit digit: qhat * d = qhat*d1 * 2^64 + qhat*d0 (192 bits).
        const u128 p0 = mul64(lo64(qhat), d0);
        const u128 p1 = mul64(lo64(qhat), d1) + hi64(p0);  // < 2^128: no carry out
        const u128 prod_lo = (p1 << 64) | lo64(p0);
        const u128 num_lo = (u128{u1} << 64) | u0;
        u128 r = num_lo - prod_lo;
        const bool borrow = num_lo < prod_lo;
        const u128 top_diff = u128{u2} - hi64(p1) - (borrow ? 1 : 0);  // 0 or all-ones
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

/// A divisor below 2^64 with its precomputed reciprocal, for dividing many
/// numbers by the same constant with two multiplications per 64-bit quotient
/// digit instead of a hardware divide (Moller and Granlund, "Improved division
/// by invariant integers", IEEE TC 2011, algorithm 4).
struct invariant_divisor {
    std::uint64_t d;  ///< the divisor shifted left by `shift`: top bit set
    int shift;
    std::uint64_t v;      ///< floor((2^128 - 1) / d) - 2^64
    std::uint64_t plain;  ///< the divisor as given
};

constexpr invariant_divisor make_invariant_divisor(std::uint64_t divisor) noexcept {
    const int s = clz64(divisor);  // divisor != 0
    const std::uint64_t d = divisor << s;
    return {d, s, static_cast<std::uint64_t>(~u128{0} / d - (u128{1} << 64)), divisor};
}

/// One quotient digit: floor((u1 u0) / d) and the remainder, for u1 < d (d normalised).
constexpr std::uint64_t div_digit(std::uint64_t u1, std::uint64_t u0, const invariant_divisor& dv, std::uint64_t& rem) noexcept {
    const u128 q = mul64(dv.v, u1) + ((u128{u1} << 64) | u0);
    std::uint64_t q1 = hi64(q) + 1;
    std::uint64_t r = u0 - q1 * dv.d;  // mod 2^64
    if (r > lo64(q)) {
        --q1;
        r += dv.d;
    }
    if (r >= dv.d) {
        ++q1;
        r -= dv.d;
    }
    rem = r;
    return q1;
}

/// floor(n / divisor) and whether the division was inexact. Precondition:
/// n.hi < divisor (the quotient fits 128 bits).
constexpr u128 div_invariant(const u256w& n, const invariant_divisor& dv, bool& inexact) noexcept {
    // Normalise: n * 2^shift / (divisor * 2^shift) has the same quotient. n.hi < divisor
    // keeps n * 2^shift below d * 2^128: of its four 64-bit digits the top one is 0 and
    // the next is below d, so it is the first partial remainder.
    const int s = dv.shift;
    const u128 hi = s ? (n.hi << s) | (n.lo >> (128 - s)) : n.hi;
    const u128 lo = n.lo << s;
    std::uint64_t r = lo64(hi);
    const std::uint64_t q1 = div_digit(r, hi64(lo), dv, r);
    const std::uint64_t q0 = div_digit(r, lo64(lo), dv, r);
    inexact = r != 0;
    return (u128{q1} << 64) | q0;
}

/// 10^18 (the Wad scale) as an invariant divisor.
inline constexpr invariant_divisor wad_divisor = make_invariant_divisor(1000000000000000000ull);

// floor(sqrt(t)) for a 64-bit t: Newton from a power of two above the root.
inline std::uint64_t isqrt64(std::uint64_t t) noexcept {
    if (t < 2) return t;
    std::uint64_t x = std::uint64_t{1} << ((65 - clz64(t)) / 2);  // 2^ceil(bits/2) >= sqrt(t)
    for (;;) {
        const std::uint64_t y = (x + t / x) >> 1;
        if (y >= x) return x;
        x = y;
    }
}

// floor(sqrt(n)) for n < 2^256. Seed: the root of n's top 64 (or 63) bits, rounded
// up and scaled, is above sqrt(n) by a relative 2^-31 at most; Newton's iteration
// from above then reaches the floor in about two wide divisions. (The count of
// steps does not matter for the result, which is the exact floor.)
inline u128 isqrt_wide(const u256w& n) noexcept {
    if (n.hi == 0 && hi64(n.lo) == 0) return isqrt64(lo64(n.lo));
    const int bits = n.hi != 0 ? 256 - clz128(n.hi) : 128 - clz128(n.lo);
    const int shift = (bits - 63) & ~1;  // even, so that sqrt scales by 2^(shift/2)
    const std::uint64_t top = lo64(shift >= 128 ? n.hi >> (shift - 128) : shr_wide(n, shift));
    const u128 seed = u128{isqrt64(top) + 1};  // <= 2^32
    // >= sqrt(n); saturate where the shifted seed would reach 2^128 (n close to 2^256)
    u128 x = (shift / 2 == 96 && seed >> 32 != 0) ? ~u128{0} : seed << (shift / 2);
    for (;;) {
        // n / x >= 2^128 only for the saturated seed 2^128 - 1, which is then the
        // largest possible floor root; otherwise x >= sqrt(n) and n / x < 2^128.
        if (n.hi >= x) return x;
        const u128 q = div_wide(n, x);
        const u128 y = (x >> 1) + (q >> 1) + (x & q & 1);
        if (y >= x) return x;
        x = y;
    }
}

}  // namespace fp::detail
