#include "core/risk/history.hpp"

#include "core/limits.hpp"

namespace margin::risk {
namespace {

// Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int32_t days_from_civil(std::int32_t y, std::int32_t m, std::int32_t d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int32_t era = y / 400;  // y >= 1969: no negative division
    const std::int32_t yoe = y - era * 400;
    const std::int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool leap(std::int32_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int digits(std::string_view s, std::size_t at, std::size_t n) noexcept {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace

std::optional<std::int32_t> parse_date(std::string_view s) noexcept {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
    if (y < 1970 || m < 1 || m > 12 || d < 1) return std::nullopt;
    static constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int last = month_days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
    if (d > last) return std::nullopt;
    return days_from_civil(y, m, d);
}

std::string format_date(std::int32_t z) {
    // civil_from_days
    z += 719468;
    const std::int32_t era = z / 146097;
    const std::int32_t doe = z - era * 146097;
    const std::int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int32_t mp = (5 * doy + 2) / 153;
    const std::int32_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int32_t m = mp + (mp < 10 ? 3 : -9);
    const std::int32_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char buf[11];
    buf[0] = static_cast<char>('0' + y / 1000 % 10);
    buf[1] = static_cast<char>('0' + y / 100 % 10);
    buf[2] = static_cast<char>('0' + y / 10 % 10);
    buf[3] = static_cast<char>('0' + y % 10);
    buf[4] = '-';
    buf[5] = static_cast<char>('0' + m / 10);
    buf[6] = static_cast<char>('0' + m % 10);
    buf[7] = '-';
    buf[8] = static_cast<char>('0' + d / 10);
    buf[9] = static_cast<char>('0' + d % 10);
    buf[10] = 0;
    return buf;
}

outcome<series> make_series(std::span<const observation> rows, const std::string& path, std::string_view origin) {
    auto where = [&](const observation& o) {
        return (origin.empty() ? std::string("row ") + std::to_string(o.line) : std::string(origin) + " line " + std::to_string(o.line)) +
               ": ";
    };
    if (rows.empty()) return outcome<series>::failure(error_code::HISTORY_TOO_SHORT, path, std::string(origin) + ": no rows");
    series s;
    s.first_day = rows.front().day;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const observation& o = rows[i];
        const std::string at = child(path, i);
        if (o.close.raw().sign() <= 0)
            return outcome<series>::failure(error_code::NOT_POSITIVE, at, where(o) + "close must be > 0, got " + fp::format(o.close));
        if (o.close > limits::max_price)
            return outcome<series>::failure(error_code::OUT_OF_RANGE, at, where(o) + "close must be <= 1e15, got " + fp::format(o.close));
        if (i > 0) {
            const std::int32_t prev = rows[i - 1].day;
            if (o.day <= prev)
                return outcome<series>::failure(error_code::HISTORY_ORDER, at,
                                                where(o) + format_date(o.day) +
                                                    (o.day == prev ? " repeats the previous date" : " is before ") +
                                                    (o.day == prev ? "" : format_date(prev)));
            const std::int32_t missing = o.day - prev - 1;
            if (missing > limits::max_history_gap_days)
                return outcome<series>::failure(error_code::HISTORY_GAP, at,
                                                where(o) + std::to_string(missing) + " days missing before " + format_date(o.day) +
                                                    " (at most " + std::to_string(limits::max_history_gap_days) + " in a row)");
            if (o.day - s.first_day >= limits::max_history_days)
                return outcome<series>::failure(error_code::OUT_OF_RANGE, at,
                                                where(o) + "a series spans at most " + std::to_string(limits::max_history_days) + " days");
            for (std::int32_t d = 0; d < missing; ++d) s.closes.push_back(s.closes.back());  // carried forward
            s.filled += missing;
        }
        s.closes.push_back(o.close);
    }
    return outcome<series>{std::move(s), std::nullopt};
}

}  // namespace margin::risk
