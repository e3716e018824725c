// Gathering an account's contract values (gather.hpp): per expiry, its state, its legs'
// per-unit values (priced here, or from the value_cache), their dot products with the
// amounts at every column, and the legs' strike order.
#include "scenario/gather.hpp"

#include <algorithm>
#include <span>

namespace margin::scenario::internal {
namespace {

using fp::rounding;

// An expiry's values at every column: sum over legs of amount x per-unit value, rounded
// once per column (floor); by fp::fast into out_raw (split) when every input fits (true):
// the amounts as integers over a power of ten where they allow, else split at the Wad
// scale; else by fp::dot into the span wad_out() returns (`columns` entries; called only
// then). All three give the same integers. Errors of fp::dot go to c.
template <class WadOut>
bool expiry_values_of(calc& c, const expiry& e, leg_scratch& ls, std::size_t columns, std::span<fp::fast::wad_split> out_raw,
                      WadOut&& wad_out) {
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
        fp::fast::dot_floor_columns_scaled(ls.amounts_scaled.data(), decimals, ls.rows.data(), n, columns, out_raw.data(), units_bound))
        return true;
    ls.amounts_split.resize(n);
    for (std::size_t l = 0; l < n && fits; ++l) fits = fp::fast::split(ls.amounts_raw[l], ls.amounts_split[l]);
    if (fits && fp::fast::dot_floor_columns(ls.amounts_split.data(), ls.rows.data(), n, columns, out_raw.data())) return true;
    const std::span<Wad> out = wad_out();
    ls.amounts.clear();
    for (const option_leg& o : e.options) ls.amounts.push_back(o.amount);
    ls.column.resize(n);
    for (std::size_t k = 0; k < columns; ++k) {
        for (std::size_t l = 0; l < n; ++l) ls.column[l] = ls.values[l]->at[k];
        out[k] = c(fp::dot(ls.amounts, ls.column, rounding::floor));
    }
    return false;
}

}  // namespace

bool gather(const portfolio& p, const params& prm, value_cache* cache, gathered& g, leg_scratch& ls) {
    g.reset();
    ls.reset();
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
    ls.values.reserve(most_legs);
    ls.rows.reserve(most_legs);
    for (std::size_t j = 0; j < n_exp; ++j) {
        const expiry& e = p.expiries[j];
        per_expiry* pe = cache ? &cached_expiry(*cache, c, e, prm) : nullptr;
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
        }
        if (pe) {
            cached_values(*cache, *pe, c, e, prm, ls.values);  // the legs' values, in leg order
        } else {
            for (const option_leg& o : e.options) {
                g.owned_values.push_back(price_contract(c, e, *g.states.back(), o, prm));
                ls.values.push_back(&g.owned_values.back());
            }
        }
        ls.amounts_raw = amounts_fit ? g.amounts_raw.data() + first : nullptr;
        const std::size_t at = j * columns;
        const bool raw = expiry_values_of(c, e, ls, columns, std::span(g.values_raw).subspan(at, columns), [&g, at, columns] {
            if (g.values.empty()) g.values.resize(g.values_raw.size());
            return std::span(g.values).subspan(at, columns);
        });
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
    if (cache) g.raw_rows = &cached_rows(*cache, p, prm);
    return c.ok();
}

}  // namespace margin::scenario::internal
