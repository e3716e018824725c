// MarginAccounts._liquidate mirrored (MarginAccounts.sol:325-366), with the position moves of
// HouseState.sol (_perpSettle :266-270, _perpTrade :272-279, _addOption :244-263,
// _transferPositions :282-298). See core/cascade/house_rule.hpp.
#include <algorithm>

#include "core/cascade/house_rule.hpp"
#include "wad_ops.hpp"

namespace margin::cascade {

namespace {

constexpr auto FLOOR = fp::rounding::floor;
constexpr auto CEIL = fp::rounding::ceil;
constexpr auto TOWARD_ZERO = fp::rounding::toward_zero;

error overflow(const char* where) { return error{error_code::ARITHMETIC_OVERFLOW, "", std::string("cascade: overflow in ") + where}; }

/// MAX_SIZE = 1e30 raw (1e12 units).
Wad max_size() { return Wad::from_int(1'000'000'000'000); }

bool same_series(const position& a, const position& b) {
    return a.type == instrument_type::option && b.type == instrument_type::option && a.underlying == b.underlying && a.expiry == b.expiry &&
           a.kind == b.kind && a.strike == b.strike && a.contract_size == b.contract_size;
}

std::size_t legs(const house_account& a) {
    return static_cast<std::size_t>(std::count_if(a.positions.begin(), a.positions.end(), [](const position& p) {
        return p.type == instrument_type::option && !p.size.raw().is_zero();
    }));
}

position* find_perp(house_account& a) {
    for (auto& p : a.positions)
        if (p.type == instrument_type::perp) return &p;
    return nullptr;
}

enum class step_result { ok, reverted, overflow };

/// _addOption(account, series of `like`, delta): size bound, then the legs cap when a series opens;
/// a series that closes leaves the list.
step_result add_option(house_account& a, const position& like, const Wad& delta) {
    auto it = std::find_if(a.positions.begin(), a.positions.end(), [&](const position& p) { return same_series(p, like); });
    const Wad before = it == a.positions.end() ? Wad{} : it->size;
    const auto next = fp::add(before, delta);  // FixedPoint.add(before, delta)
    if (!next.ok()) return step_result::overflow;
    if (next.value > max_size() || next.value < fp::neg(max_size()).value) return step_result::reverted;  // InvalidParameter("size")
    if (before.raw().is_zero() && !next.value.raw().is_zero()) {
        if (legs(a) >= house_max_legs) return step_result::reverted;  // InvalidParameter("legs")
        position p = like;
        p.size = next.value;
        p.id.clear();
        p.isolated_margin.reset();
        a.positions.push_back(p);  // a.held.push(id)
    } else if (!before.raw().is_zero() && next.value.raw().is_zero()) {
        a.positions.erase(it);  // removed from held
    } else {
        it->size = next.value;
    }
    return step_result::ok;
}

/// _perpSettle(account, price): cash += floor(size (price - entry)) when size != 0; entry = price.
std::optional<error> perp_settle(house_ledger& h, house_account& a, const Wad& price) {
    position* p = find_perp(a);
    if (!p) return std::nullopt;  // perpSize == 0: only the entry changes, and no position carries it
    calc c;
    if (!p->size.raw().is_zero()) {
        const Wad entry = p->entry_price.value_or(price);
        const Wad cash = c(fp::add(a.cash.cash, c(fp::mul(p->size, c(fp::sub(price, entry)), FLOOR))));
        if (!c.ok()) return overflow("_perpSettle");
        if (auto e = set_cash(h, a.cash, cash)) return e;
    }
    p->entry_price = price;
    return std::nullopt;
}

/// _perpTrade(account, delta, price): settle, then size += delta (bounded by MAX_SIZE).
step_result perp_trade(house_ledger& h, house_account& a, const Wad& delta, const Wad& price, std::optional<error>& err) {
    if ((err = perp_settle(h, a, price))) return step_result::overflow;
    position* p = find_perp(a);
    const Wad before = p ? p->size : Wad{};
    const auto next = fp::add(before, delta);
    if (!next.ok()) return step_result::overflow;
    if (next.value > max_size() || next.value < fp::neg(max_size()).value) return step_result::reverted;
    if (next.value.raw().is_zero()) {
        if (p) a.positions.erase(a.positions.begin() + (p - a.positions.data()));
    } else if (p) {
        p->size = next.value;
    } else {
        position q;
        q.type = instrument_type::perp;
        q.size = next.value;
        q.entry_price = price;
        // the underlying: the house's one (any option's, or left empty for the caller to fill)
        for (const auto& o : a.positions) q.underlying = o.underlying;
        a.positions.push_back(q);
    }
    return step_result::ok;
}

}  // namespace

outcome<terms> fraction_and_reward(const Wad& equity, const Wad& maintenance, const limits& l) {
    calc c;
    terms t;
    const Wad one_plus_buffer = c(fp::add(one(), l.buffer));                            // :335 onePlusBuffer = WAD + buffer
    t.target = c(fp::mul(one_plus_buffer, maintenance, CEIL));                          // :336 target = mul(1 + b, MM, CEIL)
    t.fraction = one();                                                                 // :337 fraction = WAD
    if (equity.raw().sign() > 0) {                                                      // :338 if (w.equity > 0)
        t.per = c(fp::mul(c(fp::sub(one_plus_buffer, l.reward)), maintenance, FLOOR));  // :341 per = mul(1 + b - r, MM, FLOOR)
        if (t.per.raw().sign() > 0)                                                     // :342 if (per > 0)
            t.fraction =
                fp::min(one(), c(fp::div(c(fp::sub(t.target, equity)), t.per, CEIL)));  // min(WAD, div(target - equity, per, CEIL))
    }
    if (t.fraction > l.max_fraction) t.fraction = l.max_fraction;                      // :344
    t.reward = c(fp::mul(c(fp::mul(l.reward, t.fraction, CEIL)), maintenance, CEIL));  // :345 mul(mul(r, f, CEIL), MM, CEIL)
    if (t.reward > equity) t.reward = equity.raw().sign() > 0 ? equity : Wad{};        // :348
    if (!c.ok()) return outcome<terms>::failure(overflow("the liquidation's fraction"));
    return outcome<terms>{t, std::nullopt};
}

outcome<house_liquidation> liquidate(house_ledger& h0, house_account& account0, house_account& liquidator0, const Wad& equity,
                                     const Wad& maintenance, const std::optional<Wad>& perp_mark, const limits& l) {
    using R = outcome<house_liquidation>;
    // a transaction: work on copies, commit at the end (a revert leaves the state as it was)
    house_ledger h = h0;
    house_account a = account0, liq = liquidator0;
    house_liquidation out;
    // :328-329 _settle(account), _settle(msg.sender): their shares of socialised losses charged
    if (auto e = set_cash(h, a.cash, a.cash.cash)) return R::failure(*e);
    if (auto e = set_cash(h, liq.cash, liq.cash.cash)) return R::failure(*e);
    auto t = fraction_and_reward(equity, maintenance, l);  // :335-348
    if (!t.ok()) return R::failure(*t.err);
    out.t = t.value;
    const Wad f = t.value.fraction;
    const bool whole = f == one();
    // :353 _perpSettle(account, market.perpMark)
    const bool has_perp = find_perp(a) != nullptr || find_perp(liq) != nullptr;
    if (has_perp && !perp_mark) return R::failure(error{error_code::NO_PERP_MARK, "", "cascade: a perp without the market's perp mark"});
    if (perp_mark)
        if (auto e = perp_settle(h, a, *perp_mark)) return R::failure(*e);
    calc c;
    out.options_value = c(fp::sub(equity, a.cash.cash));                              // :354 optionsValue = equity - a.cash
    out.payment = c(fp::sub(c(fp::mul(out.options_value, f, FLOOR)), out.t.reward));  // :355 payment = mul(ov, f, FLOOR) - reward
    if (!c.ok()) return R::failure(overflow("the payment"));
    if (l.max_payment && out.payment > *l.max_payment) {  // :356 PriceLimit
        out.price_limit = true;
        return R{out, std::nullopt};
    }
    const Wad acct_cash = c(fp::add(a.cash.cash, out.payment));
    const Wad liq_cash = c(fp::sub(liq.cash.cash, out.payment));
    if (!c.ok()) return R::failure(overflow("the payment"));
    if (auto e = set_cash(h, a.cash, acct_cash)) return R::failure(*e);   // :357
    if (auto e = set_cash(h, liq.cash, liq_cash)) return R::failure(*e);  // :358 (after the account's: liq's claim unchanged by it)
    // :359 _transferPositions(account, msg.sender, fraction): options in held order, then the perp
    const std::vector<position> held = a.positions;  // a copy: _addOption edits the list
    for (const auto& p : held) {
        if (p.type != instrument_type::option) continue;
        const Wad q = whole ? p.size : c(fp::mul(p.size, f, TOWARD_ZERO));  // trunc(amount f), all at f = 1
        if (!c.ok()) return R::failure(overflow("_transferPositions"));
        if (q.raw().is_zero()) continue;
        const auto r1 = add_option(a, p, c(fp::neg(q)));
        const auto r2 = r1 == step_result::ok ? add_option(liq, p, q) : r1;
        if (r2 == step_result::overflow || !c.ok()) return R::failure(overflow("_addOption"));
        if (r2 == step_result::reverted) {
            out.legs = true;
            return R{out, std::nullopt};
        }
    }
    if (const position* pp = find_perp(a)) {
        const Wad perp = pp->size;
        const Wad qp = whole ? perp : c(fp::mul(perp, f, TOWARD_ZERO));
        const std::string underlying = pp->underlying;
        if (!c.ok()) return R::failure(overflow("_transferPositions"));
        if (!qp.raw().is_zero()) {
            std::optional<error> err;
            auto r1 = perp_trade(h, a, c(fp::neg(qp)), *perp_mark, err);
            auto r2 = r1 == step_result::ok ? perp_trade(h, liq, qp, *perp_mark, err) : r1;
            if (r2 == step_result::overflow) return R::failure(err ? *err : overflow("_perpTrade"));
            if (r2 == step_result::reverted) {
                out.legs = true;
                return R{out, std::nullopt};
            }
            if (position* lp = find_perp(liq)) lp->underlying = underlying;
        }
    }
    // :362 if (fraction == WAD && a.cash < 0) shortfall = _coverShortfall(account)
    if (whole && a.cash.cash.raw().sign() < 0) {
        auto cv = cover_shortfall(h, a.cash);
        if (!cv.ok()) return R::failure(*cv.err);
        out.covered = cv.value;
        out.shortfall = cv.value.shortfall;
    }
    h0 = h;
    account0 = std::move(a);
    liquidator0 = std::move(liq);
    return R{out, std::nullopt};
}

}  // namespace margin::cascade
