// The constants an evaluation reads, in a lane's numbers (internal): per scenario
// (shock, move, weight, the perp's unit P&L), per parameter set (contingency rates,
// basis forwards, loss factors) and per expiry (basis factor, static discounts).
// Built per evaluation, or once per value_cache for the 128-bit lane (cache.hpp).
#pragma once

#include <type_traits>
#include <vector>

#include "constants.hpp"
#include "core/scenario.hpp"
#include "fixedpoint/fast.hpp"
#include "scenario/contracts.hpp"
#include "scenario/lanes.hpp"

namespace margin::scenario::internal {

/// Per-scenario constants in a lane's numbers: the spot shock, the move (shock - 1), the
/// weight, and (only for an account with perps) floor(move x perp price).
template <class L>
struct scenario_row {
    typename L::num shock{}, move{}, weight{}, perp_unit{};
    bool full = true;  ///< weight 1: exact, so no multiplication
    bool skew = false;
    bool perp_unit_split_ok = false;  ///< raw_lane: perp_unit split at 10^18 (for perp_share)
    fp::fast::wad_split perp_unit_split{};
};

/// rows[i] for every scenario of prm (perp units not set: perp_units_of).
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

/// Each row's perp unit at perp_price: floor(move x price).
template <class L>
void perp_units_of(L& l, const Wad& perp_price, std::vector<scenario_row<L>>& rows) {
    const typename L::num price = l.of(perp_price);
    for (scenario_row<L>& r : rows) {
        r.perp_unit = l.mulf(r.move, price);
        if constexpr (std::is_same_v<L, raw_lane>) r.perp_unit_split_ok = fp::fast::split(r.perp_unit, r.perp_unit_split);
    }
}

/// The parameters' constants that every evaluation reads, in a lane's numbers.
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

/// An expiry's factors in a lane's numbers: the basis contingency's (add + mult x tau) and the
/// static discounts of gains and losses (as the lane's factor()).
template <class L>
struct expiry_factors {
    typename L::num basis{}, gain{}, loss{};
};
template <class L>
expiry_factors<L> expiry_factors_of(L& l, const expiry_state& s, const params& prm) {
    return {l.add(l.of(prm.basis.add_factor), l.mulf(l.of(prm.basis.mult_factor), l.of(s.tau))), l.factor(s.pos_discount),
            l.factor(s.neg_discount)};
}

}  // namespace margin::scenario::internal
