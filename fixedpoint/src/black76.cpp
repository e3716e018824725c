// Black-76 kernel, SPEC.md §4.7 step by step (the comments name the steps).
#include "fixedpoint/black76.hpp"

#include "fixedpoint/wide.hpp"
#include "kernels.hpp"

namespace fp {
namespace {

using namespace detail;

#include "constants.inc"

constexpr i128 ONE_Q = i128{1} << Q;
constexpr u128 EXT_ONE = static_cast<u128>(Wad::scale) << 56;  // 1.0 in EXT units
constexpr u128 HALF_EXT = EXT_ONE / 2;
constexpr u128 TAIL_END = TAIL_PIECES * HALF_EXT;  // 13: Q(13) < 2^-125, so the tail is 0 beyond

I256 to_i256(const big512& v) noexcept { return I256::from_big(v).value; }  // callers keep v in range

// ln y in EXT units, floor of the Q125 part (L5's unrounded value).
i128 ln_ext(const I256& y) noexcept {
    const ln_parts p = ln_core(y);
    return p.a + smul_shr_u(p.lnm, static_cast<u128>(Wad::scale), 69);
}

// e^(-z) = mant * 2^k for 0 <= z <= 84.5 (EXT). Above 32 the argument is split in
// two halves so that each stays inside exp_core's domain (B4).
exp_parts exp_neg(u128 z) noexcept {
    if (z <= 32 * EXT_ONE) return exp_core(-static_cast<i128>(z));
    const u128 z1 = z >> 1;
    const exp_parts a = exp_core(-static_cast<i128>(z1));
    const exp_parts b = exp_core(-static_cast<i128>(z - z1));
    return {mulq(a.mant, b.mant), a.k + b.k};
}

// floor(m * 2^k) in Q125 for k <= 0.
i128 scale_down(i128 m, int k) noexcept { return -k >= 127 ? 0 : m >> -k; }

struct tail_pdf {
    i128 tail;  // Q(y), Q125
    i128 pdf;   // phi(y), Q125
};

// B4: R(y) = Q(y) e^(y^2/2), the scaled upper tail, for 0 <= y < 13 (EXT), Q125.
i128 scaled_tail(u128 y) noexcept {
    const u128 j = y / HALF_EXT;
    const i128 t = static_cast<i128>(y - (j * HALF_EXT + HALF_EXT / 2));
    return horner(TAIL_POLY[static_cast<unsigned>(j)], smul_shr_u(t, K187, 118));
}

// B4: e^(-y^2/2) = mant * 2^k for 0 <= y < 13 (EXT).
exp_parts gauss(u128 y) noexcept { return exp_neg(div_wide(mul_wide(y, y), 2 * EXT_ONE)); }

// B4: Q(y) and phi(y) for y >= 0 (EXT), from gauss(y) and R(y); both 0 from 13 on.
tail_pdf tail_at(u128 y) noexcept {
    if (y >= TAIL_END) return {0, 0};
    const exp_parts e = gauss(y);
    return {scale_down(mulq(e.mant, scaled_tail(y)), e.k), scale_down(mulq(e.mant, INV_SQRT_2PI_Q125), e.k)};
}

}  // namespace

result<black76_terms> black76(const Wad& forward, const Wad& strike, const I256& w) noexcept {
    if (forward.raw().sign() <= 0 || strike.raw().sign() <= 0 || w.sign() <= 0) return result<black76_terms>::failure(errc::domain);
    if (!forward.raw().fits_i128() || !strike.raw().fits_i128()) return result<black76_terms>::failure(errc::overflow);
    const i128 f = forward.raw().to_i128();
    const i128 k = strike.raw().to_i128();
    // B1: x = ln F - ln K in EXT, each logarithm's unrounded EXT value.
    const i128 x = ln_ext(forward.raw()) - ln_ext(strike.raw());
    // B2: v = floor(sqrt(w * 10^18 * 2^56)), i.e. sqrt(w) in EXT, with w clamped to
    // 2^127 - 1: there v > 48.5 puts d1 above 13 and d2 below -13 for any F, K, so
    // every larger variance has the same (saturated) prices.
    const u128 wc = w.fits_i128() ? static_cast<u128>(w.to_i128()) : (u128{1} << 127) - 1;
    const u128 v = isqrt_wide(mul_wide(wc, EXT_ONE));
    // B3: d1 = trunc(x / v) + floor(v / 2), d2 = d1 - v; |x| >= 64 v puts both
    // beyond the tail's end (|d| > 13), where N is exactly 0 or 1 and the call is
    // its intrinsic value.
    using detail::big256;
    const big256 fk = big256(f) - big256(k);
    const big256 fk_one = fk << Q;
    big256 raw = x > 0 ? fk_one : big256(0);  // the call before B6's floors
    i128 n1 = x > 0 ? ONE_Q : 0;
    i128 pdf = 0;
    const u128 ax = uabs(x);
    if (ax < 64 * v) {
        const u128 q = div_wide(mul_wide(ax, EXT_ONE), v);
        const i128 d1 = (x < 0 ? -static_cast<i128>(q) : static_cast<i128>(q)) + static_cast<i128>(v >> 1);
        const i128 d2 = d1 - static_cast<i128>(v);
        // B5: the out-of-the-money option (the call for x <= 0, else the put) from one
        // exponential. u = -d1, s = -d2 for x <= 0; u = d2, s = d1 for x > 0; s = u + v >= 0.
        const bool call_otm = x <= 0;
        const i128 u = call_otm ? -d1 : d2;
        const u128 s = uabs(call_otm ? d2 : d1);
        const u128 au = uabs(u);
        const i128 m = call_otm ? f : k;
        big256 otm = u >= 0 ? big256(0) : big256(m) << Q;  // |u| >= 13: the tails are 0
        if (au < TAIL_END) {
            const exp_parts e = gauss(au);
            const i128 ru = scaled_tail(au);
            const i128 rs = s < TAIL_END ? scaled_tail(s) : 0;
            if (u >= 0) {
                // M e^(-u^2/2) (R(u) - R(s)): the difference clamped at 0 (B6's floor
                // would give the same prices)
                const i128 a = mulq(e.mant, ru > rs ? ru - rs : 0);
                otm = (big256(m) * a) >> -e.k;
            } else {
                // M - M e^(-u^2/2) (R(-u) + R(s))
                otm -= (big256(m) * mulq(e.mant, ru + rs)) >> -e.k;
            }
            if (call_otm) {
                // B5: d1 = -u, whose e^(-d1^2/2) is this one
                const i128 tail = scale_down(mulq(e.mant, ru), e.k);
                n1 = d1 >= 0 ? ONE_Q - tail : tail;
                pdf = scale_down(mulq(e.mant, INV_SQRT_2PI_Q125), e.k);
            }
        } else if (call_otm) {
            n1 = d1 >= 0 ? ONE_Q : 0;
        }
        if (!call_otm) {
            // B5: d1 = s >= 0 takes its own exponential
            const tail_pdf a = tail_at(s);
            n1 = ONE_Q - a.tail;
            pdf = a.pdf;
        }
        raw = call_otm ? otm : otm + fk_one;  // put-call parity: call - put = (F - K) 2^125
    }
    // B6: intrinsic value as a floor (no-arbitrage bound).
    // |M 2^125|, |(F - K) 2^125| < 2^252: 256 bits hold every intermediate.
    const big256 call_floor = fk.sign() > 0 ? fk_one : big256(0);
    const big256 put_floor = fk.sign() < 0 ? big256(-fk_one) : big256(0);
    const big256 put_raw = raw - fk_one;
    black76_terms r;
    r.call = I256::from_big(raw > call_floor ? raw : call_floor).value;
    r.put = I256::from_big(put_raw > put_floor ? put_raw : put_floor).value;
    r.n_d1 = I256::from_i128(n1);
    r.pdf_d1 = I256::from_i128(pdf);
    r.sqrt_w = I256::from_i128(static_cast<i128>(v));
    return {r, errc::ok};
}

result<I256> total_variance_ext(const Wad& vol, std::int64_t seconds) noexcept {
    if (vol.raw().sign() <= 0 || seconds <= 0 || seconds > max_expiry_seconds) return result<I256>::failure(errc::domain);
    // W1: floor(vol^2 * seconds * 2^56 / (31,536,000 * 10^18)), on 512 bits.
    const big512 s = big512(vol.raw().big());
    const big512 w = (s * s * seconds << 56) / (big512(seconds_per_year) * Wad::scale);
    const big512 cap = (big512(1) << 127) - 1;  // B2's clamp: larger variances price the same
    return {to_i256(w < cap ? w : cap), errc::ok};
}

result<I256> total_variance_ext(const Wad& w) noexcept {
    if (w.raw().sign() <= 0) return result<I256>::failure(errc::domain);
    // W2: w * 2^56 (exact), clamped to 2^127 - 1 as in B2.
    if (!w.raw().fits_i128() || w.raw().to_i128() >= (i128{1} << 71))
        return {I256::from_i128(static_cast<i128>((u128{1} << 127) - 1)), errc::ok};
    return {I256::from_i128(w.raw().to_i128() << 56), errc::ok};
}

result<I256> sqrt_year_fraction(std::int64_t seconds) noexcept {
    if (seconds < 0 || seconds > max_expiry_seconds) return result<I256>::failure(errc::domain);
    // W3: floor(sqrt(floor(seconds * 2^250 / 31,536,000))). The quotient is below
    // 64 * 2^250 = 2^256; it is formed by long division over 64-bit limbs
    // (seconds * 2^250 = (seconds << 58) followed by three zero limbs).
    const u128 top = static_cast<u128>(seconds) << 58;
    const std::uint64_t limbs[5] = {hi64(top), lo64(top), 0, 0, 0};
    std::uint64_t q[5];
    std::uint64_t rem = 0;
    for (int i = 0; i < 5; ++i) q[i] = div128by64((static_cast<u128>(rem) << 64) | limbs[i], seconds_per_year, rem);
    const u256w n{u128_from_parts(q[1], q[2]), u128_from_parts(q[3], q[4])};  // q[0] == 0
    return {I256::from_big(detail::big256(isqrt_wide(n))).value, errc::ok};   // < 2^128.1: may exceed i128
}

}  // namespace fp
