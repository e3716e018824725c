// Error codes of the number model. Part of every result: the same inputs give
// the same code natively, in WebAssembly and (as a custom error) on the EVM.
#pragma once

#include <cstdint>
#include <string_view>

namespace fp {

/// Stable error codes. The numeric values and names never change; new codes
/// are only ever appended. SPEC.md §2 lists which operation raises which.
enum class errc : std::uint8_t {
    ok = 0,
    overflow = 1,         ///< result outside int256 [-2^255, 2^255-1]
    div_by_zero = 2,      ///< divisor is zero
    domain = 3,           ///< argument outside the function's domain (ln x<=0, sqrt x<0, pow x<=0)
    parse_syntax = 4,     ///< decimal string is not of the form -?[0-9]+(.[0-9]+)?
    parse_precision = 5,  ///< decimal string has more than 18 fractional digits
    parse_range = 6,      ///< decimal string's value is outside the int256 range
};

/// The stable name of a code, e.g. "FP_OVERFLOW" (used in JSON and by the Solidity twin).
constexpr std::string_view errc_name(errc e) noexcept {
    switch (e) {
        case errc::ok: return "OK";
        case errc::overflow: return "FP_OVERFLOW";
        case errc::div_by_zero: return "FP_DIV_BY_ZERO";
        case errc::domain: return "FP_DOMAIN";
        case errc::parse_syntax: return "FP_PARSE_SYNTAX";
        case errc::parse_precision: return "FP_PARSE_PRECISION";
        case errc::parse_range: return "FP_PARSE_RANGE";
    }
    return "FP_UNKNOWN";
}

/// A value or an error code. `value` is zero-initialised when `error != ok`.
template <class T>
struct result {
    T value{};
    errc error = errc::ok;

    constexpr bool ok() const noexcept { return error == errc::ok; }
    static constexpr result failure(errc e) noexcept { return result{T{}, e}; }
};

}  // namespace fp
