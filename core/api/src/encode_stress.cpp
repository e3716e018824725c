// Stress result documents (docs/stress.md §Result) and stress/1 scenarios as JSON.
#include "api/request.hpp"
#include "api/stress.hpp"
#include "encode.hpp"

namespace margin::api {
namespace {

using detail::dec;
using nlohmann::ordered_json;

const fp::Wad ONE = fp::Wad::from_int(1);

ordered_json scenario_object(const stress::scenario& s) {
    ordered_json o;
    o["name"] = s.name;
    if (!s.underlyings.empty()) {
        ordered_json us = ordered_json::object();
        for (const auto& [sym, u] : s.underlyings) {
            ordered_json j = ordered_json::object();
            if (!u.spot.raw().is_zero()) j["spot"] = dec(u.spot);
            if (u.vol) {
                ordered_json v = ordered_json::object();
                if (!u.vol->relative.raw().is_zero()) v["relative"] = dec(u.vol->relative);
                if (!u.vol->absolute.raw().is_zero()) v["absolute"] = dec(u.vol->absolute);
                if (!u.vol->skew.raw().is_zero()) v["skew"] = dec(u.vol->skew);
                if (!u.vol->term_power.raw().is_zero()) v["term_power"] = dec(u.vol->term_power);
                if (u.vol->term_power_long) v["term_power_long"] = dec(*u.vol->term_power_long);
                if (u.vol->term_floor_days != 1) v["term_floor_days"] = std::to_string(u.vol->term_floor_days);
                if (!u.vol->floor.raw().is_zero()) v["floor"] = dec(u.vol->floor);
                j["vol"] = std::move(v);
            }
            if (!u.basis.raw().is_zero()) j["basis"] = dec(u.basis);
            if (!u.perp_basis.raw().is_zero()) j["perp_basis"] = dec(u.perp_basis);
            if (!u.funding_rate.raw().is_zero() || u.funding_days != 0)
                j["funding"] = {{"rate", dec(u.funding_rate)}, {"days", std::to_string(u.funding_days)}};
            if (!u.rate.raw().is_zero()) j["rate"] = dec(u.rate);
            if (u.confidence_scale != ONE) j["confidence_scale"] = dec(u.confidence_scale);
            us[sym] = std::move(j);
        }
        o["underlyings"] = std::move(us);
    }
    if (!s.derived.empty()) {
        ordered_json ds = ordered_json::object();
        for (const auto& [sym, d] : s.derived) {
            ordered_json j;
            j["lead"] = d.lead;
            if (d.correlation) j["correlation"] = dec(*d.correlation);
            if (d.beta) j["beta"] = dec(*d.beta);
            if (d.vol_ratio != ONE) j["vol_ratio"] = dec(d.vol_ratio);
            ds[sym] = std::move(j);
        }
        o["derived"] = std::move(ds);
    }
    if (!s.collateral.empty()) {
        ordered_json cs = ordered_json::object();
        for (const auto& [asset, k] : s.collateral) {
            ordered_json j = ordered_json::object();
            if (k.price) j["price"] = dec(*k.price);
            if (!k.haircut.raw().is_zero()) j["haircut"] = dec(k.haircut);
            if (k.confidence_scale != ONE) j["confidence_scale"] = dec(k.confidence_scale);
            cs[asset] = std::move(j);
        }
        o["collateral"] = std::move(cs);
    }
    if (s.stable_price) o["stable_price"] = dec(*s.stable_price);
    if (s.replay) {
        const stress::replay_spec& r = *s.replay;
        ordered_json j;
        if (r.worst_lead.empty()) {
            j["from"] = risk::format_date(*r.from);
            j["to"] = risk::format_date(*r.to);
        } else {
            j["worst"] = {{"lead", r.worst_lead}, {"days", std::to_string(r.worst_days)}, {"direction", r.worst_up ? "up" : "down"}};
        }
        if (!r.stable.empty()) j["stable"] = r.stable;
        if (!r.trough.empty()) j["trough"] = r.trough;
        if (r.vol_beta != ONE) j["vol_beta"] = dec(r.vol_beta);
        o["replay"] = std::move(j);
    }
    return o;
}

ordered_json margins(const account_result& r, ordered_json o = ordered_json::object()) {
    o["equity"] = dec(r.equity);
    o["margin_balance"] = dec(r.margin_balance);
    o["initial_margin"] = dec(r.initial_margin);
    o["maintenance_margin"] = dec(r.maintenance_margin);
    o["free_collateral"] = dec(r.free_collateral);
    o["health"] = dec(r.health);
    o["liquidatable"] = r.liquidatable;
    return o;
}

const char* model_name(margin_model m) {
    return m == margin_model::standard ? "standard" : m == margin_model::portfolio ? "portfolio" : "es";
}

ordered_json envelope(const char* key, ordered_json body) {
    ordered_json j;
    j["api_version"] = std::string(api_version);
    j[key] = std::move(body);
    return j;
}

}  // namespace

std::string encode_scenario(const stress::scenario& s) { return detail::dump(scenario_object(s), false); }

std::string encode_stress_document(const std::vector<stress::scenario>& s, bool pretty) {
    ordered_json j;
    j["version"] = "stress/1";
    j["scenarios"] = ordered_json::array();
    for (const auto& x : s) j["scenarios"].push_back(scenario_object(x));
    return detail::dump(j, pretty);
}

std::string encode_stress(const stress_request& r, const account_result& before, const std::vector<stress::outcome_of_scenario>& out,
                          bool pretty) {
    ordered_json body;
    body["model"] = model_name(r.req.model);
    body["before"] = margins(before);
    ordered_json list = ordered_json::array();
    std::size_t worst = 0, liquidatable = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto& o = out[i];
        ordered_json j;
        j["name"] = o.resolved.name;
        j["pnl"] = dec(o.pnl);
        j = margins(o.after, std::move(j));
        ordered_json rows = ordered_json::array();
        for (std::size_t k = 0; k < o.rows.size(); ++k) {
            ordered_json row;
            row["pointer"] = o.rows[k].pointer;
            row["pnl"] = dec(o.rows[k].pnl);
            if (k < o.after.positions.size()) {
                const position_result& p = o.after.positions[k];
                row["value"] = dec(p.value);
                row["underlying_price"] = dec(p.underlying_price);
                if (p.vol) row["vol"] = dec(*p.vol);
            }
            rows.push_back(std::move(row));
        }
        j["pnl_by_contributor"] = std::move(rows);
        j["applied"] = scenario_object(o.resolved);
        list.push_back(std::move(j));
        if (o.pnl < out[worst].pnl) worst = i;  // ties: the first
        liquidatable += o.after.liquidatable ? 1 : 0;
    }
    body["scenarios"] = std::move(list);
    if (!out.empty()) body["worst"] = {{"index", std::to_string(worst)}, {"name", out[worst].resolved.name}, {"pnl", dec(out[worst].pnl)}};
    body["liquidatable_in"] = std::to_string(liquidatable);
    return detail::dump(envelope("stress", std::move(body)), pretty);
}

std::string encode_reverse(const reverse_request& r, const account_result& before, const std::vector<stress::reverse_result>& out,
                           bool pretty) {
    ordered_json body;
    body["model"] = model_name(r.req.model);
    body["before"] = margins(before);
    body["grid"] = dec(r.grid.grid);
    body["scan"] = dec(r.grid.scan);
    ordered_json list = ordered_json::array();
    static const char* names[] = {"spot_down", "spot_up", "vol_up", "joint"};
    for (const auto& x : out) {
        ordered_json j;
        j["move"] = names[static_cast<int>(x.dir.kind)];
        if (x.dir.kind == stress::direction_kind::joint)
            j["shape"] = scenario_object(x.dir.shape);
        else
            j["underlying"] = x.dir.underlying;
        j["max"] = dec(x.max);
        j["found"] = x.found;
        j["already_liquidatable"] = x.already;
        if (x.found) {
            j["distance"] = dec(x.t);
            j["safe_distance"] = dec(x.safe_t);
            if (x.liquidation_price) j["liquidation_price"] = dec(*x.liquidation_price);
            j["scenario"] = scenario_object(x.at);
            j["at"] = margins(*x.margin_at);
        }
        j["evaluations"] = std::to_string(x.evaluations);
        list.push_back(std::move(j));
    }
    body["directions"] = std::move(list);
    return detail::dump(envelope("reverse_stress", std::move(body)), pretty);
}

}  // namespace margin::api
