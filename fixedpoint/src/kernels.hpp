// The extended-precision cores of exp and ln (SPEC.md §4.1 E1–E4, §4.2 L1–L4),
// shared by math.cpp and black76.cpp. Internal: not part of the public API.
#pragma once

#include "fixedpoint/i256.hpp"

namespace fp::detail {

/// e^z = mant * 2^k with mant in Q125, in [~0.84, ~1.69].
struct exp_parts {
    i128 mant;
    int k;
};

/// E1–E4 for z in EXT units. Precondition: -42.5 <= z <= 136 (EXT).
exp_parts exp_core(i128 z) noexcept;

/// ln x = a + lnm / 2^69 in EXT units: `a` (EXT) collects the exact-power part
/// (E ln2 - ln 1e18, or 0 near 1) and `lnm` = ln(m) in Q125.
struct ln_parts {
    i128 a;
    i128 lnm;
};

/// L1–L4 for the wei value x. Precondition: x > 0.
ln_parts ln_core(const I256& x) noexcept;

/// SPEC.md §4.8 N3: the inverse normal's initial guess for 1 <= P <= 5 * 10^17 (wei), in
/// EXT units: y0 ~ -Phi^-1(P / 10^18) >= 0, within about 2^-34 (the tests check it).
u128 normal_quantile_guess_ext(std::uint64_t P) noexcept;
/// SPEC.md §4.8 N3-N8: y1 ~ -Phi^-1(P / 10^18) in EXT units for 1 <= P <= 5 * 10^17, the
/// value N9 rounds (exposed for the accuracy test).
i128 normal_quantile_ext(std::uint64_t P) noexcept;

}  // namespace fp::detail
