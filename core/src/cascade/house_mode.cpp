// House mode's step (docs/cascade.md §Rules): the keeper's round after one oracle push. Each
// account liquidatable at the step's evaluation, in book order, is re-evaluated as the chain's
// witness would be at that moment (earlier liquidations of the step may have changed it or the
// loss scale); the liquidators are tried in list order: the first whose transaction succeeds
// (no revert, and IM held afterwards, _requireIM) takes it; none: recorded without a liquidator.
#include <map>

#include "internal.hpp"
#include "wad_ops.hpp"

namespace margin::cascade::detail {

namespace {

/// AccountBook.requireMargin with nothing to reduce: no positions -> cash >= 0; else equity >= IM.
outcome<bool> holds_im(state& s, std::size_t j, scenario::value_cache* cache) {
    if (s.reqs[j].acct.positions.empty()) return outcome<bool>{claim(s.cash[j], s.h.mark).raw().sign() >= 0, std::nullopt};
    auto r = evaluate_one(s, j, cache);
    if (!r.ok()) return outcome<bool>::failure(*r.err);
    return outcome<bool>{r.value.equity >= r.value.initial_margin, std::nullopt};
}

Wad notional_of(const account_result& a, const Wad& f) {
    calc c;
    Wad n;
    for (const auto& p : a.positions) n = c(fp::add(n, c(fp::mul(p.notional, f, fp::rounding::ceil))));
    return n;
}

std::optional<std::int64_t> witness_of(const account_result& a) {
    if (a.model != margin_model::portfolio || a.underlyings.empty()) return std::nullopt;
    return a.underlyings.front().worst_scenario;
}

}  // namespace

outcome<step_record> house_step(state& s, const input& in, const market_state& m, const std::vector<account_result>& /*before*/,
                                const std::vector<std::size_t>& candidates) {
    using R = outcome<step_record>;
    step_record rec;
    const auto& u = m.underlyings.begin()->second;  // house mode: one underlying
    const std::optional<Wad> perp_mark = u.perp_mark;
    // the chain's state changes within the step: a fresh cache per parameter group, sequential
    std::map<std::uint32_t, scenario::value_cache> caches;
    auto cache_of = [&](std::size_t i) { return &caches[in.groups.empty() ? 0 : in.groups[i]]; };
    for (std::size_t i : candidates) {
        auto w = evaluate_one(s, i, cache_of(i));  // the witness at the moment of the call
        if (!w.ok()) return R::failure(*w.err);
        if (!w.value.liquidatable) continue;  // AccountHealthy: no transaction
        liquidation_record lr;
        lr.account = i;
        lr.scenario = witness_of(w.value);
        lr.equity = w.value.equity;
        lr.maintenance = w.value.maintenance_margin;
        auto t = fraction_and_reward(lr.equity, lr.maintenance, in.rule);
        if (!t.ok()) return R::failure(*t.err);
        lr.fraction = t.value.fraction;
        lr.reward = t.value.reward;
        for (std::size_t j : in.liquidators) {
            if (j == i) continue;  // InvalidParameter("self")
            // the transaction on copies: committed only if it would not revert
            house_ledger h = s.h;
            house_account a{s.cash[i], s.reqs[i].acct.positions}, l{s.cash[j], s.reqs[j].acct.positions};
            auto x = liquidate(h, a, l, lr.equity, lr.maintenance, perp_mark, in.rule);
            if (!x.ok()) return R::failure(*x.err);
            if (x.value.price_limit || x.value.legs) continue;
            // _requireIM(liquidator) on the state after
            const house_ledger h_keep = s.h;
            const cash_entry cj = s.cash[j];
            auto pj = s.reqs[j].acct.positions;
            s.h = h;
            s.cash[j] = l.cash;
            s.reqs[j].acct.positions = l.positions;
            auto ok = holds_im(s, j, cache_of(j));
            if (!ok.ok()) return R::failure(*ok.err);
            if (!ok.value) {  // InsufficientMargin: reverted
                s.h = h_keep;
                s.cash[j] = cj;
                s.reqs[j].acct.positions = std::move(pj);
                continue;
            }
            s.cash[i] = a.cash;
            s.reqs[i].acct.positions = a.positions;
            lr.liquidator = j;
            lr.payment = x.value.payment;
            lr.shortfall = x.value.shortfall;
            lr.insurance = x.value.covered.insurance;
            lr.socialised = x.value.covered.socialised;
            lr.notional = notional_of(w.value, lr.fraction);
            calc c;
            rec.bad_debt = c(fp::add(rec.bad_debt, lr.socialised));
            break;
        }
        rec.liquidations.push_back(std::move(lr));
    }
    for (const auto& [sym, um] : m.underlyings) {
        underlying_step us;
        us.symbol = sym;
        us.price = us.price_no_feedback = us.execution = mark_of(um);
        rec.underlyings.push_back(us);
    }
    return R{std::move(rec), std::nullopt};
}

}  // namespace margin::cascade::detail
