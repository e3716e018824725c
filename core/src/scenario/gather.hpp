// Gathering an account's contract values (internal): for each expiry of the portfolio,
// its state and its value at every column (now, the basis forwards, each scenario)
// before static discounting, i.e. the sum over its legs of amount x per-unit value,
// rounded once per column; and its legs in strike order for the naked-short netting.
// Everything both lanes then read, computed once per evaluation (from a value_cache
// when given one). The exact dot products make the result the same integers whichever
// kernel computed it and whether the per-unit values came from a cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/scenario.hpp"
#include "fixedpoint/fast.hpp"
#include "scenario/cache.hpp"
#include "scenario/contracts.hpp"
#include "scenario/lanes.hpp"

namespace margin::scenario::internal {

/// One evaluation's gathered figures. Lives in a workspace (workspace.hpp) and is reused:
/// gather() starts with reset(), which empties everything it reads before writing, except
/// values_raw, whose every entry that is read is written first by the same gather().
struct gathered {
    std::size_t columns = 0;
    std::vector<expiry_state> owned_states;     ///< without a cache (reserved: pointers stay valid)
    std::vector<contract_values> owned_values;  ///< without a cache (reserved)
    std::vector<const expiry_state*> states;
    std::vector<const per_expiry*> cached;        ///< per expiry: its cache entry, or null
    std::vector<char> raw;                        ///< expiry j's values are in values_raw, else in values
    std::vector<fp::fast::wad_split> values_raw;  ///< expiry j at column k, split: [j * columns + k] (kept across evaluations)
    std::vector<Wad> values;                      ///< the same, sized only when some expiry is not raw
    std::vector<std::uint32_t> by_strike;         ///< per expiry (concatenated), leg indices sorted by strike
    std::vector<char> strike_ends;                ///< the last leg of its strike, parallel to by_strike
    std::vector<fp::i128> amounts_raw;            ///< every leg's amount (concatenated), where all_raw
    std::vector<fp::i128> strike_keys;            ///< scratch: strikes as integers for sorting
    bool all_raw = true;
    const rows_entry* raw_rows = nullptr;  ///< from the cache, if any

    /// Empties it for the next evaluation, keeping the buffers' capacity.
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

/// Buffers for one expiry's dot products (reused expiry after expiry: each field is set,
/// cleared or resized for the expiry before it is read).
struct leg_scratch {
    const fp::i128* amounts_raw = nullptr;  ///< the legs' amounts as integers, when all fit
    std::vector<Wad> amounts;               ///< as Wad, for the fp::dot path only
    std::vector<std::int64_t> amounts_scaled;
    std::vector<const contract_values*> values;
    std::vector<fp::fast::wad_split> amounts_split;
    std::vector<const fp::fast::wad_split*> rows;
    std::vector<Wad> column;

    /// Empties it (capacity kept); nothing here outlives one gather().
    void reset() noexcept {
        amounts_raw = nullptr;
        amounts.clear();
        amounts_scaled.clear();
        values.clear();
        amounts_split.clear();
        rows.clear();
        column.clear();
    }
};

/// Fills g for portfolio p under prm (resetting g and ls first; ls: the dot products'
/// buffers), from and into `cache` when given. False when a state or value failed
/// (overflow, domain): the evaluation's ARITHMETIC_OVERFLOW.
bool gather(const portfolio& p, const params& prm, value_cache* cache, gathered& g, leg_scratch& ls);

/// Expiry j's value at column k, in the lane's numbers (raw_lane: prepare() checked all_raw).
inline fp::i128 value_at(raw_lane&, const gathered& g, std::size_t j, std::size_t k) {
    return fp::fast::join(g.values_raw[j * g.columns + k]);
}
inline Wad value_at(wad_lane&, const gathered& g, std::size_t j, std::size_t k) {
    return g.raw[j] ? raw_i128(fp::fast::join(g.values_raw[j * g.columns + k])) : g.values[j * g.columns + k];
}

/// Leg `index` (over the evaluation's legs) of option o: its amount in the lane's numbers.
inline fp::i128 amount_at(raw_lane&, const gathered& g, const option_leg&, std::size_t index) { return g.amounts_raw[index]; }
inline const Wad& amount_at(wad_lane&, const gathered&, const option_leg& o, std::size_t) { return o.amount; }

}  // namespace margin::scenario::internal
