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

namespace {

// Fast path of n / d for |n| < 2^256 given as a product, |d| < 2^128: when the
// quotient fits 128 bits, divide with the 256/128 kernel and detect an inexact
// quotient by multiplying back. Returns false when the general path must run.
bool quotient_fast(const detail::u256w& n, u128 d, bool negative, rounding r, result<Wad>& out) noexcept {
    if (n.hi >= d) return false;
    const u128 q = detail::div_wide(n, d);
    if (q >= pow2(126)) return false;  // keep q + 1 well inside i128
    const detail::u256w back = detail::mul_wide(q, d);
    out = signed_rounded(q, back.hi != n.hi || back.lo != n.lo, negative, r);
    return true;
}

bool negative_product(const Wad& a, const Wad& b) noexcept { return a.raw().sign() * b.raw().sign() < 0; }

}  // namespace

result<Wad> mul(const Wad& a, const Wad& b, rounding r) noexcept {
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        result<Wad> out;
        const auto p = detail::mul_wide(uabs(a.raw().to_i128()), uabs(b.raw().to_i128()));
        if (quotient_fast(p, WAD, negative_product(a, b), r, out)) return out;
    }
    return divide_rounded(wide(a) * wide(b), big512(Wad::scale), r);
}

result<Wad> div(const Wad& a, const Wad& b, rounding r) noexcept {
    if (b.raw().is_zero()) return result<Wad>::failure(errc::div_by_zero);
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        result<Wad> out;
        const auto n = detail::mul_wide(uabs(a.raw().to_i128()), WAD);
        if (quotient_fast(n, uabs(b.raw().to_i128()), negative_product(a, b), r, out)) return out;
    }
    return divide_rounded(wide(a) * Wad::scale, wide(b), r);
}

result<Wad> mul_div(const Wad& a, const Wad& b, const Wad& c, rounding r) noexcept {
    if (c.raw().is_zero()) return result<Wad>::failure(errc::div_by_zero);
    if (a.raw().fits_i128() && b.raw().fits_i128() && c.raw().fits_i128()) {
        result<Wad> out;
        const auto p = detail::mul_wide(uabs(a.raw().to_i128()), uabs(b.raw().to_i128()));
        const bool negative = a.raw().sign() * b.raw().sign() * c.raw().sign() < 0;
        if (quotient_fast(p, uabs(c.raw().to_i128()), negative, r, out)) return out;
    }
    return divide_rounded(wide(a) * wide(b), wide(c), r);
}

}  // namespace fp
