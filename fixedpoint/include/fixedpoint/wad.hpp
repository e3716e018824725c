// Wad: signed 18-decimal fixed point over I256 (the value v is raw / 10^18).
//
// Every operation is noexcept and returns fp::result<Wad>: an error code is
// part of the result, never an exception, never UB, never a silent wrap.
// Roundings are named per call; SPEC.md is the normative description of each
// function's domain, rounding, error codes and accuracy bound.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "fixedpoint/errc.hpp"
#include "fixedpoint/i256.hpp"

namespace fp {

/// Rounding of a result that is not exactly representable.
enum class rounding : std::uint8_t {
    toward_zero = 0,  ///< truncate
    floor = 1,        ///< toward -infinity
    ceil = 2,         ///< toward +infinity
};

class Wad {
public:
    static constexpr std::int64_t scale = 1'000'000'000'000'000'000;  ///< 10^18

    Wad() noexcept = default;
    /// The value with this raw representation (raw = value * 10^18).
    static Wad from_raw(const I256& raw) noexcept { return Wad(raw); }
    /// The integer n (exact): n * 10^18 always fits.
    static Wad from_int(std::int64_t n) noexcept;

    const I256& raw() const noexcept { return raw_; }

    friend bool operator==(const Wad& a, const Wad& b) noexcept = default;
    friend std::strong_ordering operator<=>(const Wad& a, const Wad& b) noexcept { return a.raw_ <=> b.raw_; }

private:
    explicit Wad(const I256& raw) noexcept : raw_(raw) {}
    I256 raw_{};
};

// --- exact arithmetic -------------------------------------------------------
// Errors: overflow when the exact result is outside int256.

result<Wad> add(const Wad& a, const Wad& b) noexcept;
result<Wad> sub(const Wad& a, const Wad& b) noexcept;
result<Wad> neg(const Wad& a) noexcept;  ///< overflow only for -2^255 raw
result<Wad> abs(const Wad& a) noexcept;  ///< overflow only for -2^255 raw
Wad min(const Wad& a, const Wad& b) noexcept;
Wad max(const Wad& a, const Wad& b) noexcept;

// --- rounded arithmetic -----------------------------------------------------

/// a * b / 10^18 rounded as `r`. Errors: overflow.
result<Wad> mul(const Wad& a, const Wad& b, rounding r) noexcept;
/// a * 10^18 / b rounded as `r`. Errors: div_by_zero, overflow.
result<Wad> div(const Wad& a, const Wad& b, rounding r) noexcept;
/// raw(a) * raw(b) / raw(c) with a 512-bit intermediate, rounded once as `r`
/// (so on Wads it is a*b/c with no intermediate rounding). Errors: div_by_zero, overflow.
result<Wad> mul_div(const Wad& a, const Wad& b, const Wad& c, rounding r) noexcept;

/// floor(a * b / 10^18) and what the floor dropped: the remainder raw(a) * raw(b) -
/// 10^18 * floor(...), in [0, 10^18) wei (so {mul(a, b, floor), that remainder} in one
/// step). Errors: overflow when the exact product raw(a) * raw(b) (the 36-decimal value whose
/// parts these are) is outside int256.
result<std::pair<Wad, Wad>> mul_floor_rem(const Wad& a, const Wad& b) noexcept;

/// sum over i of raw(a[i]) * raw(b[i]) / 10^18: the exact sum of the products,
/// rounded once as `r` (SPEC.md §3). Precondition: a.size() == b.size().
/// Errors: overflow (result outside int256).
result<Wad> dot(std::span<const Wad> a, std::span<const Wad> b, rounding r) noexcept;

// --- functions (SPEC.md §4 gives algorithm and bounds) ----------------------
// All round to nearest (ties toward +infinity) once, at the end.

/// e^x. Result 0 when it would round below 1 wei. Errors: overflow (x > ~135.306).
result<Wad> exp(const Wad& x) noexcept;
/// Natural log. Errors: domain (x <= 0).
result<Wad> ln(const Wad& x) noexcept;
/// Square root, correctly rounded to nearest. Errors: domain (x < 0).
result<Wad> sqrt(const Wad& x) noexcept;
/// sqrt(a^2 + b^2) from the exact sum of squares, correctly rounded to nearest
/// (SPEC.md §4.3). Errors: overflow (result outside int256).
result<Wad> hypot(const Wad& a, const Wad& b) noexcept;
/// x^y = e^(y ln x) with an extended-precision y ln x. Errors: domain (x <= 0), overflow.
result<Wad> pow(const Wad& x, const Wad& y) noexcept;
/// Standard normal density e^(-x^2/2) / sqrt(2 pi).
result<Wad> normal_pdf(const Wad& x) noexcept;
/// Standard normal distribution function Phi(x), in [0, 1].
result<Wad> normal_cdf(const Wad& x) noexcept;
/// Inverse standard normal distribution function Phi^-1(p) (SPEC.md §4.8). Domain 0 < p < 1
/// (raw 1 .. 10^18 - 1); errors: domain otherwise. Rounded to nearest with ties away from
/// zero (this one function rounds |result|, not the signed value), so that
/// normal_quantile(1 - p) = -normal_quantile(p) exactly and p = 1/2 gives 0. Within
/// 0.5 wei + 1e-4 wei of the exact quantile on the whole domain (|result| <= 8.7573).
result<Wad> normal_quantile(const Wad& p) noexcept;

// --- exact decimal strings ----------------------------------------------------

/// Parse "-?[0-9]+(.[0-9]{1,18})?" exactly. Errors: parse_syntax (anything else,
/// including "", "+1", "1.", ".5", "1e3", spaces), parse_precision (> 18
/// fractional digits: never rounded), parse_range (outside int256).
result<Wad> parse(std::string_view s) noexcept;
/// Canonical decimal text: no leading zeros, no trailing fractional zeros, no
/// "." for integers, "-" only for negatives. parse(format(x)) == x for every x.
std::string format(const Wad& x);

}  // namespace fp
