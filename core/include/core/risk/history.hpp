// Daily price histories: the input of the statistical risk measures (docs/risk.md).
//
// One close per UTC calendar day (crypto trades every day). Rows come dated; a series
// holds them on consecutive days, a missing day carrying the previous close forward
// (at most limits::max_history_gap_days in a row). Dates are days since 1970-01-01.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::risk {

using fp::Wad;

/// Days since 1970-01-01 of an ISO date "YYYY-MM-DD" (years 1970..9999, a real
/// calendar day); nullopt for anything else.
std::optional<std::int32_t> parse_date(std::string_view text) noexcept;
/// "YYYY-MM-DD" of a day number (0 <= day).
std::string format_date(std::int32_t day);

/// One dated close as read, with where it came from (for error messages).
struct observation {
    std::int32_t day = 0;
    Wad close;
    std::int64_t line = 0;  ///< 1-based line of a CSV text, or index of a JSON row
};

/// Closes on consecutive calendar days from first_day.
struct series {
    std::int32_t first_day = 0;
    std::vector<Wad> closes;  ///< closes[i] is the close of first_day + i
    std::int32_t filled = 0;  ///< days carried forward from the previous close

    std::int32_t last_day() const noexcept { return first_day + static_cast<std::int32_t>(closes.size()) - 1; }
    /// The close of `day`. Precondition: first_day <= day <= last_day().
    const Wad& at(std::int32_t day) const noexcept { return closes[static_cast<std::size_t>(day - first_day)]; }
};

/// Price histories by symbol (the underlying or collateral asset's symbol).
using history = std::map<std::string, series>;

/// Builds a series from rows. Checks, in row order: dates strictly ascending
/// (HISTORY_ORDER: unsorted or duplicate), 0 < close <= limits::max_price (NOT_POSITIVE,
/// OUT_OF_RANGE), at most limits::max_history_gap_days missing days in a row (HISTORY_GAP),
/// at most limits::max_history_days days in all (OUT_OF_RANGE). The error path is
/// `path` + "/" + row index; the message names `origin` (a file name) and the line.
outcome<series> make_series(std::span<const observation> rows, const std::string& path, std::string_view origin);

}  // namespace margin::risk
