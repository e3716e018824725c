// The book generator (docs/cascade-books.md): a synthetic book of cross-margin accounts
// for the cascade — a strategy mix (directional perps, short puts, covered calls and risk
// reversals, delta-neutral straddles with a perp hedge, calendars or protected perps), leverage
// log-uniform in [1.5, 20], notional Pareto (alpha 1.2, capped at 1,000x the base) — drawn from
// Philox4x32-10 only (fixedpoint/philox.hpp), integer fixed point with every rounding named, so
// the same (count, seed, market) gives the same book natively and in WebAssembly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"

namespace margin::cascade {

/// The strategies, in the order of the mix table (docs/cascade.md).
enum class strategy : std::uint8_t { directional, short_put, covered, straddle, calendar };
inline constexpr std::size_t strategy_count = 5;
/// The strategy's name ("directional", "short_put", "covered", "straddle", "calendar"): the
/// first position's id starts with it.
const char* strategy_name(strategy s) noexcept;

/// The distributions (docs/cascade-books.md): every figure a Wad raw value (10^-18).
struct book_params {
    /// Cumulative mix in 10^-18 of a uniform: strategy k when u < mix[k] (the last is 1e18).
    fp::i128 mix[strategy_count] = {350'000'000'000'000'000, 550'000'000'000'000'000, 700'000'000'000'000'000, 850'000'000'000'000'000,
                                    1'000'000'000'000'000'000};
    fp::i128 leverage_min = 1'500'000'000'000'000'000;                 ///< 1.5
    fp::i128 leverage_max = fp::i128{20} * 1'000'000'000'000'000'000;  ///< 20
    fp::i128 pareto_alpha = 1'200'000'000'000'000'000;                 ///< 1.2
    std::int64_t pareto_cap = 1'000;                                   ///< the multiplier's cap (a whole number)
    std::int64_t base_notional = 10'000;                               ///< USD (the Pareto minimum)
    fp::i128 long_share = 550'000'000'000'000'000;                     ///< 0.55: the side is long when u < it
};

/// The generator's input. `market` validated (core/validate.hpp: derived forwards and times).
struct book_spec {
    std::size_t accounts = 0;              ///< 1 .. stress::max_book_accounts
    std::uint64_t seed = 0;                ///< the Philox key
    std::vector<std::string> underlyings;  ///< drawn uniformly; each in `market` with a spot, a perp mark and an SVI expiry
    bool house = false;                    ///< house mode: one underlying, and liquidator accounts appended
    book_params params;
};

/// One generated account and what was drawn for it.
struct generated_account {
    account acct;  ///< cross margin, no collateral; perps with entry = the perp mark
    strategy kind = strategy::directional;
    std::string underlying;
    bool long_side = true;
    Wad leverage;  ///< drawn, 4 decimals (floor)
    Wad notional;  ///< the first leg's |size| x spot (the account's size)
};

struct book {
    std::vector<generated_account> accounts;  ///< the book, index order
    std::vector<account> liquidators;         ///< house mode: appended to the book after the accounts (cash only)
    std::map<std::string, Wad> depth;         ///< per underlying drawn: the sum of its accounts' notional, CEIL to a whole USD (at least 1)
};

/// The Philox path of account i under the generator: (0x47454E << 32) | i ("GEN" in the high
/// word, so the generator's streams never meet the Monte Carlo's paths 0 .. 99,999).
inline constexpr std::uint64_t stream_path(std::size_t i) noexcept { return (std::uint64_t{0x47454E} << 32) | i; }

/// Generates the book. Errors: BAD_COUNT /accounts (0 or over stress::max_book_accounts);
/// OUT_OF_RANGE /underlyings (none, over 64, or house mode with more than one);
/// UNKNOWN_UNDERLYING /underlyings/<i> (not in the market); NO_PERP_MARK /underlyings/<i>
/// (no perp mark); NO_VOLATILITY /underlyings/<i> (no expiry with an SVI surface);
/// ARITHMETIC_OVERFLOW /accounts/<i>.
outcome<book> generate(const book_spec& spec, const market_state& market);

}  // namespace margin::cascade
