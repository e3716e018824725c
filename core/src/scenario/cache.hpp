// The contract-value cache (internal side of scenario::value_cache). Accounts that
// see one market snapshot and one parameter set share their contracts' per-unit
// values (the SPAN risk-array idea): each expiry's state and each (strike, call, vol)
// contract's values at every column are computed on first use and kept, keyed by the
// exact integers that determine them, with the error (if any) they produced. A hit
// returns what a miss would compute, so the cache changes speed, never bits.
// value_cache::impl is defined in cache.cpp; the rest of the engine reaches it only
// through the functions below (and cache_access, the friend the public header names).
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/pricing.hpp"
#include "core/scenario.hpp"
#include "fixedpoint/i256.hpp"
#include "scenario/contracts.hpp"
#include "scenario/lanes.hpp"
#include "scenario/terms.hpp"
#include "wad_ops.hpp"

namespace margin::scenario::internal {

/// What identifies an expiry's state: seconds, forward fixed part, variable part, rate.
using expiry_key = std::tuple<std::int64_t, fp::I256, fp::I256, fp::I256>;
/// What identifies a contract within its expiry: strike, call, vol.
using contract_key = std::tuple<fp::I256, bool, fp::I256>;

/// A hash of a cache key or its reference form (FNV-1a over the integers' limbs, the same for
/// both): a keeper looks up every leg of every account, and a hash table does that in a
/// fraction of an ordered map's time.
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

/// Key equality across a key and its reference form (tuples compare element by element).
struct key_eq {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
        return a == b;
    }
};

/// One expiry's cache entry: its state (and the error computing it produced), its factors
/// on the 128-bit lane, and its contracts' values (each with the error pricing it produced).
struct per_expiry {
    expiry_state state;
    fp::errc error = fp::errc::ok;
    bool raw_fits = false;  ///< raw_factors hold the state's factors (they fit 128 bits)
    expiry_factors<raw_lane> raw_factors;
    std::unordered_map<contract_key, std::pair<contract_values, fp::errc>, key_hash, key_eq> contracts;
};

/// The parameters' scenario rows for the 128-bit lane, with the perp units at one perp
/// price (the snapshot's): built on first use, rebuilt when an account's price differs.
struct rows_entry {
    bool ready = false, fits = false, perp_ready = false, perp_fits = false;
    fp::I256 perp_price;
    std::vector<scenario_row<raw_lane>> rows;
    param_terms<raw_lane> terms;  ///< built with the rows; `fits` covers both
};

/// What identifies an option's mark quote (value_position): seconds to expiry, forward,
/// discount factor, strike, call, and its vol source: the mark vol if given (flag set), else
/// the expiry's SVI parameters (a, b, rho, m, sigma).
using quote_key =
    std::tuple<std::int64_t, fp::I256, fp::I256, fp::I256, bool, bool, fp::I256, fp::I256, fp::I256, fp::I256, fp::I256, fp::I256>;

/// A cached mark quote: the quote, or the error pricing it gave (SVI_NON_POSITIVE_VARIANCE
/// when `svi_domain`, else ARITHMETIC_OVERFLOW), exactly as an uncached pricing gives it.
struct quote_entry {
    bool priced = false;  ///< false until the first lookup fills it
    bool svi_domain = false;
    fp::result<option_quote> quote = fp::result<option_quote>::failure(fp::errc::domain);
    /// A surface-priced quote's unit value at its reported vol (the chain prices the leg at
    /// that vol; value_position): filled on first use, kept so that a hit skips a second lookup.
    bool at_vol_priced = false;
    fp::result<Wad> at_vol_unit = fp::result<Wad>::failure(fp::errc::domain);
};

/// The cache's slot for `key` (default, priced == false, on first use).
quote_entry& cached_quote(value_cache& cache, const quote_key& key);

/// The friend named by value_cache (core/scenario.hpp): the engine's one way to its impl.
struct cache_access {
    static value_cache::impl& of(value_cache& cache) noexcept;
};

/// The cache's entry for expiry e, its state computed on first use; an error in it goes to c
/// (on every use, as an uncached evaluation would report it).
per_expiry& cached_expiry(value_cache& cache, calc& c, const expiry& e, const params& prm);

/// The values of each leg of expiry e, whose cache entry is pe, appended to `out` in leg
/// order; each contract priced on first use. An error in them goes to c (on every use).
void cached_values(value_cache& cache, per_expiry& pe, calc& c, const expiry& e, const params& prm,
                   std::vector<const contract_values*>& out);

/// The cache's 128-bit scenario rows and parameter terms for prm, with the perp units at
/// p's perp price when p holds perps (rebuilt if the cached price differs).
const rows_entry& cached_rows(value_cache& cache, const portfolio& p, const params& prm);

}  // namespace margin::scenario::internal
