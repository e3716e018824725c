// apply_trade: a trade's positions validated against the account, then merged into it.
#include "core/trade.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "checks.hpp"
#include "core/margin.hpp"
#include "core/validate.hpp"
#include "instrument_key.hpp"
#include "wad_ops.hpp"

namespace margin {
namespace {

using checks::child;

using detail::instrument_key;
using detail::key_of;

}  // namespace

outcome<request> apply_trade(const request& before, const std::vector<position>& trade) {
    checks::checker c;
    outcome<request> o;
    o.value = before;
    std::vector<position>& held = o.value.acct.positions;
    if (trade.empty() || trade.size() > limits::max_positions)
        return outcome<request>::failure(error_code::OUT_OF_RANGE, "/trade/positions", "a trade has 1 to 10000 positions");
    // Near-linear in the account and the trade: the held instruments and ids are indexed once; a
    // position closed to zero is marked and the list compacted at the end, in order.
    std::map<instrument_key, std::size_t> index;
    std::set<std::string> ids;
    for (std::size_t j = 0; j < held.size(); ++j) {
        index.emplace(key_of(held[j]), j);
        if (!held[j].id.empty()) ids.insert(held[j].id);
    }
    std::vector<bool> closed(held.size(), false);
    std::size_t live = held.size();
    const std::size_t cap = limits::position_cap(before.model == margin_model::portfolio, before.portfolio.scenarios.scenarios.size());
    request one = before;  // values one traded option: the market and parameters, without the account's positions
    one.acct.positions.clear();
    std::set<instrument_key> seen;
    for (std::size_t i = 0; i < trade.size(); ++i) {
        const std::string path_i = child("/trade/positions", i);
        position p = trade[i];
        if (auto e = validate(p, o.value, path_i)) return outcome<request>::failure(std::move(*e));
        const instrument_key key = key_of(p);
        if (!seen.insert(key).second)
            return outcome<request>::failure(error_code::DUPLICATE_POSITION, path_i,
                                             "the trade already has this instrument: merge the sizes");
        const auto it = index.find(key);
        if (p.type == instrument_type::option) {
            // Options trade at their mark: the premium (the traded position's value) moves to cash.
            one.acct.positions = {p};
            if (it != index.end()) one.acct.positions[0].mark_vol = held[it->second].mark_vol;  // the held position's mark
            const auto v = value_position(one, 0);
            if (!v.ok()) return outcome<request>::failure(v.err->code, path_i, v.err->message);
            const auto alone = mark_to_market(one, {v.value});  // its value as equity counts it (docs/api.md, "Equity")
            if (!alone.ok()) return outcome<request>::failure(alone.err->code, path_i, alone.err->message);
            const auto cash = fp::sub(o.value.acct.cash, alone.value.position_values[0]);
            if (!cash.ok())
                return outcome<request>::failure(error_code::OUT_OF_RANGE, child(path_i, "size"), "the premium takes cash out of range");
            if (!c.abs_at_most(cash.value, limits::max_amount, child(path_i, "size"))) return outcome<request>::failure(std::move(*c.err));
            o.value.acct.cash = cash.value;
        }
        if (it == index.end()) {
            if (!p.id.empty() && ids.count(p.id))
                return outcome<request>::failure(error_code::DUPLICATE_ID, child(path_i, "id"),
                                                 "the account already uses the id \"" + p.id + "\"");
            if (live >= cap)
                return outcome<request>::failure(
                    error_code::OUT_OF_RANGE, path_i,
                    "at most " + std::to_string(cap) + " positions per account" +
                        (cap < limits::max_positions ? " under the portfolio model with these scenarios" : ""));
            index.emplace(key, held.size());
            if (!p.id.empty()) ids.insert(p.id);
            held.push_back(std::move(p));
            closed.push_back(false);
            ++live;
            continue;
        }
        // An instrument the account holds: the sizes add and the held position keeps its id,
        // entry price and mark vol (docs/api.md, "Trade preview").
        position& h = held[it->second];
        if (p.type == instrument_type::option && p.contract_size != h.contract_size)
            return outcome<request>::failure(error_code::TRADE_CONFLICT, child(path_i, "contract_size"),
                                             "differs from the held position's contract size");
        if (p.mark_vol && p.mark_vol != h.mark_vol)
            return outcome<request>::failure(error_code::TRADE_CONFLICT, child(path_i, "mark_vol"),
                                             "differs from the held position's mark vol");
        if (p.isolated_margin)
            return outcome<request>::failure(error_code::TRADE_CONFLICT, child(path_i, "isolated_margin"),
                                             "a trade on a held position cannot assign isolated margin");
        calc k;
        const Wad sum = k(fp::add(h.size, p.size));
        if (p.type != instrument_type::option) {
            // Linear: the trade's P&L against the held entry price moves into funding, so the merged
            // position is worth what the two were: funding += trade size x (held entry - trade entry).
            const underlying_market& um = o.value.market.underlyings.at(p.underlying);
            const Wad mark = p.type == instrument_type::perp ? *um.perp_mark : um.find(p.expiry)->forward;
            const Wad held_entry = h.entry_price ? *h.entry_price : mark, trade_entry = p.entry_price ? *p.entry_price : mark;
            h.funding =
                k(fp::add(k(fp::add(h.funding, p.funding)), k(fp::mul(p.size, k(fp::sub(held_entry, trade_entry)), fp::rounding::floor))));
        }
        if (!k.ok())  // unreachable within the bounds: sizes <= 1e12, funding <= 1e18
            return outcome<request>::failure(error_code::ARITHMETIC_OVERFLOW, path_i, "a result exceeds the int256 fixed-point range");
        if (!c.abs_at_most(sum, limits::max_size, child(path_i, "size")) ||
            !c.abs_at_most(h.funding, limits::max_amount, child(path_i, "funding")))
            return outcome<request>::failure(std::move(*c.err));
        if (sum.raw().is_zero()) {
            closed[it->second] = true;
            --live;
            if (!h.id.empty()) ids.erase(h.id);
            index.erase(it);
        } else {
            h.size = sum;
        }
    }
    if (live != held.size()) {
        std::vector<position> kept;
        kept.reserve(live);
        for (std::size_t j = 0; j < held.size(); ++j)
            if (!closed[j]) kept.push_back(std::move(held[j]));
        held = std::move(kept);
    }
    return o;
}

}  // namespace margin
