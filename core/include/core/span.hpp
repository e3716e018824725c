// SPAN risk-array mode: margin from exchange-supplied risk arrays (16 scenario
// losses per contract), composite deltas, intra-commodity (calendar) spread
// charges, spot-month charges, inter-commodity spread credits and the short
// option minimum (docs/span.md):
//
//     per combined commodity: risk = max(scan + intra + spot - inter credit, SOM)
//     requirement = sum of risks - NOV   (NOV: net option value, longs positive)
//
// Losses and charges round up, credits and option values down.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::span {

using fp::Wad;

inline constexpr std::size_t scenario_count = 16;

struct contract {
    std::string commodity;                       ///< combined commodity
    std::int64_t month = 0;                      ///< contract month, e.g. 202612 (calendar spreads)
    bool spot_month = false;                     ///< in delivery: the spot charge applies
    std::array<Wad, scenario_count> risk_array;  ///< loss of one long contract per scenario (gain < 0)
    Wad delta;                                   ///< composite delta per contract
    bool option = false;
    Wad option_value;  ///< premium per contract (options), for NOV and the SOM
};

struct position {
    std::size_t contract = 0;  ///< index into the contract list
    Wad quantity;              ///< signed, in contracts
};

struct commodity_params {
    std::string name;
    Wad intra_spread_charge;   ///< per calendar spread (one delta long against one short in another month)
    Wad spot_charge;           ///< per delta held in the spot month
    Wad short_option_minimum;  ///< per short option contract
};

/// Inter-commodity spread: delta_a of `a` against delta_b of `b` (opposite signs)
/// earn `credit_rate` of both legs' price risk. Applied in list order (priority).
struct inter_spread {
    std::string a, b;
    Wad delta_a, delta_b, credit_rate;
};

struct params {
    std::array<Wad, scenario_count> cover;  ///< weight per scenario (SPAN: 1 for 1-14, 0.35 for the two extremes)
    std::vector<commodity_params> commodities;
    std::vector<inter_spread> spreads;
};

/// CME's cover fractions: scenarios 1-14 in full, the two extreme moves at 35%.
params standard_params();

struct commodity_result {
    std::string name;
    Wad scan_risk;                    ///< max(0, worst covered scenario loss)
    std::int64_t scan_scenario = -1;  ///< 0-based; -1 when no scenario loses
    Wad intra_charge, spot_charge, inter_credit, short_option_minimum;
    Wad net_delta;  ///< before inter-commodity spreading
    Wad risk;       ///< max(scan + intra + spot - inter, SOM)
};

struct result {
    std::vector<commodity_result> commodities;  ///< in params order
    Wad total_risk;
    Wad net_option_value;  ///< longs positive
    Wad requirement;       ///< total_risk - NOV (negative: the long options' value exceeds the risk)
};

/// Bounds of the inputs (docs/span.md §JSON API), paths relative to the SPAN document
/// ("/contracts/3/risk_array/5"): |risk array entry|, |delta|, option value and every charge
/// at most 10^15, |quantity| at most 10^12; option values and charges >= 0 (NEGATIVE); cover
/// in [0, 1] and credit rates in [0, 1] (OUT_OF_RANGE); spread delta ratios > 0 (NOT_POSITIVE)
/// and at most 10^6; months 1 .. 999999; commodity names symbols (BAD_SYMBOL), listed once
/// (DUPLICATE_KEY); a contract's commodity and a spread's legs listed (UNKNOWN_COMMODITY),
/// a spread's legs distinct (OUT_OF_RANGE); a position's contract listed (OUT_OF_RANGE).
std::optional<error> validate(const std::vector<contract>& contracts, const std::vector<position>& positions, const params& prm);

/// Errors: UNKNOWN_COMMODITY (a contract's commodity has no params; path
/// /contracts/i), OUT_OF_RANGE (a position names no contract), ARITHMETIC_OVERFLOW.
outcome<result> requirement(const std::vector<contract>& contracts, const std::vector<position>& positions, const params& prm);

}  // namespace margin::span
