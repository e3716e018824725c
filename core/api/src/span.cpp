// SPAN risk-array requests (docs/span.md §JSON API): decoded field by field, bounded by
// core's span::validate, answered by span::requirement.
#include "api/span.hpp"

#include "api/request.hpp"
#include "decode.hpp"
#include "encode.hpp"

namespace margin::api {
namespace {

using detail::decoder;
using detail::json;

std::optional<bool> flag(decoder& d, const json& o, const std::string& path, const char* key) {
    const json* v = d.field(o, path, key, false);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
        d.fail(error_code::WRONG_TYPE, child(path, key), std::string("expected true or false, got ") + detail::type_name(*v));
        return std::nullopt;
    }
    return v->get<bool>();
}

// 16 decimals.
bool sixteen(decoder& d, const json& o, const std::string& path, const char* key, std::array<fp::Wad, span::scenario_count>& out) {
    const json* v = d.field(o, path, key, true);
    if (!v) return false;
    const std::string p = child(path, key);
    if (!d.is_array(*v, p)) return false;
    if (v->size() != span::scenario_count)
        return d.fail(error_code::OUT_OF_RANGE, p, "expected 16 entries (SPAN's scenarios), got " + std::to_string(v->size()));
    for (std::size_t s = 0; s < span::scenario_count; ++s) {
        const auto x = d.decimal_value((*v)[s], child(p, s));
        if (!x) return false;
        out[s] = *x;
    }
    return true;
}

void decode_span(decoder& d, const json& o, const std::string& path, span_request& out) {
    if (!d.is_object(o, path) || !d.only(o, path, {"contracts", "params", "positions"})) return;
    const json* prm = d.field(o, path, "params", true);
    if (!prm) return;
    const std::string pp = child(path, "params");
    if (!d.is_object(*prm, pp) || !d.only(*prm, pp, {"commodities", "cover", "spreads"})) return;
    out.params = span::standard_params();
    if (prm->contains("cover") && !sixteen(d, *prm, pp, "cover", out.params.cover)) return;
    if (const json* cs = d.field(*prm, pp, "commodities", true)) {
        const std::string cp = child(pp, "commodities");
        if (!d.is_array(*cs, cp) || !d.at_most(*cs, max_span_commodities, cp, "commodities")) return;
        for (std::size_t i = 0; i < cs->size(); ++i) {
            const json& c = (*cs)[i];
            const std::string p = child(cp, i);
            if (!d.is_object(c, p) || !d.only(c, p, {"intra_spread_charge", "name", "short_option_minimum", "spot_charge"})) return;
            span::commodity_params k;
            if (auto v = d.text(c, p, "name", true)) k.name = *v;
            if (auto v = d.decimal(c, p, "intra_spread_charge", false)) k.intra_spread_charge = *v;
            if (auto v = d.decimal(c, p, "spot_charge", false)) k.spot_charge = *v;
            if (auto v = d.decimal(c, p, "short_option_minimum", false)) k.short_option_minimum = *v;
            if (d.failed()) return;
            out.params.commodities.push_back(std::move(k));
        }
    } else {
        return;
    }
    if (const json* ss = d.field(*prm, pp, "spreads", false)) {
        const std::string sp = child(pp, "spreads");
        if (!d.is_array(*ss, sp) || !d.at_most(*ss, max_span_spreads, sp, "spreads")) return;
        for (std::size_t i = 0; i < ss->size(); ++i) {
            const json& s = (*ss)[i];
            const std::string p = child(sp, i);
            if (!d.is_object(s, p) || !d.only(s, p, {"a", "b", "credit_rate", "delta_a", "delta_b"})) return;
            span::inter_spread x;
            if (auto v = d.text(s, p, "a", true)) x.a = *v;
            if (auto v = d.text(s, p, "b", true)) x.b = *v;
            if (auto v = d.decimal(s, p, "delta_a", true)) x.delta_a = *v;
            if (auto v = d.decimal(s, p, "delta_b", true)) x.delta_b = *v;
            if (auto v = d.decimal(s, p, "credit_rate", true)) x.credit_rate = *v;
            if (d.failed()) return;
            out.params.spreads.push_back(std::move(x));
        }
    }
    const json* cs = d.field(o, path, "contracts", true);
    if (!cs) return;
    const std::string cp = child(path, "contracts");
    if (!d.is_array(*cs, cp) || !d.at_most(*cs, max_span_contracts, cp, "contracts")) return;
    for (std::size_t i = 0; i < cs->size(); ++i) {
        const json& c = (*cs)[i];
        const std::string p = child(cp, i);
        if (!d.is_object(c, p) || !d.only(c, p, {"commodity", "delta", "month", "option", "option_value", "risk_array", "spot_month"}))
            return;
        span::contract k;
        if (auto v = d.text(c, p, "commodity", true)) k.commodity = *v;
        if (auto v = d.whole(c, p, "month", 999'999'999, true)) k.month = static_cast<std::int64_t>(*v);
        if (auto v = flag(d, c, p, "spot_month")) k.spot_month = *v;
        if (d.failed() || !sixteen(d, c, p, "risk_array", k.risk_array)) return;
        if (auto v = d.decimal(c, p, "delta", true)) k.delta = *v;
        if (auto v = flag(d, c, p, "option")) k.option = *v;
        if (auto v = d.decimal(c, p, "option_value", false)) k.option_value = *v;
        if (!d.failed() && !k.option && c.contains("option_value"))
            d.fail(error_code::UNKNOWN_FIELD, child(p, "option_value"), "option_value is for options (\"option\": true)");
        if (d.failed()) return;
        out.contracts.push_back(std::move(k));
    }
    const json* ps = d.field(o, path, "positions", true);
    if (!ps) return;
    const std::string pp2 = child(path, "positions");
    if (!d.is_array(*ps, pp2) || !d.at_most(*ps, max_span_positions, pp2, "positions")) return;
    for (std::size_t i = 0; i < ps->size(); ++i) {
        const json& x = (*ps)[i];
        const std::string p = child(pp2, i);
        if (!d.is_object(x, p) || !d.only(x, p, {"contract", "quantity"})) return;
        span::position q;
        if (auto v = d.whole(x, p, "contract", 999'999'999, true)) q.contract = static_cast<std::size_t>(*v);
        if (auto v = d.decimal(x, p, "quantity", true)) q.quantity = *v;
        if (d.failed()) return;
        out.positions.push_back(q);
    }
}

}  // namespace

outcome<span_request> parse_span_request(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return outcome<span_request>::failure(*doc.err);
    const json& root = doc.value;
    decoder d;
    span_request out;
    if (d.is_object(root, "") && d.only(root, "", {"api_version", "span"})) {
        auto v = d.text(root, "", "api_version", true);
        if (v && *v != api_version)
            d.fail(error_code::UNSUPPORTED_VERSION, "/api_version", "this engine speaks API version \"1\", got \"" + *v + "\"");
        if (!d.failed())
            if (const json* s = d.field(root, "", "span", true)) decode_span(d, *s, "/span", out);
    }
    if (d.err) return outcome<span_request>::failure(*d.err);
    if (auto e = span::validate(out.contracts, out.positions, out.params)) {
        e->path = "/span" + e->path;
        return outcome<span_request>::failure(*e);
    }
    return outcome<span_request>{std::move(out), std::nullopt};
}

std::string encode_span(const span::result& r, bool pretty) {
    using detail::dec;
    nlohmann::ordered_json j;
    j["api_version"] = std::string(api_version);
    nlohmann::ordered_json s;
    nlohmann::ordered_json cs = nlohmann::ordered_json::array();
    for (const span::commodity_result& c : r.commodities) {
        nlohmann::ordered_json x;
        x["name"] = c.name;
        x["scan_risk"] = dec(c.scan_risk);
        if (c.scan_scenario >= 0)
            x["scan_scenario"] = std::to_string(c.scan_scenario);
        else
            x["scan_scenario"] = nullptr;
        x["intra_charge"] = dec(c.intra_charge);
        x["spot_charge"] = dec(c.spot_charge);
        x["inter_credit"] = dec(c.inter_credit);
        x["short_option_minimum"] = dec(c.short_option_minimum);
        x["net_delta"] = dec(c.net_delta);
        x["risk"] = dec(c.risk);
        cs.push_back(std::move(x));
    }
    s["commodities"] = std::move(cs);
    s["total_risk"] = dec(r.total_risk);
    s["net_option_value"] = dec(r.net_option_value);
    s["requirement"] = dec(r.requirement);
    j["span"] = std::move(s);
    return detail::dump(j, pretty);
}

}  // namespace margin::api
