// The inverse standard normal distribution function, SPEC.md §4.8 step by step
// (the comments name the steps): a 64-bit polynomial guess per binade of p, then
// one third-order Newton step against the extended-precision tail of §4.7 B4.
#include "fixedpoint/wad.hpp"
#include "fixedpoint/wide.hpp"
#include "kernels.hpp"

namespace fp {
namespace {

using namespace detail;

#include "constants.inc"

constexpr std::int64_t WAD = Wad::scale;
constexpr std::int64_t HALF_WAD = WAD / 2;
constexpr u128 EXT_ONE = static_cast<u128>(WAD) << 56;  // 1.0 in EXT units
constexpr u128 HALF_EXT = EXT_ONE / 2;

// floor(a * b / 2^58) for signed 64-bit a, b whose result fits 64 bits: the unsigned
// product of the bit patterns with the high word corrected by the operands' signs.
constexpr std::int64_t mul_q58(std::int64_t a, std::int64_t b) noexcept {
    const u128 p = mul64(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b));
    const std::uint64_t hi = hi64(p) - (a < 0 ? static_cast<std::uint64_t>(b) : 0) - (b < 0 ? static_cast<std::uint64_t>(a) : 0);
    return static_cast<std::int64_t>((hi << 6) | (lo64(p) >> 58));
}

// N3: the initial guess y0 ~ -Phi^-1(P / 10^18) in Q58 for 1 <= P <= 5 * 10^17.
std::int64_t guess_q58(std::uint64_t P) noexcept {
    const int e = 63 - clz64(P);                                                                     // 0..58
    const std::int64_t t = (static_cast<std::int64_t>(2 * P) - (std::int64_t{3} << e)) << (58 - e);  // [-2^58, 2^58)
    const auto& c = QNT_POLY[static_cast<unsigned>(e)];
    std::int64_t acc = c[c.size() - 1];
    for (int i = static_cast<int>(c.size()) - 2; i >= 0; --i) acc = c[static_cast<unsigned>(i)] + mul_q58(acc, t);
    return acc;
}

}  // namespace

namespace detail {

// The guess in EXT units, clamped at 0 (N3), exposed for the tests.
u128 normal_quantile_guess_ext(std::uint64_t P) noexcept {
    const std::int64_t g = guess_q58(P);
    return g <= 0 ? 0 : mul64(static_cast<std::uint64_t>(g), static_cast<std::uint64_t>(WAD)) >> 2;  // g * 10^18 * 2^56 / 2^58
}

// N3-N8 for 1 <= P <= 5 * 10^17: y1 ~ -Phi^-1(P / 10^18) in EXT units, before N9's rounding.
i128 normal_quantile_ext(std::uint64_t P) noexcept {
    // N3: y0 from the binade's polynomial, EXT units.
    const u128 y0 = normal_quantile_guess_ext(P);
    // N4: z = floor(y0^2 / (2 * 10^18 * 2^56)) = y0^2 / 2 in EXT (y0 < 9 EXT < 2^120).
    const u256w y2 = mul_wide(y0, y0);
    bool inexact = false;
    const u128 z = div_invariant({y2.hi >> 57, (y2.lo >> 57) | (y2.hi << 71)}, wad_divisor, inexact);
    // N5: e^z = m 2^k (E1-E4, 0 <= z < 39); Pe = floor(P m 2^k / 10^18) = P e^(y0^2/2) in Q125.
    const exp_parts e = exp_core(static_cast<i128>(z));
    u256w n = mul_wide(P, static_cast<u128>(e.mant));  // < 2^185; 0 <= k <= 56
    n = {(n.hi << e.k) | (e.k != 0 ? n.lo >> (128 - e.k) : 0), n.lo << e.k};
    const i128 pe = static_cast<i128>(div_invariant(n, wad_divisor, inexact));
    // N6: R(y0) = Q(y0) e^(y0^2/2) by §4.7 B4's piece j = floor(y0 / 0.5), Q125.
    const u128 j = y0 / HALF_EXT;
    const i128 t = static_cast<i128>(y0 - (j * HALF_EXT + HALF_EXT / 2));
    const i128 r = horner(TAIL_POLY[static_cast<unsigned>(j)], smul_shr_u(t, K187, 118));
    // N7: the Newton step d = (Q(y0) - P) / phi(y0) = sqrt(2 pi) (R - Pe), Q125.
    const i128 d = mulq(r - pe, SQRT_2PI_Q125);
    // N8: y1 = y0 + d + y0 d^2 / 2 (EXT): the inverse series to second order.
    return static_cast<i128>(y0) + smul_shr_u(d, static_cast<u128>(WAD), 69) + smul_shr_u(mulq(d, d), y0, 126);
}

}  // namespace detail

result<Wad> normal_quantile(const Wad& p) noexcept {
    // N1: 0 < p < 1, i.e. raw 1 .. 10^18 - 1.
    if (!p.raw().fits_i128()) return result<Wad>::failure(errc::domain);
    const i128 pr = p.raw().to_i128();
    if (pr <= 0 || pr >= WAD) return result<Wad>::failure(errc::domain);
    // N2: P = min(p, 1 - p) in wei; solve Q(y) = P / 10^18 for y >= 0 (Q = 1 - Phi).
    const std::int64_t praw = static_cast<std::int64_t>(pr);
    const bool lower = praw < HALF_WAD;
    const i128 y1 = normal_quantile_ext(static_cast<std::uint64_t>(lower ? praw : WAD - praw));
    // N9: round y1 half up to the wei, then the sign: p < 1/2 gives -y.
    const i128 w = (y1 + (i128{1} << 55)) >> 56;
    return {Wad::from_raw(I256::from_i128(lower ? -w : w)), errc::ok};
}

}  // namespace fp
