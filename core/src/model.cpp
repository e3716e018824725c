#include "core/model.hpp"

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

}  // namespace margin
