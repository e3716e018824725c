// stress::apply and stress::run: a resolved scenario applied to a validated request's market
// in fixed point (docs/stress.md §Applying), then the account margined under its own model.
#include <algorithm>

#include "../wad_ops.hpp"
#include "core/limits.hpp"
#include "core/pricing.hpp"
#include "core/stress/stress.hpp"
#include "core/validate.hpp"

namespace margin::stress {
namespace {

using fp::rounding;
const Wad ONE = Wad::from_int(1);
constexpr std::int64_t month_seconds = 30 * 86400;

// min(ceil(conf x scale), price): an oracle confidence widened, never above its price.
Wad widen(calc& c, const Wad& conf, const Wad& scale, const Wad& price) {
    return scale == ONE ? std::min(conf, price) : std::min(c(fp::mul(conf, scale, rounding::ceil)), price);
}

// h + delta clamped to [0, 1].
Wad shift_haircut(calc& c, const Wad& h, const Wad& delta) { return std::clamp(c(fp::add(h, delta)), Wad{}, ONE); }

// m(T) = (30 days / max(T, floor))^p (fp::pow, nearest), 1 exactly when p = 0.
Wad term_factor(calc& c, const vol_shock& v, std::int64_t seconds) {
    const Wad p = seconds <= month_seconds ? v.term_power : v.term_power_long.value_or(v.term_power);
    if (p.raw().is_zero()) return ONE;
    const std::int64_t t = std::max(seconds, v.term_floor_days * 86400);
    const Wad ratio = c(fp::div(Wad::from_int(month_seconds), Wad::from_int(t), rounding::floor));
    return c(fp::pow(ratio, p));
}

}  // namespace

outcome<request> apply(const scenario& s, const request& base, const std::string& path) {
    request d = base;
    calc c;
    // Linear positions keep today's mark as their entry (a default entry is the mark: P&L settled).
    for (position& p : d.acct.positions) {
        if (p.type == instrument_type::option || p.entry_price) continue;
        const underlying_market& um = base.market.underlyings.at(p.underlying);
        p.entry_price = p.type == instrument_type::perp ? *um.perp_mark : um.find(p.expiry)->forward;
    }
    for (auto& [sym, um] : d.market.underlyings) {
        const auto it = s.underlyings.find(sym);
        if (it == s.underlyings.end()) continue;
        const underlying_shock& u = it->second;
        const Wad g = c(fp::add(ONE, u.spot));
        um.spot = c(fp::mul(um.spot, g, rounding::floor));
        um.spot_confidence = widen(c, um.spot_confidence, u.confidence_scale, um.spot);
        if (um.perp_mark) {
            um.perp_mark = c(fp::mul(c(fp::mul(*um.perp_mark, g, rounding::floor)), c(fp::add(ONE, u.perp_basis)), rounding::floor));
            um.perp_confidence = widen(c, um.perp_confidence, u.confidence_scale, *um.perp_mark);
        }
        for (expiry_market& e : um.expiries) {
            e.given_forward = c(fp::mul(c(fp::mul(e.forward, g, rounding::floor)), c(fp::add(ONE, u.basis)), rounding::floor));
            Wad df = e.discount_factor;
            if (!u.rate.raw().is_zero()) {
                // r t as validate() forms it (floor), DF' = floor(DF e^(-r t))
                const Wad rt = c(fp::mul_div(u.rate, raw_i128(e.seconds_to_expiry), raw_i128(fp::seconds_per_year), rounding::floor));
                df = c(fp::mul(df, c(fp::exp(c(fp::neg(rt)))), rounding::floor));
                if (e.rate) e.rate = c(fp::add(*e.rate, u.rate));
            }
            e.given_discount_factor = df;
            e.forward_confidence = widen(c, e.forward_confidence, u.confidence_scale, *e.given_forward);
        }
        if (!u.funding_rate.raw().is_zero() && u.funding_days > 0 && um.perp_mark) {
            // a perp pays ceil(floor0(size x mark') x rate x days / 365): + rate, longs pay
            const Wad rd = c(fp::mul(u.funding_rate, Wad::from_int(u.funding_days), rounding::toward_zero));  // exact
            for (position& p : d.acct.positions)
                if (p.type == instrument_type::perp && p.underlying == sym) {
                    const Wad n = c(fp::mul(p.size, *um.perp_mark, rounding::toward_zero));
                    p.funding = c(fp::sub(p.funding, c(fp::mul_div(n, rd, Wad::from_int(365), rounding::ceil))));
                }
        }
    }
    if (s.stable_price) d.market.stable_price = *s.stable_price;
    for (auto& [asset, ap] : d.market.collateral) {
        const auto k = s.collateral.find(asset);
        std::optional<Wad> move;
        if (k != s.collateral.end() && k->second.price)
            move = k->second.price;
        else if (const auto u = s.underlyings.find(asset); u != s.underlyings.end())
            move = u->second.spot;
        if (move) ap.price = c(fp::mul(ap.price, c(fp::add(ONE, *move)), rounding::floor));
        ap.confidence = widen(c, ap.confidence, k != s.collateral.end() ? k->second.confidence_scale : ONE, ap.price);
    }
    for (const auto& [asset, k] : s.collateral) {
        if (k.haircut.raw().is_zero()) continue;
        if (auto h = d.params.collateral.find(asset); h != d.params.collateral.end()) {
            h->second.im = shift_haircut(c, h->second.im, k.haircut);
            h->second.mm = shift_haircut(c, h->second.mm, k.haircut);
        }
        for (auto* rules : {&d.portfolio.collateral, &d.es.collateral})
            if (auto r = rules->find(asset); r != rules->end()) {
                r->second.im_haircut = shift_haircut(c, r->second.im_haircut, k.haircut);
                r->second.mm_haircut = shift_haircut(c, r->second.mm_haircut, k.haircut);
            }
    }
    if (!c.ok()) return outcome<request>::failure(error_code::ARITHMETIC_OVERFLOW, path, "a shocked value exceeds the int256 range");
    auto v = validate(std::move(d));
    if (!v.ok())
        return outcome<request>::failure(v.err->code, path,
                                         "the shocked request fails validation at " + v.err->path + ": " + v.err->message);
    // Implied vols: each option of a vol-shocked underlying gets its shocked vol as its mark vol.
    request& r = v.value;
    for (std::size_t i = 0; i < r.acct.positions.size(); ++i) {
        position& p = r.acct.positions[i];
        const auto it = s.underlyings.find(p.underlying);
        if (p.type != instrument_type::option || it == s.underlyings.end() || !it->second.vol) continue;
        const vol_shock& vs = *it->second.vol;
        const expiry_market& em = *r.market.underlyings.at(p.underlying).find(p.expiry);
        Wad sigma;
        if (p.mark_vol) {
            sigma = *p.mark_vol;
        } else {
            auto q = value_position(r, i);  // the surface's vol at the shocked forward (sticky moneyness)
            if (!q.ok()) return outcome<request>::failure(q.err->code, path, "under the scenario: " + q.err->path + ": " + q.err->message);
            sigma = *q.value.vol;
        }
        const Wad m = term_factor(c, vs, em.seconds_to_expiry);
        Wad out = c(fp::add(sigma, c(fp::mul(sigma, c(fp::mul(vs.relative, m, rounding::floor)), rounding::floor))));
        if (!vs.absolute.raw().is_zero()) out = c(fp::add(out, c(fp::mul(vs.absolute, m, rounding::floor))));
        if (!vs.skew.raw().is_zero()) {
            const Wad k = c(fp::sub(c(fp::ln(p.strike)), c(fp::ln(em.forward))));
            out = c(fp::add(out, c(fp::mul(vs.skew, k, rounding::floor))));
        }
        p.mark_vol = std::clamp(std::max(out, vs.floor), limits::min_vol, limits::max_vol);
    }
    if (!c.ok()) return outcome<request>::failure(error_code::ARITHMETIC_OVERFLOW, path, "a shocked vol exceeds the int256 range");
    return v;
}

outcome<outcome_of_scenario> run(const scenario& s, const request& req, const account_result& before, const risk::history& h,
                                 const std::string& path) {
    auto resolved = resolve(s, req, h, path);
    if (!resolved.ok()) return outcome<outcome_of_scenario>::failure(*resolved.err);
    auto shocked = apply(resolved.value, req, path);
    if (!shocked.ok()) return outcome<outcome_of_scenario>::failure(*shocked.err);
    auto after = compute(shocked.value);
    if (!after.ok())
        return outcome<outcome_of_scenario>::failure(after.err->code, path,
                                                     "under the scenario: " + after.err->path + ": " + after.err->message);
    outcome_of_scenario out;
    out.resolved = std::move(resolved.value);
    calc c;
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        const Wad p = c(fp::sub(after.value.positions[i].value, before.positions[i].value));
        out.rows.push_back({"/account/positions/" + std::to_string(i), p});
        out.pnl = c(fp::add(out.pnl, p));
    }
    for (const auto& [asset, amount] : req.acct.collateral) {
        const auto a = req.market.collateral.find(asset);
        if (a == req.market.collateral.end()) continue;
        const Wad moved = shocked.value.market.collateral.at(asset).price;
        if (moved == a->second.price) continue;
        const Wad p = c(fp::mul(amount, c(fp::sub(moved, a->second.price)), rounding::floor));
        out.rows.push_back({child("/account/collateral", asset), p});
        out.pnl = c(fp::add(out.pnl, p));
    }
    if (!c.ok()) return outcome<outcome_of_scenario>::failure(error_code::ARITHMETIC_OVERFLOW, path, "a P&L exceeds the int256 range");
    out.after = std::move(after.value);
    return outcome<outcome_of_scenario>{std::move(out), std::nullopt};
}

}  // namespace margin::stress
