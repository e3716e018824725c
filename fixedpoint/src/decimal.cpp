// Exact decimal text <-> Wad / I256. Locale-free (std::to_chars, hand parsing).
#include <charconv>
#include <string_view>

#include "fixedpoint/wad.hpp"
#include "fixedpoint/wide.hpp"

namespace fp {
namespace {

using detail::big512;

constexpr int max_fraction_digits = 18;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

struct scanned {
    bool negative = false;
    std::string_view int_digits;
    std::string_view frac_digits;
};

// Syntax: -?[0-9]+(\.[0-9]+)?  (the fraction only when allowed).
errc scan(std::string_view s, bool allow_fraction, scanned& out) noexcept {
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') {
        out.negative = true;
        ++i;
    }
    const std::size_t int_begin = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == int_begin) return errc::parse_syntax;
    out.int_digits = s.substr(int_begin, i - int_begin);
    if (i == s.size()) return errc::ok;
    if (!allow_fraction || s[i] != '.') return errc::parse_syntax;
    const std::size_t frac_begin = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == frac_begin || i != s.size()) return errc::parse_syntax;
    out.frac_digits = s.substr(frac_begin, i - frac_begin);
    return out.frac_digits.size() > max_fraction_digits ? errc::parse_precision : errc::ok;
}

// The integer written by `digits` followed by `zeros` zeros, as a signed raw
// value; parse_range when outside int256.
result<I256> accumulate(bool negative, std::string_view int_digits, std::string_view frac_digits, int zeros) noexcept {
    // Leading zeros never change the value; strip them so the length test below is meaningful.
    while (int_digits.size() > 1 && int_digits.front() == '0') int_digits.remove_prefix(1);
    // Digit count in a fixed-width type (size_t is 32-bit on wasm32).
    const std::int64_t total = static_cast<std::int64_t>(int_digits.size()) + static_cast<std::int64_t>(frac_digits.size()) + zeros;
    if (total <= 38) {  // < 10^38 < 2^127: fits i128 either sign
        u128 v = 0;
        for (char c : int_digits) v = v * 10 + static_cast<unsigned>(c - '0');
        for (char c : frac_digits) v = v * 10 + static_cast<unsigned>(c - '0');
        for (int k = 0; k < zeros; ++k) v *= 10;
        const i128 sv = static_cast<i128>(v);
        return {I256::from_i128(negative ? -sv : sv), errc::ok};
    }
    if (total > 80) return result<I256>::failure(errc::parse_range);  // >= 10^79 > 2^256, unless leading zeros (stripped)
    big512 v = 0;
    for (char c : int_digits) v = v * 10 + (c - '0');
    for (char c : frac_digits) v = v * 10 + (c - '0');
    for (int k = 0; k < zeros; ++k) v *= 10;
    auto r = I256::from_big(negative ? big512(-v) : v);
    if (!r.ok()) return result<I256>::failure(errc::parse_range);
    return r;
}

void append_u64(std::string& out, std::uint64_t v, int min_width) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    const int n = static_cast<int>(res.ptr - buf);
    if (n < min_width) out.append(static_cast<std::size_t>(min_width - n), '0');
    out.append(buf, res.ptr);
}

}  // namespace

result<I256> I256::parse(std::string_view s) noexcept {
    scanned sc;
    if (const errc e = scan(s, false, sc); e != errc::ok) return result<I256>::failure(e);
    return accumulate(sc.negative, sc.int_digits, {}, 0);
}

result<Wad> parse(std::string_view s) noexcept {
    scanned sc;
    if (const errc e = scan(s, true, sc); e != errc::ok) return result<Wad>::failure(e);
    auto r = accumulate(sc.negative, sc.int_digits, sc.frac_digits, max_fraction_digits - static_cast<int>(sc.frac_digits.size()));
    if (!r.ok()) return result<Wad>::failure(r.error);
    return {Wad::from_raw(r.value), errc::ok};
}

std::string format(const Wad& x) {
    std::string out;
    std::string int_text;
    std::uint64_t frac = 0;
    const bool negative = x.raw().is_negative();
    if (x.raw().fits_i128()) {
        const u128 m = detail::uabs(x.raw().to_i128());
        const u128 ip = m / static_cast<u128>(Wad::scale);  // < 2^68
        frac = static_cast<std::uint64_t>(m % static_cast<u128>(Wad::scale));
        constexpr std::uint64_t e19 = 10'000'000'000'000'000'000ULL;
        if (ip >> 64 == 0) {
            append_u64(int_text, static_cast<std::uint64_t>(ip), 1);
        } else {
            append_u64(int_text, static_cast<std::uint64_t>(ip / e19), 1);
            append_u64(int_text, static_cast<std::uint64_t>(ip % e19), 19);
        }
    } else {
        big512 m = big512(x.raw().big());
        if (m.sign() < 0) m = -m;
        int_text = big512(m / Wad::scale).str();
        frac = static_cast<std::uint64_t>(m % Wad::scale);
    }
    if (negative) out.push_back('-');
    out += int_text;
    if (frac != 0) {
        std::string f;
        append_u64(f, frac, max_fraction_digits);
        while (f.back() == '0') f.pop_back();
        out.push_back('.');
        out += f;
    }
    return out;
}

}  // namespace fp
