// Price impact (core/cascade/impact.hpp; docs/cascade.md §Rules, "Impact").
#include "core/cascade/impact.hpp"

#include "wad_ops.hpp"

namespace margin::cascade {

namespace {
constexpr auto FLOOR = fp::rounding::floor;
constexpr auto CEIL = fp::rounding::ceil;
error overflow() { return error{error_code::ARITHMETIC_OVERFLOW, "", "cascade: overflow in the price impact"}; }
Wad unit() { return Wad::from_int(1); }
}  // namespace

fp::result<Wad> sqrt_floor(const Wad& x) noexcept {
    auto r = fp::sqrt(x);
    if (!r.ok()) return r;
    // nearest -> floor: r^2 > x exactly iff ceil(r_raw^2 / 1e18) > x_raw
    auto sq = fp::mul(r.value, r.value, CEIL);
    if (!sq.ok()) return sq;
    if (sq.value > x) r = fp::sub(r.value, Wad::from_raw(fp::I256(1)));
    return r;
}

outcome<impact_result> apply_impact(const liquidity& l, const Wad& mark, const Wad& flow) {
    using R = outcome<impact_result>;
    calc c;
    impact_result out;
    out.new_mark = out.execution = mark;
    if (flow.raw().is_zero()) return R{out, std::nullopt};
    const bool sale = flow.raw().sign() < 0;
    const Wad units = c(fp::abs(flow));
    out.notional = c(fp::mul(units, mark, CEIL));
    const auto against = sale ? FLOOR : CEIL;
    auto moved = [&](const Wad& price, const Wad& i) {  // price (1 -/+ i), against the liquidated side
        return c(fp::mul(price, sale ? c(fp::sub(unit(), i)) : c(fp::add(unit(), i)), against));
    };
    if (l.model != impact_model::levels) {
        Wad i;
        if (l.model == impact_model::linear) {
            i = c(fp::mul_div(l.k, out.notional, l.depth, FLOOR));  // k N / depth, one rounding
        } else {
            const Wad ratio = c(fp::div(out.notional, l.depth, FLOOR));
            i = c(fp::mul(l.k, c(sqrt_floor(ratio)), FLOOR));
        }
        out.impact = fp::min(l.max_impact, i);
        out.new_mark = out.execution = moved(mark, out.impact);
        if (!c.ok()) return R::failure(overflow());
        return R{out, std::nullopt};
    }
    const auto& book = sale ? l.bids : l.asks;
    Wad left = units, cost, last = mark;
    for (const auto& lv : book) {
        if (left.raw().sign() <= 0) break;
        const Wad take = fp::min(left, lv.size);
        cost = c(fp::add(cost, c(fp::mul(take, lv.price, against))));
        left = c(fp::sub(left, take));
        last = lv.price;
    }
    if (left.raw().sign() > 0) {  // beyond the snapshot
        out.exhausted = true;
        last = moved(last, l.max_impact);
        cost = c(fp::add(cost, c(fp::mul(left, last, against))));
    }
    out.new_mark = last;
    out.execution = c(fp::div(cost, units, against));
    const Wad diff = c(fp::abs(c(fp::sub(mark, last))));
    out.impact = c(fp::div(diff, mark, FLOOR));
    if (!c.ok()) return R::failure(overflow());
    return R{out, std::nullopt};
}

}  // namespace margin::cascade
