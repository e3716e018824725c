// What makes two positions the same instrument: an account holds each at most once
// (validate) and a trade's legs net into the position on the same key (apply_trade).
#pragma once

#include <string>
#include <tuple>

#include "core/model.hpp"

namespace margin::detail {

/// (type, underlying, expiry unless a perp, kind and strike if an option).
using instrument_key = std::tuple<int, std::string, std::int64_t, int, fp::I256>;

inline instrument_key key_of(const position& p) {
    return {static_cast<int>(p.type), p.underlying, p.type == instrument_type::perp ? 0 : p.expiry,
            p.type == instrument_type::option ? static_cast<int>(p.kind) : 0,
            p.type == instrument_type::option ? p.strike.raw() : fp::I256{}};
}

}  // namespace margin::detail
