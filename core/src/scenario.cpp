// Scenario margin, docs/scenario.md. Every product is rounded once toward -inf
// (values and P&L) or +inf (contingencies), so each figure errs against the account.
#include "core/scenario.hpp"

#include <map>

#include "core/pricing.hpp"
#include "core/wad_ops.hpp"
#include "fixedpoint/black76.hpp"

namespace margin::scenario {
namespace {

using fp::rounding;

const Wad ONE = Wad::from_int(1);
const Wad YEAR = Wad::from_int(fp::seconds_per_year);
constexpr std::int64_t thirty_days = 30 * 86400;

Wad mulf(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::floor)); }
Wad mulc(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::ceil)); }

// Per-expiry values shared by every scenario.
struct expiry_state {
    Wad tau, sqrt_tau, discount, forward;
    Wad up_mult, down_mult;
    Wad pos_discount, neg_discount;
    Wad linear_cap, abs_cap, k_star;
    Wad mtm;
};

// The value of one leg at forward f and vol v: Black-76, or the intrinsic value once
// expired or at zero vol. floor(amount * DF * price).
Wad leg_value(calc& c, const option_leg& o, const Wad& f, const Wad& vol, std::int64_t seconds, const Wad& df) {
    if (seconds <= 0 || vol.raw().sign() <= 0) {
        const Wad diff = o.call ? c(fp::sub(f, o.strike)) : c(fp::sub(o.strike, f));
        return mulf(c, mulf(c, o.amount, df), fp::max(diff, Wad{}));
    }
    const auto w = fp::total_variance_ext(vol, seconds);
    if (!w.ok()) {
        c(fp::result<Wad>::failure(w.error));
        return Wad{};
    }
    const auto t = fp::black76(f, o.strike, w.value);
    if (!t.ok()) {
        c(fp::result<Wad>::failure(t.error));
        return Wad{};
    }
    return c(option_value(o.amount, df, o.call ? t.value.call : t.value.put));
}

// The expiry's value with the spot-driven part of the forward shocked and vols moved.
Wad expiry_value(calc& c, const expiry& e, const expiry_state& s, const params& prm, const Wad& spot_shock, vol_move move) {
    const Wad f = c(fp::add(mulf(c, e.forward_variable, spot_shock), e.forward_fixed));
    Wad total;
    for (const option_leg& o : e.options) {
        Wad vol = o.vol;
        switch (move) {
            case vol_move::none: break;
            case vol_move::up: vol = fp::max(prm.vol_shock.min_vol_up, mulf(c, o.vol, s.up_mult)); break;
            case vol_move::down: vol = mulf(c, o.vol, s.down_mult); break;
            case vol_move::linear_skew:
            case vol_move::abs_skew: {
                const bool linear = move == vol_move::linear_skew;
                Wad k = c(fp::ln(c(fp::div(o.strike, s.forward, rounding::floor))));
                if (!linear) k = c(fp::abs(k));
                const Wad cap = linear ? s.linear_cap : s.abs_cap;
                const Wad scaled = c(fp::mul_div(k, cap, s.k_star, rounding::floor));
                const Wad neg_cap = c(fp::neg(cap));
                const Wad shift = k.raw().sign() >= 0 ? fp::min(cap, scaled) : fp::max(neg_cap, scaled);
                vol = mulf(c, o.vol, fp::max(c(fp::add(ONE, shift)), Wad{}));
                break;
            }
        }
        total = c(fp::add(total, leg_value(c, o, f, vol, e.seconds, s.discount)));
    }
    return total;
}

Wad confidence_contingency(calc& c, const contingency_params& p, const Wad& confidence, const Wad& notional) {
    if (confidence >= p.confidence_threshold) return Wad{};
    return mulc(c, mulc(c, c(fp::sub(ONE, confidence)), p.confidence_margin), notional);
}

}  // namespace

outcome<result> evaluate(const portfolio& p, const params& prm) {
    calc c;
    result r;
    const contingency_params& cp = prm.contingency;
    Wad mtm = p.perp_value;
    Wad im_cont, mm_cont, oracle;
    // Portfolio confidence: spot, and the perp feed when a perp is held.
    Wad min_conf = p.spot_confidence;
    if (!p.perp_position.raw().is_zero()) min_conf = fp::min(min_conf, p.perp_confidence);

    // Perp contingencies on notional at spot.
    const Wad perp_notional = mulc(c, c(fp::abs(p.perp_position)), p.spot);
    mm_cont = mulc(c, perp_notional, cp.mm_perp_percent);
    im_cont = mulc(c, perp_notional, cp.im_perp_percent);
    oracle = confidence_contingency(c, cp, min_conf, perp_notional);

    std::vector<expiry_state> states;
    for (const expiry& e : p.expiries) {
        expiry_state s;
        s.tau = c(fp::div(Wad::from_int(e.seconds), YEAR, rounding::floor));
        s.sqrt_tau = c(fp::sqrt(s.tau));
        s.discount = c(fp::exp(c(fp::neg(mulf(c, e.rate, s.tau)))));
        s.forward = c(fp::add(e.forward_variable, e.forward_fixed));
        // vol shock multipliers
        const vol_shock_params& v = prm.vol_shock;
        const std::int64_t floor_s = std::max<std::int64_t>({e.seconds, v.dte_floor_seconds, 1});
        const Wad ratio = c(fp::div(Wad::from_int(thirty_days), Wad::from_int(floor_s), rounding::floor));
        const Wad m = c(fp::pow(ratio, e.seconds <= thirty_days ? v.short_term_power : v.long_term_power));
        s.up_mult = c(fp::add(ONE, mulf(c, v.range_up, m)));
        s.down_mult = fp::max(c(fp::sub(ONE, mulc(c, v.range_down, m))), Wad{});
        // static discounts
        const loss_params& l = prm.loss;
        const Wad pos_rate = c(fp::add(mulf(c, e.rate, l.long_rate_mult), l.long_rate_add));
        s.pos_discount = mulf(c, l.long_base_discount, c(fp::exp(c(fp::neg(mulf(c, s.tau, pos_rate))))));
        const Wad neg_rate = c(fp::add(mulf(c, e.rate, l.short_rate_mult), l.short_rate_add));
        const Wad neg = c(fp::div(l.short_base_discount, c(fp::exp(c(fp::neg(mulf(c, s.tau, neg_rate))))), rounding::ceil));
        s.neg_discount = fp::min(c(fp::div(ONE, s.discount, rounding::ceil)), neg);
        // skew shock caps and k*
        const skew_shock_params& k = prm.skew_shock;
        s.linear_cap = c(fp::add(mulf(c, k.linear_c_base, s.sqrt_tau), k.linear_base_cap));
        s.abs_cap = c(fp::add(mulf(c, k.abs_c_base, s.sqrt_tau), k.abs_base_cap));
        const Wad vol_param = c(fp::add(k.vol_param_static, mulf(c, s.sqrt_tau, k.vol_param_scale)));
        s.k_star = fp::max(k.min_k_star, mulf(c, mulf(c, s.sqrt_tau, k.width_scale), vol_param));
        // current value
        s.mtm = expiry_value(c, e, s, prm, ONE, vol_move::none);
        mtm = c(fp::add(mtm, s.mtm));
        // basis contingency
        const Wad up = c(fp::sub(expiry_value(c, e, s, prm, prm.basis.spot_up, vol_move::none), s.mtm));
        const Wad down = c(fp::sub(expiry_value(c, e, s, prm, prm.basis.spot_down, vol_move::none), s.mtm));
        const Wad worst = fp::min(fp::min(up, down), Wad{});
        const Wad factor = c(fp::add(prm.basis.add_factor, mulf(c, prm.basis.mult_factor, s.tau)));
        r.basis_contingency = c(fp::add(r.basis_contingency, mulf(c, worst, factor)));
        // naked shorts per strike, and the confidence contingency on the expiry's gross options
        std::map<fp::I256, Wad> net_by_strike;
        Wad gross;
        for (const option_leg& o : e.options) {
            Wad& n = net_by_strike[o.strike.raw()];
            n = c(fp::add(n, o.amount));
            gross = c(fp::add(gross, c(fp::abs(o.amount))));
        }
        Wad naked;
        for (const auto& [strike, net] : net_by_strike) naked = c(fp::add(naked, fp::max(c(fp::neg(net)), Wad{})));
        const Wad naked_notional = mulc(c, naked, p.spot);
        mm_cont = c(fp::add(mm_cont, mulc(c, naked_notional, cp.mm_option_percent)));
        im_cont = c(fp::add(im_cont, mulc(c, naked_notional, cp.im_option_percent)));
        oracle = c(fp::add(oracle, confidence_contingency(c, cp, fp::min(min_conf, e.confidence), mulc(c, gross, p.spot))));
        r.expiries.push_back({s.mtm, s.up_mult, s.down_mult, s.pos_discount, s.neg_discount});
        states.push_back(s);
    }

    // Collateral: valued in the stable currency; haircuts and confidence as contingencies.
    std::vector<Wad> coll_values;
    for (const collateral& k : p.collaterals) {
        const Wad value = c(fp::mul_div(k.amount, k.price, p.stable_price, rounding::floor));
        coll_values.push_back(value);
        mtm = c(fp::add(mtm, value));
        mm_cont = c(fp::add(mm_cont, mulc(c, value, k.mm_haircut)));
        im_cont = c(fp::add(im_cont, mulc(c, value, k.im_haircut)));
        oracle = c(fp::add(oracle, confidence_contingency(c, cp, fp::min(k.confidence, p.spot_confidence), value)));
    }
    im_cont = c(fp::add(im_cont, oracle));

    // Scenarios: P&L relative to the current value; the worst one (or the basis contingency) drives margin.
    Wad worst = r.basis_contingency;
    std::int64_t worst_id = static_cast<std::int64_t>(prm.scenarios.size());
    for (std::size_t i = 0; i < prm.scenarios.size(); ++i) {
        const scenario& sc = prm.scenarios[i];
        const Wad move = c(fp::sub(sc.spot_shock, ONE));
        Wad pnl = mulf(c, mulf(c, p.perp_position, mulf(c, move, p.perp_price)), sc.weight);
        for (std::size_t j = 0; j < p.expiries.size(); ++j) {
            const expiry_state& s = states[j];
            const bool skew = sc.vol == vol_move::linear_skew || sc.vol == vol_move::abs_skew;
            Wad v = expiry_value(c, p.expiries[j], s, prm, skew ? ONE : sc.spot_shock, sc.vol);
            v = mulf(c, v, v.raw().sign() >= 0 ? s.pos_discount : s.neg_discount);
            Wad e_pnl = mulf(c, c(fp::sub(v, s.mtm)), sc.weight);
            if (skew && e_pnl.raw().sign() > 0) e_pnl = c(fp::neg(e_pnl));  // rotate the skew the other way
            pnl = c(fp::add(pnl, e_pnl));
        }
        for (std::size_t j = 0; j < p.collaterals.size(); ++j) {
            if (!p.collaterals[j].risk_cancelling) continue;
            pnl = c(fp::add(pnl, mulf(c, mulf(c, coll_values[j], move), sc.weight)));
        }
        r.scenario_pnl.push_back(pnl);
        if (pnl < worst) {
            worst = pnl;
            worst_id = static_cast<std::int64_t>(i);
        }
    }

    Wad im_factor = prm.loss.im_factor;
    if (p.stable_price < cp.peg_loss_threshold)
        im_factor = c(fp::add(im_factor, mulc(c, c(fp::sub(cp.peg_loss_threshold, p.stable_price)), cp.peg_loss_factor)));
    const Wad base = c(fp::add(mtm, p.cash));
    r.mark_to_market = base;
    r.worst_loss = worst;
    r.worst_scenario = worst_id;
    r.im_factor = im_factor;
    r.im_contingency = im_cont;
    r.mm_contingency = mm_cont;
    r.oracle_contingency = oracle;
    r.maintenance_margin = c(fp::sub(c(fp::add(mulf(c, worst, prm.loss.mm_factor), base)), mm_cont));
    r.initial_margin = c(fp::sub(c(fp::sub(c(fp::add(mulf(c, worst, im_factor), base)), mm_cont)), im_cont));
    if (!c.ok()) return outcome<result>::failure("ARITHMETIC_OVERFLOW", "", "a scenario value exceeds the int256 fixed-point range");
    outcome<result> o;
    o.value = std::move(r);
    return o;
}

}  // namespace margin::scenario
