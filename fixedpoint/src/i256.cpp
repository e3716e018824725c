#include "fixedpoint/i256.hpp"

#include "wide.hpp"

namespace fp {
namespace {

using detail::big256;
using detail::big512;

const big512& pow2_255() {
    static const big512 v = big512(1) << 255;
    return v;
}

// Magnitude of a Boost value as u128 when it has at most 128 bits.
bool magnitude_u128(const big256& v, u128& out) noexcept {
    const auto& b = v.backend();
    constexpr unsigned limb_bits = sizeof(boost::multiprecision::limb_type) * 8;
    if (b.size() > 128 / limb_bits) return false;
    u128 m = 0;
    for (unsigned i = 0; i < b.size(); ++i) m |= u128{b.limbs()[i]} << (i * limb_bits);
    out = m;
    return true;
}

}  // namespace

result<I256> I256::from_big(const big512& v) noexcept {
    if (v >= pow2_255() || v < -pow2_255()) return result<I256>::failure(errc::overflow);
    return {I256(big256(v)), errc::ok};
}

result<I256> I256::from_big(const big256& v) noexcept {
    static const big256 lo(-pow2_255()), hi(pow2_255() - 1);
    if (v < lo || v > hi) return result<I256>::failure(errc::overflow);
    return {I256(v), errc::ok};
}

I256 I256::max() noexcept {
    static const I256 v(big256(pow2_255() - 1));
    return v;
}

I256 I256::min() noexcept {
    static const I256 v(big256(-pow2_255()));
    return v;
}

bool I256::fits_i128() const noexcept {
    u128 m = 0;
    if (!magnitude_u128(v_, m)) return false;
    constexpr u128 top = u128{1} << 127;
    return m < top || (m == top && v_.sign() < 0);
}

i128 I256::to_i128() const noexcept {
    u128 m = 0;
    magnitude_u128(v_, m);
    return v_.sign() < 0 ? static_cast<i128>(u128{0} - m) : static_cast<i128>(m);
}

std::string I256::to_string() const { return v_.str(); }

}  // namespace fp
