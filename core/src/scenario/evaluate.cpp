// Scenario margin, docs/scenario.md: the formulas over the gathered contract values.
// Each scenario's P&L (per expiry: its value discounted statically, less its current
// value, weighted), the worst of them and the basis contingency, and the margins that
// follow; evaluate() and evaluate_scenario() share scenario_pnl()'s shares, so the
// single-scenario evaluation gives evaluate()'s bits. P&L rounds toward -inf,
// contingencies toward +inf, so each figure errs against the account. Every formula
// runs on the 128-bit lane and, when something does not fit, again on int256 (lanes.hpp).
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/scenario.hpp"
#include "scenario/gather.hpp"
#include "scenario/lanes.hpp"
#include "scenario/prepare.hpp"
#include "scenario/wide.hpp"
#include "scenario/workspace.hpp"

namespace margin::scenario {
namespace internal {
namespace {

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

// The margins that follow from a worst loss: MM = worst x mm_factor + mtm - MM contingency,
// IM = worst x im_factor + mtm - MM contingency - IM contingency (products floored).
template <class L>
void margins(L& l, const prepared<L>& pr, const typename L::num& worst, typename L::num& im, typename L::num& mm) {
    mm = l.sub(l.add(l.mulf(worst, pr.mm_factor), pr.mark_to_market), pr.mm_contingency);
    im = l.sub(l.sub(l.add(l.mulf(worst, pr.im_factor), pr.mark_to_market), pr.mm_contingency), pr.im_contingency);
}

// The full evaluation on one lane; meaningful only when the lane is ok() afterwards.
template <class L>
result evaluate_on(L& l, const gathered& g, prepared<L>& pr, const portfolio& p, const params& prm) {
    using num = typename L::num;
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
scenario_outcome evaluate_scenario_on(L& l, const gathered& g, prepared<L>& pr, const portfolio& p, const params& prm, std::size_t id) {
    using num = typename L::num;
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

template <class T>
outcome<T> overflow() {
    return outcome<T>::failure(error_code::ARITHMETIC_OVERFLOW, "", "a scenario value exceeds the int256 fixed-point range");
}

// Runs f(lane, prepared) on raw_lane and, when something did not fit 128 bits (or `wide`
// asks), on wad_lane, each with its prepared figures from the workspace.
template <class T, class F>
outcome<T> on_lanes(workspace& ws, bool wide, F&& f) {
    if (ws.gather.all_raw && !wide) {
        raw_lane l;
        T v = f(l, ws.prepared_for<raw_lane>());
        if (l.ok()) return outcome<T>{std::move(v), std::nullopt};
    }
    wad_lane l;
    T v = f(l, ws.prepared_for<wad_lane>());
    if (!l.ok()) return overflow<T>();
    return outcome<T>{std::move(v), std::nullopt};
}

outcome<result> evaluate_impl(const portfolio& p, const params& prm, value_cache* cache, bool wide) {
    workspace& ws = workspace::this_thread();
    if (!gather(p, prm, cache, ws.gather, ws.legs)) return overflow<result>();
    return on_lanes<result>(ws, wide, [&](auto& l, auto& pr) { return evaluate_on(l, ws.gather, pr, p, prm); });
}

outcome<scenario_outcome> evaluate_scenario_impl(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache, bool wide) {
    if (id < 0 || id > static_cast<std::int64_t>(prm.scenarios.size()))
        return outcome<scenario_outcome>::failure(error_code::OUT_OF_RANGE, "/scenario_id", "no scenario " + std::to_string(id));
    workspace& ws = workspace::this_thread();
    if (!gather(p, prm, cache, ws.gather, ws.legs)) return overflow<scenario_outcome>();
    return on_lanes<scenario_outcome>(
        ws, wide, [&](auto& l, auto& pr) { return evaluate_scenario_on(l, ws.gather, pr, p, prm, static_cast<std::size_t>(id)); });
}

}  // namespace
}  // namespace internal

outcome<result> evaluate(const portfolio& p, const params& prm, value_cache* cache) {
    return internal::evaluate_impl(p, prm, cache, false);
}

outcome<scenario_outcome> evaluate_scenario(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache) {
    return internal::evaluate_scenario_impl(p, prm, id, cache, false);
}

namespace detail {
outcome<result> evaluate_wide(const portfolio& p, const params& prm, value_cache* cache) {
    return internal::evaluate_impl(p, prm, cache, true);
}
outcome<scenario_outcome> evaluate_scenario_wide(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache) {
    return internal::evaluate_scenario_impl(p, prm, id, cache, true);
}
}  // namespace detail

}  // namespace margin::scenario
