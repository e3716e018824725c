// The cascade's loop (docs/cascade.md §Rules): evaluation of the book per step (split over
// threads, one value_cache per parameter group and thread), the step in its mode, the ledger's
// conservation, the totals.
#include <map>
#include <memory>

#include "core/cascade/paths.hpp"
#include "internal.hpp"
#include "wad_ops.hpp"

namespace margin::cascade {
namespace detail {

outcome<account_result> evaluate_one(state& s, std::size_t i, scenario::value_cache* cache) {
    s.reqs[i].acct.cash = claim(s.cash[i], s.h.mark);
    auto r = compute(s.reqs[i], cache);
    if (!r.ok()) r.err->path = "/accounts/" + std::to_string(i) + r.err->path;
    return r;
}

outcome<std::vector<account_result>> evaluate_all(state& s, const input& in, const market_state& m, std::size_t threads) {
    using R = outcome<std::vector<account_result>>;
    const std::size_t n = s.reqs.size();
    for (auto& r : s.reqs) r.market = m;
    std::vector<account_result> out(n);
    std::vector<std::optional<error>> errs(threads);
    auto part = [&](std::size_t t) {
        std::map<std::uint32_t, std::unique_ptr<scenario::value_cache>> caches;
        for (std::size_t i = n * t / threads; i < n * (t + 1) / threads; ++i) {
            auto& c = caches[in.groups.empty() ? 0 : in.groups[i]];
            if (!c) c = std::make_unique<scenario::value_cache>();
            auto r = evaluate_one(s, i, c.get());
            if (!r.ok()) {
                errs[t] = r.err;
                return;
            }
            out[i] = std::move(r.value);
        }
    };
    parallel(threads, part);
    for (auto& e : errs)
        if (e) return R::failure(*e);  // the first part's error: the lowest account index
    return R{std::move(out), std::nullopt};
}

Wad ledger_value(const state& s, const input& in, const market_state& m) {
    calc c;
    Wad v = c(fp::sub(c(fp::add(s.h.insurance_fund, s.counterparty)), s.h.socialised_loss));
    for (std::size_t i = 0; i < s.reqs.size(); ++i) {
        v = c(fp::add(v, claim(s.cash[i], s.h.mark)));
        if (in.mode != mode::house) continue;
        for (const auto& p : s.reqs[i].acct.positions) {
            if (p.type != instrument_type::perp) continue;
            const auto u = m.underlyings.find(p.underlying);
            if (u == m.underlyings.end() || !u->second.perp_mark) continue;
            const Wad mark = *u->second.perp_mark;
            v = c(fp::add(v, c(fp::mul(p.size, c(fp::sub(mark, p.entry_price.value_or(mark))), fp::rounding::floor))));
        }
    }
    return v;
}

}  // namespace detail

namespace {
Wad mark_or_zero(const market_state& m, const std::string& sym) {
    auto u = m.underlyings.find(sym);
    return u == m.underlyings.end() ? Wad{} : detail::mark_of(u->second);
}
}  // namespace

outcome<result> run(const input& in, std::size_t threads) {
    using R = outcome<result>;
    if (in.steps == 0 || in.steps > max_steps)
        return R::failure(error_code::BAD_COUNT, "/steps",
                          "the step cap is 1 .. " + std::to_string(max_steps) + ", got " + std::to_string(in.steps));
    if (in.accounts.empty()) return R::failure(error_code::OUT_OF_RANGE, "/accounts", "an empty book");
    if (in.path.empty()) return R::failure(error_code::OUT_OF_RANGE, "/path", "no market after the shock");
    if (in.path.size() > max_steps)
        return R::failure(error_code::OUT_OF_RANGE, "/path", "a path has 1 to " + std::to_string(max_steps) + " markets");
    if (!in.groups.empty() && in.groups.size() != in.accounts.size())
        return R::failure(error_code::OUT_OF_RANGE, "/groups", "one group per account");
    for (std::size_t j = 0; j < in.liquidators.size(); ++j)
        if (in.liquidators[j] >= in.accounts.size())
            return R::failure(error_code::OUT_OF_RANGE, "/liquidators/" + std::to_string(j), "not an index of the book");
    for (std::size_t i = 0; i < in.accounts.size(); ++i) {
        const std::string at = "/accounts/" + std::to_string(i);
        if (in.mode == mode::house && in.accounts[i].model != margin_model::portfolio)
            return R::failure(error_code::MODEL_NOT_SUPPORTED, at, "house mode: the portfolio model only");
        if (!in.accounts[i].acct.collateral.empty())
            return R::failure(error_code::MODEL_NOT_SUPPORTED, at + "/collateral",
                              "the cascade does not sell collateral (cash and positions only)");
    }
    if (in.mode == mode::house)
        for (std::size_t k = 0; k < in.path.size(); ++k)
            if (in.path[k].underlyings.size() != 1)
                return R::failure(error_code::MODEL_NOT_SUPPORTED, "/path/" + std::to_string(k), "house mode: one underlying");
    if (auto e = detail::check_vols(in)) return R::failure(*e);
    // the house's bounds (ParamBounds.checkLimits, liquidateWithin)
    if (in.rule.buffer < Wad{} || in.rule.buffer > Wad::from_int(1))
        return R::failure(error_code::OUT_OF_RANGE, "/rule/buffer", "buffer is in [0, 1], got " + fp::format(in.rule.buffer));
    if (in.rule.reward < Wad{} || in.rule.reward > fp::parse("0.5").value)
        return R::failure(error_code::OUT_OF_RANGE, "/rule/reward", "reward is in [0, 0.5], got " + fp::format(in.rule.reward));
    if (in.rule.max_fraction <= Wad{} || in.rule.max_fraction > Wad::from_int(1))
        return R::failure(error_code::OUT_OF_RANGE, "/rule/max_fraction",
                          "max_fraction is in (0, 1], got " + fp::format(in.rule.max_fraction));
    for (const auto& [sym, l] : in.liquidity) {
        const std::string at = "/liquidity/" + sym;
        const Wad one = Wad::from_int(1);
        if (l.max_impact <= Wad{} || l.max_impact >= one)
            return R::failure(error_code::OUT_OF_RANGE, at + "/max_impact", "max_impact is in (0, 1), got " + fp::format(l.max_impact));
        if (l.model != impact_model::levels && l.depth <= Wad{})
            return R::failure(error_code::OUT_OF_RANGE, at + "/depth", "depth must be > 0, got " + fp::format(l.depth));
        if (l.model != impact_model::levels && l.k < Wad{})
            return R::failure(error_code::OUT_OF_RANGE, at + "/k", "k must be >= 0, got " + fp::format(l.k));
        if (l.bids.size() > max_levels || l.asks.size() > max_levels)
            return R::failure(error_code::OUT_OF_RANGE, at + "/levels", "at most " + std::to_string(max_levels) + " levels a side");
        for (const auto* side : {&l.bids, &l.asks})
            for (std::size_t k = 0; k < side->size(); ++k) {
                const auto& lv = (*side)[k];
                const bool ordered = k == 0 || (side == &l.bids ? lv.price < (*side)[k - 1].price : lv.price > (*side)[k - 1].price);
                if (lv.price <= Wad{} || lv.size <= Wad{} || !ordered)
                    return R::failure(error_code::OUT_OF_RANGE, at + (side == &l.bids ? "/bids/" : "/asks/") + std::to_string(k),
                                      "a level's price and size are > 0, bids descending, asks ascending");
            }
    }
#ifdef __EMSCRIPTEN__
    threads = 1;
#endif
    threads = std::max<std::size_t>(1, std::min({threads, in.accounts.size(), max_threads}));

    detail::state s;
    s.reqs = in.accounts;
    s.cash.resize(in.accounts.size());
    s.h.insurance_fund = in.insurance_fund;
    for (std::size_t i = 0; i < s.reqs.size(); ++i)
        if (auto e = set_cash(s.h, s.cash[i], s.reqs[i].acct.cash)) return R::failure(*e);

    result out;
    calc c;
    // capital locked: the book's IM at S0; linear entries pinned at S0 (an absent entry means
    // "settled at the mark": the cascade's P&L is measured from S0)
    auto t0 = detail::evaluate_all(s, in, in.start, threads);
    if (!t0.ok()) return R::failure(*t0.err);
    for (std::size_t i = 0; i < s.reqs.size(); ++i) {
        out.total.capital_locked = c(fp::add(out.total.capital_locked, t0.value[i].initial_margin));
        auto& ps = s.reqs[i].acct.positions;
        for (std::size_t p = 0; p < ps.size(); ++p)
            if (ps[p].type != instrument_type::option && !ps[p].entry_price) ps[p].entry_price = t0.value[i].positions[p].underlying_price;
    }

    market_state m = in.path.front();
    const Wad fund0 = s.h.insurance_fund;
    bool pending = false;
    for (std::size_t step = 0; step < in.steps; ++step) {
        if (in.mode == mode::house) {
            const std::size_t k = std::min(step, in.path.size() - 1);
            m = in.path[k];
            if (!in.path_vols.empty()) detail::apply_vols(s, in.path_vols[k]);  // the push's vols, before the evaluation
        } else if (step > 0 && step < in.path.size()) {                         // the path's move, the impact so far carried on top
            auto x = exogenous_step(m, in.path[step - 1], in.path[step], step);
            if (!x.ok()) return R::failure(*x.err);
            m = std::move(x.value);
        }
        const bool path_left = step + 1 < in.path.size();
        auto ev = detail::evaluate_all(s, in, m, threads);
        if (!ev.ok()) return R::failure(*ev.err);
        std::vector<std::size_t> cand;
        for (std::size_t i = 0; i < ev.value.size(); ++i)
            if (ev.value[i].liquidatable) cand.push_back(i);
        if (cand.empty() && step >= in.path.size()) {  // a round with nothing to do, the path done
            pending = false;
            break;
        }
        const Wad before = detail::ledger_value(s, in, m);
        auto st = in.mode == mode::house ? detail::house_step(s, in, m, ev.value, cand) : detail::market_step(s, in, m, ev.value, cand);
        if (!st.ok()) return R::failure(*st.err);
        step_record& r = st.value;
        r.step = step;
        if (in.mode == mode::market)
            for (auto& u : r.underlyings) u.price_no_feedback = mark_or_zero(in.path[std::min(step, in.path.size() - 1)], u.symbol);
        r.fund = s.h.insurance_fund;
        r.socialised_loss = s.h.socialised_loss;
        r.total_positive_cash = s.h.total_positive_cash;
        r.mark = s.h.mark;
        r.counterparty = s.counterparty;
        r.dust = c(fp::sub(before, detail::ledger_value(s, in, m)));
        for (const auto& l : r.liquidations) {
            if (in.mode == mode::house && !l.liquidator) continue;
            ++r.count;
            r.notional = c(fp::add(r.notional, l.notional));
            for (const auto& a : l.adl) r.adl_notional = c(fp::add(r.adl_notional, a.notional));
        }
        out.total.liquidations += r.count;
        out.total.notional = c(fp::add(out.total.notional, r.notional));
        out.total.bad_debt = c(fp::add(out.total.bad_debt, r.bad_debt));
        out.total.adl_notional = c(fp::add(out.total.adl_notional, r.adl_notional));
        out.steps.push_back(std::move(r));
        pending = !cand.empty() || path_left;
        if (cand.empty() && !path_left) break;
    }
    out.total.steps_run = out.steps.size();
    out.total.capped = pending && out.steps.size() == in.steps;
    out.total.fund_used = c(fp::sub(fund0, s.h.insurance_fund));
    for (const auto& [sym, u] : in.start.underlyings) {
        const Wad s0 = detail::mark_of(u), shock = mark_or_zero(in.mode == mode::house ? in.path.front() : in.path.back(), sym);
        const Wad fin = out.steps.empty() ? shock : mark_or_zero(m, sym);
        const Wad den = c(fp::sub(shock, s0));
        if (den.raw().is_zero())
            out.total.amplification[sym] = std::nullopt;
        else
            out.total.amplification[sym] = c(fp::div(c(fp::sub(fin, s0)), den, fp::rounding::floor));
    }
    if (!c.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, "", "cascade: overflow in the totals");
    return R{std::move(out), std::nullopt};
}

}  // namespace margin::cascade
