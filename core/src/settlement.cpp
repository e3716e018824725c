#include "core/settlement.hpp"

namespace margin {

outcome<fp::Wad> option_settlement(const fp::Wad& amount, const fp::Wad& strike, bool call, const fp::Wad& price) {
    auto overflow = [] {
        return outcome<fp::Wad>::failure(error_code::ARITHMETIC_OVERFLOW, "/settlement", "the settlement amount exceeds the int256 range");
    };
    const auto payoff = call ? fp::sub(price, strike) : fp::sub(strike, price);
    if (!payoff.ok()) return overflow();
    if (payoff.value <= fp::Wad{}) return {fp::Wad{}, std::nullopt};
    const auto cash = fp::mul(amount, payoff.value, fp::rounding::floor);
    if (!cash.ok()) return overflow();
    return {cash.value, std::nullopt};
}

}  // namespace margin
