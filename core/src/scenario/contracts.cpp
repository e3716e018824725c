// Contract valuation for the scenario engine (contracts.hpp): the expiry state, a
// leg's vol under each scenario's vol move, and its discounted per-unit value
// (Black-76 through discounted_unit_price, the function price_option uses, or the
// intrinsic value once expired or at zero vol). Rounded toward -inf where a value,
// toward +inf where a cost (the down multiplier, the loss discount).
#include "scenario/contracts.hpp"

#include <algorithm>

#include "black76_unit.hpp"
#include "constants.hpp"
#include "fixedpoint/black76.hpp"

namespace margin::scenario::internal {
namespace {

using fp::rounding;

constexpr std::int64_t thirty_days = 30 * 86400;

Wad mulf(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::floor)); }
Wad mulc(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::ceil)); }

// floor(DF * price) per unit at forward f and vol v: Black-76 (discounted_unit_price,
// the same bits as price_option's unit_price), or the intrinsic value once expired or at
// zero vol.
Wad unit_value(calc& c, const option_leg& o, const Wad& f, const Wad& vol, std::int64_t seconds, const Wad& df) {
    if (seconds <= 0 || vol.raw().sign() <= 0) {
        const Wad diff = o.call ? c(fp::sub(f, o.strike)) : c(fp::sub(o.strike, f));
        return mulf(c, df, fp::max(diff, Wad{}));
    }
    const auto w = fp::total_variance_ext(vol, seconds);
    const auto t = w.ok() ? fp::black76(f, o.strike, w.value) : fp::result<fp::black76_terms>::failure(w.error);
    if (!t.ok()) {
        c(fp::result<Wad>::failure(t.error));
        return Wad{};
    }
    return c(discounted_unit_price(o.call ? t.value.call : t.value.put, df));
}

// The vol of a leg under a scenario's vol move.
Wad moved_vol(calc& c, const option_leg& o, const expiry_state& s, const params& prm, vol_move move) {
    switch (move) {
        case vol_move::none: return o.vol;
        case vol_move::up: return fp::max(prm.vol_shock.min_vol_up, mulf(c, o.vol, s.up_mult));
        case vol_move::down: return mulf(c, o.vol, s.down_mult);
        case vol_move::linear_skew:
        case vol_move::abs_skew: {
            const bool linear = move == vol_move::linear_skew;
            Wad k = c(fp::ln(c(fp::div(o.strike, s.forward, rounding::floor))));
            if (!linear) k = c(fp::abs(k));
            const Wad cap = linear ? s.linear_cap : s.abs_cap;
            const Wad scaled = c(fp::mul_div(k, cap, s.k_star, rounding::floor));
            const Wad shift = k.raw().sign() >= 0 ? fp::min(cap, scaled) : fp::max(c(fp::neg(cap)), scaled);
            return mulf(c, o.vol, fp::max(c(fp::add(WAD_ONE, shift)), Wad{}));
        }
    }
    return o.vol;
}

}  // namespace

expiry_state expiry_state_of(calc& c, const expiry& e, const params& prm) {
    expiry_state s;
    s.tau = c(fp::div(Wad::from_int(e.seconds), SECONDS_PER_YEAR_WAD, rounding::floor));
    s.sqrt_tau = c(fp::sqrt(s.tau));
    s.discount = e.discount.raw().is_zero() ? c(fp::exp(c(fp::neg(mulf(c, e.rate, s.tau))))) : e.discount;
    s.forward = c(fp::add(e.forward_variable, e.forward_fixed));
    const vol_shock_params& v = prm.vol_shock;
    const std::int64_t floor_s = std::max<std::int64_t>({e.seconds, v.dte_floor_seconds, 1});
    const Wad ratio = c(fp::div(Wad::from_int(thirty_days), Wad::from_int(floor_s), rounding::floor));
    const Wad m = c(fp::pow(ratio, e.seconds <= thirty_days ? v.short_term_power : v.long_term_power));
    s.up_mult = c(fp::add(WAD_ONE, mulf(c, v.range_up, m)));
    s.down_mult = fp::max(c(fp::sub(WAD_ONE, mulc(c, v.range_down, m))), Wad{});
    const loss_params& l = prm.loss;
    const Wad pos_rate = c(fp::add(mulf(c, e.rate, l.long_rate_mult), l.long_rate_add));
    s.pos_discount = mulf(c, l.long_base_discount, c(fp::exp(c(fp::neg(mulf(c, s.tau, pos_rate))))));
    const Wad neg_rate = c(fp::add(mulf(c, e.rate, l.short_rate_mult), l.short_rate_add));
    const Wad neg = c(fp::div(l.short_base_discount, c(fp::exp(c(fp::neg(mulf(c, s.tau, neg_rate))))), rounding::ceil));
    s.neg_discount = fp::min(c(fp::div(WAD_ONE, s.discount, rounding::ceil)), neg);
    const skew_shock_params& k = prm.skew_shock;
    s.linear_cap = c(fp::add(mulf(c, k.linear_c_base, s.sqrt_tau), k.linear_base_cap));
    s.abs_cap = c(fp::add(mulf(c, k.abs_c_base, s.sqrt_tau), k.abs_base_cap));
    const Wad vol_param = c(fp::add(k.vol_param_static, mulf(c, s.sqrt_tau, k.vol_param_scale)));
    s.k_star = fp::max(k.min_k_star, mulf(c, mulf(c, s.sqrt_tau, k.width_scale), vol_param));
    return s;
}

contract_values price_contract(calc& c, const expiry& e, const expiry_state& s, const option_leg& o, const params& prm) {
    auto at = [&](const Wad& shock, vol_move move) {
        const Wad f = c(fp::add(mulf(c, e.forward_variable, shock), e.forward_fixed));
        return unit_value(c, o, f, moved_vol(c, o, s, prm, move), e.seconds, s.discount);
    };
    contract_values v;
    v.at.reserve(first_scenario_col + prm.scenarios.size());
    v.at.push_back(at(WAD_ONE, vol_move::none));
    v.at.push_back(at(prm.basis.spot_up, vol_move::none));
    v.at.push_back(at(prm.basis.spot_down, vol_move::none));
    for (const scenario& sc : prm.scenarios) {
        const bool skew = sc.vol == vol_move::linear_skew || sc.vol == vol_move::abs_skew;
        v.at.push_back(at(skew ? WAD_ONE : sc.spot_shock, sc.vol));
    }
    v.split.resize(v.at.size());
    for (std::size_t k = 0; k < v.at.size(); ++k) {
        if (!v.at[k].raw().fits_i128() || !fp::fast::split(v.at[k].raw().to_i128(), v.split[k])) {
            v.split.clear();
            break;
        }
        const std::int64_t u = v.split[k].units;  // in [-2^60, 2^60)
        v.units_bound = std::max(v.units_bound, static_cast<std::uint64_t>(u < 0 ? -u : u));
    }
    return v;
}

}  // namespace margin::scenario::internal
