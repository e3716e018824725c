// Scenario sources of the risk measures (docs/risk.md §Scenarios): each scenario moves
// every priced symbol's price by a growth factor g (price' = floor(price * g)).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/risk/history.hpp"
#include "core/risk/params.hpp"

namespace margin::risk {

struct scenario_set {
    std::vector<std::string> symbols;  ///< columns, ascending
    std::vector<Wad> growth;           ///< row-major [scenario][symbol]: price multipliers g > 0
    std::vector<std::int32_t> labels;  ///< HS, FHS: the day each h-day window ends; Monte Carlo: the path index
    std::int32_t first_day = 0;        ///< HS, FHS, MC estimation: the window's first and last day
    std::int32_t last_day = 0;

    std::size_t size() const noexcept { return symbols.empty() ? 0 : growth.size() / symbols.size(); }
    const Wad& g(std::size_t scenario, std::size_t symbol) const noexcept { return growth[scenario * symbols.size() + symbol]; }
};

/// The window of `p` over the series of `symbols`: last day = p.as_of or the last day
/// they all have; first day = last - lookback + 1. Errors: NO_HISTORY (a symbol without
/// a series; path "/history/<symbol>"), HISTORY_TOO_SHORT (a series that does not
/// cover the window, its horizon and, for FHS and MC, the EWMA warm-up).
outcome<scenario_set> window(const history& h, const params& p, const std::vector<std::string>& symbols);

/// HS or FHS scenarios (p.kind), or Monte Carlo paths, for `symbols` (ascending, no
/// duplicates). Errors: those of window(), NOT_POSITIVE_DEFINITE (MC covariance),
/// ARITHMETIC_OVERFLOW. Preconditions: p validated (validate(params)).
outcome<scenario_set> make_scenarios(const history& h, const params& p, const std::vector<std::string>& symbols);

/// The EWMA covariance of daily log returns on the window's last day (after the vol
/// floor), row-major over `symbols`; the parametric method and Monte Carlo use it.
outcome<std::vector<Wad>> ewma_covariance(const history& h, const params& p, const std::vector<std::string>& symbols);

}  // namespace margin::risk
