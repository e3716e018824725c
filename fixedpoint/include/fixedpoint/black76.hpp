// Black-76 kernel: the extended-precision core of option pricing (SPEC.md §4.7).
//
// Prices come out undiscounted and unrounded, as exact integers in wei * 2^125,
// so that the caller multiplies by size and discount factor and rounds once
// (core/ rounds a position's value against the account). Every step is an
// integer algorithm fixed by the spec; the Solidity twin implements the same text.
#pragma once

#include <cstdint>

#include "fixedpoint/errc.hpp"
#include "fixedpoint/i256.hpp"
#include "fixedpoint/wad.hpp"

namespace fp {

/// Seconds in the pricing year (365 days): time to expiry t = seconds / 31,536,000.
inline constexpr std::int64_t seconds_per_year = 31'536'000;

/// Largest time to expiry the kernel accepts: 2,000,000,000 seconds (about 63 years),
/// so that seconds * 2^250 / 31,536,000 stays below 2^256.
inline constexpr std::int64_t max_expiry_seconds = 2'000'000'000;

/// One option's Black-76 quantities (SPEC.md §4.7 B1–B6).
/// Units: "wei * 2^125" for values, Q125 for N and phi, EXT (v * 10^18 * 2^56) for sqrt(w).
struct black76_terms {
    I256 call;    ///< max(F N(d1) - K N(d2), max(F - K, 0)), undiscounted, wei * 2^125
    I256 put;     ///< max(K N(-d2) - F N(-d1), max(K - F, 0)), undiscounted, wei * 2^125
    I256 n_d1;    ///< N(d1) in Q125, in [0, 2^125]
    I256 pdf_d1;  ///< phi(d1) in Q125
    I256 sqrt_w;  ///< v = sqrt(total variance), EXT, floor
};

/// Black-76 for forward F, strike K and total variance w = sigma^2 t given in EXT
/// units (see total_variance_ext). A variance of 2^127 EXT (w ~ 2352) or more is
/// evaluated at 2^127 - 1, where the prices have saturated (call = F, put = K).
/// Errors: domain (F <= 0, K <= 0 or w <= 0), overflow (F or K >= 2^127 wei).
result<black76_terms> black76(const Wad& forward, const Wad& strike, const I256& total_variance_ext) noexcept;

/// w = vol^2 * seconds / 31,536,000 in EXT units, floor, at most 2^127 - 1 (SPEC.md §4.7 W1).
/// Errors: domain (vol <= 0 or seconds <= 0 or seconds > max_expiry_seconds).
result<I256> total_variance_ext(const Wad& vol, std::int64_t seconds) noexcept;

/// A total variance given in wei (e.g. from an SVI surface) in EXT units: exact,
/// at most 2^127 - 1 (W2). Errors: domain (w <= 0).
result<I256> total_variance_ext(const Wad& w) noexcept;

/// sqrt(seconds / 31,536,000) in Q125, floor (W3; for vega). Errors: domain
/// (seconds < 0 or seconds > max_expiry_seconds).
result<I256> sqrt_year_fraction(std::int64_t seconds) noexcept;

}  // namespace fp
