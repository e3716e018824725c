#include "core/model.hpp"

#include "constants.hpp"

namespace margin {

const expiry_market* underlying_market::find(std::int64_t expiry) const noexcept {
    for (const expiry_market& e : expiries)
        if (e.expiry == expiry) return &e;
    return nullptr;
}

const underlying_params* standard_params::for_underlying(const std::string& symbol) const noexcept {
    auto it = underlyings.find(symbol);
    if (it == underlyings.end()) it = underlyings.find("*");
    return it == underlyings.end() ? nullptr : &it->second;
}

fp::result<Wad> depth_addon(const depth_term& t, const Wad& value, const Wad& total) noexcept {
    if (!t.depth || value.raw().sign() <= 0) return {Wad{}, fp::errc::ok};
    const auto size = fp::mul_div(t.liquidity.value_or(WAD_ONE), value, *t.depth, fp::rounding::ceil);
    if (!size.ok()) return size;
    const auto room = fp::sub(WAD_ONE, total);
    if (!room.ok()) return room;
    return {fp::min(size.value, fp::max(room.value, Wad{})), fp::errc::ok};
}

}  // namespace margin
