#include "bridge/settlement.hpp"

#include "core/settlement.hpp"

namespace bridge {

margin::outcome<I256> settlement_cash(const I256& amount, const I256& strike, bool call, const I256& price) {
    using fp::Wad;
    auto c = margin::option_settlement(Wad::from_raw(amount), Wad::from_raw(strike), call, Wad::from_raw(price));
    if (!c.ok()) return margin::outcome<I256>::failure(*c.err);
    return {c.value.raw(), std::nullopt};
}

}  // namespace bridge
