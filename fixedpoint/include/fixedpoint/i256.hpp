// I256: a signed 256-bit integer with Solidity int256 range [-2^255, 2^255-1].
//
// Stored in Boost.Multiprecision's fixed 256-bit sign-magnitude integer, whose
// own range is +-(2^256-1) and whose arithmetic wraps silently. I256 therefore
// has no arithmetic operators: every operation that can leave the range goes
// through a checked function in wad.hpp that returns an error code instead.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <compare>
#include <cstdint>
#include <string>

#include "fixedpoint/errc.hpp"

namespace fp {

__extension__ using i128 = __int128;  // GCC/Clang extension, also on wasm32
__extension__ using u128 = unsigned __int128;

/// Boost types used for the general (wide) path. 512 bits hold any product of
/// two int256 values; never exposed through the public API of I256.
namespace detail {
using big256 = boost::multiprecision::int256_t;
using big512 = boost::multiprecision::int512_t;
}  // namespace detail

class I256 {
public:
    constexpr I256() noexcept = default;
    I256(std::int64_t v) noexcept : v_(v) {}  // NOLINT(google-explicit-constructor): every int64 fits
    static I256 from_i128(i128 v) noexcept { return I256(detail::big256(v)); }

    /// Range-checked construction from a wide Boost value.
    static result<I256> from_big(const detail::big512& v) noexcept;
    /// Range-checked construction from a 256-bit Boost value (whose range is +-(2^256-1)).
    static result<I256> from_big(const detail::big256& v) noexcept;
    /// Range-checked construction from any Boost integer (e.g. an ABI integer, cpp_int).
    /// Errors: overflow outside [-2^255, 2^255 - 1].
    template <class Integer>
    static result<I256> from_integer(const Integer& v) noexcept {
        if (v < -(Integer(1) << 255) || v >= (Integer(1) << 255)) return result<I256>::failure(errc::overflow);
        return from_big(detail::big256(v));
    }

    static I256 max() noexcept;  ///< 2^255 - 1
    static I256 min() noexcept;  ///< -2^255

    bool is_zero() const noexcept { return v_.is_zero(); }
    bool is_negative() const noexcept { return v_.sign() < 0; }
    int sign() const noexcept { return v_.sign(); }

    /// True when the value fits in a signed 128-bit integer (the fast path).
    bool fits_i128() const noexcept {
        u128 m = 0;
        if (!magnitude_u128(m)) return false;
        constexpr u128 top = u128{1} << 127;
        return m < top || (m == top && v_.sign() < 0);
    }
    /// Precondition: fits_i128().
    i128 to_i128() const noexcept {
        u128 m = 0;
        magnitude_u128(m);
        return v_.sign() < 0 ? static_cast<i128>(u128{0} - m) : static_cast<i128>(m);
    }

    /// Exact decimal integer text, e.g. "-12345".
    std::string to_string() const;
    /// Parse a decimal integer "-?[0-9]+"; errors: parse_syntax, parse_range.
    static result<I256> parse(std::string_view s) noexcept;

    const detail::big256& big() const noexcept { return v_; }

    friend bool operator==(const I256& a, const I256& b) noexcept { return a.v_ == b.v_; }
    friend std::strong_ordering operator<=>(const I256& a, const I256& b) noexcept {
        return a.v_ < b.v_ ? std::strong_ordering::less : a.v_ == b.v_ ? std::strong_ordering::equal : std::strong_ordering::greater;
    }

private:
    explicit I256(const detail::big256& v) noexcept : v_(v) {}
    // The magnitude as u128 when it has at most 128 bits (inline: the fast paths call it per operand).
    bool magnitude_u128(u128& out) const noexcept {
        const auto& b = v_.backend();
        constexpr unsigned limb_bits = sizeof(boost::multiprecision::limb_type) * 8;
        if (b.size() > 128 / limb_bits) return false;
        u128 m = 0;
        for (unsigned i = 0; i < b.size(); ++i) m |= u128{b.limbs()[i]} << (i * limb_bits);
        out = m;
        return true;
    }
    detail::big256 v_{};
};

}  // namespace fp
