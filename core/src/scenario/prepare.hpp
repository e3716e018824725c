// The scenario-independent part of an evaluation (internal), in a lane's numbers: the
// mark-to-market, each expiry's current value and static discount factors, the basis
// contingency, the naked-short, perp, futures, oracle-confidence and collateral
// contingencies, and the loss factors after the de-peg adjustment. Contingencies round
// toward +inf and values toward -inf, so each errs against the account.
#pragma once

#include <cstddef>
#include <vector>

#include "core/scenario.hpp"
#include "fixedpoint/fast.hpp"
#include "scenario/gather.hpp"
#include "scenario/lanes.hpp"
#include "scenario/terms.hpp"

namespace margin::scenario::internal {

/// The scenario-independent figures of one evaluation, in a lane's numbers. Lives in a
/// workspace (workspace.hpp) and is reused: prepare() starts with reset(), which empties
/// every buffer it fills.
template <class L>
struct prepared {
    using num = typename L::num;
    num one{}, perp_position{};
    bool perp = false;
    bool perp_split_ok = false;  ///< raw_lane: perp_position split at 10^18 (for perp_share)
    fp::fast::wad_split perp_split{};
    std::vector<char> futures;                           ///< per expiry: holds dated futures
    const std::vector<scenario_row<L>>* rows = nullptr;  ///< own_rows or the cache's
    std::vector<scenario_row<L>> own_rows;
    param_terms<L> terms;  ///< the parameters' constants (copied from the cache's, if any)
    std::vector<num> now, pos_discount, neg_discount, basis_parts, collateral_values;
    num basis{}, oracle{}, im_contingency{}, mm_contingency{}, mark_to_market{}, im_factor{}, mm_factor{};
    std::vector<num> parts;  ///< scratch for scenario_pnl's per-expiry shares
    std::vector<num> pnls;   ///< scratch for scenario_pnls

    /// Empties it for the next evaluation, keeping the buffers' capacity: every field back
    /// to its initial value, so nothing from an earlier evaluation can be read.
    void reset() noexcept {
        one = perp_position = basis = oracle = im_contingency = mm_contingency = mark_to_market = im_factor = mm_factor = num{};
        perp = perp_split_ok = false;
        perp_split = {};
        terms = {};
        rows = nullptr;
        own_rows.clear();
        for (auto* v : {&now, &pos_discount, &neg_discount, &basis_parts, &collateral_values, &parts, &pnls}) v->clear();
        futures.clear();
    }
};

/// A dated future's P&L when the spot-driven part of its forward moves by `shock`:
/// floor(futures x floor(forward_variable x (shock - 1))); 0 without futures.
template <class L>
typename L::num futures_pnl(L& l, const prepared<L>& pr, const expiry& e, const typename L::num& shock) {
    if (e.futures.raw().is_zero()) return {};
    return l.mulf(l.of(e.futures), l.mulf(l.of(e.forward_variable), l.sub(shock, pr.one)));
}

/// Fills pr (reset first) for portfolio p, whose contract values are in g, under prm. The
/// raw lane fails (l.ok() false) when anything does not fit 128 bits.
/// Flattened: the lane's arithmetic is inlined (the attribute is on this declaration too, so
/// that the explicit instantiations below carry it).
template <class L>
[[gnu::flatten]] void prepare(L& l, const gathered& g, const portfolio& p, const params& prm, prepared<L>& pr);

extern template void prepare<raw_lane>(raw_lane&, const gathered&, const portfolio&, const params&, prepared<raw_lane>&);
extern template void prepare<wad_lane>(wad_lane&, const gathered&, const portfolio&, const params&, prepared<wad_lane>&);

}  // namespace margin::scenario::internal
