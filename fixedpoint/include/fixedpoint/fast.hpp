// Fast paths on raw integers (wei) for hot loops: each function computes exactly
// the integer its Wad counterpart computes (mul/dot with rounding::floor) and
// returns false, computing nothing, when an operand or the result does not fit
// 128 bits - the caller then uses the Wad function. Same results, fewer
// conversions: for code that evaluates the same formula millions of times.
#pragma once

#include <cstddef>

#include "fixedpoint/i256.hpp"

namespace fp::fast {

/// out = floor(a * b / 10^18), as fp::mul(a, b, rounding::floor).
bool mul_floor(i128 a, i128 b, i128& out) noexcept;

/// out = floor(sum a[i] * b[i] / 10^18), as fp::dot(a, b, rounding::floor).
bool dot_floor(const i128* a, const i128* b, std::size_t n, i128& out) noexcept;

/// out = a + b, false on overflow.
inline bool add(i128 a, i128 b, i128& out) noexcept { return !__builtin_add_overflow(a, b, &out); }
/// out = a - b, false on overflow.
inline bool sub(i128 a, i128 b, i128& out) noexcept { return !__builtin_sub_overflow(a, b, &out); }

}  // namespace fp::fast
