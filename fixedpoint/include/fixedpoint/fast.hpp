// Fast paths on raw integers (wei) for hot loops: each function computes exactly
// the integer its Wad counterpart computes (mul/dot with rounding::floor) and
// returns false when an operand or the result does not fit 128 bits - the
// caller then uses the Wad function. Same results, fewer
// conversions: for code that evaluates the same formula millions of times.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "fixedpoint/i256.hpp"
#include "fixedpoint/wide.hpp"

namespace fp::fast {

/// out = floor(a * b / 10^18) where the product needs more than 192 bits (both
/// magnitudes at least 2^64); the general case of mul_floor.
bool mul_floor_wide(i128 a, i128 b, i128& out) noexcept;

/// floor(+-ua * m / 10^18) (minus when `negative`): the product as three 64-bit digits, then
/// two quotient digits by the reciprocal of 10^18. False when the quotient reaches 2^126.
inline bool mul_floor_magnitude(u128 ua, std::uint64_t m, bool negative, i128& out) noexcept {
    const u128 lo = detail::mul64(detail::lo64(ua), m);
    const u128 hi = detail::mul64(detail::hi64(ua), m) + detail::hi64(lo);
    constexpr detail::invariant_divisor dv = detail::wad_divisor;
    const std::uint64_t p2 = detail::hi64(hi), p1 = detail::lo64(hi), p0 = detail::lo64(lo);
    if (p2 >= dv.plain) return false;  // floor(p / 10^18) needs p2 < 10^18 to fit 128 bits
    // normalise (divisor and dividend shifted left together), then two quotient digits
    constexpr int s = dv.shift;  // > 0: 10^18 < 2^63
    std::uint64_t r = 0;
    const std::uint64_t q1 = detail::div_digit((p2 << s) | (p1 >> (64 - s)), (p1 << s) | (p0 >> (64 - s)), dv, r);
    const std::uint64_t q0 = detail::div_digit(r, p0 << s, dv, r);
    if (q1 >= std::uint64_t{1} << 62) return false;  // keeps q + 1 well inside i128
    const i128 q = static_cast<i128>((u128{q1} << 64) | q0);
    out = negative ? -q - (r != 0 ? 1 : 0) : q;  // a zero product gives q = r = 0 either way
    return true;
}

/// out = floor(a * b / 10^18), as fp::mul(a, b, rounding::floor). Inline for the
/// common case (one magnitude below 2^64: a weight, a discount, a price under 18.4):
/// scenario loops call it a few hundred times per account.
inline bool mul_floor(i128 a, i128 b, i128& out) noexcept {
    u128 ua = detail::uabs(a), ub = detail::uabs(b);
    if (ub > ua) std::swap(ua, ub);
    if (detail::hi64(ub) != 0) return mul_floor_wide(a, b, out);
    return mul_floor_magnitude(ua, detail::lo64(ub), (a ^ b) < 0, out);
}

/// out = floor(a * m / 10^18) for a factor 0 <= m < 2^64 (a discount factor, a weight):
/// mul_floor(a, m) without sorting the operands.
inline bool mul_floor_by(i128 a, std::uint64_t m, i128& out) noexcept { return mul_floor_magnitude(detail::uabs(a), m, a < 0, out); }

/// A raw value split at the Wad scale: v = units * 10^18 + frac, 0 <= frac < 10^18.
struct wad_split {
    std::int64_t units = 0;
    std::uint64_t frac = 0;
};

/// Splits units * 10^18 + rest (the parts unnormalised); false when the result's units
/// would leave [-2^60, 2^60) (a value of magnitude above about 1.15e36).
bool split(i128 units, i128 rest, wad_split& out) noexcept;

/// Splits v (floor division by 10^18), as split(0, v, out).
inline bool split(i128 v, wad_split& out) noexcept { return split(0, v, out); }

/// The split value as one integer, units * 10^18 + frac (no overflow: |units| <= 2^60).
inline i128 join(const wad_split& v) noexcept {
    return static_cast<i128>(v.units) * static_cast<std::int64_t>(detail::wad_divisor.plain) + static_cast<i128>(v.frac);
}

/// floor(v * f / 10^18) for a split v and a factor 0 <= f < 2^63: units * f + floor(frac * f / 10^18),
/// since units * 10^18 * f / 10^18 is whole. Two 64x64-bit products and one quotient digit
/// (frac * f < 10^18 2^63); with |units| <= 2^60 (a split) |result| < 2^124, so nothing can
/// fail. Equal to mul_floor_by(join(v), f).
inline i128 mul_floor_split(const wad_split& v, std::uint64_t f) noexcept {
    constexpr detail::invariant_divisor dv = detail::wad_divisor;
    constexpr int s = dv.shift;  // > 0: 10^18 < 2^63
    const u128 p = detail::mul64(v.frac, f);
    std::uint64_t r = 0;
    const std::uint64_t q = detail::div_digit((detail::hi64(p) << s) | (detail::lo64(p) >> (64 - s)), detail::lo64(p) << s, dv, r);
    return static_cast<i128>(v.units) * static_cast<std::int64_t>(f) + static_cast<i128>(q);
}

/// out = floor(a * b / 10^18) for split a and b: 10^18 a.units b.units + a.units b.frac +
/// a.frac b.units + floor(a.frac b.frac / 10^18), exact because the first three terms are whole.
/// Four 64x64-bit products and one quotient digit (a.frac b.frac < 10^36). False when
/// |a.units b.units| >= 2^66; otherwise |out| < 2^126. Equal to mul_floor(join(a), join(b))
/// whenever it returns true.
inline bool mul_floor_splits(const wad_split& a, const wad_split& b, i128& out) noexcept {
    const i128 whole = static_cast<i128>(a.units) * b.units;  // |units| <= 2^60 (split): exact
    if (whole >= (i128{1} << 66) || whole <= -(i128{1} << 66)) return false;
    constexpr detail::invariant_divisor dv = detail::wad_divisor;
    constexpr int s = dv.shift;  // > 0: 10^18 < 2^63
    const u128 p = detail::mul64(a.frac, b.frac);
    std::uint64_t r = 0;
    const std::uint64_t q = detail::div_digit((detail::hi64(p) << s) | (detail::lo64(p) >> (64 - s)), detail::lo64(p) << s, dv, r);
    // fractions < 10^18 < 2^63: each mixed product is below 2^120 in magnitude
    out = whole * static_cast<std::int64_t>(dv.plain) + static_cast<i128>(a.units) * static_cast<std::int64_t>(b.frac) +
          static_cast<i128>(b.units) * static_cast<std::int64_t>(a.frac) + static_cast<i128>(q);
    return true;
}

/// out[i] = floor(sum_l a[l] * b[l][i] / 10^18) for i < m: fp::dot(a, column i,
/// rounding::floor) of the n x m matrix whose rows are b[0..n), all operands split.
/// One pass over each row, four 64x64-bit products per term, no division but one
/// per column. The results are split; false when a partial sum does not fit 128 bits
/// or a result does not split (out then holds nothing meaningful).
bool dot_floor_columns(const wad_split* a, const wad_split* const* b, std::size_t n, std::size_t m, wad_split* out) noexcept;

/// Writes raw amounts a[0..n) as m[l] * 10^(18 - k) with the fewest decimals k in [0, 18]
/// that hold them all (k = 0: whole units). False when some |m[l]| would reach 2^62.
bool decimal_scale(const i128* a, std::size_t n, std::int64_t* m, int& k) noexcept;

/// out[i] = floor(sum_l m[l] * b[l][i] / 10^k) for i < cols: for amounts a[l] = m[l] 10^(18-k)
/// (decimal_scale), exactly floor(sum_l a[l] b[l][i] / 10^18), what fp::dot(rounding::floor)
/// and dot_floor_columns compute, split. Two 64x64-bit products per term (against four) and a
/// few divisions per column by constants; on 32-bit targets (wasm32), three 64-bit products and
/// 64-bit sums when n max|m| max(units_bound, 2^30) < 2^63. `units_bound`: at least every
/// |b[l][i].units| (precondition; the split's 2^60 when unknown). False when a sum does not fit
/// 128 bits or a result does not split (out then holds nothing meaningful).
bool dot_floor_columns_scaled(const std::int64_t* m, int k, const wad_split* const* b, std::size_t n, std::size_t cols, wad_split* out,
                              std::uint64_t units_bound = std::uint64_t{1} << 60) noexcept;

/// out = a + b, false on overflow.
inline bool add(i128 a, i128 b, i128& out) noexcept { return !__builtin_add_overflow(a, b, &out); }
/// out = a - b, false on overflow.
inline bool sub(i128 a, i128 b, i128& out) noexcept { return !__builtin_sub_overflow(a, b, &out); }

}  // namespace fp::fast
