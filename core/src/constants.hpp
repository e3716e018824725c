// The engine's fixed-point constants, defined once (internal to core/). Two kinds
// of Wad constant live side by side and the names say which:
//   - a *number*: the Wad whose value is the quantity (WAD_ONE is 1.0,
//     SECONDS_PER_YEAR_WAD is 31,536,000.0), for fp::mul / fp::div / fp::add;
//   - a *raw integer* (suffix _RAW, or WEI): the Wad whose raw int256 is that
//     integer (E18_RAW is 10^18 wei, i.e. 1.0 as a number), used as an exact factor
//     or divisor of fp::mul_div, where the scale is counted by hand
//     (mul_div(a, b, WEI) is the exact product a * b in 36 decimals, and
//     mul_div(x, y, E36_RAW) brings such a product back to 18).
// WAD_ONE and E18_RAW hold the same bits; they are two names for two uses.
#pragma once

#include <cstdint>

#include "fixedpoint/black76.hpp"
#include "fixedpoint/wad.hpp"
#include "wad_ops.hpp"

namespace margin {

/// The number 1.0 (raw 10^18).
inline const fp::Wad WAD_ONE = fp::Wad::from_int(1);

/// The raw integer 1: one wei as a number, the neutral divisor of an exact mul_div product.
inline const fp::Wad WEI = raw_i128(1);

/// The raw integer 10^18 (the Wad scale): divides an exact product once.
inline const fp::Wad E18_RAW = raw_i128(fp::Wad::scale);

/// The raw integer 10^36: brings an exact product of two 36-decimal figures back to 18 decimals.
inline const fp::Wad E36_RAW = raw_i128(static_cast<fp::i128>(fp::Wad::scale) * fp::Wad::scale);

/// The raw integer 2^125: one in Q125 (the Black-76 kernel's N and phi; its prices are wei * 2^125).
inline const fp::Wad Q125_RAW = raw_i128(fp::i128{1} << 125);

/// The raw integer 10^18 * 2^56: one in EXT units (the kernel's sqrt(w) and total variance).
inline const fp::Wad EXT_ONE_RAW = raw_i128(static_cast<fp::i128>(fp::Wad::scale) << 56);

/// The raw integer 31,536,000 (fp::seconds_per_year): the pricing year as a factor of an exact
/// mul_div (pricing.cpp's vol and theta: floor(w * SECONDS_PER_YEAR_RAW / seconds)).
inline const fp::Wad SECONDS_PER_YEAR_RAW = raw_i128(fp::seconds_per_year);

/// The number 31,536,000.0: the pricing year in seconds as a Wad number (tau = seconds / it, floor).
inline const fp::Wad SECONDS_PER_YEAR_WAD = fp::Wad::from_int(fp::seconds_per_year);

}  // namespace margin
