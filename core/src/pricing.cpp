#include "core/pricing.hpp"

#include "black76_unit.hpp"
#include "constants.hpp"
#include "wad_ops.hpp"

namespace margin {
namespace {

using fp::I256;
using fp::rounding;

}  // namespace

fp::result<Wad> svi_total_variance(const svi_params& p, const Wad& forward, const Wad& strike) noexcept {
    calc c;
    const Wad k = c(fp::sub(c(fp::ln(strike)), c(fp::ln(forward))));
    if (!c.ok()) return fp::result<Wad>::failure(c.error);
    return svi_total_variance_at(p, k);
}

fp::result<Wad> svi_total_variance_at(const svi_params& p, const Wad& k) noexcept {
    calc c;
    const Wad d = c(fp::sub(k, p.m));
    const Wad inner = c(fp::add(c(fp::mul(p.rho, d, rounding::floor)), c(fp::hypot(d, p.sigma))));
    const Wad w = c(fp::add(p.a, c(fp::mul(p.b, inner, rounding::floor))));
    if (!c.ok()) return fp::result<Wad>::failure(c.error);
    if (w.raw().sign() <= 0) return fp::result<Wad>::failure(fp::errc::domain);
    return {w, fp::errc::ok};
}

fp::result<Wad> option_value(const Wad& quantity, const Wad& discount_factor, const I256& undiscounted) noexcept {
    calc c;
    const Wad qdf = c(fp::mul_div(quantity, discount_factor, WEI, rounding::toward_zero));  // exact product
    const Wad denom = c(fp::mul_div(Q125_RAW, E36_RAW, WEI, rounding::toward_zero));        // 2^125 * 10^36
    const Wad v = c(fp::mul_div(Wad::from_raw(undiscounted), qdf, denom, rounding::floor));
    if (!c.ok()) return fp::result<Wad>::failure(c.error);
    return {v, fp::errc::ok};
}

fp::result<option_quote> price_option(const option_inputs& in) noexcept {
    auto t = fp::black76(in.forward, in.strike, in.total_variance_ext);
    if (!t.ok()) return fp::result<option_quote>::failure(t.error);
    option_quote q;
    q.terms = t.value;
    q.undiscounted = in.kind == option_kind::call ? t.value.call : t.value.put;
    calc c;
    const Wad df = in.discount_factor;
    const Wad f = in.forward;
    const Wad n1 = Wad::from_raw(t.value.n_d1);
    const Wad pdf = Wad::from_raw(t.value.pdf_d1);
    const Wad v = Wad::from_raw(t.value.sqrt_w);
    const Wad secs = raw_i128(in.seconds);
    const Wad q125_e18 = c(fp::mul_div(Q125_RAW, E18_RAW, WEI, rounding::toward_zero));
    q.unit_price = c(discounted_unit_price(q.undiscounted, df));
    // vol = sqrt(w / t): w in wei is floor(w_ext / 2^56); then floor(w * SECONDS_PER_YEAR_RAW / seconds).
    const Wad w_wei = c(fp::mul_div(Wad::from_raw(in.total_variance_ext), WEI, raw_i128(fp::i128{1} << 56), rounding::floor));
    const Wad vol2 = c(fp::mul_div(w_wei, SECONDS_PER_YEAR_RAW, secs, rounding::floor));
    q.vol = c(fp::sqrt(vol2));
    // delta = DF N(d1) (call), DF (N(d1) - 1) (put).
    const Wad nd = in.kind == option_kind::call ? n1 : c(fp::sub(n1, Q125_RAW));
    q.unit_greeks.delta = c(fp::mul_div(df, nd, Q125_RAW, rounding::toward_zero));
    // gamma = DF phi(d1) / (F v).
    const Wad ext_e18 = c(fp::mul_div(EXT_ONE_RAW, E18_RAW, WEI, rounding::toward_zero));
    const Wad g1 = c(fp::mul_div(pdf, ext_e18, v, rounding::toward_zero));
    const Wad f_q = c(fp::mul_div(f, Q125_RAW, WEI, rounding::toward_zero));
    q.unit_greeks.gamma = c(fp::mul_div(g1, df, f_q, rounding::toward_zero));
    // vega = DF F phi(d1) sqrt(t).
    const Wad dff = c(fp::mul_div(df, f, WEI, rounding::toward_zero));
    const Wad phi_st = c(fp::mul_div(pdf, Wad::from_raw(in.sqrt_year_q125), Q125_RAW, rounding::toward_zero));
    q.unit_greeks.vega = c(fp::mul_div(dff, phi_st, q125_e18, rounding::toward_zero));
    // theta = -DF F phi(d1) v / (2t) - ln(DF) V / t, per year.
    const Wad phi_v2 = c(fp::mul_div(pdf, v, c(fp::add(EXT_ONE_RAW, EXT_ONE_RAW)), rounding::toward_zero));
    const Wad decay =
        c(fp::mul_div(c(fp::mul_div(dff, phi_v2, q125_e18, rounding::toward_zero)), SECONDS_PER_YEAR_RAW, secs, rounding::toward_zero));
    const Wad ln_df = c(fp::ln(df));
    const Wad carry =
        c(fp::mul_div(c(fp::mul(ln_df, q.unit_price, rounding::toward_zero)), SECONDS_PER_YEAR_RAW, secs, rounding::toward_zero));
    q.unit_greeks.theta = c(fp::sub(c(fp::neg(decay)), carry));
    if (!c.ok()) return fp::result<option_quote>::failure(c.error);
    return {q, fp::errc::ok};
}

}  // namespace margin
