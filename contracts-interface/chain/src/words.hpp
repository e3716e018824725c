// Reading the chain's ABI-decoded answers (private to src/): the numbers a view returns as the
// engine's integer types. Used by the clearing house's views (house.cpp) and the mark-cache
// audit (marks.cpp) alike.
#pragma once

#include <cstdint>

#include "abi/abi.hpp"
#include "fixedpoint/i256.hpp"

namespace chain::detail {

/// A decoded int256 (or a uint below 2^255) as the raw fixed-point word it holds, exactly (no
/// rounding). Precondition: `v` is a number in [-2^255, 2^255 - 1] (the ABI decoder checked the
/// view's int256 range); outside it the result's error is not looked at.
inline fp::I256 i256(const abi::value& v) { return fp::I256::from_integer(*v.as_number()).value; }

}  // namespace chain::detail
