// The contract-value cache (cache.hpp): value_cache's impl and its lookups.
#include "scenario/cache.hpp"

#include <memory>

namespace margin::scenario {

struct value_cache::impl {
    std::unordered_map<internal::expiry_key, internal::per_expiry, internal::key_hash, internal::key_eq> expiries;
    std::size_t contracts = 0;  // contracts priced so far, over all expiries
    internal::rows_entry rows;
    std::unordered_map<internal::quote_key, internal::quote_entry, internal::key_hash, internal::key_eq> quotes;  // value_position's
};

value_cache::value_cache() : impl_(std::make_unique<impl>()) {}
value_cache::~value_cache() = default;
std::size_t value_cache::size() const noexcept { return impl_->contracts; }
void value_cache::clear() noexcept {
    impl_->expiries.clear();
    impl_->contracts = 0;
    impl_->rows = {};  // the scenario rows are the parameters': a cleared cache may serve others
    impl_->quotes.clear();
}

namespace internal {
namespace {

expiry_key key_of(const expiry& e) { return {e.seconds, e.forward_fixed.raw(), e.forward_variable.raw(), e.rate.raw()}; }

// The same keys by reference, for lookups that copy no integers (C++20 heterogeneous lookup).
std::tuple<std::int64_t, const fp::I256&, const fp::I256&, const fp::I256&> ref_of(const expiry& e) {
    return {e.seconds, e.forward_fixed.raw(), e.forward_variable.raw(), e.rate.raw()};
}
std::tuple<const fp::I256&, bool, const fp::I256&> ref_of(const option_leg& o) { return {o.strike.raw(), o.call, o.vol.raw()}; }

}  // namespace

value_cache::impl& cache_access::of(value_cache& cache) noexcept { return *cache.impl_; }

// The lookups are flattened: the hash table's find, the hash and the key comparison are
// inlined (a keeper's batch makes one lookup per leg of every account; one call per expiry).
[[gnu::flatten]] per_expiry& cached_expiry(value_cache& cache, calc& c, const expiry& e, const params& prm) {
    auto& m = cache_access::of(cache).expiries;
    auto it = m.find(ref_of(e));
    if (it == m.end()) {
        calc cc;
        per_expiry pe;
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

[[gnu::flatten]] void cached_values(value_cache& cache, per_expiry& pe, calc& c, const expiry& e, const params& prm,
                                    std::vector<const contract_values*>& out) {
    for (const option_leg& o : e.options) {
        auto it = pe.contracts.find(ref_of(o));
        if (it == pe.contracts.end()) {
            calc cc;
            contract_values v = price_contract(cc, e, pe.state, o, prm);
            it = pe.contracts.emplace(contract_key{o.strike.raw(), o.call, o.vol.raw()}, std::make_pair(std::move(v), cc.error)).first;
            ++cache_access::of(cache).contracts;
        }
        if (it->second.second != fp::errc::ok) c(fp::result<Wad>::failure(it->second.second));
        out.push_back(&it->second.first);
    }
}

quote_entry& cached_quote(value_cache& cache, const quote_key& key) { return cache_access::of(cache).quotes[key]; }

const rows_entry& cached_rows(value_cache& cache, const portfolio& p, const params& prm) {
    rows_entry& entry = cache_access::of(cache).rows;
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
    return entry;
}

}  // namespace internal
}  // namespace margin::scenario
