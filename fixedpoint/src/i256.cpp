#include "fixedpoint/i256.hpp"

#include "fixedpoint/wide.hpp"

namespace fp {
namespace {

using detail::big256;
using detail::big512;

const big512& pow2_255() {
    static const big512 v = big512(1) << 255;
    return v;
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

std::string I256::to_string() const { return v_.str(); }

}  // namespace fp
