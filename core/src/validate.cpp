// validate(request): the market, then the account, in document order (docs/api.md);
// the parameters' rules are in validate_params.cpp.
#include "core/validate.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "checks.hpp"
#include "instrument_key.hpp"
#include "wad_ops.hpp"

namespace margin {
namespace {

using checks::checker;
using checks::child;
using fp::rounding;
const Wad ONE = Wad::from_int(1);

void check_svi(checker& c, const svi_params& s, const std::string& path) {
    if (!c.abs_at_most(s.a, limits::max_svi, child(path, "a")) || !c.non_negative(s.b, child(path, "b")) ||
        !c.at_most(s.b, limits::max_svi, child(path, "b")) || !c.abs_at_most(s.m, limits::max_svi, child(path, "m")) ||
        !c.positive(s.sigma, child(path, "sigma")) || !c.at_most(s.sigma, limits::max_svi, child(path, "sigma")))
        return;
    if (!(s.rho < ONE && s.rho > fp::neg(ONE).value))
        c.fail(error_code::OUT_OF_RANGE, child(path, "rho"), "rho must be in (-1, 1), got " + fp::format(s.rho));
}

// One expiry: its time, the forward and discount factor it gives or derives, its surface.
void check_expiry(checker& c, expiry_market& e, const underlying_market& um, std::int64_t ts, const std::string& path) {
    if (!c.seconds(e.expiry, child(path, "expiry"))) return;
    if (e.expiry <= ts) {
        c.fail(error_code::EXPIRY_IN_PAST, child(path, "expiry"),
               "expiry " + std::to_string(e.expiry) + " is not after the snapshot timestamp " + std::to_string(ts) +
                   " (expired instruments are rejected, not settled)");
        return;
    }
    if (e.expiry - ts > fp::max_expiry_seconds) {
        c.fail(error_code::EXPIRY_TOO_FAR, child(path, "expiry"),
               "expiry is more than 2,000,000,000 seconds (~63 years) after the snapshot");
        return;
    }
    e.seconds_to_expiry = e.expiry - ts;
    e.sqrt_year_q125 = fp::sqrt_year_fraction(e.seconds_to_expiry).value;  // in range: checked above
    if (e.given_forward && !c.price(*e.given_forward, child(path, "forward"))) return;
    if (e.rate && !c.abs_at_most(*e.rate, limits::max_rate, child(path, "rate"))) return;
    if (e.given_discount_factor && !(c.positive(*e.given_discount_factor, child(path, "discount_factor")) &&
                                     c.at_most(*e.given_discount_factor, limits::max_discount_factor, child(path, "discount_factor"))))
        return;
    if (!e.given_forward && !e.rate) {
        c.fail(error_code::MISSING_FIELD, child(path, "forward"), "give the expiry's forward, or a rate to derive it from spot");
        return;
    }
    calc k;
    // r t with t = seconds / 31,536,000, floor; F = floor(spot e^(r t)); DF = floor(e^(-r t)).
    const Wad rt = e.rate ? k(fp::mul_div(*e.rate, raw_i128(e.seconds_to_expiry), raw_i128(fp::seconds_per_year), rounding::floor)) : Wad{};
    e.forward = e.given_forward ? *e.given_forward : k(fp::mul(um.spot, k(fp::exp(rt)), rounding::floor));
    e.discount_factor = e.given_discount_factor ? *e.given_discount_factor : (e.rate ? k(fp::exp(k(fp::neg(rt)))) : ONE);
    // A derived discount factor obeys the bound a given one does, so that the canonical request
    // (which states it) parses again: a negative rate over decades can exceed 2.
    if (!k.ok() || e.forward.raw().sign() <= 0 || e.forward > limits::max_price || e.discount_factor.raw().sign() <= 0 ||
        e.discount_factor > limits::max_discount_factor) {
        c.fail(error_code::OUT_OF_RANGE, child(path, "rate"),
               "the rate gives a forward outside (0, 1e15] or a discount factor outside (0, 2]");
        return;
    }
    if (!c.non_negative(e.forward_confidence, child(path, "forward_confidence")) ||
        !c.at_most(e.forward_confidence, e.forward, child(path, "forward_confidence")))
        return;
    if (e.svi) check_svi(c, *e.svi, child(path, "svi"));
}

void check_market(checker& c, market_state& m, const std::string& path) {
    if (!c.seconds(m.timestamp, child(path, "timestamp"))) return;
    if (!c.price(m.stable_price, child(path, "stable_price"))) return;
    const std::string up = child(path, "underlyings");
    if (!c.count_at_most(m.underlyings.size(), limits::max_underlyings, up, "underlyings")) return;
    for (auto& [sym, um] : m.underlyings) {
        const std::string sp = child(up, sym);
        if (!c.symbol(sym, sp, false) || !c.price(um.spot, child(sp, "spot"))) return;
        if (um.perp_mark && !c.price(*um.perp_mark, child(sp, "perp_mark"))) return;
        if (!c.non_negative(um.spot_confidence, child(sp, "spot_confidence"))) return;
        if (um.spot_confidence > um.spot) {
            c.fail(error_code::OUT_OF_RANGE, child(sp, "spot_confidence"), "confidence must not exceed the price");
            return;
        }
        if (!c.non_negative(um.perp_confidence, child(sp, "perp_confidence"))) return;
        if (um.perp_mark ? um.perp_confidence > *um.perp_mark : !um.perp_confidence.raw().is_zero()) {
            c.fail(error_code::OUT_OF_RANGE, child(sp, "perp_confidence"), "confidence must not exceed the perp mark");
            return;
        }
        // In the order given; duplicates are found against the expiries before them.
        const std::string ep = child(sp, "expiries");
        if (!c.count_at_most(um.expiries.size(), limits::max_expiries, ep, "expiries per underlying")) return;
        std::set<std::int64_t> seen;
        for (std::size_t i = 0; i < um.expiries.size(); ++i) {
            expiry_market& e = um.expiries[i];
            check_expiry(c, e, um, m.timestamp, child(ep, i));
            if (c.failed()) return;
            if (!seen.insert(e.expiry).second) {
                c.fail(error_code::DUPLICATE_EXPIRY, child(child(ep, i), "expiry"),
                       "expiry " + std::to_string(e.expiry) + " is listed twice");
                return;
            }
        }
        std::sort(um.expiries.begin(), um.expiries.end(),
                  [](const expiry_market& a, const expiry_market& b) { return a.expiry < b.expiry; });
    }
    const std::string cp = child(path, "collateral");
    if (!c.count_at_most(m.collateral.size(), limits::max_collateral, cp, "collateral assets")) return;
    for (const auto& [asset, a] : m.collateral) {
        const std::string ap = child(cp, asset);
        if (!c.symbol(asset, ap, false) || !c.price(a.price, child(ap, "price")) || !c.non_negative(a.confidence, child(ap, "confidence")))
            return;
        if (a.confidence > a.price) {
            c.fail(error_code::OUT_OF_RANGE, child(ap, "confidence"), "confidence must not exceed the price");
            return;
        }
    }
}

using detail::instrument_key;
using detail::key_of;

void check_account(checker& c, const request& req, const std::string& path) {
    const account& a = req.acct;
    if (a.mode == margin_mode::isolated && req.model != margin_model::standard) {
        c.fail(error_code::MODE_NOT_SUPPORTED, child(path, "margin_mode"),
               std::string("the ") + (req.model == margin_model::es ? "es" : "portfolio") +
                   " model margins the account as a whole: use \"cross\"");
        return;
    }
    if (!c.abs_at_most(a.cash, limits::max_amount, child(path, "cash"))) return;
    const std::string cp = child(path, "collateral");
    if (!c.count_at_most(a.collateral.size(), limits::max_collateral, cp, "collateral assets")) return;
    for (const auto& [asset, amount] : a.collateral) {
        const std::string ap = child(cp, asset);
        if (!c.symbol(asset, ap, false) || !c.non_negative(amount, ap) || !c.at_most(amount, limits::max_amount, ap)) return;
        if (!req.market.collateral.count(asset)) {
            c.fail(error_code::UNPRICED_COLLATERAL, ap, "the market gives no price for \"" + asset + "\"");
            return;
        }
        const bool accepted = req.model == margin_model::standard    ? req.params.collateral.count(asset) > 0
                              : req.model == margin_model::portfolio ? req.portfolio.collateral.count(asset) > 0
                                                                     : req.es.collateral.count(asset) > 0;
        if (!accepted) {
            c.fail(error_code::COLLATERAL_NOT_ACCEPTED, ap, "the parameters give no haircut for \"" + asset + "\", so it is not accepted");
            return;
        }
    }
    const std::string pp = child(path, "positions");
    if (a.positions.size() > limits::max_positions) {
        c.fail(error_code::OUT_OF_RANGE, pp, "at most 10000 positions per account");
        return;
    }
    const std::size_t scenarios = req.portfolio.scenarios.scenarios.size();
    const std::size_t cap = limits::position_cap(req.model == margin_model::portfolio, scenarios);
    if (a.positions.size() > cap) {
        c.fail(error_code::OUT_OF_RANGE, pp,
               "at most " + std::to_string(cap) + " positions under the portfolio model with " + std::to_string(scenarios) +
                   " scenarios (at most 4000, and positions x scenarios <= 128000)");
        return;
    }
    std::set<instrument_key> held;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < a.positions.size(); ++i) {
        const position& p = a.positions[i];
        const std::string path_i = child(pp, i);
        if (auto e = validate(p, req, path_i)) {
            c.err = std::move(e);
            return;
        }
        if (!held.insert(key_of(p)).second) {
            c.fail(error_code::DUPLICATE_POSITION, path_i, "the account already holds this instrument: merge the sizes");
            return;
        }
        if (!p.id.empty() && !ids.insert(p.id).second) {
            c.fail(error_code::DUPLICATE_ID, child(path_i, "id"), "the id \"" + p.id + "\" is used twice");
            return;
        }
    }
}

}  // namespace

std::optional<error> validate(const position& p, const request& req, const std::string& path) {
    checker c;
    if (p.id.size() > limits::max_id_length) return error{error_code::OUT_OF_RANGE, child(path, "id"), "id must be 1-64 characters"};
    const std::string upath = child(path, "underlying");
    if (!c.symbol(p.underlying, upath, false)) return c.err;
    auto um = req.market.underlyings.find(p.underlying);
    if (um == req.market.underlyings.end())
        return error{error_code::UNKNOWN_UNDERLYING, upath, "the market has no underlying \"" + p.underlying + "\""};
    if (req.model == margin_model::standard && !req.params.for_underlying(p.underlying))
        return error{error_code::NO_PARAMS_FOR_UNDERLYING, upath,
                     "the parameters have no entry for \"" + p.underlying + "\" and no \"*\" default"};
    if (!c.abs_at_most(p.size, limits::max_size, child(path, "size"))) return c.err;
    if (p.type != instrument_type::perp && !c.seconds(p.expiry, child(path, "expiry"))) return c.err;
    if (p.type != instrument_type::perp && !um->second.find(p.expiry))
        return error{error_code::UNKNOWN_EXPIRY, child(path, "expiry"),
                     "the market lists no expiry " + std::to_string(p.expiry) + " for " + p.underlying};
    if (p.type == instrument_type::option) {
        if (!c.price(p.strike, child(path, "strike")) || !c.positive(p.contract_size, child(path, "contract_size")) ||
            !c.at_most(p.contract_size, limits::max_contract_size, child(path, "contract_size")))
            return c.err;
        // size * contract_size must be exact at 18 decimals: it is the quantity margined.
        if (fp::mul(p.size, p.contract_size, rounding::floor).value != fp::mul(p.size, p.contract_size, rounding::ceil).value)
            return error{error_code::QUANTITY_PRECISION, child(path, "size"), "size * contract_size has more than 18 fractional digits"};
        // [0.0001, 10]: below 0.0001 a short expiry's total variance floors to zero in the
        // kernel's units (fixedpoint SPEC.md W1), which prices nothing (docs/api.md).
        if (p.mark_vol &&
            !(c.positive(*p.mark_vol, child(path, "mark_vol")) && c.at_least(*p.mark_vol, limits::min_vol, child(path, "mark_vol")) &&
              c.at_most(*p.mark_vol, limits::max_vol, child(path, "mark_vol"))))
            return c.err;
        if (!p.mark_vol && !um->second.find(p.expiry)->svi)
            return error{error_code::NO_VOLATILITY, path, "no mark_vol and no SVI surface for this expiry"};
    } else {
        if (p.type == instrument_type::perp && !um->second.perp_mark)
            return error{error_code::NO_PERP_MARK, upath, "the market gives no perp_mark for \"" + p.underlying + "\""};
        if (p.entry_price && !c.price(*p.entry_price, child(path, "entry_price"))) return c.err;
        if (p.type == instrument_type::perp && !c.abs_at_most(p.funding, limits::max_amount, child(path, "funding"))) return c.err;
    }
    if (req.acct.mode == margin_mode::isolated) {
        if (!p.isolated_margin)
            return error{error_code::ISOLATED_MARGIN_REQUIRED, child(path, "isolated_margin"),
                         "isolated mode: each position needs its isolated_margin"};
        if (!c.non_negative(*p.isolated_margin, child(path, "isolated_margin")) ||
            !c.at_most(*p.isolated_margin, limits::max_amount, child(path, "isolated_margin")))
            return c.err;
    } else if (p.isolated_margin) {
        return error{error_code::ISOLATED_MARGIN_NOT_ALLOWED, child(path, "isolated_margin"),
                     "isolated_margin needs \"margin_mode\": \"isolated\""};
    }
    return std::nullopt;
}

outcome<request> validate(request req, bool params_validated) {
    if (!params_validated) {
        auto e = req.model == margin_model::portfolio ? validate(req.portfolio, std::string("/params"))
                 : req.model == margin_model::es      ? validate(req.es, std::string("/params"))
                                                      : validate(req.params, "/params");
        if (e) return outcome<request>::failure(std::move(*e));
    }
    if (req.model == margin_model::es && !req.history)
        return outcome<request>::failure(error_code::MISSING_FIELD, "/history", "the es model needs the price history its measure reads");
    checker c;
    check_market(c, req.market, "/market");
    if (!c.failed()) check_account(c, req, "/account");
    if (c.err) return outcome<request>::failure(std::move(*c.err));
    return {std::move(req), std::nullopt};
}

}  // namespace margin
