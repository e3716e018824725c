// Exact and rounded arithmetic on Wad. Fast paths use 128-bit integers when the
// operands are small enough that no intermediate can exceed 128 bits; the
// general path uses Boost 512-bit integers. Both compute the same exact
// integer function (checked by tests/fixedpoint/test_arith.cpp against Boost).
#include "fixedpoint/wad.hpp"
#include "wide.hpp"

namespace fp {
namespace {

using detail::big512;
using detail::uabs;

constexpr u128 pow2(int n) noexcept { return u128{1} << n; }
constexpr u128 WAD = static_cast<u128>(Wad::scale);

result<Wad> ok(const I256& v) noexcept { return {Wad::from_raw(v), errc::ok}; }
result<Wad> from_big(const big512& v) noexcept {
    auto r = I256::from_big(v);
    if (!r.ok()) return result<Wad>::failure(r.error);
    return ok(r.value);
}
big512 wide(const Wad& a) { return big512(a.raw().big()); }

// The signed result of |q| (plus the rounding increment) with the given sign.
// Precondition: q + 1 < 2^127.
result<Wad> signed_rounded(u128 q, bool inexact, bool negative, rounding r) noexcept {
    if (inexact && ((r == rounding::floor && negative) || (r == rounding::ceil && !negative))) ++q;
    const i128 v = negative ? -static_cast<i128>(q) : static_cast<i128>(q);
    return ok(I256::from_i128(v));
}

// n / d rounded as r, exactly, on Boost integers.
result<Wad> divide_rounded(const big512& n, const big512& d, rounding r) noexcept {
    big512 q = n / d;  // truncates toward zero
    const big512 rem = n - q * d;
    if (!rem.is_zero()) {
        const bool negative = (n.sign() < 0) != (d.sign() < 0);
        if (r == rounding::floor && negative) --q;
        if (r == rounding::ceil && !negative) ++q;
    }
    return from_big(q);
}

}  // namespace

Wad Wad::from_int(std::int64_t n) noexcept {
    return Wad::from_raw(I256::from_i128(static_cast<i128>(n) * Wad::scale));
}

result<Wad> add(const Wad& a, const Wad& b) noexcept {
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        i128 s = 0;
        if (!__builtin_add_overflow(a.raw().to_i128(), b.raw().to_i128(), &s)) return ok(I256::from_i128(s));
    }
    return from_big(wide(a) + wide(b));
}

result<Wad> sub(const Wad& a, const Wad& b) noexcept {
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        i128 s = 0;
        if (!__builtin_sub_overflow(a.raw().to_i128(), b.raw().to_i128(), &s)) return ok(I256::from_i128(s));
    }
    return from_big(wide(a) - wide(b));
}

result<Wad> neg(const Wad& a) noexcept { return from_big(-wide(a)); }

result<Wad> abs(const Wad& a) noexcept { return a.raw().is_negative() ? neg(a) : ok(a.raw()); }

Wad min(const Wad& a, const Wad& b) noexcept { return b < a ? b : a; }
Wad max(const Wad& a, const Wad& b) noexcept { return a < b ? b : a; }

result<Wad> mul(const Wad& a, const Wad& b, rounding r) noexcept {
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        const u128 x = uabs(a.raw().to_i128()), y = uabs(b.raw().to_i128());
        if (x < pow2(64) && y < pow2(64)) {  // product < 2^128, quotient < 2^68
            const u128 p = x * y;
            return signed_rounded(p / WAD, p % WAD != 0, (a.raw().sign() * b.raw().sign()) < 0, r);
        }
    }
    return divide_rounded(wide(a) * wide(b), big512(Wad::scale), r);
}

result<Wad> div(const Wad& a, const Wad& b, rounding r) noexcept {
    if (b.raw().is_zero()) return result<Wad>::failure(errc::div_by_zero);
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        const u128 x = uabs(a.raw().to_i128()), y = uabs(b.raw().to_i128());
        if (x < pow2(66)) {  // x * 1e18 < 2^126, so the quotient fits
            const u128 n = x * WAD;
            return signed_rounded(n / y, n % y != 0, (a.raw().sign() * b.raw().sign()) < 0, r);
        }
    }
    return divide_rounded(wide(a) * Wad::scale, wide(b), r);
}

result<Wad> mul_div(const Wad& a, const Wad& b, const Wad& c, rounding r) noexcept {
    if (c.raw().is_zero()) return result<Wad>::failure(errc::div_by_zero);
    if (a.raw().fits_i128() && b.raw().fits_i128() && c.raw().fits_i128()) {
        const u128 x = uabs(a.raw().to_i128()), y = uabs(b.raw().to_i128()), z = uabs(c.raw().to_i128());
        if (x < pow2(63) && y < pow2(63)) {  // product < 2^126
            const u128 p = x * y;
            const bool negative = (a.raw().sign() * b.raw().sign() * c.raw().sign()) < 0;
            return signed_rounded(p / z, p % z != 0, negative, r);
        }
    }
    return divide_rounded(wide(a) * wide(b), wide(c), r);
}

}  // namespace fp
