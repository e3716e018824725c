// Scenario margin, docs/scenario.md. Values and P&L round toward -inf,
// contingencies toward +inf, so each figure errs against the account. The full
// evaluation and the single-scenario evaluation share scenario_pnl(), and
// positions combine per-unit contract values by one exact dot product per
// expiry, so a shared value_cache changes speed, never bits.
#include "core/scenario.hpp"

#include <algorithm>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "black76_unit.hpp"
#include "constants.hpp"
#include "core/pricing.hpp"
#include "core/wad_ops.hpp"
#include "fixedpoint/black76.hpp"
#include "fixedpoint/fast.hpp"

namespace margin::scenario {
namespace {

using fp::rounding;

constexpr std::int64_t thirty_days = 30 * 86400;

Wad mulf(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::floor)); }
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

// Per-unit values of one option contract, floor(DF * Black-76 price) per unit of
// underlying, at every point an evaluation needs (the columns below). An expiry's
// value at a point is the dot product of the amounts with these, rounded once.
constexpr std::size_t now_col = 0, basis_up_col = 1, basis_down_col = 2, first_scenario_col = 3;
struct contract_values {
    std::vector<Wad> at;                     // [now_col], [basis_up_col], [basis_down_col], [first_scenario_col + i]
    std::vector<fp::fast::wad_split> split;  // the same split for fp::fast where every one fits, else empty
    std::uint64_t units_bound = 0;           // the largest |units| in split
};

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

using expiry_key = std::tuple<std::int64_t, fp::I256, fp::I256, fp::I256>;  // seconds, fixed, variable, rate
using contract_key = std::tuple<fp::I256, bool, fp::I256>;                  // strike, call, vol

expiry_key key_of(const expiry& e) { return {e.seconds, e.forward_fixed.raw(), e.forward_variable.raw(), e.rate.raw()}; }

// The same keys by reference, for lookups that copy no integers (C++20 heterogeneous lookup).
std::tuple<std::int64_t, const fp::I256&, const fp::I256&, const fp::I256&> ref_of(const expiry& e) {
    return {e.seconds, e.forward_fixed.raw(), e.forward_variable.raw(), e.rate.raw()};
}
std::tuple<const fp::I256&, bool, const fp::I256&> ref_of(const option_leg& o) { return {o.strike.raw(), o.call, o.vol.raw()}; }

// A hash of a cache key or its reference form (FNV-1a over the integers' limbs, the same for
// both): a keeper looks up every leg of every account, and a hash table does that in a
// fraction of an ordered map's time.
struct key_hash {
    using is_transparent = void;
    static void word(std::uint64_t& h, std::uint64_t x) noexcept { h = (h ^ x) * 0x100000001b3ull; }
    static void mix(std::uint64_t& h, const fp::I256& x) noexcept {
        const auto& b = x.big().backend();
        word(h, b.sign() ? 1 : 0);
        for (unsigned i = 0; i < b.size(); ++i) word(h, b.limbs()[i]);
    }
    static void mix(std::uint64_t& h, bool x) noexcept { word(h, x ? 1 : 0); }
    static void mix(std::uint64_t& h, std::int64_t x) noexcept { word(h, static_cast<std::uint64_t>(x)); }
    template <class... T>
    std::size_t operator()(const std::tuple<T...>& k) const noexcept {
        std::uint64_t h = 0xcbf29ce484222325ull;
        std::apply([&h](const auto&... x) { (mix(h, x), ...); }, k);
        return static_cast<std::size_t>(h ^ (h >> 32));  // size_t has 32 bits on wasm32
    }
};

// Key equality across a key and its reference form (tuples compare element by element).
struct key_eq {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
        return a == b;
    }
};

// --- Arithmetic lanes -------------------------------------------------------------
// The evaluation's formulas (contingencies, scenario P&L, margins) are written once,
// over a lane: wad_lane runs them on Wad with the fp:: functions (errors collected),
// raw_lane on i128 with fp::fast, which gives the same integers and says when
// something does not fit. An evaluation runs on raw_lane first and, if anything did
// not fit, again from the start on wad_lane, so the bits are always the Wad path's.

struct wad_lane {
    using num = Wad;
    calc c;
    bool ok() const noexcept { return c.ok(); }
    Wad of(const Wad& x) const noexcept { return x; }
    static Wad wad(const Wad& x) noexcept { return x; }
    Wad add(const Wad& a, const Wad& b) noexcept { return c(fp::add(a, b)); }
    Wad sub(const Wad& a, const Wad& b) noexcept { return c(fp::sub(a, b)); }
    Wad neg(const Wad& a) noexcept { return c(fp::neg(a)); }
    Wad abs(const Wad& a) noexcept { return c(fp::abs(a)); }
    Wad mulf(const Wad& a, const Wad& b) noexcept { return c(fp::mul(a, b, rounding::floor)); }
    Wad mulc(const Wad& a, const Wad& b) noexcept { return c(fp::mul(a, b, rounding::ceil)); }
    Wad factor(const Wad& x) noexcept { return x; }
    Wad mulf_factor(const Wad& a, const Wad& f) noexcept { return mulf(a, f); }
    Wad mul_div_floor(const Wad& a, const Wad& b, const Wad& d) noexcept { return c(fp::mul_div(a, b, d, rounding::floor)); }
};

struct raw_lane {
    using num = fp::i128;
    bool failed = false;
    bool ok() const noexcept { return !failed; }
    num of(const Wad& x) noexcept {
        if (x.raw().fits_i128()) return x.raw().to_i128();
        failed = true;
        return 0;
    }
    static Wad wad(num x) noexcept { return raw_i128(x); }
    num add(num a, num b) noexcept {
        num r = 0;
        failed |= __builtin_add_overflow(a, b, &r);
        return r;
    }
    num sub(num a, num b) noexcept {
        num r = 0;
        failed |= __builtin_sub_overflow(a, b, &r);
        return r;
    }
    num neg(num a) noexcept { return sub(0, a); }
    num abs(num a) noexcept { return a < 0 ? neg(a) : a; }
    num mulf(num a, num b) noexcept {
        num r = 0;
        failed |= !fp::fast::mul_floor(a, b, r);
        return r;
    }
    num mulc(num a, num b) noexcept { return neg(mulf(neg(a), b)); }  // ceil(x) = -floor(-x)
    // A factor (discount, weight) for mulf_factor and discounted_at: fails unless 0 <= x < 2^63 wei.
    num factor(const Wad& x) noexcept {
        const num f = of(x);
        if (f < 0 || f >= (num{1} << 63)) failed = true;
        return f;
    }
    // mulf(a, f) for an f from factor(): no operand sorting (the scenario loop's multiply).
    num mulf_factor(num a, num f) noexcept {
        num r = 0;
        failed |= !fp::fast::mul_floor_by(a, static_cast<std::uint64_t>(f), r);
        return r;
    }
    num mul_div_floor(num a, num b, num d) noexcept {  // rare (collateral): through the Wad function
        const auto r = fp::mul_div(wad(a), wad(b), wad(d), rounding::floor);
        if (r.ok()) return of(r.value);
        failed = true;
        return 0;
    }
};

template <class N>
N lesser(const N& a, const N& b) {
    return b < a ? b : a;
}
template <class N>
N greater(const N& a, const N& b) {
    return a < b ? b : a;
}

// Per-scenario constants in a lane's numbers: the spot shock, the move (shock - 1), the
// weight, and (only for an account with perps) floor(move x perp price).
template <class L>
struct scenario_row {
    typename L::num shock{}, move{}, weight{}, perp_unit{};
    bool full = true;  // weight 1: exact, so no multiplication
    bool skew = false;
    bool perp_unit_split_ok = false;  // raw_lane: perp_unit split at 10^18 (for perp_share)
    fp::fast::wad_split perp_unit_split{};
};

template <class L>
void scenario_rows_of(L& l, const params& prm, std::vector<scenario_row<L>>& rows) {
    const typename L::num one = l.of(WAD_ONE);
    rows.resize(prm.scenarios.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const scenario& sc = prm.scenarios[i];
        scenario_row<L>& r = rows[i];
        r.shock = l.of(sc.spot_shock);
        r.move = l.sub(r.shock, one);
        r.full = sc.weight == WAD_ONE;
        r.weight = r.full ? one : l.factor(sc.weight);
        r.skew = sc.vol == vol_move::linear_skew || sc.vol == vol_move::abs_skew;
    }
}

template <class L>
void perp_units_of(L& l, const Wad& perp_price, std::vector<scenario_row<L>>& rows) {
    const typename L::num price = l.of(perp_price);
    for (scenario_row<L>& r : rows) {
        r.perp_unit = l.mulf(r.move, price);
        if constexpr (std::is_same_v<L, raw_lane>) r.perp_unit_split_ok = fp::fast::split(r.perp_unit, r.perp_unit_split);
    }
}

// The parameters' constants that every evaluation reads, in a lane's numbers.
template <class L>
struct param_terms {
    typename L::num one{}, mm_perp{}, im_perp{}, mm_option{}, im_option{}, spot_up{}, spot_down{}, mm_factor{}, im_factor{};
};
template <class L>
param_terms<L> param_terms_of(L& l, const params& prm) {
    const contingency_params& cp = prm.contingency;
    return {l.of(WAD_ONE),
            l.of(cp.mm_perp_percent),
            l.of(cp.im_perp_percent),
            l.of(cp.mm_option_percent),
            l.of(cp.im_option_percent),
            l.of(prm.basis.spot_up),
            l.of(prm.basis.spot_down),
            l.of(prm.loss.mm_factor),
            l.of(prm.loss.im_factor)};
}

// An expiry's factors in a lane's numbers: the basis contingency's (add + mult x tau) and the
// static discounts of gains and losses (as the lane's factor()).
template <class L>
struct expiry_factors {
    typename L::num basis{}, gain{}, loss{};
};
template <class L>
expiry_factors<L> expiry_factors_of(L& l, const expiry_state& s, const params& prm) {
    return {l.add(l.of(prm.basis.add_factor), l.mulf(l.of(prm.basis.mult_factor), l.of(s.tau))), l.factor(s.pos_discount),
            l.factor(s.neg_discount)};
}

}  // namespace

struct value_cache::impl {
    struct per_expiry {
        expiry_state state;
        fp::errc error = fp::errc::ok;
        bool raw_fits = false;  // raw_factors hold the state's factors (they fit 128 bits)
        expiry_factors<raw_lane> raw_factors;
        std::unordered_map<contract_key, std::pair<contract_values, fp::errc>, key_hash, key_eq> contracts;
    };
    std::unordered_map<expiry_key, per_expiry, key_hash, key_eq> expiries;
    std::size_t contracts = 0;
    // The parameters' scenario rows for the 128-bit lane, with the perp units at one perp
    // price (the snapshot's): built on first use, rebuilt when an account's price differs.
    struct rows_entry {
        bool ready = false, fits = false, perp_ready = false, perp_fits = false;
        fp::I256 perp_price;
        std::vector<scenario_row<raw_lane>> rows;
        param_terms<raw_lane> terms;  // built with the rows; `fits` covers both
    } rows;
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
    auto it = m.find(ref_of(e));
    if (it == m.end()) {
        calc cc;
        value_cache::impl::per_expiry pe;
        pe.state = expiry_state_of(cc, e, prm);
        pe.error = cc.error;
        if (pe.error == fp::errc::ok) {
            raw_lane l;
            pe.raw_factors = expiry_factors_of(l, pe.state, prm);
            pe.raw_fits = l.ok();
        }
        it = m.emplace(key_of(e), std::move(pe)).first;
    }
    if (it->second.error != fp::errc::ok) c(fp::result<Wad>::failure(it->second.error));
    return it->second;
}

// The values of leg o of the expiry whose cache entry is pe, priced on first use.
const contract_values* cached_values(value_cache& cache, value_cache::impl::per_expiry& pe, calc& c, const expiry& e, const option_leg& o,
                                     const params& prm) {
    auto it = pe.contracts.find(ref_of(o));
    if (it == pe.contracts.end()) {
        calc cc;
        contract_values v = price_contract(cc, e, pe.state, o, prm);
        it = pe.contracts.emplace(contract_key{o.strike.raw(), o.call, o.vol.raw()}, std::make_pair(std::move(v), cc.error)).first;
        ++cache.internals().contracts;
    }
    if (it->second.second != fp::errc::ok) c(fp::result<Wad>::failure(it->second.second));
    return &it->second.first;
}

// Everything the lanes share, computed once per evaluation: each expiry's state and its
// value at every column (now, basis forwards, scenarios) before discounting, and its legs
// in strike order for the naked-short netting.
struct gathered {
    std::size_t columns = 0;
    std::vector<expiry_state> owned_states;     // without a cache (reserved: pointers stay valid)
    std::vector<contract_values> owned_values;  // without a cache (reserved)
    std::vector<const expiry_state*> states;
    std::vector<const value_cache::impl::per_expiry*> cached;  // per expiry: its cache entry, or null
    std::vector<char> raw;                                     // expiry j's values are in values_raw, else in values
    std::vector<fp::fast::wad_split> values_raw;               // expiry j at column k, split: [j * columns + k] (kept across evaluations)
    std::vector<Wad> values;                                   // the same, sized only when some expiry is not raw
    std::vector<std::uint32_t> by_strike;                      // per expiry (concatenated), leg indices sorted by strike
    std::vector<char> strike_ends;                             // the last leg of its strike, parallel to by_strike
    std::vector<fp::i128> amounts_raw;                         // every leg's amount (concatenated), where all_raw
    std::vector<fp::i128> strike_keys;                         // scratch: strikes as integers for sorting
    bool all_raw = true;
    const value_cache::impl::rows_entry* raw_rows = nullptr;  // from the cache, if any

    // Empties it for the next evaluation, keeping the buffers' capacity (gathered is reused).
    void reset() noexcept {
        columns = 0;
        owned_states.clear();
        owned_values.clear();
        states.clear();
        cached.clear();
        raw.clear();
        values.clear();
        by_strike.clear();
        strike_ends.clear();
        amounts_raw.clear();
        all_raw = true;
        raw_rows = nullptr;
    }
};

// Buffers for one expiry's dot products.
struct leg_scratch {
    const fp::i128* amounts_raw = nullptr;  // the legs' amounts as integers, when all fit
    std::vector<Wad> amounts;               // as Wad, for the fp::dot path only
    std::vector<std::int64_t> amounts_scaled;
    std::vector<const contract_values*> values;
    std::vector<fp::fast::wad_split> amounts_split;
    std::vector<const fp::fast::wad_split*> rows;
    std::vector<Wad> column;
};

// An expiry's values at every column: sum over legs of amount x per-unit value, rounded
// once per column; by fp::fast into out_raw (split) when every input fits (true): the
// amounts as integers over a power of ten where they allow, else split at the Wad scale;
// else by fp::dot into out. All three give the same integers.
bool expiry_values_of(calc& c, const expiry& e, leg_scratch& ls, std::size_t columns, fp::fast::wad_split* out_raw, Wad* (*wad_out)(void*),
                      void* ctx) {
    const std::size_t n = e.options.size();
    ls.amounts_scaled.resize(n);
    ls.rows.clear();
    bool fits = ls.amounts_raw != nullptr;
    std::uint64_t units_bound = 0;
    for (std::size_t l = 0; l < n && fits; ++l) {
        fits = !ls.values[l]->split.empty();
        if (fits) ls.rows.push_back(ls.values[l]->split.data());
        if (fits) units_bound = std::max(units_bound, ls.values[l]->units_bound);
    }
    int decimals = 0;
    if (fits && fp::fast::decimal_scale(ls.amounts_raw, n, ls.amounts_scaled.data(), decimals) &&
        fp::fast::dot_floor_columns_scaled(ls.amounts_scaled.data(), decimals, ls.rows.data(), n, columns, out_raw, units_bound))
        return true;
    ls.amounts_split.resize(n);
    for (std::size_t l = 0; l < n && fits; ++l) fits = fp::fast::split(ls.amounts_raw[l], ls.amounts_split[l]);
    if (fits && fp::fast::dot_floor_columns(ls.amounts_split.data(), ls.rows.data(), n, columns, out_raw)) return true;
    Wad* out = wad_out(ctx);
    ls.amounts.clear();
    for (const option_leg& o : e.options) ls.amounts.push_back(o.amount);
    ls.column.resize(n);
    for (std::size_t k = 0; k < columns; ++k) {
        for (std::size_t l = 0; l < n; ++l) ls.column[l] = ls.values[l]->at[k];
        out[k] = c(fp::dot(ls.amounts, ls.column, rounding::floor));
    }
    return false;
}

bool gather(const portfolio& p, const params& prm, value_cache* cache, gathered& g) {
    calc c;
    const std::size_t n_exp = p.expiries.size();
    std::size_t total_legs = 0, most_legs = 0;
    for (const expiry& e : p.expiries) {
        total_legs += e.options.size();
        most_legs = std::max(most_legs, e.options.size());
    }
    g.columns = first_scenario_col + prm.scenarios.size();
    const std::size_t columns = g.columns;
    if (!cache) {
        g.owned_states.reserve(n_exp);
        g.owned_values.reserve(total_legs);
    }
    g.states.reserve(n_exp);
    g.raw.reserve(n_exp);
    if (g.values_raw.size() < n_exp * columns) g.values_raw.resize(n_exp * columns);  // grows only: each entry read is written first
    g.by_strike.reserve(total_legs);
    g.strike_ends.reserve(total_legs);
    g.amounts_raw.reserve(total_legs);
    thread_local leg_scratch ls;  // buffers reused across evaluations
    ls.values.reserve(most_legs);
    ls.rows.reserve(most_legs);
    for (std::size_t j = 0; j < n_exp; ++j) {
        const expiry& e = p.expiries[j];
        value_cache::impl::per_expiry* pe = cache ? &cached_expiry(*cache, c, e, prm) : nullptr;
        g.cached.push_back(pe);
        if (pe) {
            g.states.push_back(&pe->state);
        } else {
            g.owned_states.push_back(expiry_state_of(c, e, prm));
            g.states.push_back(&g.owned_states.back());
        }
        ls.values.clear();
        const std::size_t first = g.by_strike.size(), n = e.options.size();
        bool amounts_fit = true;
        for (const option_leg& o : e.options) {
            amounts_fit = amounts_fit && o.amount.raw().fits_i128();
            g.amounts_raw.push_back(amounts_fit ? o.amount.raw().to_i128() : 0);
            if (pe) {
                ls.values.push_back(cached_values(*cache, *pe, c, e, o, prm));
            } else {
                g.owned_values.push_back(price_contract(c, e, *g.states.back(), o, prm));
                ls.values.push_back(&g.owned_values.back());
            }
        }
        ls.amounts_raw = amounts_fit ? g.amounts_raw.data() + first : nullptr;
        struct wad_ctx {
            gathered& g;
            std::size_t at;
        } ctx{g, j * columns};
        const bool raw = expiry_values_of(
            c, e, ls, columns, &g.values_raw[j * columns],
            [](void* x) {
                auto& w = *static_cast<wad_ctx*>(x);
                if (w.g.values.empty()) w.g.values.resize(w.g.values_raw.size());
                return &w.g.values[w.at];
            },
            &ctx);
        g.raw.push_back(raw);
        g.all_raw = g.all_raw && raw;
        // legs in strike order, by integer keys where the strikes fit 128 bits: an insertion sort
        // (an expiry holds few legs), stable, so equal strikes keep their legs' order on every target
        bool keys = true;
        g.strike_keys.clear();
        for (const option_leg& o : e.options) {
            keys = keys && o.strike.raw().fits_i128();
            g.strike_keys.push_back(keys ? o.strike.raw().to_i128() : 0);
        }
        for (std::size_t l = 0; l < n; ++l) g.by_strike.push_back(static_cast<std::uint32_t>(l));
        std::uint32_t* order = g.by_strike.data() + first;
        auto sort = [&](auto less) {
            for (std::size_t t = 1; t < n; ++t) {
                const std::uint32_t x = order[t];
                std::size_t u = t;
                for (; u > 0 && less(x, order[u - 1]); --u) order[u] = order[u - 1];
                order[u] = x;
            }
            for (std::size_t t = 0; t < n; ++t) g.strike_ends.push_back(t + 1 == n || less(order[t], order[t + 1]));
        };
        if (keys) {
            const fp::i128* key = g.strike_keys.data();
            sort([key](std::uint32_t a, std::uint32_t b) { return key[a] < key[b]; });
        } else {
            sort([&e](std::uint32_t a, std::uint32_t b) { return e.options[a].strike < e.options[b].strike; });
        }
    }
    if (cache) {
        auto& entry = cache->internals().rows;
        if (!entry.ready) {
            raw_lane l;
            scenario_rows_of(l, prm, entry.rows);
            entry.terms = param_terms_of(l, prm);
            entry.fits = l.ok();
            entry.ready = true;
        }
        if (!p.perp_position.raw().is_zero() && (!entry.perp_ready || !(entry.perp_price == p.perp_price.raw()))) {
            raw_lane l;
            perp_units_of(l, p.perp_price, entry.rows);
            entry.perp_fits = l.ok();
            entry.perp_price = p.perp_price.raw();
            entry.perp_ready = true;
        }
        g.raw_rows = &entry;
    }
    return c.ok();
}

// Expiry j's value at column k, in the lane's numbers (raw_lane: prepare() checked all_raw).
fp::i128 value_at(raw_lane&, const gathered& g, std::size_t j, std::size_t k) { return fp::fast::join(g.values_raw[j * g.columns + k]); }
Wad value_at(wad_lane&, const gathered& g, std::size_t j, std::size_t k) {
    return g.raw[j] ? raw_i128(fp::fast::join(g.values_raw[j * g.columns + k])) : g.values[j * g.columns + k];
}

// Leg `index` (over the evaluation's legs) of option o: its amount in the lane's numbers.
fp::i128 amount_at(raw_lane&, const gathered& g, const option_leg&, std::size_t index) { return g.amounts_raw[index]; }
const Wad& amount_at(wad_lane&, const gathered&, const option_leg& o, std::size_t) { return o.amount; }

// The scenario-independent figures of one evaluation, in a lane's numbers.
template <class L>
struct prepared {
    using num = typename L::num;
    num one{}, perp_position{};
    bool perp = false;
    bool perp_split_ok = false;  // raw_lane: perp_position split at 10^18 (for perp_share)
    fp::fast::wad_split perp_split{};
    std::vector<char> futures;                           // per expiry: holds dated futures
    const std::vector<scenario_row<L>>* rows = nullptr;  // own_rows or the cache's
    std::vector<scenario_row<L>> own_rows;
    param_terms<L> terms;  // the parameters' constants (copied from the cache's, if any)
    std::vector<num> now, pos_discount, neg_discount, basis_parts, collateral_values;
    num basis{}, oracle{}, im_contingency{}, mm_contingency{}, mark_to_market{}, im_factor{}, mm_factor{};
    std::vector<num> parts;  // scratch for scenario_pnl's per-expiry shares
    std::vector<num> pnls;   // scratch for scenario_pnls

    // Empties it for the next evaluation, keeping the buffers' capacity (it is reused).
    void reset() noexcept {
        rows = nullptr;
        own_rows.clear();
        for (auto* v : {&now, &pos_discount, &neg_discount, &basis_parts, &collateral_values, &parts, &pnls}) v->clear();
        futures.clear();
    }
};

// This thread's prepared<L>, emptied: its buffers are reused from one evaluation to the next.
template <class L>
prepared<L>& scratch_prepared() {
    thread_local prepared<L> pr;
    pr.reset();
    return pr;
}

// Below the threshold: (1 - confidence) x margin x notional, rounded up.
template <class L>
typename L::num confidence_contingency(L& l, const prepared<L>& pr, const contingency_params& p, const Wad& confidence,
                                       const typename L::num& notional) {
    if (confidence >= p.confidence_threshold) return {};
    return l.mulc(l.mulc(l.sub(pr.one, l.of(confidence)), l.of(p.confidence_margin)), notional);
}

// A dated future's P&L when the spot-driven part of its forward moves by `shock`.
template <class L>
typename L::num futures_pnl(L& l, const prepared<L>& pr, const expiry& e, const typename L::num& shock) {
    if (e.futures.raw().is_zero()) return {};
    return l.mulf(l.of(e.futures), l.mulf(l.of(e.forward_variable), l.sub(shock, pr.one)));
}

template <class L>
[[gnu::flatten]] void prepare(L& l, const gathered& g, const portfolio& p, const params& prm, prepared<L>& pr) {
    using num = typename L::num;
    const contingency_params& cp = prm.contingency;
    const std::size_t n_exp = p.expiries.size();
    pr.perp_position = l.of(p.perp_position);
    const bool perp = !p.perp_position.raw().is_zero();
    pr.perp = perp;
    if constexpr (std::is_same_v<L, raw_lane>) {
        pr.perp_split_ok = perp && fp::fast::split(pr.perp_position, pr.perp_split);
        if (!g.all_raw) l.failed = true;
        if (g.raw_rows) {
            pr.rows = &g.raw_rows->rows;
            pr.terms = g.raw_rows->terms;
            if (!g.raw_rows->fits || (perp && !g.raw_rows->perp_fits)) l.failed = true;
        }
    }
    if (!pr.rows) {
        scenario_rows_of(l, prm, pr.own_rows);
        if (perp) perp_units_of(l, p.perp_price, pr.own_rows);
        pr.rows = &pr.own_rows;
        pr.terms = param_terms_of(l, prm);
    }
    const param_terms<L>& pt = pr.terms;
    pr.one = pt.one;
    const num spot = l.of(p.spot);
    num mtm = l.of(p.perp_value);
    Wad min_conf = p.spot_confidence;
    if (!p.perp_position.raw().is_zero()) min_conf = fp::min(min_conf, p.perp_confidence);
    const num perp_notional = l.mulc(l.abs(pr.perp_position), spot);
    num mm_cont = l.mulc(perp_notional, pt.mm_perp);
    num im_cont = l.mulc(perp_notional, pt.im_perp);
    num oracle = confidence_contingency(l, pr, cp, min_conf, perp_notional);
    num basis{};
    for (auto* v : {&pr.now, &pr.pos_discount, &pr.neg_discount, &pr.basis_parts}) v->reserve(n_exp);
    pr.futures.reserve(n_exp);
    std::size_t first = 0;
    for (std::size_t j = 0; j < n_exp; ++j) {
        const expiry& e = p.expiries[j];
        const expiry_state& s = *g.states[j];
        expiry_factors<L> ef;
        if constexpr (std::is_same_v<L, raw_lane>) {
            if (g.cached[j]) {
                ef = g.cached[j]->raw_factors;
                if (!g.cached[j]->raw_fits) l.failed = true;
            } else {
                ef = expiry_factors_of(l, s, prm);
            }
        } else {
            ef = expiry_factors_of(l, s, prm);
        }
        const num now = value_at(l, g, j, now_col);
        const bool held_futures = !e.futures.raw().is_zero();
        pr.futures.push_back(held_futures);
        mtm = l.add(mtm, now);
        // basis contingency: the worse of the two forward moves, if a loss, times (add + mult t)
        const num up = l.add(l.sub(value_at(l, g, j, basis_up_col), now), futures_pnl(l, pr, e, pt.spot_up));
        const num down = l.add(l.sub(value_at(l, g, j, basis_down_col), now), futures_pnl(l, pr, e, pt.spot_down));
        const num basis_part = l.mulf(lesser(lesser(up, down), num{}), ef.basis);
        basis = l.add(basis, basis_part);
        pr.basis_parts.push_back(basis_part);
        // naked shorts per strike (calls and puts netted), and the confidence contingency on gross options
        num gross{}, naked{}, net{};
        for (std::size_t k = 0; k < e.options.size(); ++k) gross = l.add(gross, l.abs(amount_at(l, g, e.options[k], first + k)));
        for (std::size_t t = first; t < first + e.options.size(); ++t) {
            const std::uint32_t k = g.by_strike[t];
            net = l.add(net, amount_at(l, g, e.options[k], first + k));
            if (!g.strike_ends[t]) continue;
            naked = l.add(naked, greater(l.neg(net), num{}));
            net = num{};
        }
        first += e.options.size();
        const num naked_notional = l.mulc(naked, spot);
        // dated futures: contingencies as for perps, on notional at spot (none without: adding
        // 0 x rates changes nothing and cannot fail)
        if (held_futures) {
            const num futures = l.abs(l.of(e.futures));
            const num fut_notional = l.mulc(futures, spot);
            mm_cont = l.add(mm_cont, l.mulc(fut_notional, pt.mm_perp));
            im_cont = l.add(im_cont, l.mulc(fut_notional, pt.im_perp));
            gross = l.add(gross, futures);
        }
        mm_cont = l.add(mm_cont, l.mulc(naked_notional, pt.mm_option));
        im_cont = l.add(im_cont, l.mulc(naked_notional, pt.im_option));
        const Wad confidence = fp::min(min_conf, e.confidence);
        // The notional matters only below the threshold. The 128-bit lane skips it otherwise: its
        // operands fit 128 bits, so the int256 product could not have failed either.
        if (!std::is_same_v<L, raw_lane> || confidence < cp.confidence_threshold)
            oracle = l.add(oracle, confidence_contingency(l, pr, cp, confidence, l.mulc(gross, spot)));
        pr.now.push_back(now);
        pr.pos_discount.push_back(ef.gain);
        pr.neg_discount.push_back(ef.loss);
    }
    // Collateral: valued in the stable currency; haircuts and confidence as contingencies.
    pr.collateral_values.reserve(p.collaterals.size());
    for (const collateral& k : p.collaterals) {
        const num value = l.mul_div_floor(l.of(k.amount), l.of(k.price), l.of(p.stable_price));
        pr.collateral_values.push_back(value);
        mtm = l.add(mtm, value);
        mm_cont = l.add(mm_cont, l.mulc(value, l.of(k.mm_haircut)));
        im_cont = l.add(im_cont, l.mulc(value, l.of(k.im_haircut)));
        oracle = l.add(oracle, confidence_contingency(l, pr, cp, fp::min(k.confidence, p.spot_confidence), value));
    }
    pr.basis = basis;
    pr.oracle = oracle;
    pr.im_contingency = l.add(im_cont, oracle);
    pr.mm_contingency = mm_cont;
    pr.mark_to_market = l.add(mtm, l.of(p.cash));
    pr.mm_factor = pt.mm_factor;
    pr.im_factor = pt.im_factor;
    if (p.stable_price < cp.peg_loss_threshold)
        pr.im_factor = l.add(pr.im_factor, l.mulc(l.sub(l.of(cp.peg_loss_threshold), l.of(p.stable_price)), l.of(cp.peg_loss_factor)));
}

// Scenario i's weighting: tail scenarios count a fraction of their P&L.
template <class L>
typename L::num weighted(L& l, const scenario_row<L>& row, const typename L::num& x) {
    return row.full ? x : l.mulf_factor(x, row.weight);
}

// The perp's share of a scenario's P&L (only with a perp position). The raw lane multiplies
// the split operands where both split and the product allows: the same integer as mulf's.
template <class L>
typename L::num perp_share(L& l, const prepared<L>& pr, const scenario_row<L>& row) {
    if constexpr (std::is_same_v<L, raw_lane>) {
        fp::i128 v = 0;
        if (pr.perp_split_ok && row.perp_unit_split_ok && fp::fast::mul_floor_splits(pr.perp_split, row.perp_unit_split, v))
            return weighted(l, row, v);
    }
    return weighted(l, row, l.mulf(pr.perp_position, row.perp_unit));
}

// Expiry j's figures that its share of every scenario reads, copied once per expiry (locals
// the scenario loop can keep at hand).
template <class L>
struct expiry_terms {
    typename L::num now, gain, loss;                       // its current value; the discount factors for gains and losses
    const fp::fast::wad_split* scenario_values = nullptr;  // its split values from the first scenario on (raw_lane)
    bool futures = false;
    std::size_t j = 0;
};
template <class L>
expiry_terms<L> terms_of(const gathered& g, const prepared<L>& pr, std::size_t j) {
    return {pr.now[j], pr.pos_discount[j], pr.neg_discount[j], g.values_raw.data() + j * g.columns + first_scenario_col, pr.futures[j] != 0,
            j};
}

// floor(v f / 10^18) for the expiry's value v in scenario i, f its factor for gains (v >= 0) or
// for losses (from the lane's factor()). A split value is negative exactly when its units are.
fp::i128 discounted(raw_lane&, const gathered&, const expiry_terms<raw_lane>& x, std::size_t i) {
    const fp::fast::wad_split& v = x.scenario_values[i];
    return fp::fast::mul_floor_split(v, static_cast<std::uint64_t>(v.units >= 0 ? x.gain : x.loss));
}
Wad discounted(wad_lane& l, const gathered& g, const expiry_terms<wad_lane>& x, std::size_t i) {
    const Wad v = value_at(l, g, x.j, first_scenario_col + i);
    return l.mulf_factor(v, Wad{} <= v ? x.gain : x.loss);
}

// Expiry j's share of scenario i's P&L (row: the scenario's constants; x: the expiry's terms):
// its scenario value discounted (one factor for gains, one for losses), less its current
// value, weighted; skew scenarios count it as a loss either way; dated futures move with the
// spot shock.
template <class L>
typename L::num expiry_share(L& l, const gathered& g, const prepared<L>& pr, const portfolio& p, const scenario_row<L>& row, std::size_t i,
                             const expiry_terms<L>& x) {
    using num = typename L::num;
    const num v = discounted(l, g, x, i);  // static discounting
    num e = weighted(l, row, l.sub(v, x.now));
    if (row.skew && num{} < e) e = l.neg(e);  // the skew could rotate either way
    if (!row.skew && x.futures) e = l.add(e, weighted(l, row, futures_pnl(l, pr, p.expiries[x.j], row.shock)));
    return e;
}

// Risk-cancelling collateral k's share of a scenario's P&L: it moves with spot.
template <class L>
typename L::num collateral_share(L& l, const prepared<L>& pr, const scenario_row<L>& row, std::size_t k) {
    return weighted(l, row, l.mulf(pr.collateral_values[k], row.move));
}

// Scenario i's P&L relative to the current value (weighted): the perp's share, then each
// expiry's, then the collateral's; `parts` (if given) receives each expiry's share.
// Flattened (as prepare): the lane's arithmetic is inlined.
template <class L>
[[gnu::flatten]] typename L::num scenario_pnl(L& l, const gathered& g, const prepared<L>& pr, const portfolio& p, std::size_t i,
                                              std::vector<typename L::num>* parts = nullptr) {
    using num = typename L::num;
    const scenario_row<L>& row = (*pr.rows)[i];
    num pnl{};
    if (pr.perp) pnl = perp_share(l, pr, row);
    for (std::size_t j = 0; j < pr.now.size(); ++j) {
        const num e = expiry_share(l, g, pr, p, row, i, terms_of(g, pr, j));
        if (parts) parts->push_back(e);
        pnl = l.add(pnl, e);
    }
    for (std::size_t k = 0; k < p.collaterals.size(); ++k)
        if (p.collaterals[k].risk_cancelling) pnl = l.add(pnl, collateral_share(l, pr, row, k));
    return pnl;
}

// Every scenario's P&L into out: for each scenario, the same shares added in the same order
// as scenario_pnl, so the same integers; computed expiry by expiry, which keeps an expiry's
// figures at hand across the scenarios (the full evaluation's hot loop).
template <class L>
[[gnu::flatten]] void scenario_pnls(L& lane, const gathered& g, const prepared<L>& pr, const portfolio& p,
                                    std::vector<typename L::num>& out) {
    using num = typename L::num;
    L l = lane;  // a local copy: its state (the raw lane's failure flag) can stay in a register
    const std::vector<scenario_row<L>>& rows = *pr.rows;
    const std::size_t n = rows.size();
    out.assign(n, num{});
    if (pr.perp)
        for (std::size_t i = 0; i < n; ++i) out[i] = perp_share(l, pr, rows[i]);
    for (std::size_t j = 0; j < pr.now.size(); ++j) {
        const expiry_terms<L> x = terms_of(g, pr, j);
        for (std::size_t i = 0; i < n; ++i) out[i] = l.add(out[i], expiry_share(l, g, pr, p, rows[i], i, x));
    }
    for (std::size_t k = 0; k < p.collaterals.size(); ++k)
        if (p.collaterals[k].risk_cancelling)
            for (std::size_t i = 0; i < n; ++i) out[i] = l.add(out[i], collateral_share(l, pr, rows[i], k));
    lane = l;
}

// The margins that follow from a worst loss.
template <class L>
void margins(L& l, const prepared<L>& pr, const typename L::num& worst, typename L::num& im, typename L::num& mm) {
    mm = l.sub(l.add(l.mulf(worst, pr.mm_factor), pr.mark_to_market), pr.mm_contingency);
    im = l.sub(l.sub(l.add(l.mulf(worst, pr.im_factor), pr.mark_to_market), pr.mm_contingency), pr.im_contingency);
}

// The full evaluation on one lane; meaningful only when the lane is ok() afterwards.
template <class L>
result evaluate_on(L& l, const gathered& g, const portfolio& p, const params& prm) {
    using num = typename L::num;
    prepared<L>& pr = scratch_prepared<L>();
    prepare(l, g, p, prm, pr);
    result r;
    const std::size_t n = prm.scenarios.size();
    r.scenario_pnl.reserve(n);
    num worst = pr.basis;
    std::int64_t worst_id = static_cast<std::int64_t>(n);
    scenario_pnls(l, g, pr, p, pr.pnls);
    for (std::size_t i = 0; i < n; ++i) {
        const num& pnl = pr.pnls[i];
        r.scenario_pnl.push_back(L::wad(pnl));
        if (pnl < worst) {  // strict: the first of equal losses is the worst
            worst = pnl;
            worst_id = static_cast<std::int64_t>(i);
        }
    }
    std::vector<num>& parts = pr.parts;
    if (worst_id < static_cast<std::int64_t>(n))
        scenario_pnl(l, g, pr, p, static_cast<std::size_t>(worst_id), &parts);
    else
        parts = pr.basis_parts;
    r.expiries.reserve(pr.now.size());
    for (std::size_t j = 0; j < pr.now.size(); ++j) {
        const expiry_state& s = *g.states[j];
        r.expiries.push_back({L::wad(pr.now[j]), L::wad(parts[j]), s.up_mult, s.down_mult, s.pos_discount, s.neg_discount});
    }
    num im{}, mm{};
    margins(l, pr, worst, im, mm);
    r.initial_margin = L::wad(im);
    r.maintenance_margin = L::wad(mm);
    r.mark_to_market = L::wad(pr.mark_to_market);
    r.worst_loss = L::wad(worst);
    r.worst_scenario = worst_id;
    r.basis_contingency = L::wad(pr.basis);
    r.im_contingency = L::wad(pr.im_contingency);
    r.mm_contingency = L::wad(pr.mm_contingency);
    r.oracle_contingency = L::wad(pr.oracle);
    r.im_factor = L::wad(pr.im_factor);
    return r;
}

// One scenario on one lane (id == scenarios.size(): the basis contingency).
template <class L>
scenario_outcome evaluate_scenario_on(L& l, const gathered& g, const portfolio& p, const params& prm, std::size_t id) {
    using num = typename L::num;
    prepared<L>& pr = scratch_prepared<L>();
    prepare(l, g, p, prm, pr);
    num pnl{};
    std::vector<num>& parts = pr.parts;
    if (id == prm.scenarios.size()) {
        pnl = pr.basis;
        parts = pr.basis_parts;
    } else {
        pnl = scenario_pnl(l, g, pr, p, id, &parts);
    }
    scenario_outcome o;
    o.pnl = L::wad(pnl);
    for (const num& x : parts) o.expiry_pnl.push_back(L::wad(x));
    num im{}, mm{};
    margins(l, pr, pnl, im, mm);
    o.initial_margin = L::wad(im);
    o.maintenance_margin = L::wad(mm);
    return o;
}

// Runs f on raw_lane and, when something did not fit 128 bits (or `wide` asks), on wad_lane.
template <class T, class F>
outcome<T> on_lanes(const gathered& g, bool wide, F&& f) {
    if (g.all_raw && !wide) {
        raw_lane l;
        T v = f(l);
        if (l.ok()) return outcome<T>{std::move(v), std::nullopt};
    }
    wad_lane l;
    T v = f(l);
    if (!l.ok()) return outcome<T>::failure("ARITHMETIC_OVERFLOW", "", "a scenario value exceeds the int256 fixed-point range");
    return outcome<T>{std::move(v), std::nullopt};
}

outcome<result> evaluate_impl(const portfolio& p, const params& prm, value_cache* cache, bool wide) {
    thread_local gathered g;  // buffers reused across evaluations
    g.reset();
    if (!gather(p, prm, cache, g))
        return outcome<result>::failure("ARITHMETIC_OVERFLOW", "", "a scenario value exceeds the int256 fixed-point range");
    return on_lanes<result>(g, wide, [&](auto& l) { return evaluate_on(l, g, p, prm); });
}

outcome<scenario_outcome> evaluate_scenario_impl(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache, bool wide) {
    if (id < 0 || id > static_cast<std::int64_t>(prm.scenarios.size()))
        return outcome<scenario_outcome>::failure("OUT_OF_RANGE", "/scenario_id", "no scenario " + std::to_string(id));
    thread_local gathered g;
    g.reset();
    if (!gather(p, prm, cache, g))
        return outcome<scenario_outcome>::failure("ARITHMETIC_OVERFLOW", "", "a scenario value exceeds the int256 fixed-point range");
    return on_lanes<scenario_outcome>(g, wide, [&](auto& l) { return evaluate_scenario_on(l, g, p, prm, static_cast<std::size_t>(id)); });
}

}  // namespace

outcome<result> evaluate(const portfolio& p, const params& prm, value_cache* cache) { return evaluate_impl(p, prm, cache, false); }

outcome<scenario_outcome> evaluate_scenario(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache) {
    return evaluate_scenario_impl(p, prm, id, cache, false);
}

namespace detail {
outcome<result> evaluate_wide(const portfolio& p, const params& prm, value_cache* cache) { return evaluate_impl(p, prm, cache, true); }
outcome<scenario_outcome> evaluate_scenario_wide(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache) {
    return evaluate_scenario_impl(p, prm, id, cache, true);
}
}  // namespace detail

}  // namespace margin::scenario
