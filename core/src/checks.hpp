// The checks validation is made of: each records the first failure with its code, the
// JSON pointer of the field (RFC 6901) and a message, and returns false when violated.
// Internal to core/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "core/limits.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::checks {

using fp::Wad;

using margin::child;

class checker : public first_error {
public:
    bool positive(const Wad& v, const std::string& path) {
        return v.raw().sign() > 0 || fail(error_code::NOT_POSITIVE, path, "must be > 0, got " + fp::format(v));
    }
    bool non_negative(const Wad& v, const std::string& path) {
        return v.raw().sign() >= 0 || fail(error_code::NEGATIVE, path, "must be >= 0, got " + fp::format(v));
    }
    bool at_most(const Wad& v, const Wad& bound, const std::string& path) {
        return v <= bound || fail(error_code::OUT_OF_RANGE, path, "must be <= " + fp::format(bound) + ", got " + fp::format(v));
    }
    bool at_least(const Wad& v, const Wad& bound, const std::string& path) {
        return v >= bound || fail(error_code::OUT_OF_RANGE, path, "must be >= " + fp::format(bound) + ", got " + fp::format(v));
    }
    bool abs_at_most(const Wad& v, const Wad& bound, const std::string& path) {
        const Wad neg_bound = fp::neg(bound).value;
        return (v <= bound && v >= neg_bound) ||
               fail(error_code::OUT_OF_RANGE, path, "must be within +-" + fp::format(bound) + ", got " + fp::format(v));
    }
    /// A count of members or elements within its cap (core/limits.hpp), at the container's path.
    bool count_at_most(std::size_t n, std::size_t cap, const std::string& path, const char* what) {
        return n <= cap || fail(error_code::OUT_OF_RANGE, path, "at most " + std::to_string(cap) + " " + what);
    }
    /// A price: > 0 and <= 1e15.
    bool price(const Wad& v, const std::string& path) { return positive(v, path) && at_most(v, limits::max_price, path); }
    /// A fraction: in [0, 1].
    bool fraction(const Wad& v, const std::string& path) { return non_negative(v, path) && at_most(v, Wad::from_int(1), path); }
    /// A Unix time (or a count of seconds) from 1 to 10^11, as the JSON layer reads them.
    bool seconds(std::int64_t v, const std::string& path) {
        return (v > 0 && v <= limits::max_timestamp) ||
               fail(error_code::BAD_INTEGER, path,
                    "\"" + std::to_string(v) + "\" is not a Unix time in seconds: expected [1-9][0-9]* up to 100000000000");
    }
    /// 1-32 characters of A-Z a-z 0-9 _ - . ("*" too where allowed: the standard parameters' default).
    bool symbol(const std::string& s, const std::string& path, bool allow_star) {
        bool good = !s.empty() && s.size() <= limits::max_symbol_length;
        for (char ch : s)
            good = good && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
                            ch == '.');
        if (allow_star && s == "*") good = true;
        return good || fail(error_code::BAD_SYMBOL, path, "\"" + s + "\" is not a symbol: 1-32 characters of A-Z a-z 0-9 _ - .");
    }
};

}  // namespace margin::checks
