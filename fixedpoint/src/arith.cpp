// Exact and rounded arithmetic on Wad. Fast paths use 128-bit integers when the
// operands are small enough that no intermediate can exceed 128 bits; the
// general path uses Boost 512-bit integers. Both compute the same exact
// integer function (checked by tests/fixedpoint/test_arith.cpp against Boost).
#include <algorithm>
#include <array>
#include <utility>

#include "fixedpoint/fast.hpp"
#include "fixedpoint/wad.hpp"
#include "fixedpoint/wide.hpp"

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

Wad Wad::from_int(std::int64_t n) noexcept { return Wad::from_raw(I256::from_i128(static_cast<i128>(n) * Wad::scale)); }

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
    if (d == WAD) {  // the common divisor: by its reciprocal, the remainder tells exactness
        bool inexact = false;
        const u128 q = detail::div_invariant(n, detail::wad_divisor, inexact);
        if (q >= pow2(126)) return false;  // keep q + 1 well inside i128
        out = signed_rounded(q, inexact, negative, r);
        return true;
    }
    const u128 q = detail::div_wide(n, d);
    if (q >= pow2(126)) return false;
    const detail::u256w back = detail::mul_wide(q, d);
    out = signed_rounded(q, back.hi != n.hi || back.lo != n.lo, negative, r);
    return true;
}

bool negative_product(const Wad& a, const Wad& b) noexcept { return a.raw().sign() * b.raw().sign() < 0; }

// The magnitude of a big integer as 256 bits; false when it needs more. Boost keeps
// signed integers as sign and magnitude, so the limbs are |v| whatever its sign.
template <class Big>
bool magnitude256(const Big& v, detail::u256w& out) noexcept {
    const auto& be = v.backend();
    constexpr unsigned limb_bits = sizeof(*be.limbs()) * 8;
    u128 w[2] = {0, 0};
    for (unsigned i = 0; i < be.size(); ++i) {
        const unsigned at = i * limb_bits;
        if (at >= 256) {
            if (be.limbs()[i] != 0) return false;
            continue;
        }
        w[at / 128] |= static_cast<u128>(be.limbs()[i]) << (at % 128);
    }
    out = {w[1], w[0]};
    return true;
}

// floor(x / 2^s) for 0 <= s < 256, all 256 bits of it.
constexpr detail::u256w shr256(const detail::u256w& x, unsigned s) noexcept {
    if (s == 0) return x;
    if (s >= 128) return {0, x.hi >> (s - 128)};
    return {x.hi >> s, (x.lo >> s) | (x.hi << (128 - s))};
}

int trailing_zeros256(const detail::u256w& x) noexcept {
    const std::uint64_t w[4] = {detail::lo64(x.lo), detail::hi64(x.lo), detail::lo64(x.hi), detail::hi64(x.hi)};
    for (int i = 0; i < 4; ++i)
        if (w[i] != 0) return 64 * i + __builtin_ctzll(w[i]);
    return 256;  // x == 0 (not reached: a divisor is not zero)
}

// A divisor as 2^k * d with d odd: the shape of 10^18 (2^18 5^18), of 1 and of
// 10^36 * 2^125 (option values); fast when d fits 128 bits.
struct split_divisor {
    unsigned k = 0;
    u128 d = 0;
    bool fits = false;
};

split_divisor split(const I256& c) noexcept {  // c != 0
    detail::u256w m;
    if (!magnitude256(c.big(), m)) return {};
    const auto k = static_cast<unsigned>(trailing_zeros256(m));
    const detail::u256w d = shr256(m, k);
    return {k, d.lo, d.hi == 0};
}

// Fast path of |a b| / (2^k d) for operands beyond the 128-bit path: the exact
// product shifted right by k (on Boost integers when an operand is wider than 128 bits),
// then divided by d with the 256/128 kernel; the result is exact-or-inexact from the bits
// shifted out and the remainder, so it equals divide_rounded's. Returns false when the
// general path must run (the shifted product or the quotient too wide).
bool quotient_shifted(const Wad& a, const Wad& b, const split_divisor& c, bool negative, rounding r, result<Wad>& out) noexcept {
    if (!c.fits) return false;
    detail::u256w m;
    bool dropped = false;
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        const detail::u256w p = detail::mul_wide(uabs(a.raw().to_i128()), uabs(b.raw().to_i128()));
        dropped = c.k > 0 && detail::low_bits_set(p, static_cast<int>(c.k));
        m = shr256(p, c.k);
    } else {
        big512 p = wide(a) * wide(b);
        if (p.sign() < 0) p = -p;
        if (c.k > 0 && !p.is_zero()) {
            dropped = boost::multiprecision::lsb(p) < c.k;
            p >>= c.k;
        }
        if (!magnitude256(p, m)) return false;
    }
    if (c.d == 1) {                           // a power of two: the quotient is m itself
        if (m.hi >= pow2(126)) return false;  // well inside int256 after the rounding step
        if (dropped && ((r == rounding::floor && negative) || (r == rounding::ceil && !negative))) {
            ++m.lo;
            if (m.lo == 0) ++m.hi;
        }
        if (m.hi == 0 && m.lo < pow2(127))
            return out = ok(I256::from_i128(negative ? -static_cast<i128>(m.lo) : static_cast<i128>(m.lo))), true;
        detail::big256 v(m.hi);
        v <<= 128;
        v += detail::big256(m.lo);
        out = ok(I256::from_big(negative ? detail::big256(-v) : v).value);
        return true;
    }
    if (m.hi >= c.d) return false;
    const u128 q = detail::div_wide(m, c.d);
    if (q >= pow2(126)) return false;
    const detail::u256w back = detail::mul_wide(q, c.d);
    out = signed_rounded(q, dropped || back.hi != m.hi || back.lo != m.lo, negative, r);
    return true;
}

}  // namespace

result<Wad> mul(const Wad& a, const Wad& b, rounding r) noexcept {
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        result<Wad> out;
        const auto p = detail::mul_wide(uabs(a.raw().to_i128()), uabs(b.raw().to_i128()));
        if (quotient_fast(p, WAD, negative_product(a, b), r, out)) return out;
    }
    static const split_divisor wad = split(I256::from_i128(Wad::scale));
    if (result<Wad> out; quotient_shifted(a, b, wad, negative_product(a, b), r, out)) return out;
    return divide_rounded(wide(a) * wide(b), big512(Wad::scale), r);
}

result<std::pair<Wad, Wad>> mul_floor_rem(const Wad& a, const Wad& b) noexcept {
    using R = result<std::pair<Wad, Wad>>;
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        const auto p = detail::mul_wide(uabs(a.raw().to_i128()), uabs(b.raw().to_i128()));
        if (p.hi < WAD) {
            bool inexact = false;
            const u128 q = detail::div_invariant(p, detail::wad_divisor, inexact);
            if (q < pow2(126)) {
                const u128 rem = p.lo - q * WAD;  // < 10^18: exact modulo 2^128
                const bool negative = negative_product(a, b);
                if (!negative || rem == 0)
                    return R{{Wad::from_raw(I256::from_i128(negative ? -static_cast<i128>(q) : static_cast<i128>(q))),
                              Wad::from_raw(I256::from_i128(static_cast<i128>(rem)))},
                             errc::ok};
                // floor of a negative inexact quotient: one further from zero, the remainder's complement
                return R{{Wad::from_raw(I256::from_i128(-static_cast<i128>(q) - 1)),
                          Wad::from_raw(I256::from_i128(static_cast<i128>(WAD - rem)))},
                         errc::ok};
            }
        }
    }
    const big512 n = wide(a) * wide(b), d(Wad::scale);
    if (!I256::from_big(n).ok()) return R::failure(errc::overflow);  // the product itself must be an int256
    big512 q = n / d;                                                // truncates toward zero
    big512 rem = n - q * d;
    if (rem < 0) {
        --q;
        rem += d;
    }
    return R{{Wad::from_raw(I256::from_big(q).value), Wad::from_raw(I256::from_big(rem).value)}, errc::ok};
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
    const bool negative = a.raw().sign() * b.raw().sign() * c.raw().sign() < 0;
    result<Wad> out;
    if (a.raw().fits_i128() && b.raw().fits_i128() && c.raw().fits_i128()) {
        const auto p = detail::mul_wide(uabs(a.raw().to_i128()), uabs(b.raw().to_i128()));
        if (quotient_fast(p, uabs(c.raw().to_i128()), negative, r, out)) return out;
    }
    if (quotient_shifted(a, b, split(c.raw()), negative, r, out)) return out;
    return divide_rounded(wide(a) * wide(b), wide(c), r);
}

}  // namespace fp

namespace fp {

result<Wad> dot(std::span<const Wad> a, std::span<const Wad> b, rounding r) noexcept {
    // Fast path: every operand fits 128 bits; products (< 2^254) accumulate exactly in
    // two unsigned 256-bit sums (positive and negative terms) with carry counts.
    detail::u256w pos, neg;
    std::uint64_t pos_carry = 0, neg_carry = 0;
    bool fast = true;
    for (std::size_t i = 0; i < a.size() && fast; ++i) {
        if (!a[i].raw().fits_i128() || !b[i].raw().fits_i128()) {
            fast = false;
            break;
        }
        const i128 x = a[i].raw().to_i128(), y = b[i].raw().to_i128();
        const detail::u256w p = detail::mul_wide(uabs(x), uabs(y));
        detail::u256w& acc = (x < 0) != (y < 0) ? neg : pos;
        std::uint64_t& carry = (x < 0) != (y < 0) ? neg_carry : pos_carry;
        const u128 lo = acc.lo + p.lo;
        const u128 c1 = lo < acc.lo ? 1 : 0;
        const u128 hi = acc.hi + p.hi + c1;
        if (hi < acc.hi || (hi == acc.hi && (p.hi + c1) != 0)) ++carry;
        acc = {hi, lo};
    }
    if (fast && pos_carry == 0 && neg_carry == 0) {
        const bool negative = neg.hi > pos.hi || (neg.hi == pos.hi && neg.lo > pos.lo);
        const detail::u256w& big = negative ? neg : pos;
        const detail::u256w& small = negative ? pos : neg;
        const u128 lo = big.lo - small.lo;
        const u128 hi = big.hi - small.hi - (big.lo < small.lo ? 1 : 0);
        result<Wad> out;
        if (quotient_fast({hi, lo}, WAD, negative, r, out)) return out;
    }
    // General path: the same exact sum on 1024 bits (n products of 510 bits each).
    // GCC 12 reports false -Warray-bounds/-Wstringop-overread inside Boost's widening copy (512 -> 1024 bits).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif
    using big1024 = boost::multiprecision::int1024_t;
    big1024 sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += big1024(wide(a[i]) * wide(b[i]));
    big1024 q = sum / Wad::scale;
    if (q * Wad::scale != sum) {
        if (r == rounding::floor && sum.sign() < 0) --q;
        if (r == rounding::ceil && sum.sign() > 0) ++q;
    }
    const big1024 limit = big1024(1) << 255;
    if (q >= limit || q < -limit) return result<Wad>::failure(errc::overflow);
    return from_big(big512(q));
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}

}  // namespace fp

namespace fp::fast {

bool mul_floor_wide(i128 a, i128 b, i128& out) noexcept {
    const detail::u256w p = detail::mul_wide(detail::uabs(a), detail::uabs(b));
    if (p.hi >= WAD) return false;
    bool inexact = false;
    const u128 q = detail::div_invariant(p, detail::wad_divisor, inexact);
    if (q >= pow2(126)) return false;  // keeps q + 1 well inside i128
    out = (a < 0) != (b < 0) ? -static_cast<i128>(q) - (inexact ? 1 : 0) : static_cast<i128>(q);
    return true;
}

namespace {

constexpr std::int64_t five18 = 3814697265625;  // 10^18 = 2^18 5^18

// floor(mag / 10^18). Below 2^82 that is floor(floor(mag / 2^18) / 5^18): a shift and a 64-bit
// division by a constant, instead of div_invariant's two quotient digits.
inline u128 wad_units(u128 mag) noexcept {
    if ((mag >> 82) == 0) return static_cast<std::uint64_t>(mag >> 18) / static_cast<std::uint64_t>(five18);
    bool inexact = false;
    return detail::div_invariant({0, mag}, detail::wad_divisor, inexact);
}

}  // namespace

bool split(i128 units, i128 rest, wad_split& out) noexcept {
    constexpr std::uint64_t wad = static_cast<std::uint64_t>(Wad::scale);
    const u128 mag = detail::uabs(rest);
    const u128 q = wad_units(mag);
    const auto r = static_cast<std::uint64_t>(mag - q * wad);
    // rest = q 10^18 + r, or for a negative rest -(q + 1) 10^18 + (10^18 - r) when r > 0 (floor)
    const bool borrow = rest < 0 && r != 0;
    const i128 whole = rest < 0 ? -static_cast<i128>(q) - (borrow ? 1 : 0) : static_cast<i128>(q);  // |q| < 2^124
    i128 total = 0;
    constexpr i128 limit = i128{1} << 60;
    if (__builtin_add_overflow(units, whole, &total) || total < -limit || total >= limit) return false;
    out.units = static_cast<std::int64_t>(total);
    out.frac = borrow ? wad - r : r;
    return true;
}

namespace {

// split(units, rest, out) for the column kernels: the same result, in 64-bit arithmetic when
// units fits int64 and rest lies in [-2^80, 2^80) (the usual column), where floor(rest / 10^18)
// is floor(floor(rest / 2^18) / 5^18), an arithmetic shift and a division by a constant.
inline bool split_column(i128 units, i128 rest, wad_split& out) noexcept {
    constexpr std::int64_t wad = static_cast<std::int64_t>(Wad::scale);
    constexpr std::int64_t limit = std::int64_t{1} << 60;
    const auto u = static_cast<std::int64_t>(units);
    const auto top = static_cast<std::int64_t>(rest >> 64);
    if (u != units || static_cast<std::uint64_t>(top + (std::int64_t{1} << 16)) >= (std::uint64_t{1} << 17)) return split(units, rest, out);
    const auto t = static_cast<std::int64_t>(rest >> 18);            // floor(rest / 2^18), in [-2^62, 2^62)
    const std::int64_t q = (t < 0 ? t - (five18 - 1) : t) / five18;  // floor(t / 5^18): |q| < 2^22
    std::int64_t total = 0;
    if (__builtin_add_overflow(u, q, &total) || total < -limit || total >= limit) return false;
    out.units = total;
    out.frac = static_cast<std::uint64_t>(rest) -
               static_cast<std::uint64_t>(q) * static_cast<std::uint64_t>(wad);  // in [0, 10^18): exact mod 2^64
    return true;
}

}  // namespace

bool dot_floor_columns(const wad_split* a, const wad_split* const* b, std::size_t n, std::size_t m, wad_split* out) noexcept {
    // a b = 10^36 a.units b.units + 10^18 (a.units b.frac + a.frac b.units) + a.frac b.frac, so
    // floor(sum a b / 10^18) = 10^18 S_units + S_mixed + floor(S_frac / 10^18), with S_frac >= 0:
    // split from the parts S_units and S_mixed + floor(S_frac / 10^18).
    // Units lie in [-2^60, 2^60) and fractions below 10^18 < 2^60, so each product is at most
    // 2^120 in magnitude and a block of 32 terms sums without overflow; blocks add up checked.
    // One column at a time: the sums stay in registers.
    constexpr std::size_t block = 32;
    auto s64 = [](std::uint64_t f) { return static_cast<i128>(static_cast<std::int64_t>(f)); };  // f < 2^63
    bool overflow = false;
    for (std::size_t i = 0; i < m; ++i) {
        i128 units = 0, mixed = 0;
        u128 frac = 0;
        for (std::size_t l0 = 0; l0 < n; l0 += block) {
            i128 bu = 0, bm = 0;
            u128 bf = 0;
            const std::size_t end = std::min(n, l0 + block);
            for (std::size_t l = l0; l < end; ++l) {
                const wad_split& x = a[l];
                const wad_split& y = b[l][i];
                bu += static_cast<i128>(x.units) * y.units;
                bm += static_cast<i128>(x.units) * s64(y.frac) + s64(x.frac) * y.units;
                bf += static_cast<u128>(x.frac) * y.frac;
            }
            overflow |= __builtin_add_overflow(units, bu, &units);
            overflow |= __builtin_add_overflow(mixed, bm, &mixed);
            overflow |= __builtin_add_overflow(frac, bf, &frac);
        }
        bool inexact = false;
        const i128 q = static_cast<i128>(detail::div_invariant({0, frac}, detail::wad_divisor, inexact));
        i128 rest = 0;
        overflow |= __builtin_add_overflow(mixed, q, &rest);
        overflow |= !split_column(units, rest, out[i]);
    }
    return !overflow;
}

namespace {

constexpr std::uint64_t pow10_u64(int e) noexcept {
    std::uint64_t p = 1;
    for (int i = 0; i < e; ++i) p *= 10;
    return p;
}

// r / 10^E when 10^E divides r (E a constant: a multiplication, not a division).
template <int E>
bool strip(std::uint64_t& r, int& tz) noexcept {
    constexpr std::uint64_t p = pow10_u64(E);
    if (r % p != 0) return false;
    r /= p;
    tz += E;
    return true;
}

// The count of trailing decimal zeros of 0 < r < 10^18.
int trailing_decimal_zeros(std::uint64_t r) noexcept {
    int tz = 0;
    strip<16>(r, tz);
    strip<8>(r, tz);
    strip<4>(r, tz);
    strip<2>(r, tz);
    strip<1>(r, tz);
    return tz;
}

}  // namespace

bool decimal_scale(const i128* a, std::size_t n, std::int64_t* m, int& k) noexcept {
    constexpr std::uint64_t wad = static_cast<std::uint64_t>(Wad::scale);
    // first pass: each |a| = units 10^18 + frac, and the decimals the fractions need;
    // m holds the units meanwhile (checked against 2^62 below)
    k = 0;
    for (std::size_t l = 0; l < n; ++l) {
        const u128 mag = detail::uabs(a[l]);
        const u128 units = wad_units(mag);
        if (units >= u128{1} << 62) return false;
        m[l] = static_cast<std::int64_t>(units);
        const auto frac = static_cast<std::uint64_t>(mag - units * wad);
        if (frac != 0) k = std::max(k, 18 - trailing_decimal_zeros(frac));
    }
    if (k == 0) {  // whole units
        for (std::size_t l = 0; l < n; ++l)
            if (a[l] < 0) m[l] = -m[l];
        return true;
    }
    const std::uint64_t scale = pow10_u64(k), unit = pow10_u64(18 - k);
    for (std::size_t l = 0; l < n; ++l) {
        const u128 mag = detail::uabs(a[l]);
        const std::uint64_t frac = static_cast<std::uint64_t>(mag - static_cast<u128>(m[l]) * wad);
        std::int64_t q = 0;  // units 10^k + frac / 10^(18-k), exact by the choice of k; below 2^62 to bound the products
        if (__builtin_mul_overflow(m[l], static_cast<std::int64_t>(scale), &q) ||
            __builtin_add_overflow(q, static_cast<std::int64_t>(frac / unit), &q) || q >= std::int64_t{1} << 62)
            return false;
        m[l] = a[l] < 0 ? -q : q;
    }
    return true;
}

namespace {

// dot_floor_columns_scaled for one decimal count K: the divisions by 10^K have a constant
// divisor, so the compiler folds their normalisation (19 instances, one per K).
template <int K>
bool dot_scaled(const std::int64_t* m, const wad_split* const* b, std::size_t n, std::size_t cols, wad_split* out,
                std::uint64_t units_bound) noexcept {
    // sum m b = 10^18 A + B with A = sum m b.units and B = sum m b.frac. |m| < 2^62 (decimal_scale),
    // |b.units| <= 2^60 and b.frac < 10^18 < 2^60 (split) bound each product by 2^122, so blocks
    // of 8 terms sum unchecked; blocks add up checked.
    constexpr std::size_t block = 8;
    constexpr std::uint64_t p10 = pow10_u64(K);
    constexpr detail::invariant_divisor dv = detail::make_invariant_divisor(p10);
    // Narrow sums, on 32-bit targets (wasm32), where a 128-bit product is a library call: with
    // frac = 2^30 fh + fl (fh, fl < 2^30), when n max|m| max(units_bound, 2^30) < 2^63 the sums of
    // m units, m fh and m fl each fit 64 bits, so a term is three 64-bit products. On 64-bit
    // targets the widening product is one instruction and the 128-bit sums unroll as short.
    constexpr bool narrow_pays = sizeof(void*) < 8;
    bool narrow = false;
    if constexpr (narrow_pays) {
        std::uint64_t m_max = 0;
        for (std::size_t l = 0; l < n; ++l) m_max = std::max(m_max, static_cast<std::uint64_t>(m[l] < 0 ? -m[l] : m[l]));  // |m| < 2^62
        narrow = n <= 64 && static_cast<u128>(n) * m_max * std::max<std::uint64_t>(units_bound, std::uint64_t{1} << 30) < (u128{1} << 63);
    }
    constexpr std::uint64_t low30 = (std::uint64_t{1} << 30) - 1;
    bool overflow = false;
    for (std::size_t i = 0; i < cols; ++i) {
        i128 A = 0, B = 0;
        if (narrow) {
            std::int64_t sa = 0, sh = 0, sl = 0;
            for (std::size_t l = 0; l < n; ++l) {
                const wad_split& y = b[l][i];
                sa += m[l] * y.units;
                sh += m[l] * static_cast<std::int64_t>(y.frac >> 30);
                sl += m[l] * static_cast<std::int64_t>(y.frac & low30);
            }
            A = sa;
            B = static_cast<i128>(sh) * (std::int64_t{1} << 30) + sl;
        } else if (n <= block) {  // the usual account: one block, nothing to merge
            for (std::size_t l = 0; l < n; ++l) {
                const wad_split& y = b[l][i];
                A += static_cast<i128>(m[l]) * y.units;
                B += static_cast<i128>(m[l]) * static_cast<std::int64_t>(y.frac);
            }
        } else {
            for (std::size_t l0 = 0; l0 < n; l0 += block) {
                i128 ba = 0, bb = 0;
                const std::size_t end = std::min(n, l0 + block);
                for (std::size_t l = l0; l < end; ++l) {
                    const wad_split& y = b[l][i];
                    ba += static_cast<i128>(m[l]) * y.units;
                    bb += static_cast<i128>(m[l]) * static_cast<std::int64_t>(y.frac);
                }
                overflow |= __builtin_add_overflow(A, ba, &A);
                overflow |= __builtin_add_overflow(B, bb, &B);
            }
        }
        if constexpr (K == 0) {  // whole units: 10^18 A + B
            overflow |= !split_column(A, B, out[i]);
        } else {
            const auto a = static_cast<std::int64_t>(A);
            overflow |= a != A;
            // While |B| < 2^80: with B = 10^18 bu + bf (0 <= bf < 10^18, by the 5^18 division) and
            // a + bu = 10^K c1 + c0 (0 <= c0 < 10^K), floor((10^18 A + B) / 10^K) is
            // 10^18 c1 + 10^(18-K) c0 + floor(bf / 10^K), and the last two terms sum below 10^18:
            // the result comes out split, in 64-bit steps.
            if (static_cast<std::uint64_t>(static_cast<std::int64_t>(B >> 64) + (std::int64_t{1} << 16)) < (std::uint64_t{1} << 17)) {
                const auto t = static_cast<std::int64_t>(B >> 18);                // in [-2^62, 2^62)
                const std::int64_t bu = (t < 0 ? t - (five18 - 1) : t) / five18;  // floor(B / 10^18)
                const std::uint64_t bf = static_cast<std::uint64_t>(B) - static_cast<std::uint64_t>(bu) * pow10_u64(18);  // exact mod 2^64
                std::int64_t c = 0;
                overflow |= __builtin_add_overflow(a, bu, &c);
                std::int64_t c1 = c / static_cast<std::int64_t>(p10), c0 = c % static_cast<std::int64_t>(p10);
                if (c0 < 0) {  // C++ truncates; floor
                    --c1;
                    c0 += static_cast<std::int64_t>(p10);
                }
                overflow |= c1 < -(std::int64_t{1} << 60) || c1 >= (std::int64_t{1} << 60);  // split's range
                out[i].units = c1;
                out[i].frac = pow10_u64(18 - K) * static_cast<std::uint64_t>(c0) + bf / p10;
                continue;
            }
            // Otherwise floor((10^18 A + B) / 10^K) = 10^(18-K) A + floor(B / 10^K), and with
            // A = 10^K a1 + a0 (0 <= a0 < 10^K) that is 10^18 a1 + 10^(18-K) a0 + floor(B / 10^K).
            std::int64_t a1 = a / static_cast<std::int64_t>(p10), a0 = a % static_cast<std::int64_t>(p10);
            if (a0 < 0) {  // C++ truncates; floor
                --a1;
                a0 += static_cast<std::int64_t>(p10);
            }
            bool inexact = false;
            const u128 q = detail::div_invariant({0, detail::uabs(B)}, dv, inexact);
            const i128 b_floor = B < 0 ? -static_cast<i128>(q) - (inexact ? 1 : 0) : static_cast<i128>(q);  // |B| < 2^127: q < 2^124
            overflow |= !split_column(a1, static_cast<i128>(a0) * static_cast<std::int64_t>(pow10_u64(18 - K)) + b_floor, out[i]);
        }
    }
    return !overflow;
}

template <std::size_t... K>
constexpr auto dot_scaled_table(std::index_sequence<K...>) {
    return std::array{&dot_scaled<static_cast<int>(K)>...};
}

}  // namespace

bool dot_floor_columns_scaled(const std::int64_t* m, int k, const wad_split* const* b, std::size_t n, std::size_t cols, wad_split* out,
                              std::uint64_t units_bound) noexcept {
    static constexpr auto kernels = dot_scaled_table(std::make_index_sequence<19>{});
    if (k < 0 || k > 18) return false;
    return kernels[static_cast<std::size_t>(k)](m, b, n, cols, out, std::min(units_bound, std::uint64_t{1} << 60));
}

}  // namespace fp::fast
