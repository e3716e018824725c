// Scenario margin, docs/scenario.md. Values and P&L round toward -inf,
// contingencies toward +inf, so each figure errs against the account. The full
// evaluation and the single-scenario evaluation share scenario_pnl(), and
// positions combine per-unit contract values by one exact dot product per
// expiry, so a shared value_cache changes speed, never bits.
#include "core/scenario.hpp"

#include <algorithm>
#include <tuple>

#include "core/pricing.hpp"
#include "core/wad_ops.hpp"
#include "fixedpoint/black76.hpp"
#include "fixedpoint/fast.hpp"

namespace margin::scenario {
namespace {

using fp::rounding;

const Wad ONE = Wad::from_int(1);
const Wad YEAR = Wad::from_int(fp::seconds_per_year);
const Wad WEI = raw_i128(1);
constexpr std::int64_t thirty_days = 30 * 86400;

Wad mulf(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::floor)); }
// x * weight, floor; a full weight (1) is exact, so skip the multiplication.
Wad weighted(calc& c, const Wad& x, const Wad& weight) { return weight == Wad::from_int(1) ? x : mulf(c, x, weight); }
Wad mulc(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::ceil)); }

// Per-expiry values shared by every scenario and every contract of the expiry.
struct expiry_state {
    Wad tau, sqrt_tau, discount, forward;
    Wad up_mult, down_mult;
    Wad pos_discount, neg_discount;
    Wad linear_cap, abs_cap, k_star;
};

expiry_state expiry_state_of(calc& c, const expiry& e, const params& prm) {
    expiry_state s;
    s.tau = c(fp::div(Wad::from_int(e.seconds), YEAR, rounding::floor));
    s.sqrt_tau = c(fp::sqrt(s.tau));
    s.discount = e.discount.raw().is_zero() ? c(fp::exp(c(fp::neg(mulf(c, e.rate, s.tau))))) : e.discount;
    s.forward = c(fp::add(e.forward_variable, e.forward_fixed));
    const vol_shock_params& v = prm.vol_shock;
    const std::int64_t floor_s = std::max<std::int64_t>({e.seconds, v.dte_floor_seconds, 1});
    const Wad ratio = c(fp::div(Wad::from_int(thirty_days), Wad::from_int(floor_s), rounding::floor));
    const Wad m = c(fp::pow(ratio, e.seconds <= thirty_days ? v.short_term_power : v.long_term_power));
    s.up_mult = c(fp::add(ONE, mulf(c, v.range_up, m)));
    s.down_mult = fp::max(c(fp::sub(ONE, mulc(c, v.range_down, m))), Wad{});
    const loss_params& l = prm.loss;
    const Wad pos_rate = c(fp::add(mulf(c, e.rate, l.long_rate_mult), l.long_rate_add));
    s.pos_discount = mulf(c, l.long_base_discount, c(fp::exp(c(fp::neg(mulf(c, s.tau, pos_rate))))));
    const Wad neg_rate = c(fp::add(mulf(c, e.rate, l.short_rate_mult), l.short_rate_add));
    const Wad neg = c(fp::div(l.short_base_discount, c(fp::exp(c(fp::neg(mulf(c, s.tau, neg_rate))))), rounding::ceil));
    s.neg_discount = fp::min(c(fp::div(ONE, s.discount, rounding::ceil)), neg);
    const skew_shock_params& k = prm.skew_shock;
    s.linear_cap = c(fp::add(mulf(c, k.linear_c_base, s.sqrt_tau), k.linear_base_cap));
    s.abs_cap = c(fp::add(mulf(c, k.abs_c_base, s.sqrt_tau), k.abs_base_cap));
    const Wad vol_param = c(fp::add(k.vol_param_static, mulf(c, s.sqrt_tau, k.vol_param_scale)));
    s.k_star = fp::max(k.min_k_star, mulf(c, mulf(c, s.sqrt_tau, k.width_scale), vol_param));
    return s;
}

// floor(DF * price) per unit at forward f and vol v: Black-76, or the intrinsic
// value once expired or at zero vol.
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
    static const Wad denom = fp::mul_div(raw_i128(fp::i128{1} << 125), raw_i128(Wad::scale), WEI, rounding::toward_zero).value;
    return c(fp::mul_div(Wad::from_raw(o.call ? t.value.call : t.value.put), df, denom, rounding::floor));
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
            return mulf(c, o.vol, fp::max(c(fp::add(ONE, shift)), Wad{}));
        }
    }
    return o.vol;
}

// Per-unit values of one option contract, floor(DF * Black-76 price) per unit of
// underlying, at every point an evaluation needs (the columns below). An expiry's
// value at a point is the dot product of the amounts with these, rounded once.
constexpr std::size_t now_col = 0, basis_up_col = 1, basis_down_col = 2, first_scenario_col = 3;
struct contract_values {
    std::vector<Wad> at;                    // [now_col], [basis_up_col], [basis_down_col], [first_scenario_col + i]
    std::vector<fp::fast::wad_split> split;  // the same split for fp::fast where every one fits, else empty
};

contract_values price_contract(calc& c, const expiry& e, const expiry_state& s, const option_leg& o, const params& prm) {
    auto at = [&](const Wad& shock, vol_move move) {
        const Wad f = c(fp::add(mulf(c, e.forward_variable, shock), e.forward_fixed));
        return unit_value(c, o, f, moved_vol(c, o, s, prm, move), e.seconds, s.discount);
    };
    contract_values v;
    v.at.reserve(first_scenario_col + prm.scenarios.size());
    v.at.push_back(at(ONE, vol_move::none));
    v.at.push_back(at(prm.basis.spot_up, vol_move::none));
    v.at.push_back(at(prm.basis.spot_down, vol_move::none));
    for (const scenario& sc : prm.scenarios) {
        const bool skew = sc.vol == vol_move::linear_skew || sc.vol == vol_move::abs_skew;
        v.at.push_back(at(skew ? ONE : sc.spot_shock, sc.vol));
    }
    v.split.resize(v.at.size());
    for (std::size_t k = 0; k < v.at.size(); ++k)
        if (!v.at[k].raw().fits_i128() || !fp::fast::split(v.at[k].raw().to_i128(), v.split[k])) {
            v.split.clear();
            break;
        }
    return v;
}

using expiry_key = std::tuple<std::int64_t, fp::I256, fp::I256, fp::I256>;  // seconds, fixed, variable, rate
using contract_key = std::tuple<fp::I256, bool, fp::I256>;                     // strike, call, vol

expiry_key key_of(const expiry& e) { return {e.seconds, e.forward_fixed.raw(), e.forward_variable.raw(), e.rate.raw()}; }

Wad confidence_contingency(calc& c, const contingency_params& p, const Wad& confidence, const Wad& notional) {
    if (confidence >= p.confidence_threshold) return Wad{};
    return mulc(c, mulc(c, c(fp::sub(ONE, confidence)), p.confidence_margin), notional);
}

}  // namespace

struct value_cache::impl {
    struct per_expiry {
        expiry_state state;
        fp::errc error = fp::errc::ok;
        std::map<contract_key, std::pair<contract_values, fp::errc>> contracts;
    };
    std::map<expiry_key, per_expiry> expiries;
    std::size_t contracts = 0;
};

value_cache::value_cache() : impl_(std::make_unique<impl>()) {}
value_cache::~value_cache() = default;
std::size_t value_cache::size() const noexcept { return impl_->contracts; }
void value_cache::clear() noexcept {
    impl_->expiries.clear();
    impl_->contracts = 0;
}

namespace {

// The cache's entry for expiry e, its state computed on first use; an error in it goes to c.
value_cache::impl::per_expiry& cached_expiry(value_cache& cache, calc& c, const expiry& e, const params& prm) {
    auto& m = cache.internals().expiries;
    auto it = m.find(key_of(e));
    if (it == m.end()) {
        calc cc;
        value_cache::impl::per_expiry pe;
        pe.state = expiry_state_of(cc, e, prm);
        pe.error = cc.error;
        it = m.emplace(key_of(e), std::move(pe)).first;
    }
    if (it->second.error != fp::errc::ok) c(fp::result<Wad>::failure(it->second.error));
    return it->second;
}

// The values of leg o of the expiry whose cache entry is pe, priced on first use.
const contract_values* cached_values(value_cache& cache, value_cache::impl::per_expiry& pe, calc& c, const expiry& e, const option_leg& o,
                                     const params& prm) {
    const contract_key k{o.strike.raw(), o.call, o.vol.raw()};
    auto it = pe.contracts.find(k);
    if (it == pe.contracts.end()) {
        calc cc;
        contract_values v = price_contract(cc, e, pe.state, o, prm);
        it = pe.contracts.emplace(k, std::make_pair(std::move(v), cc.error)).first;
        ++cache.internals().contracts;
    }
    if (it->second.second != fp::errc::ok) c(fp::result<Wad>::failure(it->second.second));
    return &it->second.first;
}

// A dated future's P&L when the spot-driven part of its forward moves by `shock`.
Wad futures_pnl(calc& c, const expiry& e, const Wad& shock) {
    if (e.futures.raw().is_zero()) return Wad{};
    return mulf(c, e.futures, mulf(c, e.forward_variable, c(fp::sub(shock, ONE))));
}

// Everything scenario-independent, computed once per evaluation, including each
// expiry's value at every column (now, basis forwards, scenarios) before discounting.
struct prepared {
    std::size_t columns = 0;
    std::vector<expiry_state> states;
    std::vector<contract_values> owned;  // when no cache is given
    std::vector<Wad> values;             // expiry j at column k: values[j * columns + k]
    std::vector<Wad> collateral_values, basis_parts;
    result r;                            // contingencies, mtm, details
    // The same as raw integers for the fast path (fp::fast), per expiry, where they fit.
    std::vector<fp::i128> values_raw;    // as values, meaningful where expiry_raw[j]
    std::vector<fp::i128> pos_discount_raw, neg_discount_raw;
    std::vector<char> expiry_raw;        // values and discounts all fit
    bool perp_raw = false;               // perp position and price fit
    fp::i128 perp_position_raw = 0, perp_price_raw = 0;

    const Wad& value(std::size_t j, std::size_t k) const { return values[j * columns + k]; }
    fp::i128 value_raw(std::size_t j, std::size_t k) const { return values_raw[j * columns + k]; }
};

// Buffers reused across the expiries of one evaluation.
struct leg_scratch {
    std::vector<Wad> amounts;
    std::vector<const contract_values*> values;
    std::vector<std::pair<fp::I256, Wad>> by_strike;  // (strike, amount), netted per strike
    std::vector<fp::fast::wad_split> amounts_split;
    std::vector<const fp::fast::wad_split*> rows;
    std::vector<Wad> column;
};

// An expiry's values at every column: sum over legs of amount x per-unit value, rounded
// once per column; by fp::fast when every input fits (true), else by fp::dot (same integers).
bool expiry_values_of(calc& c, leg_scratch& ls, std::size_t columns, Wad* out, fp::i128* out_raw) {
    const std::size_t n = ls.amounts.size();
    ls.amounts_split.resize(n);
    ls.rows.clear();
    bool fits = true;
    for (std::size_t l = 0; l < n && fits; ++l) {
        fits = ls.amounts[l].raw().fits_i128() && fp::fast::split(ls.amounts[l].raw().to_i128(), ls.amounts_split[l]) &&
               !ls.values[l]->split.empty();
        if (fits) ls.rows.push_back(ls.values[l]->split.data());
    }
    if (fits && fp::fast::dot_floor_columns(ls.amounts_split.data(), ls.rows.data(), n, columns, out_raw)) {
        for (std::size_t k = 0; k < columns; ++k) out[k] = raw_i128(out_raw[k]);
        return true;
    }
    ls.column.resize(n);
    for (std::size_t k = 0; k < columns; ++k) {
        for (std::size_t l = 0; l < n; ++l) ls.column[l] = ls.values[l]->at[k];
        out[k] = c(fp::dot(ls.amounts, ls.column, rounding::floor));
    }
    return false;
}

outcome<prepared> prepare(const portfolio& p, const params& prm, value_cache* cache) {
    calc c;
    outcome<prepared> out;
    prepared& pr = out.value;
    result& r = pr.r;
    const contingency_params& cp = prm.contingency;
    Wad mtm = p.perp_value;
    Wad min_conf = p.spot_confidence;
    if (!p.perp_position.raw().is_zero()) min_conf = fp::min(min_conf, p.perp_confidence);
    const Wad perp_notional = mulc(c, c(fp::abs(p.perp_position)), p.spot);
    Wad mm_cont = mulc(c, perp_notional, cp.mm_perp_percent);
    Wad im_cont = mulc(c, perp_notional, cp.im_perp_percent);
    Wad oracle = confidence_contingency(c, cp, min_conf, perp_notional);

    std::size_t total_legs = 0;
    for (const expiry& e : p.expiries) total_legs += e.options.size();
    if (!cache) pr.owned.reserve(total_legs);  // pointers into it stay valid
    pr.columns = first_scenario_col + prm.scenarios.size();
    const std::size_t columns = pr.columns;
    const std::size_t n_exp = p.expiries.size();
    pr.states.reserve(n_exp);
    pr.values.resize(n_exp * columns);
    pr.values_raw.resize(n_exp * columns);
    leg_scratch ls;
    for (std::size_t j = 0; j < n_exp; ++j) {
        const expiry& e = p.expiries[j];
        value_cache::impl::per_expiry* pe = cache ? &cached_expiry(*cache, c, e, prm) : nullptr;
        pr.states.push_back(pe ? pe->state : expiry_state_of(c, e, prm));
        const expiry_state& s = pr.states.back();
        ls.amounts.clear();
        ls.values.clear();
        ls.by_strike.clear();
        Wad gross;
        for (const option_leg& o : e.options) {
            ls.amounts.push_back(o.amount);
            if (pe) {
                ls.values.push_back(cached_values(*cache, *pe, c, e, o, prm));
            } else {
                pr.owned.push_back(price_contract(c, e, s, o, prm));
                ls.values.push_back(&pr.owned.back());
            }
            ls.by_strike.emplace_back(o.strike.raw(), o.amount);
            gross = c(fp::add(gross, c(fp::abs(o.amount))));
        }
        const bool raw = expiry_values_of(c, ls, columns, &pr.values[j * columns], &pr.values_raw[j * columns]);
        const Wad now = pr.value(j, now_col);
        mtm = c(fp::add(mtm, now));
        // basis contingency: the worse of the two forward moves, if a loss, times (add + mult t)
        const Wad up = c(fp::add(c(fp::sub(pr.value(j, basis_up_col), now)), futures_pnl(c, e, prm.basis.spot_up)));
        const Wad down = c(fp::add(c(fp::sub(pr.value(j, basis_down_col), now)), futures_pnl(c, e, prm.basis.spot_down)));
        const Wad factor = c(fp::add(prm.basis.add_factor, mulf(c, prm.basis.mult_factor, s.tau)));
        const Wad basis_part = mulf(c, fp::min(fp::min(up, down), Wad{}), factor);
        r.basis_contingency = c(fp::add(r.basis_contingency, basis_part));
        pr.basis_parts.push_back(basis_part);
        // naked shorts per strike (calls and puts netted), and the confidence contingency on gross options
        auto& by_strike = ls.by_strike;
        std::sort(by_strike.begin(), by_strike.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        Wad naked;
        for (std::size_t l = 0; l < by_strike.size();) {
            Wad net;
            const fp::I256& strike = by_strike[l].first;
            for (; l < by_strike.size() && by_strike[l].first == strike; ++l) net = c(fp::add(net, by_strike[l].second));
            naked = c(fp::add(naked, fp::max(c(fp::neg(net)), Wad{})));
        }
        const Wad naked_notional = mulc(c, naked, p.spot);
        // dated futures: contingencies as for perps, on notional at spot
        const Wad fut_notional = mulc(c, c(fp::abs(e.futures)), p.spot);
        mm_cont = c(fp::add(mm_cont, mulc(c, fut_notional, cp.mm_perp_percent)));
        im_cont = c(fp::add(im_cont, mulc(c, fut_notional, cp.im_perp_percent)));
        gross = c(fp::add(gross, c(fp::abs(e.futures))));
        mm_cont = c(fp::add(mm_cont, mulc(c, naked_notional, cp.mm_option_percent)));
        im_cont = c(fp::add(im_cont, mulc(c, naked_notional, cp.im_option_percent)));
        oracle = c(fp::add(oracle, confidence_contingency(c, cp, fp::min(min_conf, e.confidence), mulc(c, gross, p.spot))));
        r.expiries.push_back({now, Wad{}, s.up_mult, s.down_mult, s.pos_discount, s.neg_discount});
        const bool fits = raw && s.pos_discount.raw().fits_i128() && s.neg_discount.raw().fits_i128();
        pr.expiry_raw.push_back(fits);
        pr.pos_discount_raw.push_back(fits ? s.pos_discount.raw().to_i128() : 0);
        pr.neg_discount_raw.push_back(fits ? s.neg_discount.raw().to_i128() : 0);
    }
    // Collateral: valued in the stable currency; haircuts and confidence as contingencies.
    for (const collateral& k : p.collaterals) {
        const Wad value = c(fp::mul_div(k.amount, k.price, p.stable_price, rounding::floor));
        pr.collateral_values.push_back(value);
        mtm = c(fp::add(mtm, value));
        mm_cont = c(fp::add(mm_cont, mulc(c, value, k.mm_haircut)));
        im_cont = c(fp::add(im_cont, mulc(c, value, k.im_haircut)));
        oracle = c(fp::add(oracle, confidence_contingency(c, cp, fp::min(k.confidence, p.spot_confidence), value)));
    }
    pr.perp_raw = p.perp_position.raw().fits_i128() && p.perp_price.raw().fits_i128();
    pr.perp_position_raw = pr.perp_raw ? p.perp_position.raw().to_i128() : 0;
    pr.perp_price_raw = pr.perp_raw ? p.perp_price.raw().to_i128() : 0;
    r.oracle_contingency = oracle;
    r.im_contingency = c(fp::add(im_cont, oracle));
    r.mm_contingency = mm_cont;
    r.mark_to_market = c(fp::add(mtm, p.cash));
    r.im_factor = prm.loss.im_factor;
    if (p.stable_price < cp.peg_loss_threshold)
        r.im_factor = c(fp::add(r.im_factor, mulc(c, c(fp::sub(cp.peg_loss_threshold, p.stable_price)), cp.peg_loss_factor)));
    if (!c.ok()) return outcome<prepared>::failure("ARITHMETIC_OVERFLOW", "", "a scenario value exceeds the int256 fixed-point range");
    return out;
}

// A scenario's weight, with its raw form for the fast path.
struct scenario_weight {
    const Wad& w;
    bool full, fits;
    fp::i128 raw;
    explicit scenario_weight(const Wad& weight)
        : w(weight), full(weight == ONE), fits(weight.raw().fits_i128()), raw(fits ? weight.raw().to_i128() : 0) {}
};

// Expiry j's share of scenario i's P&L on raw integers: the same integers as the
// Wad path in scenario_pnl (fp::fast), or false when something does not fit.
bool fast_expiry_pnl(const prepared& pr, std::size_t j, std::size_t i, bool skew, const scenario_weight& w, fp::i128& out) {
    if (!pr.expiry_raw[j] || (!w.full && !w.fits)) return false;
    fp::i128 v = pr.value_raw(j, first_scenario_col + i), e = 0;
    if (!fp::fast::mul_floor(v, v >= 0 ? pr.pos_discount_raw[j] : pr.neg_discount_raw[j], v)) return false;
    if (!fp::fast::sub(v, pr.value_raw(j, now_col), e)) return false;
    if (!w.full && !fp::fast::mul_floor(e, w.raw, e)) return false;
    if (skew && e > 0) e = -e;
    out = e;
    return true;
}

// The perps' P&L under a spot move, weighted: position x floor(move x price).
Wad perp_pnl(calc& c, const prepared& pr, const portfolio& p, const Wad& move, const scenario_weight& w) {
    if (p.perp_position.raw().is_zero()) return Wad{};
    if (pr.perp_raw && move.raw().fits_i128() && (w.full || w.fits)) {
        fp::i128 x = 0;
        if (fp::fast::mul_floor(move.raw().to_i128(), pr.perp_price_raw, x) && fp::fast::mul_floor(pr.perp_position_raw, x, x) &&
            (w.full || fp::fast::mul_floor(x, w.raw, x)))
            return raw_i128(x);
    }
    return weighted(c, mulf(c, p.perp_position, mulf(c, move, p.perp_price)), w.w);
}

// Scenario i's P&L relative to the current value (weighted); `parts` (if given)
// receives each expiry's share.
Wad scenario_pnl(calc& c, const prepared& pr, const portfolio& p, const params& prm, std::size_t i, std::vector<Wad>* parts = nullptr) {
    const scenario& sc = prm.scenarios[i];
    const Wad move = c(fp::sub(sc.spot_shock, ONE));
    const scenario_weight w(sc.weight);
    Wad pnl = perp_pnl(c, pr, p, move, w);
    const bool skew = sc.vol == vol_move::linear_skew || sc.vol == vol_move::abs_skew;
    fp::i128 fast_sum = 0;  // the fast parts, added exactly; spilled into pnl before it could overflow
    for (std::size_t j = 0; j < pr.states.size(); ++j) {
        Wad e_pnl;
        fp::i128 e = 0;
        const bool has_futures = !skew && !p.expiries[j].futures.raw().is_zero();
        const bool fast = fast_expiry_pnl(pr, j, i, skew, w, e);
        if (fast && !parts && !has_futures) {
            if (!fp::fast::add(fast_sum, e, fast_sum)) {
                pnl = c(fp::add(pnl, raw_i128(fast_sum)));
                fast_sum = e;
            }
            continue;
        }
        if (fast) {
            e_pnl = raw_i128(e);
        } else {
            const expiry_state& s = pr.states[j];
            Wad v = pr.value(j, first_scenario_col + i);
            v = mulf(c, v, v.raw().sign() >= 0 ? s.pos_discount : s.neg_discount);  // static discounting
            e_pnl = weighted(c, c(fp::sub(v, pr.value(j, now_col))), sc.weight);
            if (skew && e_pnl.raw().sign() > 0) e_pnl = c(fp::neg(e_pnl));  // the skew could rotate either way
        }
        if (has_futures) e_pnl = c(fp::add(e_pnl, weighted(c, futures_pnl(c, p.expiries[j], sc.spot_shock), sc.weight)));
        if (parts) parts->push_back(e_pnl);
        pnl = c(fp::add(pnl, e_pnl));
    }
    if (fast_sum != 0) pnl = c(fp::add(pnl, raw_i128(fast_sum)));
    for (std::size_t j = 0; j < p.collaterals.size(); ++j)
        if (p.collaterals[j].risk_cancelling) pnl = c(fp::add(pnl, weighted(c, mulf(c, pr.collateral_values[j], move), sc.weight)));
    return pnl;
}

// The margins that follow from a worst loss.
void margins(calc& c, const prepared& pr, const params& prm, const Wad& worst, Wad& im, Wad& mm) {
    const result& r = pr.r;
    mm = c(fp::sub(c(fp::add(mulf(c, worst, prm.loss.mm_factor), r.mark_to_market)), r.mm_contingency));
    im = c(fp::sub(c(fp::sub(c(fp::add(mulf(c, worst, r.im_factor), r.mark_to_market)), r.mm_contingency)), r.im_contingency));
}

}  // namespace

outcome<result> evaluate(const portfolio& p, const params& prm, value_cache* cache) {
    auto pre = prepare(p, prm, cache);
    if (!pre.ok()) return outcome<result>::failure(*pre.err);
    prepared& pr = pre.value;
    calc c;
    result r = pr.r;
    Wad worst = r.basis_contingency;
    std::int64_t worst_id = static_cast<std::int64_t>(prm.scenarios.size());
    for (std::size_t i = 0; i < prm.scenarios.size(); ++i) {
        const Wad pnl = scenario_pnl(c, pr, p, prm, i);
        r.scenario_pnl.push_back(pnl);
        if (pnl < worst) {  // strict: the first of equal losses is the worst
            worst = pnl;
            worst_id = static_cast<std::int64_t>(i);
        }
    }
    r.worst_loss = worst;
    r.worst_scenario = worst_id;
    std::vector<Wad> parts;
    if (worst_id < static_cast<std::int64_t>(prm.scenarios.size())) scenario_pnl(c, pr, p, prm, static_cast<std::size_t>(worst_id), &parts);
    else parts = pr.basis_parts;
    for (std::size_t j = 0; j < r.expiries.size() && j < parts.size(); ++j) r.expiries[j].worst_pnl = parts[j];
    margins(c, pr, prm, worst, r.initial_margin, r.maintenance_margin);
    if (!c.ok()) return outcome<result>::failure("ARITHMETIC_OVERFLOW", "", "a scenario value exceeds the int256 fixed-point range");
    outcome<result> o;
    o.value = std::move(r);
    return o;
}

outcome<scenario_outcome> evaluate_scenario(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache) {
    if (id < 0 || id > static_cast<std::int64_t>(prm.scenarios.size()))
        return outcome<scenario_outcome>::failure("OUT_OF_RANGE", "/scenario_id", "no scenario " + std::to_string(id));
    auto pre = prepare(p, prm, cache);
    if (!pre.ok()) return outcome<scenario_outcome>::failure(*pre.err);
    calc c;
    outcome<scenario_outcome> o;
    if (id == static_cast<std::int64_t>(prm.scenarios.size())) {
        o.value.pnl = pre.value.r.basis_contingency;
        o.value.expiry_pnl = pre.value.basis_parts;
    } else {
        o.value.pnl = scenario_pnl(c, pre.value, p, prm, static_cast<std::size_t>(id), &o.value.expiry_pnl);
    }
    margins(c, pre.value, prm, o.value.pnl, o.value.initial_margin, o.value.maintenance_margin);
    if (!c.ok()) return outcome<scenario_outcome>::failure("ARITHMETIC_OVERFLOW", "", "a scenario value exceeds the int256 fixed-point range");
    return o;
}

}  // namespace margin::scenario
