// JSON v1 request -> validated model. Two stages: a SAX pass that builds the
// document while rejecting what JSON allows but the API does not (numbers,
// duplicate keys, excessive depth), then a decoder that checks every field's
// type, presence and bounds in a fixed order, so the first error reported is
// the same on every build. docs/api.md lists the codes and bounds.
#include <algorithm>
#include <set>
#include <tuple>

#include "core/json_api.hpp"
#include "core/json_document.hpp"
#include "core/wad_ops.hpp"
#include "json_decoder.hpp"

namespace margin {
namespace {

using namespace json_detail;

// --- parameters ---

// An object of fractions in [0, 1], read in the order given (so the first error is stable).
bool fractions(decoder& d, const json& o, const std::string& path, std::initializer_list<std::pair<const char*, Wad*>> fields) {
    if (!d.is_object(o, path)) return false;
    for (const auto& [k, v] : o.items()) {
        bool known = false;
        for (const auto& f : fields) known = known || k == f.first;
        if (!known) return d.fail(error_code::UNKNOWN_FIELD, child(path, k), "unknown field \"" + k + "\"");
    }
    for (const auto& [key, target] : fields) {
        auto v = fraction(d, o, path, key);
        if (!v) return false;
        *target = *v;
    }
    return true;
}

void decode_option_rates(decoder& d, const json& o, const std::string& path, option_rates& r) {
    if (!fractions(
            d, o, path,
            {{"im_otm_base", &r.im_otm_base}, {"im_floor", &r.im_floor}, {"mm_otm_base", &r.mm_otm_base}, {"mm_floor", &r.mm_floor}}))
        return;
    if (r.mm_otm_base > r.im_otm_base || r.mm_floor > r.im_floor)
        d.fail(error_code::INCONSISTENT_PARAMS, path, "maintenance rates must not exceed initial rates (IM >= MM)");
}

void decode_linear_rates(decoder& d, const json& o, const std::string& path, linear_rates& r) {
    if (!fractions(d, o, path,
                   {{"im_base", &r.im_base}, {"mm_base", &r.mm_base}, {"size_slope", &r.size_slope}, {"max_rate", &r.max_rate}}))
        return;
    if (r.mm_base > r.im_base) d.fail(error_code::INCONSISTENT_PARAMS, path, "mm_base must not exceed im_base (IM >= MM)");
}

void decode_params(decoder& d, const json& o, const std::string& path, standard_params& p) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "underlyings", "version"})) return;
    auto version = d.text(o, path, "version", true);
    if (d.failed()) return;
    if (*version != "standard/1") {
        d.fail(error_code::UNSUPPORTED_VERSION, child(path, "version"),
               "parameter documents of version \"standard/1\" are supported, got \"" + *version + "\"");
        return;
    }
    p.version = *version;
    const json* u = d.field(o, path, "underlyings", true);
    if (!u) return;
    const std::string up = child(path, "underlyings");
    if (!d.is_object(*u, up)) return;
    for (const auto& [sym, v] : u->items()) {
        const std::string sp = child(up, sym);
        if (!d.symbol(sym, sp, true) || !d.is_object(v, sp) || !d.only(v, sp, {"future", "option", "perp"})) return;
        underlying_params q;
        for (const char* k : {"option", "perp", "future"}) {
            const json* g = d.field(v, sp, k, true);
            if (!g) return;
            if (std::string_view(k) == "option")
                decode_option_rates(d, *g, child(sp, k), q.option);
            else
                decode_linear_rates(d, *g, child(sp, k), std::string_view(k) == "perp" ? q.perp : q.future);
            if (d.failed()) return;
        }
        p.underlyings.emplace(sym, q);
    }
    const json* c = d.field(o, path, "collateral", true);
    if (!c) return;
    const std::string cp = child(path, "collateral");
    if (!d.is_object(*c, cp)) return;
    for (const auto& [asset, v] : c->items()) {
        const std::string ap = child(cp, asset);
        if (!d.symbol(asset, ap, false) || !d.is_object(v, ap) || !d.only(v, ap, {"im_haircut", "mm_haircut"})) return;
        auto im = fraction(d, v, ap, "im_haircut");
        auto mm = fraction(d, v, ap, "mm_haircut");
        if (d.failed()) return;
        if (*mm > *im) {
            d.fail(error_code::INCONSISTENT_PARAMS, ap, "mm_haircut must not exceed im_haircut (IM >= MM)");
            return;
        }
        p.collateral.emplace(asset, haircut{*im, *mm});
    }
}

// --- portfolio model parameters ---

void decode_portfolio(decoder& d, const json& o, const std::string& path, portfolio_params& pp) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "description", "offsets", "scenarios", "version"})) return;
    auto version = d.text(o, path, "version", true);
    d.text(o, path, "description", false);
    if (d.failed()) return;
    pp.version = *version;
    const json* sc = d.field(o, path, "scenarios", true);
    if (!sc) return;
    const std::string sp = child(path, "scenarios");
    std::string text;
    if (sc->is_string()) {
        text = std::string(scenario::preset_json(sc->get<std::string>()));
        if (text.empty()) {
            d.fail(error_code::UNKNOWN_PRESET, sp, "scenarios names a preset (\"pmrm2\", \"span16\") or is a scenario/1 document");
            return;
        }
    } else if (sc->is_object()) {
        text = sc->dump();
    } else {
        d.fail(error_code::WRONG_TYPE, sp, std::string("expected a preset name or an object, got ") + type_name(*sc));
        return;
    }
    auto prm = scenario::parse_params(text, sc->is_string() ? "" : sp);
    if (!prm.ok()) {
        d.err = prm.err;
        return;
    }
    pp.scenarios = std::move(prm.value);
    const json* c = d.field(o, path, "collateral", true);
    if (!c) return;
    const std::string cp = child(path, "collateral");
    if (!d.is_object(*c, cp)) return;
    for (const auto& [asset, v] : c->items()) {
        const std::string ap = child(cp, asset);
        if (!d.symbol(asset, ap, false) || !d.is_object(v, ap) || !d.only(v, ap, {"im_haircut", "mm_haircut", "risk_cancelling"})) return;
        auto im = fraction(d, v, ap, "im_haircut");
        auto mm = fraction(d, v, ap, "mm_haircut");
        if (d.failed()) return;
        collateral_rule r{*im, *mm, false};
        if (const json* rc = d.field(v, ap, "risk_cancelling", false)) {
            if (!rc->is_boolean()) {
                d.fail(error_code::WRONG_TYPE, child(ap, "risk_cancelling"), std::string("expected true or false, got ") + type_name(*rc));
                return;
            }
            r.risk_cancelling = rc->get<bool>();
        }
        pp.collateral.emplace(asset, r);
    }
    if (const json* off = d.field(o, path, "offsets", false)) {
        const std::string op = child(path, "offsets");
        if (!d.is_array(*off, op)) return;
        for (std::size_t i = 0; i < off->size(); ++i) {
            const std::string ip = child(op, i);
            const json& x = (*off)[i];
            if (!d.is_object(x, ip) || !d.only(x, ip, {"rate", "underlyings"})) return;
            const json* u = d.field(x, ip, "underlyings", true);
            if (!u) return;
            const std::string up = child(ip, "underlyings");
            if (!u->is_array() || u->size() != 2 || !(*u)[0].is_string() || !(*u)[1].is_string()) {
                d.fail(error_code::WRONG_TYPE, up, "expected two underlying symbols");
                return;
            }
            const std::string a = (*u)[0].get<std::string>(), b = (*u)[1].get<std::string>();
            if (!d.symbol(a, child(up, std::size_t{0}), false) || !d.symbol(b, child(up, std::size_t{1}), false)) return;
            if (a == b) {
                d.fail(error_code::OUT_OF_RANGE, up, "an offset pairs two different underlyings");
                return;
            }
            auto rate = fraction(d, x, ip, "rate");
            if (d.failed()) return;
            pp.offsets.push_back({a, b, *rate});
        }
    }
}

void decode_portfolio_text(decoder& d, std::string_view text, const std::string& path, portfolio_params& pp) {
    auto doc = parse_document(text);
    if (!doc.ok()) {
        d.err = doc.err;
        return;
    }
    decode_portfolio(d, doc.value, path, pp);
}

// --- market ---

void decode_svi(decoder& d, const json& o, const std::string& path, svi_params& s) {
    if (!d.is_object(o, path) || !d.only(o, path, {"a", "b", "m", "rho", "sigma"})) return;
    auto a = d.decimal(o, path, "a", true);
    auto b = d.decimal(o, path, "b", true);
    auto rho = d.decimal(o, path, "rho", true);
    auto m = d.decimal(o, path, "m", true);
    auto sigma = d.decimal(o, path, "sigma", true);
    if (d.failed()) return;
    if (!d.abs_at_most(*a, MAX_SVI, child(path, "a")) || !d.non_negative(*b, child(path, "b")) ||
        !d.at_most(*b, MAX_SVI, child(path, "b")) || !d.abs_at_most(*m, MAX_SVI, child(path, "m")) ||
        !d.positive(*sigma, child(path, "sigma")) || !d.at_most(*sigma, MAX_SVI, child(path, "sigma")))
        return;
    if (!(*rho<ONE&& * rho> fp::neg(ONE).value)) {
        d.fail(error_code::OUT_OF_RANGE, child(path, "rho"), "rho must be in (-1, 1), got " + fp::format(*rho));
        return;
    }
    s = {*a, *b, *rho, *m, *sigma};
}

void decode_expiry(decoder& d, const json& o, const std::string& path, const underlying_market& um, std::int64_t ts, expiry_market& e) {
    if (!d.is_object(o, path) || !d.only(o, path, {"discount_factor", "expiry", "forward", "forward_confidence", "rate", "svi"})) return;
    auto expiry = d.integer(o, path, "expiry", true);
    if (d.failed()) return;
    if (*expiry <= ts) {
        d.fail(error_code::EXPIRY_IN_PAST, child(path, "expiry"),
               "expiry " + std::to_string(*expiry) + " is not after the snapshot timestamp " + std::to_string(ts) +
                   " (expired instruments are rejected, not settled)");
        return;
    }
    if (*expiry - ts > fp::max_expiry_seconds) {
        d.fail(error_code::EXPIRY_TOO_FAR, child(path, "expiry"),
               "expiry is more than 2,000,000,000 seconds (~63 years) after the snapshot");
        return;
    }
    e.expiry = *expiry;
    e.seconds_to_expiry = *expiry - ts;
    e.sqrt_year_q125 = fp::sqrt_year_fraction(e.seconds_to_expiry).value;  // in range: checked above
    auto forward = price(d, o, path, "forward", false);
    auto rate = d.decimal(o, path, "rate", false);
    auto df = d.decimal(o, path, "discount_factor", false);
    if (d.failed()) return;
    if (rate && !d.abs_at_most(*rate, MAX_RATE, child(path, "rate"))) return;
    if (df && !(d.positive(*df, child(path, "discount_factor")) && d.at_most(*df, MAX_DF, child(path, "discount_factor")))) return;
    if (!forward && !rate) {
        d.fail(error_code::MISSING_FIELD, child(path, "forward"), "give the expiry's forward, or a rate to derive it from spot");
        return;
    }
    calc c;
    // r t with t = seconds / 31,536,000, floor; F = floor(spot e^(r t)); DF = floor(e^(-r t)).
    const Wad rt = rate ? c(fp::mul_div(*rate, raw_i128(e.seconds_to_expiry), raw_i128(fp::seconds_per_year), rounding::floor)) : Wad{};
    e.forward = forward ? *forward : c(fp::mul(um.spot, c(fp::exp(rt)), rounding::floor));
    e.discount_factor = df ? *df : (rate ? c(fp::exp(c(fp::neg(rt)))) : ONE);
    if (!c.ok() || e.forward.raw().sign() <= 0 || e.forward > MAX_PRICE || e.discount_factor.raw().sign() <= 0) {
        d.fail(error_code::OUT_OF_RANGE, child(path, "rate"), "the rate gives a forward or discount factor outside (0, 1e15]");
        return;
    }
    e.rate = rate;
    auto fconf = d.decimal(o, path, "forward_confidence", false);
    if (d.failed()) return;
    e.forward_confidence = fconf ? *fconf : Wad{};
    if (!d.non_negative(e.forward_confidence, child(path, "forward_confidence")) ||
        !d.at_most(e.forward_confidence, e.forward, child(path, "forward_confidence")))
        return;
    if (const json* s = d.field(o, path, "svi", false)) {
        svi_params sv;
        decode_svi(d, *s, child(path, "svi"), sv);
        if (!d.failed()) e.svi = sv;
    }
}

void decode_market(decoder& d, const json& o, const std::string& path, market_state& m) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "stable_price", "timestamp", "underlyings"})) return;
    auto ts = d.integer(o, path, "timestamp", true);
    if (d.failed()) return;
    m.timestamp = *ts;
    auto stable = price(d, o, path, "stable_price", false);
    if (d.failed()) return;
    m.stable_price = stable ? *stable : ONE;
    const json* u = d.field(o, path, "underlyings", true);
    if (!u) return;
    const std::string up = child(path, "underlyings");
    if (!d.is_object(*u, up)) return;
    for (const auto& [sym, v] : u->items()) {
        const std::string sp = child(up, sym);
        if (!d.symbol(sym, sp, false) || !d.is_object(v, sp) ||
            !d.only(v, sp, {"expiries", "perp_confidence", "perp_mark", "spot", "spot_confidence"}))
            return;
        underlying_market um;
        auto spot = price(d, v, sp, "spot", true);
        auto conf = d.decimal(v, sp, "spot_confidence", false);
        auto perp = price(d, v, sp, "perp_mark", false);
        if (d.failed()) return;
        um.spot = *spot;
        um.spot_confidence = conf ? *conf : Wad{};
        if (!d.non_negative(um.spot_confidence, child(sp, "spot_confidence"))) return;
        if (um.spot_confidence > um.spot) {
            d.fail(error_code::OUT_OF_RANGE, child(sp, "spot_confidence"), "confidence must not exceed the price");
            return;
        }
        um.perp_mark = perp;
        auto pconf = d.decimal(v, sp, "perp_confidence", false);
        if (d.failed()) return;
        um.perp_confidence = pconf ? *pconf : Wad{};
        if (!d.non_negative(um.perp_confidence, child(sp, "perp_confidence"))) return;
        if (um.perp_mark ? um.perp_confidence > *um.perp_mark : !um.perp_confidence.raw().is_zero()) {
            d.fail(error_code::OUT_OF_RANGE, child(sp, "perp_confidence"), "confidence must not exceed the perp mark");
            return;
        }
        if (const json* ex = d.field(v, sp, "expiries", false)) {
            const std::string ep = child(sp, "expiries");
            if (!d.is_array(*ex, ep)) return;
            for (std::size_t i = 0; i < ex->size(); ++i) {
                expiry_market e;
                decode_expiry(d, (*ex)[i], child(ep, i), um, m.timestamp, e);
                if (d.failed()) return;
                if (um.find(e.expiry)) {
                    d.fail(error_code::DUPLICATE_EXPIRY, child(child(ep, i), "expiry"),
                           "expiry " + std::to_string(e.expiry) + " is listed twice");
                    return;
                }
                um.expiries.push_back(e);
            }
            std::sort(um.expiries.begin(), um.expiries.end(),
                      [](const expiry_market& a, const expiry_market& b) { return a.expiry < b.expiry; });
        }
        m.underlyings.emplace(sym, std::move(um));
    }
    if (const json* c = d.field(o, path, "collateral", false)) {
        const std::string cp = child(path, "collateral");
        if (!d.is_object(*c, cp)) return;
        for (const auto& [asset, v] : c->items()) {
            const std::string ap = child(cp, asset);
            if (!d.symbol(asset, ap, false) || !d.is_object(v, ap) || !d.only(v, ap, {"confidence", "price"})) return;
            auto p = price(d, v, ap, "price", true);
            auto conf = d.decimal(v, ap, "confidence", false);
            if (d.failed()) return;
            asset_price a{*p, conf ? *conf : Wad{}};
            if (!d.non_negative(a.confidence, child(ap, "confidence"))) return;
            if (a.confidence > a.price) {
                d.fail(error_code::OUT_OF_RANGE, child(ap, "confidence"), "confidence must not exceed the price");
                return;
            }
            m.collateral.emplace(asset, a);
        }
    }
}

// --- account ---

void decode_position(decoder& d, const json& o, const std::string& path, const request& req, position& p) {
    if (!d.is_object(o, path)) return;
    auto type = d.text(o, path, "type", true);
    if (d.failed()) return;
    if (*type == "option") {
        p.type = instrument_type::option;
        d.only(o, path,
               {"contract_size", "expiry", "id", "isolated_margin", "mark_vol", "option_type", "size", "strike", "type", "underlying"});
    } else if (*type == "perp") {
        p.type = instrument_type::perp;
        d.only(o, path, {"entry_price", "funding", "id", "isolated_margin", "size", "type", "underlying"});
    } else if (*type == "future") {
        p.type = instrument_type::future;
        d.only(o, path, {"entry_price", "expiry", "id", "isolated_margin", "size", "type", "underlying"});
    } else {
        d.fail(error_code::BAD_ENUM, child(path, "type"), "type must be \"option\", \"perp\" or \"future\", got \"" + *type + "\"");
    }
    if (d.failed()) return;
    if (auto id = d.text(o, path, "id", false)) {
        if (id->empty() || id->size() > max_id_length) {
            d.fail(error_code::OUT_OF_RANGE, child(path, "id"), "id must be 1-64 characters");
            return;
        }
        p.id = *id;
    }
    auto und = d.text(o, path, "underlying", true);
    if (d.failed()) return;
    const std::string upath = child(path, "underlying");
    if (!d.symbol(*und, upath, false)) return;
    auto um = req.market.underlyings.find(*und);
    if (um == req.market.underlyings.end()) {
        d.fail(error_code::UNKNOWN_UNDERLYING, upath, "the market has no underlying \"" + *und + "\"");
        return;
    }
    if (req.model == margin_model::standard && !req.params.for_underlying(*und)) {
        d.fail(error_code::NO_PARAMS_FOR_UNDERLYING, upath, "the parameters have no entry for \"" + *und + "\" and no \"*\" default");
        return;
    }
    p.underlying = *und;
    auto size = d.decimal(o, path, "size", true);
    if (d.failed() || !d.abs_at_most(*size, MAX_SIZE, child(path, "size"))) return;
    p.size = *size;
    if (p.type != instrument_type::perp) {
        auto expiry = d.integer(o, path, "expiry", true);
        if (d.failed()) return;
        if (!um->second.find(*expiry)) {
            d.fail(error_code::UNKNOWN_EXPIRY, child(path, "expiry"),
                   "the market lists no expiry " + std::to_string(*expiry) + " for " + *und);
            return;
        }
        p.expiry = *expiry;
    }
    if (p.type == instrument_type::option) {
        auto kind = d.text(o, path, "option_type", true);
        if (d.failed()) return;
        if (*kind == "call")
            p.kind = option_kind::call;
        else if (*kind == "put")
            p.kind = option_kind::put;
        else {
            d.fail(error_code::BAD_ENUM, child(path, "option_type"), "option_type must be \"call\" or \"put\", got \"" + *kind + "\"");
            return;
        }
        auto strike = price(d, o, path, "strike", true);
        auto cs = d.decimal(o, path, "contract_size", false);
        auto vol = d.decimal(o, path, "mark_vol", false);
        if (d.failed()) return;
        p.strike = *strike;
        p.contract_size = cs ? *cs : ONE;
        if (!d.positive(p.contract_size, child(path, "contract_size")) ||
            !d.at_most(p.contract_size, MAX_CONTRACT_SIZE, child(path, "contract_size")))
            return;
        // size * contract_size must be exact at 18 decimals: it is the quantity margined.
        if (fp::mul(p.size, p.contract_size, rounding::floor).value != fp::mul(p.size, p.contract_size, rounding::ceil).value) {
            d.fail(error_code::QUANTITY_PRECISION, child(path, "size"), "size * contract_size has more than 18 fractional digits");
            return;
        }
        if (vol && !(d.positive(*vol, child(path, "mark_vol")) && d.at_most(*vol, MAX_VOL, child(path, "mark_vol")))) return;
        p.mark_vol = vol;
        if (!vol && !um->second.find(p.expiry)->svi) {
            d.fail(error_code::NO_VOLATILITY, path, "no mark_vol and no SVI surface for this expiry");
            return;
        }
    } else {
        if (p.type == instrument_type::perp && !um->second.perp_mark) {
            d.fail(error_code::NO_PERP_MARK, upath, "the market gives no perp_mark for \"" + *und + "\"");
            return;
        }
        p.entry_price = price(d, o, path, "entry_price", false);
        if (p.type == instrument_type::perp) {
            auto f = d.decimal(o, path, "funding", false);
            if (f && !d.abs_at_most(*f, MAX_AMOUNT, child(path, "funding"))) return;
            p.funding = f ? *f : Wad{};
        }
        if (d.failed()) return;
    }
    auto iso = d.decimal(o, path, "isolated_margin", false);
    if (d.failed()) return;
    if (req.acct.mode == margin_mode::isolated) {
        if (!iso) {
            d.fail(error_code::ISOLATED_MARGIN_REQUIRED, child(path, "isolated_margin"),
                   "isolated mode: each position needs its isolated_margin");
            return;
        }
        if (!d.non_negative(*iso, child(path, "isolated_margin")) || !d.at_most(*iso, MAX_AMOUNT, child(path, "isolated_margin"))) return;
        p.isolated_margin = iso;
    } else if (iso) {
        d.fail(error_code::ISOLATED_MARGIN_NOT_ALLOWED, child(path, "isolated_margin"),
               "isolated_margin needs \"margin_mode\": \"isolated\"");
    }
}

// What makes two positions the same instrument (an account holds each at most once).
using instrument_key = std::tuple<int, std::string, std::int64_t, int, fp::I256>;
instrument_key key_of(const position& p) {
    return {static_cast<int>(p.type), p.underlying, p.type == instrument_type::perp ? 0 : p.expiry,
            p.type == instrument_type::option ? static_cast<int>(p.kind) : 0,
            p.type == instrument_type::option ? p.strike.raw() : fp::I256{}};
}

void decode_account(decoder& d, const json& o, const std::string& path, request& req) {
    if (!d.is_object(o, path) || !d.only(o, path, {"cash", "collateral", "margin_mode", "positions"})) return;
    account& a = req.acct;
    if (auto mode = d.text(o, path, "margin_mode", false)) {
        if (*mode == "cross")
            a.mode = margin_mode::cross;
        else if (*mode == "isolated") {
            a.mode = margin_mode::isolated;
            if (req.model == margin_model::portfolio) {
                d.fail(error_code::MODE_NOT_SUPPORTED, child(path, "margin_mode"),
                       "the portfolio model margins the account as a whole: use \"cross\"");
                return;
            }
        } else {
            d.fail(error_code::BAD_ENUM, child(path, "margin_mode"),
                   "margin_mode must be \"cross\" or \"isolated\", got \"" + *mode + "\"");
            return;
        }
    }
    if (d.failed()) return;
    auto cash = d.decimal(o, path, "cash", false);
    if (d.failed()) return;
    a.cash = cash ? *cash : Wad{};
    if (!d.abs_at_most(a.cash, MAX_AMOUNT, child(path, "cash"))) return;
    if (const json* c = d.field(o, path, "collateral", false)) {
        const std::string cp = child(path, "collateral");
        if (!d.is_object(*c, cp)) return;
        for (const auto& [asset, v] : c->items()) {
            const std::string ap = child(cp, asset);
            if (!d.symbol(asset, ap, false)) return;
            auto amount = d.decimal_value(v, ap);
            if (d.failed() || !d.non_negative(*amount, ap) || !d.at_most(*amount, MAX_AMOUNT, ap)) return;
            if (!req.market.collateral.count(asset)) {
                d.fail(error_code::UNPRICED_COLLATERAL, ap, "the market gives no price for \"" + asset + "\"");
                return;
            }
            const bool accepted =
                req.model == margin_model::standard ? req.params.collateral.count(asset) > 0 : req.portfolio.collateral.count(asset) > 0;
            if (!accepted) {
                d.fail(error_code::COLLATERAL_NOT_ACCEPTED, ap,
                       "the parameters give no haircut for \"" + asset + "\", so it is not accepted");
                return;
            }
            a.collateral.emplace(asset, *amount);
        }
    }
    const json* ps = d.field(o, path, "positions", false);
    if (!ps) return;
    const std::string pp = child(path, "positions");
    if (!d.is_array(*ps, pp)) return;
    if (ps->size() > max_positions) {
        d.fail(error_code::OUT_OF_RANGE, pp, "at most 10000 positions per account");
        return;
    }
    std::set<instrument_key> seen;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < ps->size(); ++i) {
        position p;
        const std::string path_i = child(pp, i);
        decode_position(d, (*ps)[i], path_i, req, p);
        if (d.failed()) return;
        if (!seen.insert(key_of(p)).second) {
            d.fail(error_code::DUPLICATE_POSITION, path_i, "the account already holds this instrument: merge the sizes");
            return;
        }
        if (!p.id.empty() && !ids.insert(p.id).second) {
            d.fail(error_code::DUPLICATE_ID, child(path_i, "id"), "the id \"" + p.id + "\" is used twice");
            return;
        }
        a.positions.push_back(std::move(p));
    }
}

}  // namespace

namespace detail {
// Shared with json_write.cpp for the embedded documents.
outcome<standard_params> parse_params_text(std::string_view text, const std::string& path) {
    auto doc = parse_document(text);
    if (!doc.ok()) return outcome<standard_params>::failure(*doc.err);
    decoder d;
    outcome<standard_params> o;
    decode_params(d, doc.value, path, o.value);
    if (d.err) o.err = d.err;
    return o;
}
}  // namespace detail

namespace {

// A request document's fields, with the portfolio parameters given (`given`) instead of read
// from "params".
outcome<request> decode_request(const json& root, const portfolio_params* given) {
    decoder d;
    outcome<request> o;
    request& req = o.value;
    if (d.is_object(root, "") && (given ? d.only(root, "", {"account", "api_version", "market"})
                                        : d.only(root, "", {"account", "api_version", "market", "params"}))) {
        auto v = d.text(root, "", "api_version", true);
        if (v && *v != api_version)
            d.fail(error_code::UNSUPPORTED_VERSION, "/api_version", "this engine speaks API version \"1\", got \"" + *v + "\"");
        if (!d.failed() && given) {
            req.model = margin_model::portfolio;
            req.portfolio = *given;
        } else if (!d.failed()) {
            // parsed once: the shipped document never changes during a run
            static const outcome<standard_params> def = detail::parse_params_text(default_params_json(), "/params");
            const json* p = d.field(root, "", "params", false);
            if (p && p->is_string()) {
                const std::string name = p->get<std::string>();
                if (name == "standard") {
                    if (!def.ok())
                        d.err = def.err;
                    else
                        req.params = def.value;
                } else if (!portfolio_preset_json(name).empty()) {
                    req.model = margin_model::portfolio;
                    decode_portfolio_text(d, portfolio_preset_json(name), "/params", req.portfolio);
                } else {
                    d.fail(error_code::UNKNOWN_PRESET, "/params",
                           "params names \"standard\", \"pmrm2\" or \"span16\", or is a parameter document; got \"" + name + "\"");
                }
            } else if (p && p->is_object() && p->contains("version") && (*p)["version"] == "portfolio/1") {
                req.model = margin_model::portfolio;
                decode_portfolio(d, *p, "/params", req.portfolio);
            } else if (p) {
                decode_params(d, *p, "/params", req.params);
            } else {
                if (!def.ok())
                    d.err = def.err;  // a bug in the shipped document; tests keep it valid
                else
                    req.params = def.value;
            }
        }
        if (!d.failed()) {
            if (const json* m = d.field(root, "", "market", true)) decode_market(d, *m, "/market", req.market);
        }
        if (!d.failed()) {
            if (const json* a = d.field(root, "", "account", true)) decode_account(d, *a, "/account", req);
        }
    }
    if (d.err) return outcome<request>::failure(*d.err);
    return o;
}

// parse_request: the text's document, then its fields.
outcome<request> parse_request_impl(std::string_view text, const portfolio_params* given) {
    auto doc = parse_document(text);
    if (!doc.ok()) return outcome<request>::failure(*doc.err);
    return decode_request(doc.value, given);
}

}  // namespace

outcome<request> parse_request(std::string_view text) { return parse_request_impl(text, nullptr); }

outcome<request> parse_request(std::string_view text, const portfolio_params& params) { return parse_request_impl(text, &params); }

outcome<request> parse_request_document(const nlohmann::json& doc) { return decode_request(doc, nullptr); }

outcome<request> parse_request_document(const nlohmann::json& doc, const portfolio_params& params) { return decode_request(doc, &params); }

outcome<request> apply_trade(const request& before, std::string_view trade_text) {
    auto doc = parse_document(trade_text, "/trade");
    if (!doc.ok()) return outcome<request>::failure(*doc.err);
    const json& root = doc.value;
    decoder d;
    outcome<request> o;
    o.value = before;
    std::vector<position>& held = o.value.acct.positions;
    if (d.is_object(root, "/trade") && d.only(root, "/trade", {"positions"})) {
        const json* ps = d.field(root, "/trade", "positions", true);
        if (ps && d.is_array(*ps, "/trade/positions")) {
            if (ps->empty() || ps->size() > max_positions)
                d.fail(error_code::OUT_OF_RANGE, "/trade/positions", "a trade has 1 to 10000 positions");
            std::set<instrument_key> seen;
            for (std::size_t i = 0; i < ps->size() && !d.failed(); ++i) {
                const std::string path_i = child("/trade/positions", i);
                position p;
                decode_position(d, (*ps)[i], path_i, o.value, p);
                if (d.failed()) break;
                if (!seen.insert(key_of(p)).second) {
                    d.fail(error_code::DUPLICATE_POSITION, path_i, "the trade already has this instrument: merge the sizes");
                    break;
                }
                if (p.type == instrument_type::option) {
                    // Options trade at their mark: the premium (the traded position's value) moves to cash.
                    request one = o.value;
                    one.acct.positions = {p};
                    if (auto it = std::find_if(held.begin(), held.end(), [&](const position& h) { return key_of(h) == key_of(p); });
                        it != held.end())
                        one.acct.positions[0].mark_vol = it->mark_vol;  // the held position's mark
                    const auto v = value_position(one, 0);
                    if (!v.ok()) {
                        d.fail(v.err->code, path_i, v.err->message);
                        break;
                    }
                    const auto cash = fp::sub(o.value.acct.cash, v.value.value);
                    if (!cash.ok() || !d.abs_at_most(cash.value, MAX_AMOUNT, child(path_i, "size"))) {
                        if (!d.failed()) d.fail(error_code::OUT_OF_RANGE, child(path_i, "size"), "the premium takes cash out of range");
                        break;
                    }
                    o.value.acct.cash = cash.value;
                }
                auto it = std::find_if(held.begin(), held.end(), [&](const position& h) { return key_of(h) == key_of(p); });
                if (it == held.end()) {
                    if (!p.id.empty() && std::any_of(held.begin(), held.end(), [&](const position& h) { return h.id == p.id; })) {
                        d.fail(error_code::DUPLICATE_ID, child(path_i, "id"), "the account already uses the id \"" + p.id + "\"");
                        break;
                    }
                    if (held.size() >= max_positions) {
                        d.fail(error_code::OUT_OF_RANGE, path_i, "at most 10000 positions per account");
                        break;
                    }
                    held.push_back(std::move(p));
                    continue;
                }
                // An instrument the account holds: the sizes add and the held position keeps its id,
                // entry price and mark vol (docs/api.md, "Trade preview").
                if (p.type == instrument_type::option && p.contract_size != it->contract_size) {
                    d.fail(error_code::TRADE_CONFLICT, child(path_i, "contract_size"), "differs from the held position's contract size");
                    break;
                }
                if (p.mark_vol && p.mark_vol != it->mark_vol) {
                    d.fail(error_code::TRADE_CONFLICT, child(path_i, "mark_vol"), "differs from the held position's mark vol");
                    break;
                }
                if (p.isolated_margin) {
                    d.fail(error_code::TRADE_CONFLICT, child(path_i, "isolated_margin"),
                           "a trade on a held position cannot assign isolated margin");
                    break;
                }
                calc c;
                const Wad sum = c(fp::add(it->size, p.size));
                if (p.type != instrument_type::option) {
                    // Linear: the trade's P&L against the held entry price moves into funding, so the merged
                    // position is worth what the two were: funding += trade size x (held entry - trade entry).
                    const underlying_market& um = o.value.market.underlyings.at(p.underlying);
                    const Wad mark = p.type == instrument_type::perp ? *um.perp_mark : um.find(p.expiry)->forward;
                    const Wad held_entry = it->entry_price ? *it->entry_price : mark, trade_entry = p.entry_price ? *p.entry_price : mark;
                    it->funding = c(fp::add(c(fp::add(it->funding, p.funding)),
                                            c(fp::mul(p.size, c(fp::sub(held_entry, trade_entry)), fp::rounding::floor))));
                }
                if (!c.ok() || !d.abs_at_most(sum, MAX_SIZE, child(path_i, "size")) ||
                    !d.abs_at_most(it->funding, MAX_AMOUNT, child(path_i, "funding")))
                    break;
                if (sum.raw().is_zero())
                    held.erase(it);
                else
                    it->size = sum;
            }
        }
    }
    if (d.err) return outcome<request>::failure(*d.err);
    return o;
}

}  // namespace margin
