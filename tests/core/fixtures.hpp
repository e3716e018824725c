// Shared fixtures of the core tests and the benches: exact decimal literals and
// scenario-portfolio builders, so that a case states what it is about and nothing
// else. The scenario structs' defaults are neutral (stable coin at 1, full oracle
// confidence, DF from the rate: core/scenario.hpp), so the builders set no
// confidence or peg. Header-only and free of the test framework: bench/ includes it
// too (as "../tests/core/fixtures.hpp").
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/scenario.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::fixtures {

/// The Wad written s ("-?[0-9]+(.[0-9]{1,18})?", parsed exactly). A malformed literal is a
/// bug in the fixture or the case, not an outcome: it aborts with a message.
inline fp::Wad W(std::string_view s) {
    const auto r = fp::parse(s);
    if (!r.ok()) {
        std::fprintf(stderr, "fixture: \"%.*s\" is not an exact decimal\n", static_cast<int>(s.size()), s.data());
        std::abort();
    }
    return r.value;
}

/// n days in seconds.
constexpr std::int64_t days(std::int64_t n) { return n * 86400; }

/// A one-underlying book at `spot`, its perp marked at `perp_price` (matters only once a
/// perp position is set): no cash, no positions, neutral oracles and peg.
inline scenario::portfolio book(const fp::Wad& spot, const fp::Wad& perp_price = {}) {
    scenario::portfolio p;
    p.spot = spot;
    p.perp_price = perp_price;
    return p;
}

/// A listed expiry `seconds` ahead on `forward` (all of it moving with spot), discounted at
/// the continuous `rate` (DF e^(-rate t) unless a discount is set), full confidence, no positions.
inline scenario::expiry listed_expiry(std::int64_t seconds, const fp::Wad& forward, const fp::Wad& rate = {}) {
    scenario::expiry e;
    e.seconds = seconds;
    e.forward_variable = forward;
    e.rate = rate;
    return e;
}

}  // namespace margin::fixtures
