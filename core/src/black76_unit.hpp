// The discounted Black-76 price of one unit of underlying, defined once (internal to
// core/): price_option's unit_price (pricing.cpp) and every per-unit contract value of
// the scenario engine (scenario/contracts.cpp, unit_value()) are this function, so the two
// agree bit for bit by construction (tests/core/test_black76.cpp checks it end to end).
#pragma once

#include "constants.hpp"
#include "fixedpoint/i256.hpp"
#include "fixedpoint/wad.hpp"

namespace margin {

/// floor(DF * undiscounted / (2^125 * 10^18)): one unit's discounted price from the
/// kernel's undiscounted price `undiscounted` (fp::black76_terms::call or ::put, in
/// wei * 2^125, >= 0) and the discount factor `df` (a Wad number, normally in (0, 1]).
/// One rounding, toward -inf, over the exact product (512-bit intermediate).
/// Errors: overflow (a quotient outside int256; not reached for the kernel's prices
/// and DF <= 1).
inline fp::result<fp::Wad> discounted_unit_price(const fp::I256& undiscounted, const fp::Wad& df) noexcept {
    static const fp::Wad denom = fp::mul_div(Q125_RAW, E18_RAW, WEI, fp::rounding::toward_zero).value;  // 2^125 * 10^18, exact
    return fp::mul_div(fp::Wad::from_raw(undiscounted), df, denom, fp::rounding::floor);
}

}  // namespace margin
