// Auto-deleveraging (docs/cascade.md §Rules, "Loss"): a deficit beyond the insurance fund is taken
// from profitable perp positions at the step's market. Candidates: perps of accounts not liquidated
// this step with upnl = floor(size (mark - entry)) > 0 and equity (the step's evaluation) > 0;
// score = floor(upnl / equity) x floor(notional / equity) (floor), notional = ceil(|size| mark).
// ranked: by score descending, ties by book index then position order, each gives up
// min(deficit left, upnl); pro_rata: each floor(deficit upnl / sum upnl), the remainder's wei to the
// highest score. A charge closes ceil(charge / upnl) of the position at the mark (trunc of the size;
// all at 1): the market counterparty pays its P&L, the charge goes to the deficit. Options are never
// deleveraged.
#include <algorithm>

#include "internal.hpp"
#include "wad_ops.hpp"

namespace margin::cascade::detail {

namespace {
struct cand {
    std::size_t account, pos;
    Wad upnl, notional, score, mark;
};
}  // namespace

outcome<std::vector<adl_charge>> deleverage(state& s, const input& in, const market_state& m, const std::vector<account_result>& before,
                                            const std::vector<char>& skip, const Wad& deficit, Wad& left) {
    using R = outcome<std::vector<adl_charge>>;
    calc c;
    std::vector<cand> cs;
    for (std::size_t i = 0; i < s.reqs.size(); ++i) {
        if (skip[i] || before[i].equity.raw().sign() <= 0) continue;
        const auto& ps = s.reqs[i].acct.positions;
        for (std::size_t p = 0; p < ps.size(); ++p) {
            if (ps[p].type != instrument_type::perp) continue;
            const auto u = m.underlyings.find(ps[p].underlying);
            if (u == m.underlyings.end() || !u->second.perp_mark) continue;
            const Wad mark = *u->second.perp_mark;
            const Wad upnl = c(fp::mul(ps[p].size, c(fp::sub(mark, ps[p].entry_price.value_or(mark))), fp::rounding::floor));
            if (upnl.raw().sign() <= 0) continue;
            const Wad notional = c(fp::mul(c(fp::abs(ps[p].size)), mark, fp::rounding::ceil));
            const Wad eq = before[i].equity;
            const Wad score =
                c(fp::mul(c(fp::div(upnl, eq, fp::rounding::floor)), c(fp::div(notional, eq, fp::rounding::floor)), fp::rounding::floor));
            cs.push_back(cand{i, p, upnl, notional, score, mark});
        }
    }
    std::stable_sort(cs.begin(), cs.end(), [](const cand& a, const cand& b) { return a.score > b.score; });  // ties keep book order
    std::vector<Wad> charge(cs.size());
    left = deficit;
    if (in.loss == loss_rule::ranked) {
        for (std::size_t k = 0; k < cs.size() && left.raw().sign() > 0; ++k) {
            charge[k] = fp::min(left, cs[k].upnl);
            left = c(fp::sub(left, charge[k]));
        }
    } else {
        Wad total;
        for (const auto& x : cs) total = c(fp::add(total, x.upnl));
        if (total <= deficit) {
            for (std::size_t k = 0; k < cs.size(); ++k) charge[k] = cs[k].upnl;
            left = c(fp::sub(deficit, total));
        } else {
            Wad sum;
            for (std::size_t k = 0; k < cs.size(); ++k) {
                charge[k] = c(fp::mul_div(deficit, cs[k].upnl, total, fp::rounding::floor));
                sum = c(fp::add(sum, charge[k]));
            }
            const Wad rem = c(fp::sub(deficit, sum));  // < number of candidates, in wei
            const Wad room = c(fp::sub(cs[0].upnl, charge[0]));
            const Wad extra = fp::min(rem, room);
            charge[0] = c(fp::add(charge[0], extra));
            left = c(fp::sub(rem, extra));
        }
    }
    std::vector<adl_charge> out;
    // apply in book order of the positions closed (each account's positions by index, erasing later ones first)
    std::vector<std::size_t> order(cs.size());
    for (std::size_t k = 0; k < cs.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return cs[a].account != cs[b].account ? cs[a].account < cs[b].account : cs[a].pos > cs[b].pos;
    });
    for (std::size_t k : order) {
        if (charge[k].raw().sign() <= 0) continue;
        auto& ps = s.reqs[cs[k].account].acct.positions;
        position& p = ps[cs[k].pos];
        const Wad phi = charge[k] == cs[k].upnl ? one() : fp::min(one(), c(fp::div(charge[k], cs[k].upnl, fp::rounding::ceil)));
        const Wad q = phi == one() ? p.size : c(fp::mul(p.size, phi, fp::rounding::toward_zero));
        const Wad realised = c(fp::mul(q, c(fp::sub(cs[k].mark, *p.entry_price)), fp::rounding::floor));
        s.counterparty = c(fp::sub(s.counterparty, realised));
        auto& cash = s.cash[cs[k].account];
        if (auto e = set_cash(s.h, cash, c(fp::sub(c(fp::add(cash.cash, realised)), charge[k])))) return R::failure(*e);
        out.push_back(adl_charge{cs[k].account, c(fp::mul(c(fp::abs(q)), cs[k].mark, fp::rounding::ceil)), charge[k]});
        p.size = c(fp::sub(p.size, q));
        if (p.size.raw().is_zero()) ps.erase(ps.begin() + static_cast<std::ptrdiff_t>(cs[k].pos));
    }
    if (!c.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, "", "cascade: overflow in auto-deleveraging");
    std::stable_sort(out.begin(), out.end(), [](const adl_charge& a, const adl_charge& b) { return a.account < b.account; });
    return R{std::move(out), std::nullopt};
}

}  // namespace margin::cascade::detail
