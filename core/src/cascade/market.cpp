// Market mode's step (docs/cascade.md §Rules): every liquidatable account, in book order, is
// unwound into the market by the house's fraction and reward on its own model's (equity, MM):
// linear positions trunc(f x size), options closed at model value with trunc(f x delta) as flow.
// The flows are netted per underlying, the impact model moves the market once, and every
// liquidation of the step executes at the new market: the market counterparty pays each closed
// part's value (floor), the reward goes to the insurance fund. A closed-out account's negative
// cash: the fund, then the loss rule.
#include <map>

#include "core/cascade/paths.hpp"
#include "core/validate.hpp"
#include "internal.hpp"
#include "wad_ops.hpp"

namespace margin::cascade::detail {

namespace {
constexpr auto FLOOR = fp::rounding::floor;
constexpr auto CEIL = fp::rounding::ceil;
error overflow() { return error{error_code::ARITHMETIC_OVERFLOW, "", "cascade: overflow in a market-mode step"}; }

}  // namespace

outcome<step_record> market_step(state& s, const input& in, market_state& m, const std::vector<account_result>& before,
                                 const std::vector<std::size_t>& candidates) {
    using R = outcome<step_record>;
    calc c;
    step_record rec;
    std::map<std::string, Wad> flow;
    std::vector<terms> tm(candidates.size());
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        const auto& ar = before[candidates[k]];
        auto t = fraction_and_reward(ar.equity, ar.maintenance_margin, in.rule);
        if (!t.ok()) return R::failure(*t.err);
        tm[k] = t.value;
        const bool whole = t.value.fraction == one();
        const auto& ps = s.reqs[candidates[k]].acct.positions;
        for (std::size_t p = 0; p < ps.size(); ++p) {
            const Wad units = ps[p].type == instrument_type::option ? ar.positions[p].position_greeks.delta : ps[p].size;
            const Wad q = whole ? units : c(fp::mul(units, t.value.fraction, fp::rounding::toward_zero));
            flow[ps[p].underlying] = c(fp::sub(flow[ps[p].underlying], q));  // closing a long sells
        }
    }
    // the impact, once per underlying; the market moved by the ratio of the marks
    const market_state was = m;
    std::map<std::string, impact_result> imp;
    for (auto& [sym, u] : m.underlyings) {
        const Wad mark = mark_of(u);
        const auto l = in.liquidity.find(sym);
        const Wad f = flow.count(sym) ? flow[sym] : Wad{};
        impact_result r;
        r.new_mark = r.execution = mark;
        if (l != in.liquidity.end()) {
            auto x = apply_impact(l->second, mark, f);
            if (!x.ok()) return R::failure(*x.err);
            r = x.value;
        }
        imp[sym] = r;
        if (auto e = move_mark(m, sym, r.new_mark)) return R::failure(*e);
        underlying_step us;
        us.symbol = sym;
        us.price = r.new_mark;
        us.price_no_feedback = r.new_mark;  // run() sets the path's
        us.flow = f;
        us.impact = r.impact;
        us.execution = r.execution;
        us.exhausted = r.exhausted;
        rec.underlyings.push_back(us);
    }
    if (!c.ok()) return R::failure(overflow());
    {
        auto v = validated_market(m, "/path/0", "cascade: the impacted market: ");
        if (!v.ok()) return R::failure(*v.err);
        m = std::move(v.value);
    }
    for (auto& r : s.reqs) r.market = m;
    std::map<std::uint32_t, scenario::value_cache> caches;
    std::vector<char> liquidated(s.reqs.size(), 0);
    for (std::size_t i : candidates) liquidated[i] = 1;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        const std::size_t i = candidates[k];
        auto at = evaluate_one(s, i, &caches[in.groups.empty() ? 0 : in.groups[i]]);
        if (!at.ok()) return R::failure(*at.err);
        const Wad f = tm[k].fraction;
        const bool whole = f == one();
        liquidation_record lr;
        lr.account = i;
        lr.equity = before[i].equity;
        lr.maintenance = before[i].maintenance_margin;
        lr.fraction = f;
        lr.reward = tm[k].reward;
        if (!before[i].underlyings.empty()) lr.scenario = before[i].underlyings.front().worst_scenario;
        auto& ps = s.reqs[i].acct.positions;
        std::vector<position> kept;
        Wad proceeds;
        for (std::size_t p = 0; p < ps.size(); ++p) {
            const auto& pr = at.value.positions[p];
            const Wad q = whole ? ps[p].size : c(fp::mul(ps[p].size, f, fp::rounding::toward_zero));
            if (!q.raw().is_zero()) {
                proceeds = c(fp::add(proceeds, c(fp::mul_div(pr.value, q, ps[p].size, FLOOR))));
                const auto& ir = imp[ps[p].underlying];
                if (ps[p].type != instrument_type::option && ir.execution != ir.new_mark)  // levels: the VWAP, not the last level
                    proceeds = c(fp::add(proceeds, c(fp::mul(q, c(fp::sub(ir.execution, ir.new_mark)), FLOOR))));
                lr.notional = c(fp::add(lr.notional, c(fp::mul_div(pr.notional, q, ps[p].size, CEIL))));
            }
            position left = ps[p];
            left.size = c(fp::sub(ps[p].size, q));
            if (!left.size.raw().is_zero()) kept.push_back(left);
        }
        ps = std::move(kept);
        lr.payment = c(fp::sub(proceeds, lr.reward));
        s.counterparty = c(fp::sub(s.counterparty, proceeds));
        s.h.insurance_fund = c(fp::add(s.h.insurance_fund, lr.reward));
        if (!c.ok()) return R::failure(overflow());
        if (auto e = set_cash(s.h, s.cash[i], c(fp::add(s.cash[i].cash, lr.payment)))) return R::failure(*e);
        if (whole && s.cash[i].cash.raw().sign() < 0) {
            if (in.loss == loss_rule::none) {
                auto cv = cover_shortfall(s.h, s.cash[i]);
                if (!cv.ok()) return R::failure(*cv.err);
                lr.shortfall = cv.value.shortfall;
                lr.insurance = cv.value.insurance;
                lr.socialised = cv.value.socialised;
            } else {
                lr.shortfall = c(fp::neg(s.cash[i].cash));
                lr.insurance = s.h.insurance_fund < lr.shortfall ? fp::max(s.h.insurance_fund, Wad{}) : lr.shortfall;
                s.h.insurance_fund = c(fp::sub(s.h.insurance_fund, lr.insurance));
                if (auto e = set_cash(s.h, s.cash[i], Wad{})) return R::failure(*e);
                Wad left;
                const Wad rest = c(fp::sub(lr.shortfall, lr.insurance));
                if (rest.raw().sign() > 0) {
                    auto a = deleverage(s, in, m, before, liquidated, rest, left);
                    if (!a.ok()) return R::failure(*a.err);
                    lr.adl = std::move(a.value);
                }
                lr.socialised = left;  // no one covered it: the house's debt
                s.h.socialised_loss = c(fp::add(s.h.socialised_loss, left));
            }
            rec.bad_debt = c(fp::add(rec.bad_debt, lr.socialised));
        }
        if (!c.ok()) return R::failure(overflow());
        rec.liquidations.push_back(std::move(lr));
    }
    return R{std::move(rec), std::nullopt};
}

}  // namespace margin::cascade::detail
