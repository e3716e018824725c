// Exogenous price paths of the cascade (docs/cascade.md §Rules "Market mode over a path",
// "Replays"): moving an underlying's mark within a market, the market of a path step with the
// cascade's impact carried on top, and a path of daily markets replayed from a price history.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/risk/history.hpp"

namespace margin::cascade {

/// Moves underlying `sym` of `m` so that its mark (the perp mark, else spot) becomes `to`: spot
/// and every given forward x to / mark (floor for a fall, ceil for a rise: against the long
/// side), the perp mark set to `to` exactly. No change when `to` equals the mark. Not validated
/// (derived forwards follow when the market is validated). Errors: ARITHMETIC_OVERFLOW.
/// Precondition: `sym` is an underlying of `m` with a mark > 0.
std::optional<error> move_mark(market_state& m, const std::string& sym, const Wad& to);

/// Market mode's step s >= 1 of an exogenous path: path[s] (its timestamp, vols, rates, every
/// field) with each underlying's mark moved to floor(now x mark(path[s]) / mark(path[s - 1])),
/// `now` the mark the cascade left at step s - 1 (after its impact), then validated. Without
/// impact so far the result is path[s] itself. Errors: ARITHMETIC_OVERFLOW, validate()'s
/// (path "/path/<s>..."). Precondition: the markets share their underlyings.
outcome<market_state> exogenous_step(const market_state& now, const market_state& prev, const market_state& next, std::size_t s);

/// A replay's window in days since 1970-01-01 (from <= to), and the series each underlying
/// follows (by default its own symbol).
struct replay_window {
    std::int32_t from = 0, to = 0;
    std::map<std::string, std::string> series;  ///< underlying -> history symbol; absent: the same symbol
};

/// The path of a replay: market d (d = 0 .. to - from) is `start` with each underlying's mark
/// moved to floor(mark(start) x close(from + d) / close(from - 1)) (move_mark), validated: the
/// daily closes' relative moves scale S0. At most max_steps days. Errors (under `path`, e.g.
/// "/cascade/shock/replay"): OUT_OF_RANGE /to (to < from, or more than max_steps days);
/// NO_HISTORY /series/<SYM> or "" (an underlying without a series); HISTORY_TOO_SHORT (the series
/// does not cover from - 1 .. to); ARITHMETIC_OVERFLOW; validate()'s.
outcome<std::vector<market_state>> replay_path(const market_state& start, const risk::history& h, const replay_window& w,
                                               const std::string& path);

}  // namespace margin::cascade
