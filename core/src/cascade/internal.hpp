// The cascade's working state and the pieces its steps share (internal to core/src/cascade/).
#pragma once

#include <thread>
#include <vector>

#include "core/cascade/cascade.hpp"
#include "core/margin.hpp"

namespace margin::cascade::detail {

/// The book as it evolves: each account's request (positions; its market set per step), its cash
/// in the loss scale, the loss ledger and the market counterparty's cash (market mode).
struct state {
    std::vector<request> reqs;
    std::vector<cash_entry> cash;
    house_ledger h;
    Wad counterparty;
};

/// part(t) for t = 0 .. threads - 1, each on its own thread (on the caller's when threads is 1).
template <class F>
void parallel(std::size_t threads, F& part) {
    if (threads == 1) return part(0);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(part, t);
    for (auto& th : pool) th.join();
}

/// The mark an underlying trades at: the perp mark, else spot.
inline const Wad& mark_of(const underlying_market& u) { return u.perp_mark ? *u.perp_mark : u.spot; }

/// Every account at market `m` (cash charged its share of losses), split over `threads`, each
/// thread with one value_cache per parameter group. Errors: compute()'s, path /accounts/<i>.
outcome<std::vector<account_result>> evaluate_all(state& s, const input& in, const market_state& m, std::size_t threads);

/// One account at the market its request holds, sharing `cache` (nullptr: none).
outcome<account_result> evaluate_one(state& s, std::size_t i, scenario::value_cache* cache);

/// The ledger's value: sum of charged cash + fund - socialisedLoss + the counterparty (+ house
/// mode: sum of floor(perp size x (mark - entry)) at `m`).
Wad ledger_value(const state& s, const input& in, const market_state& m);

/// `path_vols`' errors (cascade.hpp `run`), nullopt when they are good.
std::optional<error> check_vols(const input& in);

/// House mode: every option position of the book on a series of `vols` takes its vol as its
/// mark_vol (`vols` checked: each series once).
void apply_vols(state& s, const std::vector<series_vol>& vols);

/// One house-mode step at the state's market: liquidations of `candidates` in order.
outcome<step_record> house_step(state& s, const input& in, const market_state& m, const std::vector<account_result>& before,
                                const std::vector<std::size_t>& candidates);

/// One market-mode step: unwind, net flow, impact, executions at the new market, the deficits.
/// `m` becomes the impacted market.
outcome<step_record> market_step(state& s, const input& in, market_state& m, const std::vector<account_result>& before,
                                 const std::vector<std::size_t>& candidates);

/// Auto-deleveraging of `deficit` (ranked or pro rata) over profitable perps at `m`, skipping
/// accounts flagged in `skip`; returns the charges and adds the realised P&L and charges to the
/// ledgers. What no one covers is left in `left`.
outcome<std::vector<adl_charge>> deleverage(state& s, const input& in, const market_state& m, const std::vector<account_result>& before,
                                            const std::vector<char>& skip, const Wad& deficit, Wad& left);

/// A market the cascade moved, validated as a request's (derived forwards recomputed). An error
/// keeps its code; its path gets `path` before it and its message `what` before it.
outcome<market_state> validated_market(market_state m, const std::string& path, const std::string& what);

}  // namespace margin::cascade::detail
