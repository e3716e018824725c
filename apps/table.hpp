// Display forms shared by the commands that print tables for people (explain, compare): money to
// two decimals toward zero with thousands separated, percentages, padding. Tables are for reading;
// `margin compute` (and compare --json) give every amount exactly.
#pragma once

#include <string>

#include "fixedpoint/wad.hpp"

namespace table {

/// An exact decimal shown with two fractional digits (toward zero), thousands separated by ','.
inline std::string money(const fp::Wad& w) {
    std::string s = fp::format(w);
    const bool neg = !s.empty() && s[0] == '-';
    if (neg) s.erase(0, 1);
    const auto dot = s.find('.');
    std::string whole = dot == std::string::npos ? s : s.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    frac = (frac + "00").substr(0, 2);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    const bool zero = grouped == "0" && frac == "00";
    return (neg && !zero ? "-" : "") + grouped + "." + frac;
}

/// A decimal text (as the API writes amounts) shown as money(); the text itself when it does not parse.
inline std::string money(const std::string& decimal) {
    const auto w = fp::parse(decimal);
    return w.ok() ? money(w.value) : decimal;
}

/// ratio × 100 with two decimals and "%".
inline std::string percent(const fp::Wad& ratio) {
    return money(fp::mul(ratio, fp::Wad::from_int(100), fp::rounding::toward_zero).value) + "%";
}

/// Display width of UTF-8 text (code points; the tables use no wide characters).
inline std::size_t width(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

/// `s` padded with spaces to `n` columns, on the left when `right` (numbers), else on the right.
inline std::string pad(const std::string& s, std::size_t n, bool right) {
    const std::size_t w = width(s);
    if (w >= n) return s;
    return right ? std::string(n - w, ' ') + s : s + std::string(n - w, ' ');
}

}  // namespace table
