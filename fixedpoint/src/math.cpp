// exp, ln, sqrt, pow, normal pdf and cdf. The integer algorithm of each is
// SPEC.md §4, step by step; the comments name the step. All kernels run on
// 128-bit integers in Q125 (v stored as v * 2^125) or EXT units
// (v * 10^18 * 2^56); SPEC.md states why each intermediate fits.
#include "fixedpoint/wad.hpp"
#include "fixedpoint/wide.hpp"
#include "kernels.hpp"

namespace fp {
namespace {

using namespace detail;
using detail::big512;

#include "constants.inc"

constexpr i128 ONE_Q = i128{1} << Q;
constexpr i128 WAD = Wad::scale;
constexpr i128 EXT_ONE = WAD << 56;                  // 1.0 in EXT units
constexpr i128 EXP_EXT_MAX = 136 * EXT_ONE;          // above: certain overflow
constexpr i128 EXP_EXT_MIN = -(85 * EXT_ONE) / 2;    // below (-42.5): rounds to 0
constexpr i128 X_NEAR_ONE_LO = 707106781186547525;   // ceil(1e18 / sqrt 2)
constexpr i128 X_NEAR_ONE_HI = 1414213562373095048;  // floor(1e18 * sqrt 2)

result<Wad> ok_i128(i128 v) noexcept { return {Wad::from_raw(I256::from_i128(v)), errc::ok}; }

// --- exp ---------------------------------------------------------------------

}  // namespace

namespace detail {

exp_parts exp_core(i128 z) noexcept {
    // E1: h = floor((z + 128.5 H) * INV / 2^242) - 128 with H = ln2/2, close to round(z / H).
    const u128 u = static_cast<u128>(z + 128 * HALF_LN2_EXT + HALF_LN2_EXT / 2);
    const int h = static_cast<int>(mul_shr(u, INV_HALF_LN2_EXT_242, 242)) - 128;
    // E2: r = z - h H (EXT, exact, |r| <= ln2/4), R = r in Q125 (floor).
    const i128 r = z - mul_small(HALF_LN2_EXT, h);
    const i128 R = smul_shr_u(r, K187, 118);
    // E3: e^R by the fitted polynomial (Horner, Q125); e^z = e^R 2^(h/2).
    i128 m = horner(EXP_POLY, R);
    // E4: an odd h leaves a factor sqrt 2.
    if (h & 1) m = mulq(m, SQRT2_Q125);
    return {m, h >> 1};  // arithmetic shift: floor(h / 2)
}

}  // namespace detail

namespace {

// E5: round-half-up(mant * 10^18 * 2^k / 2^125) for mant >= 0; overflow above int256.
result<Wad> to_wad(i128 mant, int k) noexcept {
    const u256w p = mul_wide(static_cast<u128>(mant), static_cast<u128>(WAD));  // < 2^187
    const int s = Q - k;
    if (s > 0) {
        if (s > 187) return ok_i128(0);
        // add 2^(s-1), then shift; p + 2^(s-1) < 2^188 so no carry out
        u256w t = p;
        const u256w half = s - 1 >= 128 ? u256w{u128{1} << (s - 1 - 128), 0} : u256w{0, u128{1} << (s - 1)};
        t.lo += half.lo;
        t.hi += half.hi + (t.lo < half.lo ? 1 : 0);
        u256w q{s >= 128 ? 0 : t.hi >> s, shr_wide(t, s)};
        if (q.hi == 0 && q.lo < (u128{1} << 127)) return ok_i128(static_cast<i128>(q.lo));
        return {Wad::from_raw(I256::from_big((big512(q.hi) << 128) | big512(q.lo)).value), errc::ok};
    }
    // k >= 125: exact left shift by -s <= 71 bits; the bound check is on the true value
    const big512 v = ((big512(p.hi) << 128) | big512(p.lo)) << -s;
    auto r = I256::from_big(v);
    if (!r.ok()) return result<Wad>::failure(errc::overflow);
    return {Wad::from_raw(r.value), errc::ok};
}

result<Wad> exp_ext(i128 z) noexcept {
    if (z > EXP_EXT_MAX) return result<Wad>::failure(errc::overflow);
    if (z < EXP_EXT_MIN) return ok_i128(0);
    const exp_parts e = exp_core(z);
    return to_wad(e.mant, e.k);
}

// --- ln ----------------------------------------------------------------------

}  // namespace

namespace detail {

ln_parts ln_core(const I256& x) noexcept {
    i128 m = 0;
    i128 a = 0;
    const bool small = x.fits_i128();
    const u128 xv = small ? static_cast<u128>(x.to_i128()) : 0;
    if (small && xv >= static_cast<u128>(X_NEAR_ONE_LO) && xv <= static_cast<u128>(X_NEAR_ONE_HI)) {
        // L1a (near 1): m = floor(x * 2^125 / 1e18), exact so that ln(1) = 0.
        m = static_cast<i128>(div_wide({xv >> 3, xv << 125}, static_cast<u128>(WAD)));
    } else {
        // L1b: x = m * 2^(e - 125) with m in [2^125, 2^126): e = msb(x), m = floor(x * 2^(125 - e)).
        int e = 0;
        if (small) {
            e = 127 - clz128(xv);
            m = static_cast<i128>(e <= Q ? xv << (Q - e) : xv >> (e - Q));
        } else {
            e = static_cast<int>(boost::multiprecision::msb(x.big()));
            m = detail::big256(x.big() >> (e - Q)).convert_to<i128>();
        }
        // L2: centre m on 1: if m > sqrt 2 then m = floor(m / 2), e = e + 1.
        if (m > SQRT2_Q125) {
            m >>= 1;
            ++e;
        }
        a = mul_small(LN2_EXT, e) - LN1E18_EXT;
    }
    // L3: s = trunc((m - 1) * 2^125 / (m + 1)), |s| <= 0.1716.
    const i128 num = m - ONE_Q;
    const u128 un = uabs(num);
    const i128 sm = static_cast<i128>(div_wide({un >> 3, un << 125}, static_cast<u128>(m + ONE_Q)));
    const i128 s = num < 0 ? -sm : sm;
    // L4: ln m = 2 s g(s^2), g(u) = atanh(sqrt u)/sqrt u by the fitted polynomial.
    const i128 g = horner(LN_POLY, mulq(s, s));
    return {a, smul_shr(s, g, Q - 1)};
}

}  // namespace detail

namespace {

// --- sqrt --------------------------------------------------------------------

}  // namespace

result<Wad> exp(const Wad& x) noexcept {
    if (!x.raw().fits_i128()) return x.raw().is_negative() ? ok_i128(0) : result<Wad>::failure(errc::overflow);
    const i128 v = x.raw().to_i128();
    if (v > EXP_EXT_MAX >> 56) return result<Wad>::failure(errc::overflow);
    if (v < EXP_EXT_MIN >> 56) return ok_i128(0);
    return exp_ext(v * (i128{1} << 56));
}

result<Wad> ln(const Wad& x) noexcept {
    if (x.raw().sign() <= 0) return result<Wad>::failure(errc::domain);
    const ln_parts p = ln_core(x.raw());
    // ln x in EXT, then round half up to wei: floor((v + 2^55) / 2^56).
    const i128 v = p.a + smul_shr_u(p.lnm, static_cast<u128>(WAD), 69);
    return ok_i128((v + (i128{1} << 55)) >> 56);
}

result<Wad> sqrt(const Wad& x) noexcept {
    if (x.raw().is_negative()) return result<Wad>::failure(errc::domain);
    // r = floor(sqrt(x * 1e18)); round to nearest: r + 1 when x * 1e18 - r^2 > r (no ties exist).
    if (x.raw().fits_i128()) {  // x * 1e18 < 2^187: the 256-bit kernel
        const u256w n = mul_wide(static_cast<u128>(x.raw().to_i128()), static_cast<u128>(WAD));
        const u128 r = isqrt_wide(n);  // < 2^94
        const u256w r2 = mul_wide(r, r);
        const u128 rem = n.lo - r2.lo;  // n - r^2 <= 2r < 2^95: the low half suffices
        return ok_i128(static_cast<i128>(rem > r ? r + 1 : r));
    }
    const big512 n = big512(x.raw().big()) * Wad::scale;
    big512 r = boost::multiprecision::sqrt(n);
    if (n - r * r > r) ++r;
    return {Wad::from_raw(I256::from_big(r).value), errc::ok};
}

result<Wad> hypot(const Wad& a, const Wad& b) noexcept {
    // r = floor(sqrt(a^2 + b^2)) on the raw integers (the sum fits 512 bits), rounded as sqrt.
    // Fast path, the same integers: |a|, |b| < 2^127 make a^2 + b^2 < 2^255, a 256-bit kernel
    // (isqrt_wide, the exact floor) instead of Boost's 512-bit sqrt; then r + 1 when n - r^2 > r.
    if (a.raw().fits_i128() && b.raw().fits_i128()) {
        const u256w a2 = mul_wide(uabs(a.raw().to_i128()), uabs(a.raw().to_i128()));
        const u256w b2 = mul_wide(uabs(b.raw().to_i128()), uabs(b.raw().to_i128()));
        if ((a2.hi >> 126) == 0 && (b2.hi >> 126) == 0) {  // each < 2^254
            u256w n{a2.hi + b2.hi, a2.lo + b2.lo};
            if (n.lo < a2.lo) ++n.hi;  // carry
            u128 r = isqrt_wide(n);    // < 2^127.5
            const u256w r2 = mul_wide(r, r);
            const u256w rem{n.hi - r2.hi - (n.lo < r2.lo ? 1 : 0), n.lo - r2.lo};  // n - r^2 >= 0
            if (rem.hi != 0 || rem.lo > r) ++r;
            return {Wad::from_raw(I256::from_big(big256(r)).value), errc::ok};  // < 2^128: always fits int256
        }
    }
    const big512 ab = big512(a.raw().big()), bb = big512(b.raw().big());
    const big512 n = ab * ab + bb * bb;
    big512 r = boost::multiprecision::sqrt(n);
    if (n - r * r > r) ++r;
    auto v = I256::from_big(r);
    if (!v.ok()) return result<Wad>::failure(errc::overflow);
    return {Wad::from_raw(v.value), errc::ok};
}

result<Wad> pow(const Wad& x, const Wad& y) noexcept {
    if (x.raw().sign() <= 0) return result<Wad>::failure(errc::domain);
    const ln_parts p = ln_core(x.raw());
    // P1: z = trunc(y * A / 1e18) + floor(y * L / 2^69), EXT units, exact.
    if (y.raw().fits_i128()) {
        const i128 yv = y.raw().to_i128();
        const u256w pa = mul_wide(uabs(yv), uabs(p.a));
        const u256w pl = mul_wide(uabs(yv), uabs(p.lnm));
        if (pa.hi < static_cast<u128>(WAD) && (pl.hi >> 69) == 0) {
            const u128 ta = div_wide(pa, static_cast<u128>(WAD));  // |y A| / 1e18 < 2^128
            const bool na = (yv < 0) != (p.a < 0);
            const bool nl = (yv < 0) != (p.lnm < 0);
            const u128 tl = shr_wide(pl, 69) + ((nl && low_bits_set(pl, 69)) ? 1 : 0);  // floor for negatives
            if (ta < (u128{1} << 125) && tl < (u128{1} << 125)) {
                const i128 z =
                    (na ? -static_cast<i128>(ta) : static_cast<i128>(ta)) + (nl ? -static_cast<i128>(tl) : static_cast<i128>(tl));
                return exp_ext(z);
            }
        }
    }
    // General path: the same integers on 512 bits.
    const big512 yb = big512(y.raw().big());
    const big512 za = (yb * big512(p.a)) / Wad::scale;  // Boost '/' truncates toward zero
    const big512 yl = yb * big512(p.lnm);
    const big512 ml = yl.sign() < 0 ? big512(-yl) : yl;  // floor on the magnitude, then sign
    const big512 fl = ml >> 69;
    const big512 zl = yl.sign() < 0 ? big512(-(fl + ((fl << 69) != ml ? 1 : 0))) : fl;
    const big512 z = za + zl;
    if (z > big512(EXP_EXT_MAX)) return result<Wad>::failure(errc::overflow);
    if (z < big512(EXP_EXT_MIN)) return ok_i128(0);
    return exp_ext(z.convert_to<i128>());
}

result<Wad> normal_pdf(const Wad& x) noexcept {
    // D1: |x| >= 10 gives a density below 1e-22: result 0.
    if (!x.raw().fits_i128()) return ok_i128(0);
    const u128 a = uabs(x.raw().to_i128());
    if (a >= static_cast<u128>(10 * WAD)) return ok_i128(0);
    // D2: z = floor(x^2 * 2^55 / 1e18) = x^2 / 2 in EXT units.
    const u128 sq = mul64(lo64(a), lo64(a));  // a < 1e19 < 2^64, sq < 1e38
    const i128 z = static_cast<i128>(div_wide({sq >> 73, sq << 55}, static_cast<u128>(WAD)));
    if (-z < EXP_EXT_MIN) return ok_i128(0);
    // D3: e^-z in Q125 parts, times 1/sqrt(2 pi), rounded once.
    const exp_parts e = exp_core(-z);
    return to_wad(mulq(e.mant, INV_SQRT_2PI_Q125), e.k);
}

result<Wad> normal_cdf(const Wad& x) noexcept {
    // C1: |x| >= 9: the tail is below 1.2e-19, so Phi rounds to exactly 0 or 1.
    const bool negative = x.raw().is_negative();
    if (!x.raw().fits_i128() || uabs(x.raw().to_i128()) >= static_cast<u128>(9 * WAD)) return ok_i128(negative ? 0 : WAD);
    const std::uint64_t a = lo64(uabs(x.raw().to_i128()));  // < 9e18 < 2^63
    // C2: piece j = floor(|x| / 0.5), t = |x| - (j/2 + 1/4) exactly in wei, T = t in Q125 (floor).
    constexpr std::uint64_t half = Wad::scale / 2;
    const std::uint64_t j = a / half;
    const i128 t = static_cast<std::int64_t>(a - (j * half + half / 2));
    const i128 T = smul_shr_u(t, K187, 62);
    // C3: upper tail q = Q(|x|) by piece j's polynomial, clamped to [0, 1].
    i128 q = horner(CDF_POLY[j], T);
    q = q < 0 ? 0 : (q > ONE_Q ? ONE_Q : q);
    // C4: Phi = 1 - q for x >= 0, q for x < 0; rounded half up to wei.
    return to_wad(negative ? q : ONE_Q - q, 0);
}

}  // namespace fp
