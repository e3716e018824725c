// Fast paths on raw integers (wei) for hot loops: each function computes exactly
// the integer its Wad counterpart computes (mul/dot with rounding::floor) and
// returns false when an operand or the result does not fit 128 bits - the
// caller then uses the Wad function. Same results, fewer
// conversions: for code that evaluates the same formula millions of times.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fixedpoint/i256.hpp"

namespace fp::fast {

/// out = floor(a * b / 10^18), as fp::mul(a, b, rounding::floor).
bool mul_floor(i128 a, i128 b, i128& out) noexcept;

/// A raw value split at the Wad scale: v = units * 10^18 + frac, 0 <= frac < 10^18.
struct wad_split {
    std::int64_t units = 0;
    std::uint64_t frac = 0;
};

/// Splits v (floor division by 10^18); false when units would leave [-2^60, 2^60)
/// (|v| above about 1.15e36).
bool split(i128 v, wad_split& out) noexcept;

/// out[i] = floor(sum_l a[l] * b[l][i] / 10^18) for i < m: fp::dot(a, column i,
/// rounding::floor) of the n x m matrix whose rows are b[0..n), all operands split.
/// One pass over each row, four 64x64-bit products per term, no division but one
/// per column. False when a partial sum or a result does not fit 128 bits (out
/// then holds nothing meaningful).
bool dot_floor_columns(const wad_split* a, const wad_split* const* b, std::size_t n, std::size_t m, i128* out) noexcept;

/// out = a + b, false on overflow.
inline bool add(i128 a, i128 b, i128& out) noexcept { return !__builtin_add_overflow(a, b, &out); }
/// out = a - b, false on overflow.
inline bool sub(i128 a, i128 b, i128& out) noexcept { return !__builtin_sub_overflow(a, b, &out); }

}  // namespace fp::fast
