// The scenario engine's per-thread scratch (internal): the one place where buffers
// outlive an evaluation. An evaluation allocates nothing once these have grown to the
// sizes its portfolios need, which matters to a keeper evaluating thousands of
// accounts; before there was one of these, four thread_local buffers were scattered
// through the engine.
#pragma once

#include <type_traits>

#include "scenario/gather.hpp"
#include "scenario/lanes.hpp"
#include "scenario/prepare.hpp"

namespace margin::scenario::internal {

/// Reusable buffers for evaluate() and evaluate_scenario(), one per thread.
///
/// Invariants:
///  - Between evaluations it holds only capacity and stale contents: no pointer in it
///    (into a portfolio, a value_cache or itself) is read before the evaluation that reads
///    it has set it again.
///  - Results never depend on its previous contents: gather() resets `gathered` and `legs`,
///    prepare() resets the lane's `prepared`, each at its start, and those resets return
///    every field to its initial value; the one buffer not emptied, gathered::values_raw,
///    only grows, and every entry an evaluation reads it has written first. So the same
///    inputs give the same bits whatever the thread evaluated before (checked by
///    test_scenario_properties.cpp, "results do not depend on what the thread evaluated before").
///  - One evaluation at a time per workspace: evaluations call no user code, so they
///    cannot re-enter; this_thread() gives each thread its own.
struct workspace {
    gathered gather;          ///< the account's contract values (gather.hpp)
    leg_scratch legs;         ///< one expiry's dot-product buffers
    prepared<raw_lane> raw;   ///< the 128-bit lane's scenario-independent figures
    prepared<wad_lane> wide;  ///< the int256 lane's

    /// The prepared figures of lane L (raw or wide).
    template <class L>
    prepared<L>& prepared_for() noexcept {
        if constexpr (std::is_same_v<L, raw_lane>)
            return raw;
        else
            return wide;
    }

    /// This thread's workspace (constructed empty on the thread's first evaluation).
    static workspace& this_thread() noexcept {
        thread_local workspace w;
        return w;
    }
};

}  // namespace margin::scenario::internal
