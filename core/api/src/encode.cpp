// Responses, errors and the canonical request encoding (docs/api.md).
#include <nlohmann/json.hpp>

#include "api/document.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "encode.hpp"

namespace margin::api {
namespace detail {

std::string dec(const Wad& w) { return fp::format(w); }

std::string dump(const nlohmann::ordered_json& j, bool pretty) {
    // replace: invalid UTF-8 cannot occur (the parser rejects it), and dump must not throw.
    return j.dump(pretty ? 2 : -1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

}  // namespace detail

namespace {

using detail::dec;
using detail::dump;

using sorted_json = nlohmann::json;           // objects keyed in byte order: the canonical form
using ordered_json = nlohmann::ordered_json;  // insertion order: readable responses

// A collateral asset's depth term, only when present (absent: the object as before).
void add_depth(sorted_json& j, const depth_term& t) {
    if (t.depth) j["depth"] = dec(*t.depth);
    if (t.liquidity) j["liquidity"] = dec(*t.liquidity);
}

const char* type_text(instrument_type t) {
    return t == instrument_type::option ? "option" : t == instrument_type::perp ? "perp" : "future";
}

sorted_json encode_params(const standard_params& p) {
    sorted_json j;
    j["version"] = p.version;
    j["underlyings"] = sorted_json::object();
    for (const auto& [sym, u] : p.underlyings) {
        sorted_json& s = j["underlyings"][sym];
        s["option"] = {{"im_otm_base", dec(u.option.im_otm_base)},
                       {"im_floor", dec(u.option.im_floor)},
                       {"mm_otm_base", dec(u.option.mm_otm_base)},
                       {"mm_floor", dec(u.option.mm_floor)}};
        for (const auto& [k, r] : {std::pair<const char*, const linear_rates*>{"perp", &u.perp}, {"future", &u.future}})
            s[k] = {{"im_base", dec(r->im_base)},
                    {"mm_base", dec(r->mm_base)},
                    {"size_slope", dec(r->size_slope)},
                    {"max_rate", dec(r->max_rate)}};
    }
    j["collateral"] = sorted_json::object();
    for (const auto& [asset, h] : p.collateral) {
        j["collateral"][asset] = {{"im_haircut", dec(h.im)}, {"mm_haircut", dec(h.mm)}};
        add_depth(j["collateral"][asset], h.depth);
    }
    return j;
}

const char* vol_text(scenario::vol_move v) {
    switch (v) {
        case scenario::vol_move::none: return "none";
        case scenario::vol_move::up: return "up";
        case scenario::vol_move::down: return "down";
        case scenario::vol_move::linear_skew: return "linear_skew";
        case scenario::vol_move::abs_skew: return "abs_skew";
    }
    return "none";
}

// The contingency block (scenario/1 and es/1 documents share it).
sorted_json contingency_object(const scenario::contingency_params& c) {
    return {{"peg_loss_threshold", dec(c.peg_loss_threshold)},     {"peg_loss_factor", dec(c.peg_loss_factor)},
            {"confidence_threshold", dec(c.confidence_threshold)}, {"confidence_margin", dec(c.confidence_margin)},
            {"mm_perp_percent", dec(c.mm_perp_percent)},           {"im_perp_percent", dec(c.im_perp_percent)},
            {"mm_option_percent", dec(c.mm_option_percent)},       {"im_option_percent", dec(c.im_option_percent)}};
}

sorted_json encode_scenarios(const scenario::params& s) {
    sorted_json sc;
    sc["version"] = "scenario/1";
    sc["scenarios"] = sorted_json::array();
    for (const scenario::scenario& x : s.scenarios)
        sc["scenarios"].push_back({{"spot_shock", dec(x.spot_shock)}, {"vol", vol_text(x.vol)}, {"weight", dec(x.weight)}});
    const auto& v = s.vol_shock;
    sc["vol_shock"] = {{"range_up", dec(v.range_up)},
                       {"range_down", dec(v.range_down)},
                       {"short_term_power", dec(v.short_term_power)},
                       {"long_term_power", dec(v.long_term_power)},
                       {"min_vol_up", dec(v.min_vol_up)},
                       {"dte_floor_seconds", std::to_string(v.dte_floor_seconds)}};
    const auto& k = s.skew_shock;
    sc["skew_shock"] = {{"linear_base_cap", dec(k.linear_base_cap)},
                        {"linear_c_base", dec(k.linear_c_base)},
                        {"abs_base_cap", dec(k.abs_base_cap)},
                        {"abs_c_base", dec(k.abs_c_base)},
                        {"min_k_star", dec(k.min_k_star)},
                        {"width_scale", dec(k.width_scale)},
                        {"vol_param_static", dec(k.vol_param_static)},
                        {"vol_param_scale", dec(k.vol_param_scale)}};
    const auto& l = s.loss;
    sc["loss"] = {{"im_factor", dec(l.im_factor)},
                  {"mm_factor", dec(l.mm_factor)},
                  {"long_rate_mult", dec(l.long_rate_mult)},
                  {"long_rate_add", dec(l.long_rate_add)},
                  {"short_rate_mult", dec(l.short_rate_mult)},
                  {"short_rate_add", dec(l.short_rate_add)},
                  {"long_base_discount", dec(l.long_base_discount)},
                  {"short_base_discount", dec(l.short_base_discount)}};
    const auto& b = s.basis;
    sc["basis"] = {{"spot_up", dec(b.spot_up)},
                   {"spot_down", dec(b.spot_down)},
                   {"add_factor", dec(b.add_factor)},
                   {"mult_factor", dec(b.mult_factor)}};
    sc["contingency"] = contingency_object(s.contingency);
    return sc;
}

sorted_json encode_portfolio(const portfolio_params& p) {
    sorted_json j;
    j["version"] = p.version;
    j["scenarios"] = encode_scenarios(p.scenarios);
    j["collateral"] = sorted_json::object();
    for (const auto& [asset, r] : p.collateral) {
        j["collateral"][asset] = {
            {"im_haircut", dec(r.im_haircut)}, {"mm_haircut", dec(r.mm_haircut)}, {"risk_cancelling", r.risk_cancelling}};
        add_depth(j["collateral"][asset], r.depth);
    }
    j["offsets"] = sorted_json::array();
    for (const offset_rule& o : p.offsets) j["offsets"].push_back({{"underlyings", {o.a, o.b}}, {"rate", dec(o.rate)}});
    return j;
}

sorted_json encode_es(const es_params& p) {
    sorted_json j;
    j["version"] = p.version;
    j["risk"] = detail::risk_params_object(p.risk);
    j["mm_factor"] = dec(p.mm_factor);
    j["contingency"] = contingency_object(p.contingency);
    j["collateral"] = sorted_json::object();
    for (const auto& [asset, r] : p.collateral) {
        j["collateral"][asset] = {{"im_haircut", dec(r.im_haircut)}, {"mm_haircut", dec(r.mm_haircut)}};
        add_depth(j["collateral"][asset], r.depth);
    }
    return j;
}

ordered_json encode_greeks(const greeks& g) {
    return {{"delta", dec(g.delta)}, {"gamma", dec(g.gamma)}, {"vega", dec(g.vega)}, {"theta", dec(g.theta)}};
}

}  // namespace

sorted_json canonical_document(const request& req) {
    sorted_json j;
    j["api_version"] = std::string(api_version);
    j["params"] = req.model == margin_model::portfolio ? encode_portfolio(req.portfolio)
                  : req.model == margin_model::es      ? encode_es(req.es)
                                                       : encode_params(req.params);
    if (req.history) {  // every calendar day, the carried-forward ones included: the same series
        sorted_json& h = j["history"];
        for (const auto& [sym, se] : *req.history) {
            sorted_json rows = sorted_json::array();
            for (std::int32_t d = se.first_day; d <= se.last_day(); ++d) rows.push_back({risk::format_date(d), dec(se.at(d))});
            h[sym] = std::move(rows);
        }
    }
    j["market"]["stable_price"] = dec(req.market.stable_price);
    sorted_json& m = j["market"];
    m["timestamp"] = std::to_string(req.market.timestamp);
    m["underlyings"] = sorted_json::object();
    for (const auto& [sym, u] : req.market.underlyings) {
        sorted_json& s = m["underlyings"][sym];
        s["spot"] = dec(u.spot);
        s["spot_confidence"] = dec(u.spot_confidence);
        if (u.perp_mark) {
            s["perp_mark"] = dec(*u.perp_mark);
            s["perp_confidence"] = dec(u.perp_confidence);
        }
        s["expiries"] = sorted_json::array();
        for (const expiry_market& e : u.expiries) {
            sorted_json x = {{"expiry", std::to_string(e.expiry)},
                             {"forward", dec(e.forward)},
                             {"discount_factor", dec(e.discount_factor)},
                             {"forward_confidence", dec(e.forward_confidence)}};
            if (e.rate) x["rate"] = dec(*e.rate);
            if (e.svi)
                x["svi"] = {{"a", dec(e.svi->a)},
                            {"b", dec(e.svi->b)},
                            {"rho", dec(e.svi->rho)},
                            {"m", dec(e.svi->m)},
                            {"sigma", dec(e.svi->sigma)}};
            s["expiries"].push_back(std::move(x));
        }
    }
    m["collateral"] = sorted_json::object();
    for (const auto& [asset, p] : req.market.collateral)
        m["collateral"][asset] = {{"price", dec(p.price)}, {"confidence", dec(p.confidence)}};
    sorted_json& a = j["account"];
    a["margin_mode"] = req.acct.mode == margin_mode::cross ? "cross" : "isolated";
    a["cash"] = dec(req.acct.cash);
    a["collateral"] = sorted_json::object();
    for (const auto& [asset, amount] : req.acct.collateral) a["collateral"][asset] = dec(amount);
    a["positions"] = sorted_json::array();
    for (const position& p : req.acct.positions) {
        sorted_json x = {{"type", type_text(p.type)}, {"underlying", p.underlying}, {"size", dec(p.size)}};
        if (!p.id.empty()) x["id"] = p.id;
        if (p.isolated_margin) x["isolated_margin"] = dec(*p.isolated_margin);
        const underlying_market& um = req.market.underlyings.at(p.underlying);
        if (p.type == instrument_type::option) {
            x["expiry"] = std::to_string(p.expiry);
            x["option_type"] = p.kind == option_kind::call ? "call" : "put";
            x["strike"] = dec(p.strike);
            x["contract_size"] = dec(p.contract_size);
            if (p.mark_vol) x["mark_vol"] = dec(*p.mark_vol);
        } else {
            const Wad mark = p.type == instrument_type::perp ? *um.perp_mark : um.find(p.expiry)->forward;
            if (p.type == instrument_type::future) x["expiry"] = std::to_string(p.expiry);
            x["entry_price"] = dec(p.entry_price ? *p.entry_price : mark);
            if (p.type == instrument_type::perp) x["funding"] = dec(p.funding);
        }
        a["positions"].push_back(std::move(x));
    }
    return j;
}

std::string scenario_document(const scenario::params& p, const std::string& name, const std::string& description) {
    sorted_json j = encode_scenarios(p);
    if (!name.empty()) j["name"] = name;
    if (!description.empty()) j["description"] = description;
    return j.dump(2, ' ', false, nlohmann::detail::error_handler_t::replace);
}

std::string canonical_request(const request& req) {
    return canonical_document(req).dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

std::string encode_error(const error& e, bool pretty) {
    ordered_json j;
    j["error"] = {{"code", std::string(margin::name(e.code))}, {"path", e.path}, {"message", e.message}};
    return dump(j, pretty);
}

namespace detail {

// The "result" object of a response.
ordered_json result_object(const request& req, const account_result& r) {
    ordered_json o;
    const bool portfolio = r.model == margin_model::portfolio, es = r.model == margin_model::es;
    o["model"] = portfolio ? "portfolio" : es ? "es" : "standard";
    o["margin_mode"] = r.mode == margin_mode::cross ? "cross" : "isolated";
    o["equity"] = dec(r.equity);
    o["margin_balance"] = dec(r.margin_balance);
    o["balance_adjustments"] = ordered_json::object();
    for (const balance_adjustment& a : r.balance_adjustments) o["balance_adjustments"][a.name] = dec(a.amount);
    if (r.pool_balance) o["pool_balance"] = dec(*r.pool_balance);
    o["initial_margin"] = dec(r.initial_margin);
    o["maintenance_margin"] = dec(r.maintenance_margin);
    o["free_collateral"] = dec(r.free_collateral);
    o["health"] = dec(r.health);
    o["margin_ratio"] = r.margin_ratio ? ordered_json(dec(*r.margin_ratio)) : ordered_json(nullptr);
    o["liquidatable"] = r.liquidatable;
    o["greeks"] = ordered_json::object();
    for (const auto& [sym, g] : r.greeks_by_underlying) o["greeks"][sym] = encode_greeks(g);
    o["positions"] = ordered_json::array();
    for (std::size_t i = 0; i < r.positions.size(); ++i) {
        const position& p = req.acct.positions[i];
        const position_result& pr = r.positions[i];
        ordered_json x;
        if (!p.id.empty()) x["id"] = p.id;
        x["type"] = type_text(p.type);
        x["underlying"] = p.underlying;
        x["size"] = dec(p.size);
        x["mark_price"] = dec(pr.mark_price);
        x["underlying_price"] = dec(pr.underlying_price);
        if (pr.vol) x["vol"] = dec(*pr.vol);
        if (p.type == instrument_type::option) x["unit_value"] = dec(pr.unit_value);
        x["value"] = dec(pr.value);
        x["notional"] = dec(pr.notional);
        if (!portfolio && !es) {  // the portfolio and es models margin the account as a whole
            x["initial_margin"] = dec(pr.initial_margin);
            x["maintenance_margin"] = dec(pr.maintenance_margin);
        }
        x["greeks"] = encode_greeks(pr.position_greeks);
        if (pr.isolated_balance) {
            x["isolated_balance"] = dec(*pr.isolated_balance);
            x["liquidatable"] = pr.liquidatable;
        }
        o["positions"].push_back(std::move(x));
    }
    o["collateral"] = ordered_json::array();
    for (const collateral_result& c : r.collateral)
        o["collateral"].push_back({{"asset", c.asset},
                                   {"amount", dec(c.amount)},
                                   {"price", dec(c.price)},
                                   {"value", dec(c.value)},
                                   {"im_charge", dec(c.im_charge)}});
    if (portfolio) {
        o["scenario_risk"] = dec(r.scenario_risk);
        o["underlyings"] = ordered_json::array();
        for (const underlying_risk& u : r.underlyings) {
            ordered_json x;
            x["underlying"] = u.symbol.empty() ? ordered_json(nullptr) : ordered_json(u.symbol);
            x["worst_scenario"] = u.worst_scenario;  // an index (the list's length: the basis contingency)
            x["worst_loss"] = dec(u.worst_loss);
            x["basis_contingency"] = dec(u.basis_contingency);
            x["mm_contingency"] = dec(u.mm_contingency);
            x["im_contingency"] = dec(u.im_contingency);
            x["mark_to_market"] = dec(u.mark_to_market);
            x["expiries"] = ordered_json::array();
            for (const expiry_risk& e : u.expiries)
                x["expiries"].push_back(
                    {{"expiry", std::to_string(e.expiry)}, {"mark_to_market", dec(e.mark_to_market)}, {"worst_pnl", dec(e.worst_pnl)}});
            x["scenario_pnl"] = ordered_json::array();
            for (const Wad& v : u.scenario_pnl) x["scenario_pnl"].push_back(dec(v));
            o["underlyings"].push_back(std::move(x));
        }
        o["offsets"] = ordered_json::array();
        for (const offset_credit& c : r.offsets) o["offsets"].push_back({{"underlyings", {c.a, c.b}}, {"credit", dec(c.credit)}});
    }
    if (es && r.risk) {
        o["es_requirement"] = dec(r.es_requirement);
        o["contingencies"] = ordered_json::array();
        for (const underlying_risk& u : r.underlyings)
            o["contingencies"].push_back({{"underlying", u.symbol.empty() ? ordered_json(nullptr) : ordered_json(u.symbol)},
                                          {"mm_contingency", dec(u.mm_contingency)},
                                          {"im_contingency", dec(u.im_contingency)}});
        o["risk"] = risk_object(req.es.risk, *r.risk, false);
    }
    return o;
}

}  // namespace detail

std::string encode_result(const request& req, const account_result& r, bool pretty) {
    ordered_json j;
    j["api_version"] = std::string(api_version);
    j["result"] = detail::result_object(req, r);
    return dump(j, pretty);
}

}  // namespace margin::api
