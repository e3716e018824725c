// Small helpers for chains of checked fixed-point operations in core/ (internal).
#pragma once

#include "fixedpoint/wad.hpp"

namespace margin {

/// The Wad whose raw value is v (v in wei, or any exact integer used as a factor).
inline fp::Wad raw_i128(fp::i128 v) noexcept { return fp::Wad::from_raw(fp::I256::from_i128(v)); }

/// Collects the first error of a chain of fp operations: `c(op(...))` yields the
/// value (zero after an error) and remembers the first failure, so a formula reads
/// as a formula and is checked once at its end.
struct calc {
    fp::errc error = fp::errc::ok;

    fp::Wad operator()(const fp::result<fp::Wad>& r) noexcept {
        if (!r.ok() && error == fp::errc::ok) error = r.error;
        return r.ok() ? r.value : fp::Wad{};
    }
    bool ok() const noexcept { return error == fp::errc::ok; }
};

struct greeks;
/// sum += g, component by component (errors collected in c).
void add_greeks_into(calc& c, greeks& sum, const greeks& g);

}  // namespace margin
