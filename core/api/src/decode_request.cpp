// Requests and trades, decoded: each field's presence and JSON type, in document order
// (docs/api.md); then core's validate() checks the bounds and cross-field rules.
#include "api/request.hpp"
#include "core/trade.hpp"
#include "core/validate.hpp"
#include "decode.hpp"

namespace margin::api {
namespace detail {
namespace {

void decode_expiry(decoder& d, const json& o, const std::string& path, expiry_market& e) {
    if (!d.is_object(o, path) || !d.only(o, path, {"discount_factor", "expiry", "forward", "forward_confidence", "rate", "svi"})) return;
    auto expiry = d.integer(o, path, "expiry", true);
    if (d.failed()) return;
    e.expiry = *expiry;
    e.given_forward = d.decimal(o, path, "forward", false);
    e.rate = d.decimal(o, path, "rate", false);
    e.given_discount_factor = d.decimal(o, path, "discount_factor", false);
    auto fconf = d.decimal(o, path, "forward_confidence", false);
    if (d.failed()) return;
    if (fconf) e.forward_confidence = *fconf;
    if (const json* s = d.field(o, path, "svi", false)) {
        const std::string sp = child(path, "svi");
        if (!d.is_object(*s, sp) || !d.only(*s, sp, {"a", "b", "m", "rho", "sigma"})) return;
        auto a = d.decimal(*s, sp, "a", true);
        auto b = d.decimal(*s, sp, "b", true);
        auto rho = d.decimal(*s, sp, "rho", true);
        auto m = d.decimal(*s, sp, "m", true);
        auto sigma = d.decimal(*s, sp, "sigma", true);
        if (d.failed()) return;
        e.svi = svi_params{*a, *b, *rho, *m, *sigma};
    }
}

void decode_market(decoder& d, const json& o, const std::string& path, market_state& m) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "stable_price", "timestamp", "underlyings"})) return;
    auto ts = d.integer(o, path, "timestamp", true);
    if (d.failed()) return;
    m.timestamp = *ts;
    auto stable = d.decimal(o, path, "stable_price", false);
    if (d.failed()) return;
    if (stable) m.stable_price = *stable;
    const json* u = d.field(o, path, "underlyings", true);
    if (!u) return;
    const std::string up = child(path, "underlyings");
    if (!d.is_object(*u, up) || !d.at_most(*u, limits::max_underlyings, up, "underlyings")) return;
    for (const auto& [sym, v] : u->items()) {
        const std::string sp = child(up, sym);
        if (!d.is_object(v, sp) || !d.only(v, sp, {"expiries", "perp_confidence", "perp_mark", "spot", "spot_confidence"})) return;
        underlying_market um;
        auto spot = d.decimal(v, sp, "spot", true);
        auto conf = d.decimal(v, sp, "spot_confidence", false);
        um.perp_mark = d.decimal(v, sp, "perp_mark", false);
        auto pconf = d.decimal(v, sp, "perp_confidence", false);
        if (d.failed()) return;
        um.spot = *spot;
        if (conf) um.spot_confidence = *conf;
        if (pconf) um.perp_confidence = *pconf;
        if (const json* ex = d.field(v, sp, "expiries", false)) {
            const std::string ep = child(sp, "expiries");
            if (!d.is_array(*ex, ep) || !d.at_most(*ex, limits::max_expiries, ep, "expiries per underlying")) return;
            for (std::size_t i = 0; i < ex->size(); ++i) {
                expiry_market e;
                decode_expiry(d, (*ex)[i], child(ep, i), e);
                if (d.failed()) return;
                um.expiries.push_back(std::move(e));
            }
        }
        m.underlyings.emplace(sym, std::move(um));
    }
    if (const json* c = d.field(o, path, "collateral", false)) {
        const std::string cp = child(path, "collateral");
        if (!d.is_object(*c, cp) || !d.at_most(*c, limits::max_collateral, cp, "collateral assets")) return;
        for (const auto& [asset, v] : c->items()) {
            const std::string ap = child(cp, asset);
            if (!d.is_object(v, ap) || !d.only(v, ap, {"confidence", "price"})) return;
            auto p = d.decimal(v, ap, "price", true);
            auto conf = d.decimal(v, ap, "confidence", false);
            if (d.failed()) return;
            m.collateral.emplace(asset, asset_price{*p, conf ? *conf : Wad{}});
        }
    }
}

// A list of positions (an account's or a trade's), capped before it is read.
void decode_positions(decoder& d, const json& ps, const std::string& path, std::vector<position>& out) {
    if (!d.is_array(ps, path)) return;
    if (ps.size() > limits::max_positions) {
        d.fail(error_code::OUT_OF_RANGE, path, "at most 10000 positions per account");
        return;
    }
    for (std::size_t i = 0; i < ps.size(); ++i) {
        position p;
        decode_position(d, ps[i], child(path, i), p);
        if (d.failed()) return;
        out.push_back(std::move(p));
    }
}

void decode_account(decoder& d, const json& o, const std::string& path, account& a) {
    if (!d.is_object(o, path) || !d.only(o, path, {"cash", "collateral", "margin_mode", "positions"})) return;
    if (auto mode = d.text(o, path, "margin_mode", false)) {
        if (*mode == "cross")
            a.mode = margin_mode::cross;
        else if (*mode == "isolated")
            a.mode = margin_mode::isolated;
        else {
            d.fail(error_code::BAD_ENUM, child(path, "margin_mode"),
                   "margin_mode must be \"cross\" or \"isolated\", got \"" + *mode + "\"");
            return;
        }
    }
    auto cash = d.decimal(o, path, "cash", false);
    if (d.failed()) return;
    if (cash) a.cash = *cash;
    if (const json* c = d.field(o, path, "collateral", false)) {
        const std::string cp = child(path, "collateral");
        if (!d.is_object(*c, cp) || !d.at_most(*c, limits::max_collateral, cp, "collateral assets")) return;
        for (const auto& [asset, v] : c->items()) {
            auto amount = d.decimal_value(v, child(cp, asset));
            if (d.failed()) return;
            a.collateral.emplace(asset, *amount);
        }
    }
    if (const json* ps = d.field(o, path, "positions", false)) decode_positions(d, *ps, child(path, "positions"), a.positions);
}

// "params": absent or "standard" (the shipped standard document), a preset name, a document,
// or a partial document {"base": PRESET, ...} (resolve_base).
void decode_params(decoder& d, const json* p, request& req) {
    // decoded once: the shipped document never changes during a run
    static const outcome<standard_params> standard = [] {
        outcome<standard_params> o;
        auto doc = parse_document(document("standard"));
        if (!doc.ok()) return outcome<standard_params>::failure(*doc.err);
        decoder dd;
        decode_standard(dd, doc.value, "/params", o.value);
        if (dd.err) o.err = dd.err;
        return o;
    }();
    json resolved;  // a partial document: the preset it names with its members merged over
    if (p && p->is_object() && p->contains("base")) {
        if (!resolve_base(d, *p, "/params", resolved)) return;
        p = &resolved;
    }
    if (!p || (p->is_string() && p->get<std::string>() == "standard")) {
        if (!standard.ok())
            d.err = standard.err;  // a bug in the shipped document; tests keep it valid
        else
            req.params = standard.value;
    } else if (p->is_string()) {
        const std::string name = p->get<std::string>();
        const std::string_view text = name == "pmrm2" || name == "span16" || name == "es" ? document(name) : std::string_view();
        if (text.empty()) {
            d.fail(error_code::UNKNOWN_PRESET, "/params",
                   "params names \"standard\", \"pmrm2\", \"span16\" or \"es\", or is a parameter document; got \"" + name + "\"");
            return;
        }
        auto doc = parse_document(text);
        if (!doc.ok()) {
            d.err = doc.err;
            return;
        }
        if (name == "es") {
            req.model = margin_model::es;
            decode_es(d, doc.value, "/params", req.es);
        } else {
            req.model = margin_model::portfolio;
            decode_portfolio(d, doc.value, "/params", req.portfolio);
        }
    } else if (p->is_object() && p->contains("version") && (*p)["version"] == "es/1") {
        req.model = margin_model::es;
        decode_es(d, *p, "/params", req.es);
    } else if (p->is_object() && p->contains("version") && (*p)["version"] == "portfolio/1") {
        req.model = margin_model::portfolio;
        decode_portfolio(d, *p, "/params", req.portfolio);
    } else {
        decode_standard(d, *p, "/params", req.params);
    }
}

}  // namespace

void decode_position(decoder& d, const json& o, const std::string& path, position& p) {
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
        if (id->empty()) {  // the model's "no id"; validate() checks the length of the others
            d.fail(error_code::OUT_OF_RANGE, child(path, "id"), "id must be 1-64 characters");
            return;
        }
        p.id = *id;
    }
    auto und = d.text(o, path, "underlying", true);
    auto size = d.decimal(o, path, "size", true);
    if (d.failed()) return;
    p.underlying = *und;
    p.size = *size;
    if (p.type != instrument_type::perp) {
        auto expiry = d.integer(o, path, "expiry", true);
        if (d.failed()) return;
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
        auto strike = d.decimal(o, path, "strike", true);
        auto cs = d.decimal(o, path, "contract_size", false);
        p.mark_vol = d.decimal(o, path, "mark_vol", false);
        if (d.failed()) return;
        p.strike = *strike;
        if (cs) p.contract_size = *cs;
    } else {
        p.entry_price = d.decimal(o, path, "entry_price", false);
        if (p.type == instrument_type::perp) {
            auto f = d.decimal(o, path, "funding", false);
            if (f) p.funding = *f;
        }
        if (d.failed()) return;
    }
    p.isolated_margin = d.decimal(o, path, "isolated_margin", false);
}

outcome<request> decode_request(const json& root, const portfolio_params* given, bool history_allowed) {
    decoder d;
    request req;
    if (d.is_object(root, "") && (given ? d.only(root, "", {"account", "api_version", "market"})
                                        : d.only(root, "", {"account", "api_version", "history", "market", "params"}))) {
        auto v = d.text(root, "", "api_version", true);
        if (v && *v != api_version)
            d.fail(error_code::UNSUPPORTED_VERSION, "/api_version", "this engine speaks API version \"1\", got \"" + *v + "\"");
        if (!d.failed() && given) {
            req.model = margin_model::portfolio;
            req.portfolio = *given;
        } else if (!d.failed()) {
            decode_params(d, d.field(root, "", "params", false), req);
        }
        if (!d.failed()) {
            if (const json* m = d.field(root, "", "market", true)) decode_market(d, *m, "/market", req.market);
        }
        if (!d.failed()) {
            if (const json* a = d.field(root, "", "account", true)) decode_account(d, *a, "/account", req.acct);
        }
        if (!d.failed() && !given) {
            if (const json* h = d.field(root, "", "history", false)) {
                if (!history_allowed && req.model != margin_model::es) {
                    d.fail(error_code::UNKNOWN_FIELD, "/history", "\"history\" is read by the es model and by risk requests only");
                } else {
                    auto hist = std::make_shared<risk::history>();
                    decode_history(d, *h, "/history", *hist);
                    req.history = std::move(hist);
                }
            }
        }
    }
    if (d.err) return outcome<request>::failure(*d.err);
    return validate(std::move(req), given != nullptr);
}

}  // namespace detail

namespace {
outcome<request> parse_with(std::string_view text, const portfolio_params* given) {
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return outcome<request>::failure(*doc.err);
    return detail::decode_request(doc.value, given);
}
}  // namespace

outcome<request> parse_request(std::string_view text) { return parse_with(text, nullptr); }
outcome<request> parse_request(std::string_view text, const portfolio_params& params) { return parse_with(text, &params); }

outcome<request> parse_trade(const request& before, std::string_view trade_text) {
    auto doc = detail::parse_document(trade_text, "/trade");
    if (!doc.ok()) return outcome<request>::failure(*doc.err);
    detail::decoder d;
    std::vector<position> trade;
    if (d.is_object(doc.value, "/trade") && d.only(doc.value, "/trade", {"positions"})) {
        if (const detail::json* ps = d.field(doc.value, "/trade", "positions", true)) {
            if (d.is_array(*ps, "/trade/positions") && (ps->empty() || ps->size() > limits::max_positions))
                d.fail(error_code::OUT_OF_RANGE, "/trade/positions", "a trade has 1 to 10000 positions");
            else
                detail::decode_positions(d, *ps, "/trade/positions", trade);
        }
    }
    if (d.err) return outcome<request>::failure(*d.err);
    return apply_trade(before, trade);
}

outcome<scenario::params> parse_scenario_params(std::string_view text, const std::string& path) {
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return outcome<scenario::params>::failure(*doc.err);
    detail::decoder d;
    outcome<scenario::params> o;
    detail::decode_scenarios(d, doc.value, path, o.value);
    if (!d.err) d.err = validate(o.value, path);
    if (d.err) return outcome<scenario::params>::failure(*d.err);
    return o;
}

}  // namespace margin::api
