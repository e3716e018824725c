// The scenario engine's two arithmetic lanes (internal). The evaluation's formulas
// (contingencies, scenario P&L, margins) are written once, as templates over a lane:
// wad_lane runs them on Wad with the fp:: functions (errors collected), raw_lane on
// i128 with fp::fast, which gives the same integers and says when something does not
// fit. An evaluation runs on raw_lane first and, if anything did not fit, again from
// the start on wad_lane (evaluate.cpp, on_lanes), so the bits are always the Wad
// path's. tests/core/test_scenario_properties.cpp checks the two agree (wide.hpp).
#pragma once

#include "fixedpoint/fast.hpp"
#include "fixedpoint/wad.hpp"
#include "wad_ops.hpp"

namespace margin::scenario::internal {

/// int256 arithmetic: each operation is the fp:: function with the rounding in its name
/// (mulf: floor, mulc: ceiling); the first error is kept in `c` and the chain goes on with 0.
struct wad_lane {
    using num = fp::Wad;
    calc c;
    bool ok() const noexcept { return c.ok(); }
    fp::Wad of(const fp::Wad& x) const noexcept { return x; }
    static fp::Wad wad(const fp::Wad& x) noexcept { return x; }
    fp::Wad add(const fp::Wad& a, const fp::Wad& b) noexcept { return c(fp::add(a, b)); }
    fp::Wad sub(const fp::Wad& a, const fp::Wad& b) noexcept { return c(fp::sub(a, b)); }
    fp::Wad neg(const fp::Wad& a) noexcept { return c(fp::neg(a)); }
    fp::Wad abs(const fp::Wad& a) noexcept { return c(fp::abs(a)); }
    fp::Wad mulf(const fp::Wad& a, const fp::Wad& b) noexcept { return c(fp::mul(a, b, fp::rounding::floor)); }
    fp::Wad mulc(const fp::Wad& a, const fp::Wad& b) noexcept { return c(fp::mul(a, b, fp::rounding::ceil)); }
    fp::Wad factor(const fp::Wad& x) noexcept { return x; }
    fp::Wad mulf_factor(const fp::Wad& a, const fp::Wad& f) noexcept { return mulf(a, f); }
    fp::Wad mul_div_floor(const fp::Wad& a, const fp::Wad& b, const fp::Wad& d) noexcept {
        return c(fp::mul_div(a, b, d, fp::rounding::floor));
    }
};

/// 128-bit arithmetic on the raw integers (wei): the same roundings as wad_lane, and
/// `failed` once any operand or result does not fit (the caller then reruns on wad_lane).
struct raw_lane {
    using num = fp::i128;
    bool failed = false;
    bool ok() const noexcept { return !failed; }
    num of(const fp::Wad& x) noexcept {
        if (x.raw().fits_i128()) return x.raw().to_i128();
        failed = true;
        return 0;
    }
    static fp::Wad wad(num x) noexcept { return raw_i128(x); }
    num add(num a, num b) noexcept {
        num r = 0;
        failed |= __builtin_add_overflow(a, b, &r);
        return r;
    }
    num sub(num a, num b) noexcept {
        num r = 0;
        failed |= __builtin_sub_overflow(a, b, &r);
        return r;
    }
    num neg(num a) noexcept { return sub(0, a); }
    num abs(num a) noexcept { return a < 0 ? neg(a) : a; }
    num mulf(num a, num b) noexcept {
        num r = 0;
        failed |= !fp::fast::mul_floor(a, b, r);
        return r;
    }
    num mulc(num a, num b) noexcept { return neg(mulf(neg(a), b)); }  // ceil(x) = -floor(-x)
    // A factor (discount, weight) for mulf_factor and discounted_at: fails unless 0 <= x < 2^63 wei.
    num factor(const fp::Wad& x) noexcept {
        const num f = of(x);
        if (f < 0 || f >= (num{1} << 63)) failed = true;
        return f;
    }
    // mulf(a, f) for an f from factor(): no operand sorting (the scenario loop's multiply).
    num mulf_factor(num a, num f) noexcept {
        num r = 0;
        failed |= !fp::fast::mul_floor_by(a, static_cast<std::uint64_t>(f), r);
        return r;
    }
    num mul_div_floor(num a, num b, num d) noexcept {  // rare (collateral): through the Wad function
        const auto r = fp::mul_div(wad(a), wad(b), wad(d), fp::rounding::floor);
        if (r.ok()) return of(r.value);
        failed = true;
        return 0;
    }
};

/// The lesser of a and b (a when equal), in either lane's numbers.
template <class N>
N lesser(const N& a, const N& b) {
    return b < a ? b : a;
}
/// The greater of a and b (a when equal).
template <class N>
N greater(const N& a, const N& b) {
    return a < b ? b : a;
}

}  // namespace margin::scenario::internal
