#include "core/margin.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "constants.hpp"
#include "scenario/cache.hpp"
#include "wad_ops.hpp"

namespace margin {
namespace {

using fp::rounding;
using scenario::internal::cached_quote;
using scenario::internal::quote_entry;

std::string position_path(std::size_t i) { return "/account/positions/" + std::to_string(i); }

outcome<account_result> overflow(const std::string& path) {
    return outcome<account_result>::failure(error_code::ARITHMETIC_OVERFLOW, path, "a result exceeds the int256 fixed-point range");
}

// |q| * max(base * U - OTM, floor * U), ceil: the exact products, one rounding.
Wad short_option_risk(calc& c, const Wad& absq, const Wad& base, const Wad& flr, const Wad& u, const Wad& otm) {
    const Wad a = c(fp::sub(c(fp::mul_div(base, u, WEI, rounding::toward_zero)), c(fp::mul_div(otm, E18_RAW, WEI, rounding::toward_zero))));
    const Wad b = c(fp::mul_div(flr, u, WEI, rounding::toward_zero));
    return c(fp::mul_div(absq, fp::max(a, b), E36_RAW, rounding::ceil));
}

// min(base + slope |size|, max_rate) * |size| * price, ceil.
Wad linear_requirement(calc& c, const Wad& base, const linear_rates& r, const Wad& abs_size, const Wad& price) {
    const Wad rate = fp::min(c(fp::add(base, c(fp::mul(r.size_slope, abs_size, rounding::ceil)))), r.max_rate);
    const Wad notional = c(fp::mul_div(abs_size, price, WEI, rounding::toward_zero));  // exact, 36 decimals
    return c(fp::mul_div(notional, rate, E36_RAW, rounding::ceil));
}

}  // namespace

void add_greeks_into(calc& c, greeks& sum, const greeks& g) {
    sum.delta = c(fp::add(sum.delta, g.delta));
    sum.gamma = c(fp::add(sum.gamma, g.gamma));
    sum.vega = c(fp::add(sum.vega, g.vega));
    sum.theta = c(fp::add(sum.theta, g.theta));
}

namespace {

greeks scale_greeks(calc& c, const greeks& g, const Wad& q) {
    return {c(fp::mul(g.delta, q, rounding::toward_zero)), c(fp::mul(g.gamma, q, rounding::toward_zero)),
            c(fp::mul(g.vega, q, rounding::toward_zero)), c(fp::mul(g.theta, q, rounding::toward_zero))};
}

// The option's mark quote: its total variance (mark vol or SVI) and Black-76, or the error
// either gave (svi_domain: the SVI variance is <= 0). With a cache, each distinct contract of a
// snapshot is priced once; a hit returns what this computes (the key holds every input).
quote_entry price_mark(const position& pos, const expiry_market& em) {
    quote_entry e;
    e.priced = true;
    fp::result<fp::I256> w = fp::result<fp::I256>::failure(fp::errc::domain);
    if (pos.mark_vol) {
        w = fp::total_variance_ext(*pos.mark_vol, em.seconds_to_expiry);
    } else {
        const auto wv = svi_total_variance(*em.svi, em.forward, pos.strike);
        if (!wv.ok()) {
            e.svi_domain = wv.error == fp::errc::domain;
            e.quote = fp::result<option_quote>::failure(wv.error);
            return e;
        }
        w = fp::total_variance_ext(wv.value);
    }
    e.quote = w.ok()
                  ? price_option({em.forward, pos.strike, em.discount_factor, pos.kind, em.seconds_to_expiry, em.sqrt_year_q125, w.value})
                  : fp::result<option_quote>::failure(w.error);
    return e;
}

quote_entry& quote_of(const position& pos, const expiry_market& em, scenario::value_cache* cache, quote_entry& uncached) {
    if (!cache) return uncached = price_mark(pos, em);
    const bool marked = pos.mark_vol.has_value();
    const svi_params none{};
    const svi_params& v = marked ? none : *em.svi;
    quote_entry& slot = cached_quote(
        *cache, {em.seconds_to_expiry, em.forward.raw(), em.discount_factor.raw(), pos.strike.raw(), pos.kind == option_kind::call, marked,
                 marked ? pos.mark_vol->raw() : fp::I256{}, v.a.raw(), v.b.raw(), v.rho.raw(), v.m.raw(), v.sigma.raw()});
    if (!slot.priced) slot = price_mark(pos, em);
    return slot;
}

}  // namespace

outcome<position_result> value_position(const request& req, std::size_t i, scenario::value_cache* cache, value_basis basis) {
    const position& pos = req.acct.positions[i];
    const underlying_market& um = req.market.underlyings.at(pos.underlying);
    calc c;
    position_result pr;
    if (pos.type == instrument_type::option) {
        const expiry_market& em = *um.find(pos.expiry);
        quote_entry uncached;
        quote_entry& q0 = quote_of(pos, em, cache, uncached);
        if (!q0.quote.ok()) {
            if (q0.svi_domain)
                return outcome<position_result>::failure(error_code::SVI_NON_POSITIVE_VARIANCE, position_path(i),
                                                         "the expiry's SVI surface gives a total variance <= 0 at this strike");
            return outcome<position_result>::failure(error_code::ARITHMETIC_OVERFLOW, position_path(i),
                                                     "a result exceeds the int256 fixed-point range");
        }
        const fp::result<option_quote>& quote = q0.quote;
        const Wad q = c(fp::mul(pos.size, pos.contract_size, rounding::toward_zero));  // exact (validated)
        pr.underlying_price = em.forward;
        pr.mark_price = c(fp::mul(quote.value.unit_price, pos.contract_size, rounding::floor));
        if (basis == value_basis::exact)
            pr.value = c(option_value(q, em.discount_factor, quote.value.undiscounted));  // exact: the risk measures' base
        pr.notional = c(fp::mul(c(fp::abs(q)), em.forward, rounding::ceil));
        pr.vol = pos.mark_vol ? *pos.mark_vol : quote.value.vol;
        pr.position_greeks = scale_greeks(c, quote.value.unit_greeks, q);
        if (pos.mark_vol) {
            pr.unit_value = quote.value.unit_price;
        } else if (pr.vol->raw().sign() <= 0) {  // as the scenario engine: intrinsic at zero vol
            const Wad diff = pos.kind == option_kind::call ? c(fp::sub(em.forward, pos.strike)) : c(fp::sub(pos.strike, em.forward));
            pr.unit_value = c(fp::mul(em.discount_factor, fp::max(diff, Wad{}), rounding::floor));
        } else {
            // the chain prices a leg at its reported vol (a surface's vol rounds): the same quote as a
            // marked leg, kept beside the surface quote it follows from
            if (!q0.at_vol_priced) {
                position at_vol = pos;
                at_vol.mark_vol = *pr.vol;
                quote_entry uncached_v;
                const quote_entry& qv = quote_of(at_vol, em, cache, uncached_v);
                q0.at_vol_unit =
                    qv.quote.ok() ? fp::result<Wad>{qv.quote.value.unit_price, fp::errc::ok} : fp::result<Wad>::failure(fp::errc::overflow);
                q0.at_vol_priced = true;
            }
            if (!q0.at_vol_unit.ok())
                return outcome<position_result>::failure(error_code::ARITHMETIC_OVERFLOW, position_path(i),
                                                         "a result exceeds the int256 fixed-point range");
            pr.unit_value = q0.at_vol_unit.value;
        }
    } else {
        const bool perp = pos.type == instrument_type::perp;
        const Wad mark = perp ? *um.perp_mark : um.find(pos.expiry)->forward;
        const Wad entry = pos.entry_price ? *pos.entry_price : mark;
        pr.underlying_price = mark;
        pr.mark_price = mark;
        pr.value = c(fp::add(c(fp::mul(pos.size, c(fp::sub(mark, entry)), rounding::floor)), pos.funding));
        pr.notional = c(fp::mul(c(fp::abs(pos.size)), mark, rounding::ceil));
        pr.position_greeks.delta = pos.size;
    }
    if (!c.ok())
        return outcome<position_result>::failure(error_code::ARITHMETIC_OVERFLOW, position_path(i),
                                                 "a result exceeds the int256 fixed-point range");
    outcome<position_result> o;
    o.value = std::move(pr);
    return o;
}

outcome<equity_parts> mark_to_market(const request& req, const std::vector<position_result>& positions) {
    calc c;
    equity_parts out;
    out.position_values.resize(positions.size());
    out.equity = req.acct.cash;
    std::map<std::pair<std::string, std::int64_t>, std::vector<std::size_t>> expiries;  // options by (underlying, expiry)
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const position& pos = req.acct.positions[i];
        if (pos.type == instrument_type::option) {
            expiries[{pos.underlying, pos.expiry}].push_back(i);
        } else {
            out.position_values[i] = positions[i].value;
            out.equity = c(fp::add(out.equity, positions[i].value));
        }
    }
    // An expiry: floor(sum of amount x unit_value), rounded once as the chain does; each option's
    // part floor(amount x unit_value), the remaining wei (fewer than its legs) one each to the
    // largest fractional parts, ties to the earlier position.
    std::vector<Wad> amounts, units, fractions;
    for (const auto& [key, legs] : expiries) {
        amounts.clear();
        units.clear();
        fractions.clear();
        Wad parts;
        for (std::size_t i : legs) {
            const position& pos = req.acct.positions[i];
            amounts.push_back(c(fp::mul(pos.size, pos.contract_size, rounding::toward_zero)));  // exact (validated)
            units.push_back(positions[i].unit_value);
            // floor(amount x unit) and its fractional part (in wei of the 36-decimal product)
            const auto split = fp::mul_floor_rem(amounts.back(), units.back());
            const Wad part = split.ok() ? split.value.first : c(fp::result<Wad>::failure(split.error));
            fractions.push_back(split.ok() ? split.value.second : Wad{});
            out.position_values[i] = part;
            parts = c(fp::add(parts, part));
        }
        const Wad total = c(fp::dot(amounts, units, rounding::floor));
        if (!c.ok()) break;
        const fp::I256 left = c(fp::sub(total, parts)).raw();  // 0 .. legs - 1 wei
        std::vector<std::size_t> order(legs.size());
        for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fractions[b] < fractions[a]; });
        const std::size_t extra = left.fits_i128() ? static_cast<std::size_t>(left.to_i128()) : 0;
        for (std::size_t k = 0; k < extra && k < order.size(); ++k) {
            Wad& v = out.position_values[legs[order[k]]];
            v = c(fp::add(v, WEI));
        }
        out.equity = c(fp::add(out.equity, total));
    }
    for (const auto& [asset, amount] : req.acct.collateral) {
        const Wad v = c(fp::mul_div(amount, req.market.collateral.at(asset).price, req.market.stable_price, rounding::floor));
        out.collateral_values.push_back(v);
        out.equity = c(fp::add(out.equity, v));
    }
    if (!c.ok())
        return outcome<equity_parts>::failure(error_code::ARITHMETIC_OVERFLOW, "/account", "a result exceeds the int256 fixed-point range");
    return outcome<equity_parts>{std::move(out), std::nullopt};
}

outcome<account_result> compute_standard(const request& req, scenario::value_cache* cache) {
    account_result res;
    res.mode = req.acct.mode;
    calc c;
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        auto valued = value_position(req, i, cache, value_basis::equity);  // each value from mark_to_market below
        if (!valued.ok()) return outcome<account_result>::failure(*valued.err);
        res.positions.push_back(std::move(valued.value));
    }
    auto eq = mark_to_market(req, res.positions);
    if (!eq.ok()) return outcome<account_result>::failure(*eq.err);
    res.equity = eq.value.equity;
    Wad im, mm;

    // Collateral: counted at the low edge of the oracle's confidence interval less the MM
    // haircut; the differences from its equity value are named adjustments.
    Wad stable_adj, confidence_adj, haircut_adj, collateral_counted;
    std::size_t n = 0;
    for (const auto& [asset, amount] : req.acct.collateral) {
        const asset_price& p = req.market.collateral.at(asset);
        const haircut& h = req.params.collateral.at(asset);
        const Wad low = c(fp::sub(p.price, p.confidence));
        const Wad gross = c(fp::mul_div(amount, low, WEI, rounding::toward_zero));  // exact, 36 decimals
        collateral_result cr{asset, amount, low, Wad{}, Wad{}};
        cr.value = c(fp::mul_div(gross, c(fp::sub(WAD_ONE, h.mm)), E36_RAW, rounding::floor));
        // the size-against-depth term on this holding (ceil: the larger haircut)
        const Wad held = h.depth.present() ? c(fp::mul(amount, low, rounding::ceil)) : Wad{};
        const Wad im_h = c(fp::add(h.im, c(depth_addon(h.depth, held, h.im))));
        cr.im_charge = c(fp::mul_div(gross, c(fp::sub(im_h, h.mm)), E36_RAW, rounding::ceil));
        const Wad at_price = c(fp::mul(amount, p.price, rounding::floor));
        const Wad at_low = c(fp::mul(amount, low, rounding::floor));
        stable_adj = c(fp::add(stable_adj, c(fp::sub(eq.value.collateral_values[n++], at_price))));
        confidence_adj = c(fp::add(confidence_adj, c(fp::sub(at_price, at_low))));
        haircut_adj = c(fp::add(haircut_adj, c(fp::sub(at_low, cr.value))));
        collateral_counted = c(fp::add(collateral_counted, cr.value));
        im = c(fp::add(im, cr.im_charge));
        if (!c.ok()) return overflow("/account/collateral/" + asset);
        res.collateral.push_back(std::move(cr));
    }
    res.balance_adjustments = {
        {"collateral_stable_price", stable_adj}, {"collateral_confidence", confidence_adj}, {"collateral_haircut", haircut_adj}};
    res.margin_balance = res.equity;
    for (const balance_adjustment& a : res.balance_adjustments) res.margin_balance = c(fp::sub(res.margin_balance, a.amount));

    Wad assigned;  // isolated margin assigned to positions
    Wad min_position_health;
    bool any_isolated = false;
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        const position& pos = req.acct.positions[i];
        const std::string path = position_path(i);
        const underlying_market& um = req.market.underlyings.at(pos.underlying);
        position_result& pr = res.positions[i];
        pr.value = eq.value.position_values[i];
        const underlying_params& up = *req.params.for_underlying(pos.underlying);
        const Wad absq_size = c(fp::abs(pos.size));
        if (pos.type == instrument_type::option) {
            const expiry_market& em = *um.find(pos.expiry);
            const Wad q = c(fp::mul(pos.size, pos.contract_size, rounding::toward_zero));  // exact (validated)
            const Wad absq = c(fp::abs(q));
            if (pos.size.raw().sign() >= 0) {
                // long: the premium (a long option is not collateral)
                pr.initial_margin = pr.value;
                pr.maintenance_margin = pr.value;
            } else {
                const Wad k_minus_u = c(fp::sub(pos.strike, em.forward));
                const Wad otm = fp::max(pos.kind == option_kind::call ? k_minus_u : c(fp::neg(k_minus_u)), Wad{});
                const Wad premium = c(fp::neg(pr.value));
                const option_rates& r = up.option;
                pr.initial_margin = c(fp::add(short_option_risk(c, absq, r.im_otm_base, r.im_floor, em.forward, otm), premium));
                pr.maintenance_margin = c(fp::add(short_option_risk(c, absq, r.mm_otm_base, r.mm_floor, em.forward, otm), premium));
            }
        } else {
            const linear_rates& r = pos.type == instrument_type::perp ? up.perp : up.future;
            pr.initial_margin = linear_requirement(c, r.im_base, r, absq_size, pr.mark_price);
            pr.maintenance_margin = linear_requirement(c, r.mm_base, r, absq_size, pr.mark_price);
        }
        im = c(fp::add(im, pr.initial_margin));
        mm = c(fp::add(mm, pr.maintenance_margin));
        add_greeks_into(c, res.greeks_by_underlying[pos.underlying], pr.position_greeks);
        if (req.acct.mode == margin_mode::isolated) {
            pr.isolated_balance = c(fp::add(*pos.isolated_margin, pr.value));
            const Wad h = c(fp::sub(*pr.isolated_balance, pr.maintenance_margin));
            pr.liquidatable = h.raw().is_negative();
            min_position_health = any_isolated ? fp::min(min_position_health, h) : h;
            any_isolated = true;
            assigned = c(fp::add(assigned, *pos.isolated_margin));
        }
        if (!c.ok()) return overflow(path);
    }

    res.initial_margin = im;
    res.maintenance_margin = mm;
    if (req.acct.mode == margin_mode::cross) {
        res.free_collateral = c(fp::sub(res.margin_balance, im));
        res.health = c(fp::sub(res.margin_balance, mm));
    } else {
        // The pool: cash and collateral not assigned to any position.
        Wad pool = c(fp::add(c(fp::sub(req.acct.cash, assigned)), collateral_counted));
        Wad pool_im;
        for (const collateral_result& cr : res.collateral) pool_im = c(fp::add(pool_im, cr.im_charge));
        res.pool_balance = pool;
        res.free_collateral = c(fp::sub(pool, pool_im));
        res.health = any_isolated ? fp::min(pool, min_position_health) : pool;
    }
    res.liquidatable = res.health.raw().is_negative();
    if (res.margin_balance.raw().sign() > 0) res.margin_ratio = c(fp::div(mm, res.margin_balance, rounding::ceil));
    if (!c.ok()) return overflow("/account");
    outcome<account_result> o;
    o.value = std::move(res);
    return o;
}

}  // namespace margin
