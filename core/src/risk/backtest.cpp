// Backtesting margin against realised losses (docs/backtest.md). Integer fixed point only.
#include "core/risk/backtest.hpp"

#include <algorithm>
#include <set>

#include "constants.hpp"
#include "core/limits.hpp"
#include "core/margin.hpp"
#include "core/risk/revalue.hpp"
#include "core/risk/scenarios.hpp"
#include "core/validate.hpp"
#include "wad_ops.hpp"

namespace margin::risk {
namespace {

using fp::rounding;
constexpr std::int64_t seconds_per_day = 86400;

Wad whole_dollars(const Wad& x) {  // toward zero to a whole number (x >= 0 here)
    const fp::i128 v = x.raw().to_i128();
    return raw_i128(v / fp::Wad::scale * fp::Wad::scale);
}

Wad milli_toward_zero(const Wad& x) {  // toward zero to 0.001
    const fp::i128 step = fp::Wad::scale / 1000;
    return raw_i128(x.raw().to_i128() / step * step);
}

const series* find(const history& h, const std::string& sym) {
    const auto it = h.find(sym);
    return it == h.end() ? nullptr : &it->second;
}

position option(std::string id, std::int64_t expiry, option_kind kind, const Wad& strike, std::int64_t size, const Wad& vol,
                const std::string& underlying) {
    position p;
    p.id = std::move(id);
    p.type = instrument_type::option;
    p.underlying = underlying;
    p.expiry = expiry;
    p.kind = kind;
    p.strike = strike;
    p.size = Wad::from_int(size);
    p.mark_vol = vol;
    return p;
}

position perp(std::string id, std::string underlying, const Wad& size) {
    position p;
    p.id = std::move(id);
    p.type = instrument_type::perp;
    p.underlying = std::move(underlying);
    p.size = size;
    return p;
}

underlying_market market_of(const Wad& close, std::int64_t timestamp, bool options) {
    underlying_market um;
    um.spot = close;
    um.perp_mark = close;
    if (options)
        for (const std::int64_t days : {30, 90}) {
            expiry_market e;
            e.expiry = timestamp + days * seconds_per_day;
            e.given_forward = close;
            e.given_discount_factor = Wad::from_int(1);
            um.expiries.push_back(e);
        }
    return um;
}

}  // namespace

std::optional<error> check_options(const bt_options& o, const history& h, bool needs_eth) {
    if (o.horizon_days < 1 || o.horizon_days > 30)
        return error{error_code::OUT_OF_RANGE, "/backtest/horizon_days", "the horizon is 1 .. 30 days"};
    if (o.stride < 1 || o.stride > 30) return error{error_code::OUT_OF_RANGE, "/backtest/stride", "the stride is 1 .. 30 days"};
    const std::int32_t formed = o.last_day - o.horizon_days - o.first_day + 1;
    if (formed < 1 || formed > bt_max_days)
        return error{error_code::OUT_OF_RANGE, "/backtest/to",
                     "the window must hold 1 .. " + std::to_string(bt_max_days) + " formation days (from .. to - horizon), got " +
                         std::to_string(formed)};
    if (o.vol_lambda.raw().sign() <= 0 || o.vol_lambda >= WAD_ONE)
        return error{error_code::OUT_OF_RANGE, "/backtest/vol_lambda", "0 < vol_lambda < 1"};
    if (o.vol_floor.raw().sign() <= 0 || o.vol_floor > o.vol_cap || o.vol_cap > limits::max_vol)
        return error{error_code::OUT_OF_RANGE, "/backtest/vol_floor", "0 < vol_floor <= vol_cap <= 10"};
    const auto covers = [&](const std::string& sym, std::int32_t from) -> std::optional<error> {
        const series* s = find(h, sym);
        if (!s) return error{error_code::NO_HISTORY, child("/history", sym), "the backtest needs a " + sym + " price history"};
        if (s->first_day > from || s->last_day() < o.last_day)
            return error{error_code::HISTORY_TOO_SHORT, child("/history", sym),
                         sym + " has " + format_date(s->first_day) + " .. " + format_date(s->last_day()) + ", the backtest needs " +
                             format_date(from) + " .. " + format_date(o.last_day)};
        return std::nullopt;
    };
    if (auto e = covers("BTC", o.first_day - bt_vol_seed_distance - bt_vol_seed_returns)) return e;
    if (needs_eth)
        if (auto e = covers("ETH", o.first_day)) return e;
    return std::nullopt;
}

outcome<std::vector<Wad>> squared_returns(const series& s, std::int32_t from, std::int32_t to) {
    calc c;
    std::vector<Wad> out;
    out.reserve(static_cast<std::size_t>(std::max(0, to - from + 1)));
    for (std::int32_t d = from; d <= to; ++d) {
        const Wad x = c(fp::ln(c(fp::div(s.at(d), s.at(d - 1), rounding::floor))));
        out.push_back(c(fp::mul(x, x, rounding::floor)));
    }
    if (!c.ok()) return outcome<std::vector<Wad>>::failure(error_code::ARITHMETIC_OVERFLOW, "", "a squared return overflows");
    return {out, std::nullopt};
}

outcome<std::vector<Wad>> ewma_variance(const series& s, const Wad& lambda, std::int32_t first, std::int32_t last) {
    const std::int32_t seed_day = first - bt_vol_seed_distance;
    const std::int32_t from = seed_day - bt_vol_seed_returns + 1;
    auto r2 = squared_returns(s, from, last);
    if (!r2.ok()) return r2;
    const auto at = [&](std::int32_t d) { return r2.value[static_cast<std::size_t>(d - from)]; };
    calc c;
    Wad var;
    for (std::int32_t d = from; d <= seed_day; ++d) var = c(fp::add(var, at(d)));
    var = c(fp::div(var, Wad::from_int(bt_vol_seed_returns), rounding::floor));
    const Wad one_minus = c(fp::sub(WAD_ONE, lambda));
    std::vector<Wad> out;
    out.reserve(static_cast<std::size_t>(last - first + 1));
    for (std::int32_t d = seed_day + 1; d <= last; ++d) {
        var = c(fp::add(c(fp::mul(lambda, var, rounding::floor)), c(fp::mul(one_minus, at(d), rounding::floor))));
        if (d >= first) out.push_back(var);
    }
    if (!c.ok()) return outcome<std::vector<Wad>>::failure(error_code::ARITHMETIC_OVERFLOW, "", "the EWMA variance overflows");
    return {out, std::nullopt};
}

outcome<std::vector<Wad>> vol_proxy(const series& s, const bt_options& o) {
    auto var = ewma_variance(s, o.vol_lambda, o.first_day, o.last_day);
    if (!var.ok()) return outcome<std::vector<Wad>>::failure(error_code::ARITHMETIC_OVERFLOW, "/history/BTC", "the vol proxy overflows");
    calc c;
    std::vector<Wad> out;
    out.reserve(var.value.size());
    for (const Wad& v : var.value) {
        const Wad vol = c(fp::sqrt(c(fp::mul(v, Wad::from_int(365), rounding::floor))));
        out.push_back(fp::min(fp::max(vol, o.vol_floor), o.vol_cap));
    }
    if (!c.ok()) return outcome<std::vector<Wad>>::failure(error_code::ARITHMETIC_OVERFLOW, "/history/BTC", "the vol proxy overflows");
    return {out, std::nullopt};
}

outcome<request> form_portfolio(bt_portfolio p, std::int32_t day, const history& h, const Wad& vol, const request& model,
                                const std::string& lead) {
    request r = model;
    r.market = market_state{};
    r.acct = account{};
    const std::int64_t ts = (static_cast<std::int64_t>(day) + 1) * seconds_per_day;
    r.market.timestamp = ts;
    const Wad btc = find(h, lead)->at(day);
    const bool options = p != bt_portfolio::long_btc && p != bt_portfolio::short_btc_perp && p != bt_portfolio::btc_eth_pair;
    r.market.underlyings[lead] = market_of(btc, ts, options);
    calc c;
    const auto strike = [&](std::int64_t percent) {
        return whole_dollars(c(fp::mul(btc, raw_i128(static_cast<fp::i128>(percent) * fp::Wad::scale / 100), rounding::floor)));
    };
    const std::int64_t e30 = ts + 30 * seconds_per_day, e90 = ts + 90 * seconds_per_day;
    auto& pos = r.acct.positions;
    switch (p) {
        case bt_portfolio::long_btc: pos.push_back(perp("btc-perp-long", lead, WAD_ONE)); break;
        case bt_portfolio::short_btc_perp: pos.push_back(perp("btc-perp-short", lead, Wad::from_int(-1))); break;
        case bt_portfolio::short_strangle:
            pos.push_back(option("put-90", e30, option_kind::put, strike(90), -1, vol, lead));
            pos.push_back(option("call-110", e30, option_kind::call, strike(110), -1, vol, lead));
            break;
        case bt_portfolio::covered_call:
            pos.push_back(perp("btc-perp-long", lead, WAD_ONE));
            pos.push_back(option("call-110", e30, option_kind::call, strike(110), -1, vol, lead));
            break;
        case bt_portfolio::calendar_spread:
            pos.push_back(option("call-atm-30d", e30, option_kind::call, strike(100), -1, vol, lead));
            pos.push_back(option("call-atm-90d", e90, option_kind::call, strike(100), 1, vol, lead));
            break;
        case bt_portfolio::btc_eth_pair: {
            const series* eth = find(h, "ETH");
            const Wad eth_close = eth->at(day);
            r.market.underlyings["ETH"] = market_of(eth_close, ts, false);
            pos.push_back(perp("btc-perp-long", lead, WAD_ONE));
            const Wad n = milli_toward_zero(c(fp::div(btc, eth_close, rounding::floor)));
            pos.push_back(perp("eth-perp-short", "ETH", c(fp::neg(n))));
            break;
        }
        case bt_portfolio::risk_reversal:
            pos.push_back(option("call-110", e30, option_kind::call, strike(110), 1, vol, lead));
            pos.push_back(option("put-90", e30, option_kind::put, strike(90), -1, vol, lead));
            break;
        case bt_portfolio::delta_hedged_short_straddle: {
            pos.push_back(option("call-atm", e30, option_kind::call, strike(100), -1, vol, lead));
            pos.push_back(option("put-atm", e30, option_kind::put, strike(100), -1, vol, lead));
            auto v = validate(r, true);
            if (!v.ok()) return v;
            Wad delta;
            for (std::size_t i = 0; i < 2; ++i) {
                auto pr = value_position(v.value, i);
                if (!pr.ok()) return outcome<request>::failure(*pr.err);
                delta = c(fp::add(delta, pr.value.position_greeks.delta));
            }
            const Wad hedge = milli_toward_zero(c(fp::neg(delta)));
            if (hedge.raw().sign() != 0) pos.push_back(perp("btc-perp-hedge", lead, hedge));
            break;
        }
    }
    if (!c.ok()) return outcome<request>::failure(error_code::ARITHMETIC_OVERFLOW, "/account/positions", "forming the portfolio overflows");
    if (r.model == margin_model::es) r.es.risk.as_of = day;
    return {r, std::nullopt};
}

outcome<Wad> realised_pnl(const request& validated, const history& h, std::int32_t day, std::int32_t horizon, const params& rules) {
    std::set<std::string> syms;
    for (const position& p : validated.acct.positions) syms.insert(p.underlying);
    scenario_set s;
    s.symbols.assign(syms.begin(), syms.end());
    s.labels = {day + horizon};
    s.first_day = s.last_day = day + horizon;
    for (const std::string& sym : s.symbols) {
        const series* ser = find(h, sym);
        if (!ser || ser->first_day > day || ser->last_day() < day + horizon)
            return outcome<Wad>::failure(error_code::HISTORY_TOO_SHORT, child("/history", sym),
                                         sym + " has no closes for " + format_date(day) + " and " + format_date(day + horizon));
        const auto g = fp::div(ser->at(day + horizon), ser->at(day), rounding::floor);
        if (!g.ok()) return outcome<Wad>::failure(error_code::ARITHMETIC_OVERFLOW, child("/history", sym), "growth factor overflows");
        s.growth.push_back(g.value);
    }
    params p = rules;
    p.reval = revaluation::full;
    auto m = revalue(validated, s, p);
    if (!m.ok()) return outcome<Wad>::failure(*m.err);
    return {m.value.total.at(0), std::nullopt};
}

outcome<std::vector<bt_day>> run_backtest(bt_portfolio p, const request& model, const history& h, const std::vector<Wad>& vols,
                                          const bt_options& o, const std::vector<scenario::params>* daily, const std::string& lead) {
    std::vector<bt_day> out;
    const params rules = model.model == margin_model::es ? model.es.risk : params{};
    for (std::int32_t day = o.first_day; day + o.horizon_days <= o.last_day; ++day) {
        const auto fail = [&](const error& e) {
            return outcome<std::vector<bt_day>>::failure(e.code, e.path, format_date(day) + ": " + e.message);
        };
        const auto index = static_cast<std::size_t>(day - o.first_day);
        auto draft = form_portfolio(p, day, h, vols.at(index), model, lead);
        if (!draft.ok()) return fail(*draft.err);
        if (daily) draft.value.portfolio.scenarios = daily->at(index);
        auto v = validate(std::move(draft.value), true);
        if (!v.ok()) return fail(*v.err);
        auto res = compute(v.value);
        if (!res.ok()) return fail(*res.err);
        bt_day row;
        row.day = day;
        row.margin = res.value.initial_margin;
        row.mm = res.value.maintenance_margin;
        row.spot = find(h, lead)->at(day);
        if (res.value.risk) {
            row.var = res.value.risk->var;
            row.es = res.value.risk->es;
        }
        auto pnl = realised_pnl(v.value, h, day, o.horizon_days, rules);
        if (!pnl.ok()) return fail(*pnl.err);
        const auto loss = fp::neg(pnl.value);
        if (!loss.ok()) return fail(error{error_code::ARITHMETIC_OVERFLOW, "", "loss overflows"});
        row.loss = loss.value;
        out.push_back(row);
    }
    return {out, std::nullopt};
}

bt_coverage coverage_of(const std::vector<bool>& hits) {
    bt_coverage c;
    c.n = static_cast<std::int64_t>(hits.size());
    std::int64_t in_window = 0;
    for (std::size_t i = 0; i < hits.size(); ++i) {
        if (hits[i]) ++c.exceptions;
        if (i > 0) {
            const int from = hits[i - 1] ? 1 : 0, to = hits[i] ? 1 : 0;
            (from == 0 ? (to == 0 ? c.n00 : c.n01) : (to == 0 ? c.n10 : c.n11)) += 1;
        }
        in_window += hits[i] ? 1 : 0;
        if (static_cast<std::int64_t>(i) >= bt_basel_window) in_window -= hits[i - static_cast<std::size_t>(bt_basel_window)] ? 1 : 0;
        if (static_cast<std::int64_t>(i) + 1 >= bt_basel_window) {
            ++c.windows;
            (in_window <= 4 ? c.green : in_window <= 9 ? c.yellow : c.red) += 1;
            c.max_in_window = std::max(c.max_in_window, in_window);
            c.last_window_exceptions = in_window;
        }
    }
    return c;
}

bt_coverage mm_coverage_of(const std::vector<bt_day>& days, std::int32_t stride) {
    std::vector<bool> hits;
    for (std::size_t i = 0; i < days.size(); i += static_cast<std::size_t>(stride)) hits.push_back(days[i].loss > days[i].mm);
    return coverage_of(hits);
}

std::string_view basel_zone(std::int64_t n) {
    if (n < 0) return "n/a";
    return n <= 4 ? "green" : n <= 9 ? "yellow" : "red";
}

outcome<bt_summary> summarise(const std::vector<bt_day>& days, bool has_var, std::int32_t stride) {
    bt_summary s;
    s.days = static_cast<std::int64_t>(days.size());
    if (days.empty()) return {s, std::nullopt};
    calc c;
    std::vector<bool> margin_hits, var_hits;
    Wad sum, tail_sum;
    s.peak = s.trough = days[0].margin;
    for (std::size_t i = 0; i < days.size(); ++i) {
        const bt_day& d = days[i];
        if (d.loss > d.margin) ++s.exceptions_overlapping;
        sum = c(fp::add(sum, d.margin));
        s.peak = fp::max(s.peak, d.margin);
        s.trough = fp::min(s.trough, d.margin);
        if (i % static_cast<std::size_t>(stride) != 0) continue;
        margin_hits.push_back(d.loss > d.margin);
        if (has_var) {
            var_hits.push_back(d.loss > d.var);
            if (d.loss > d.var && d.es.raw().sign() > 0) tail_sum = c(fp::add(tail_sum, c(fp::div(d.loss, d.es, rounding::floor))));
        }
    }
    s.margin_cov = coverage_of(margin_hits);
    if (has_var) {
        s.var_cov = coverage_of(var_hits);
        if (s.var_cov.exceptions > 0) s.tail_loss_over_es = c(fp::div(tail_sum, Wad::from_int(s.var_cov.exceptions), rounding::floor));
    }
    s.average_margin = c(fp::div(sum, Wad::from_int(s.days), rounding::floor));
    if (s.trough.raw().sign() > 0) s.peak_to_trough = c(fp::div(s.peak, s.trough, rounding::floor));
    {
        Wad hi, lo;
        for (std::size_t i = 0; i < days.size(); ++i) {
            const Wad per = c(fp::div(days[i].margin, days[i].spot, rounding::floor));
            hi = i == 0 ? per : fp::max(hi, per);
            lo = i == 0 ? per : fp::min(lo, per);
        }
        if (lo.raw().sign() > 0) s.peak_to_trough_per_spot = c(fp::div(hi, lo, rounding::floor));
    }
    const std::array<std::size_t, 3> lags = {1, 5, 30};
    for (std::size_t j = 0; j < lags.size(); ++j) {
        bool any = false;
        for (std::size_t i = lags[j]; i < days.size(); ++i) {
            const Wad& before = days[i - lags[j]].margin;
            if (before.raw().sign() <= 0) continue;
            const Wad inc = c(fp::sub(c(fp::div(days[i].margin, before, rounding::floor)), WAD_ONE));
            if (!any || inc > s.largest_increase[j]) {
                s.largest_increase[j] = inc;
                s.largest_increase_day[j] = days[i].day;
                any = true;
            }
        }
    }
    if (!c.ok()) return outcome<bt_summary>::failure(error_code::ARITHMETIC_OVERFLOW, "", "a summary figure overflows");
    return {s, std::nullopt};
}

}  // namespace margin::risk
