// The scenario-independent part of an evaluation (prepare.hpp), on either lane.
#include "scenario/prepare.hpp"

#include <type_traits>

namespace margin::scenario::internal {
namespace {

// Below the threshold: (1 - confidence) x margin x notional, rounded up.
template <class L>
typename L::num confidence_contingency(L& l, const prepared<L>& pr, const contingency_params& p, const Wad& confidence,
                                       const typename L::num& notional) {
    if (confidence >= p.confidence_threshold) return {};
    return l.mulc(l.mulc(l.sub(pr.one, l.of(confidence)), l.of(p.confidence_margin)), notional);
}

}  // namespace

template <class L>
[[gnu::flatten]] void prepare(L& l, const gathered& g, const portfolio& p, const params& prm, prepared<L>& pr) {
    using num = typename L::num;
    pr.reset();
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

template void prepare<raw_lane>(raw_lane&, const gathered&, const portfolio&, const params&, prepared<raw_lane>&);
template void prepare<wad_lane>(wad_lane&, const gathered&, const portfolio&, const params&, prepared<wad_lane>&);

}  // namespace margin::scenario::internal
