// Stress requests, decoded (docs/stress.md): the stress/1 document, the shipped sets, the
// reverse-stress directions; bounds are core's (stress::validate, stress::reverse).
#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/stress.hpp"
#include "core/limits.hpp"
#include "decode.hpp"

namespace margin::api {
namespace {

using detail::decoder;
using detail::json;

std::optional<std::int32_t> date(decoder& d, const json& o, const std::string& path, const char* key) {
    auto v = d.text(o, path, key, false);
    if (!v) return std::nullopt;
    if (auto day = risk::parse_date(*v)) return *day;
    d.fail(error_code::BAD_INTEGER, child(path, key), "\"" + *v + "\" is not a date YYYY-MM-DD (1970 or later)");
    return std::nullopt;
}

void decode_vol(decoder& d, const json& o, const std::string& p, stress::vol_shock& v) {
    if (!d.is_object(o, p) || !d.only(o, p, {"absolute", "floor", "relative", "skew", "term_floor_days", "term_power", "term_power_long"}))
        return;
    if (auto x = d.decimal(o, p, "relative", false)) v.relative = *x;
    if (auto x = d.decimal(o, p, "absolute", false)) v.absolute = *x;
    if (auto x = d.decimal(o, p, "skew", false)) v.skew = *x;
    if (auto x = d.decimal(o, p, "floor", false)) v.floor = *x;
    if (auto x = d.decimal(o, p, "term_power", false)) v.term_power = *x;
    if (auto x = d.decimal(o, p, "term_power_long", false)) v.term_power_long = *x;
    if (auto x = d.whole(o, p, "term_floor_days", 1'000'000, false)) v.term_floor_days = static_cast<std::int64_t>(*x);
}

void decode_underlying(decoder& d, const json& o, const std::string& p, stress::underlying_shock& u) {
    if (!d.is_object(o, p) || !d.only(o, p, {"basis", "confidence_scale", "funding", "perp_basis", "rate", "spot", "vol"})) return;
    if (auto x = d.decimal(o, p, "spot", false)) u.spot = *x;
    if (const json* v = d.field(o, p, "vol", false)) {
        u.vol = stress::vol_shock{};
        decode_vol(d, *v, child(p, "vol"), *u.vol);
    }
    if (auto x = d.decimal(o, p, "basis", false)) u.basis = *x;
    if (auto x = d.decimal(o, p, "perp_basis", false)) u.perp_basis = *x;
    if (auto x = d.decimal(o, p, "rate", false)) u.rate = *x;
    if (auto x = d.decimal(o, p, "confidence_scale", false)) u.confidence_scale = *x;
    if (const json* f = d.field(o, p, "funding", false)) {
        const std::string fp_ = child(p, "funding");
        if (!d.is_object(*f, fp_) || !d.only(*f, fp_, {"days", "rate"})) return;
        if (auto x = d.decimal(*f, fp_, "rate", true)) u.funding_rate = *x;
        if (auto x = d.whole(*f, fp_, "days", 1'000'000, false))
            u.funding_days = static_cast<std::int64_t>(*x);
        else if (!d.failed())
            d.fail(error_code::MISSING_FIELD, child(fp_, "days"), "the field \"days\" is required");
    }
}

void decode_replay(decoder& d, const json& o, const std::string& p, stress::replay_spec& r) {
    if (!d.is_object(o, p) || !d.only(o, p, {"from", "stable", "to", "trough", "vol_beta", "worst"})) return;
    r.from = date(d, o, p, "from");
    r.to = date(d, o, p, "to");
    if (r.from && !r.to && !d.failed()) r.to = r.from;  // one day
    if (auto s = d.text(o, p, "stable", false)) r.stable = *s;
    if (auto s = d.text(o, p, "trough", false)) r.trough = *s;
    if (auto x = d.decimal(o, p, "vol_beta", false)) r.vol_beta = *x;
    if (const json* w = d.field(o, p, "worst", false)) {
        const std::string wp = child(p, "worst");
        if (!d.is_object(*w, wp) || !d.only(*w, wp, {"days", "direction", "lead"})) return;
        if (auto s = d.text(*w, wp, "lead", true)) r.worst_lead = *s;
        if (auto x = d.whole(*w, wp, "days", 1'000'000, false)) r.worst_days = static_cast<std::int32_t>(*x);
        if (auto s = d.text(*w, wp, "direction", false)) {
            if (*s == "up")
                r.worst_up = true;
            else if (*s != "down")
                d.fail(error_code::BAD_ENUM, child(wp, "direction"), "direction must be \"down\" or \"up\", got \"" + *s + "\"");
        }
    }
}

void decode_scenario(decoder& d, const json& o, const std::string& p, stress::scenario& s) {
    if (!d.is_object(o, p) || !d.only(o, p, {"collateral", "derived", "name", "replay", "stable_price", "underlyings"})) return;
    if (auto n = d.text(o, p, "name", true)) s.name = *n;
    if (const json* u = d.field(o, p, "underlyings", false)) {
        const std::string up = child(p, "underlyings");
        if (!d.is_object(*u, up) || !d.at_most(*u, limits::max_underlyings + 1, up, "underlyings")) return;
        for (const auto& [sym, v] : u->items()) {
            decode_underlying(d, v, child(up, sym), s.underlyings[sym]);
            if (d.failed()) return;
        }
    }
    if (const json* dv = d.field(o, p, "derived", false)) {
        const std::string dp = child(p, "derived");
        if (!d.is_object(*dv, dp) || !d.at_most(*dv, limits::max_underlyings, dp, "derived moves")) return;
        for (const auto& [sym, v] : dv->items()) {
            const std::string sp = child(dp, sym);
            if (!d.is_object(v, sp) || !d.only(v, sp, {"beta", "correlation", "lead", "vol_ratio"})) return;
            stress::derived_move& m = s.derived[sym];
            if (auto l = d.text(v, sp, "lead", true)) m.lead = *l;
            if (auto x = d.decimal(v, sp, "correlation", false)) m.correlation = *x;
            if (auto x = d.decimal(v, sp, "beta", false)) m.beta = *x;
            if (auto x = d.decimal(v, sp, "vol_ratio", false)) m.vol_ratio = *x;
            if (d.failed()) return;
        }
    }
    if (const json* c = d.field(o, p, "collateral", false)) {
        const std::string cp = child(p, "collateral");
        if (!d.is_object(*c, cp) || !d.at_most(*c, limits::max_collateral, cp, "collateral assets")) return;
        for (const auto& [asset, v] : c->items()) {
            const std::string ap = child(cp, asset);
            if (!d.is_object(v, ap) || !d.only(v, ap, {"confidence_scale", "haircut", "price"})) return;
            stress::collateral_shock& k = s.collateral[asset];
            if (auto x = d.decimal(v, ap, "price", false)) k.price = *x;
            if (auto x = d.decimal(v, ap, "haircut", false)) k.haircut = *x;
            if (auto x = d.decimal(v, ap, "confidence_scale", false)) k.confidence_scale = *x;
            if (d.failed()) return;
        }
    }
    if (auto x = d.decimal(o, p, "stable_price", false)) s.stable_price = *x;
    if (const json* r = d.field(o, p, "replay", false)) {
        s.replay = stress::replay_spec{};
        decode_replay(d, *r, child(p, "replay"), *s.replay);
    }
}

outcome<stress::document> decode_document(const json& o, const std::string& p) {
    decoder d;
    stress::document doc;
    if (d.is_object(o, p) && d.only(o, p, {"description", "scenarios", "source", "version"})) {
        if (auto v = d.text(o, p, "version", true)) doc.version = *v;
        if (const json* s = d.field(o, p, "scenarios", true)) {
            const std::string sp = child(p, "scenarios");
            if (d.is_array(*s, sp) && d.at_most(*s, stress::max_scenarios, sp, "scenarios"))
                for (std::size_t i = 0; i < s->size() && !d.failed(); ++i) {
                    doc.scenarios.emplace_back();
                    decode_scenario(d, (*s)[i], child(sp, i), doc.scenarios.back());
                }
        }
    }
    if (!d.err) d.err = stress::validate(doc, p);
    if (d.err) return outcome<stress::document>::failure(*d.err);
    return outcome<stress::document>{std::move(doc), std::nullopt};
}

// "stress" / "reverse_stress" taken out of the root; the rest decoded as a margin request.
outcome<request> split(json& root, const char* key, json& taken, bool history) {
    if (root.is_object())
        if (auto it = root.find(key); it != root.end()) {
            taken = std::move(*it);
            root.erase(it);
        }
    auto req = detail::decode_request(root, nullptr, history);
    if (req.ok() && taken.is_null())
        return outcome<request>::failure(error_code::MISSING_FIELD, std::string("/") + key,
                                         std::string("the field \"") + key + "\" is required");
    return req;
}

}  // namespace

void detail::decode_stress_scenario(decoder& d, const json& o, const std::string& path, stress::scenario& s) {
    decode_scenario(d, o, path, s);
}

outcome<stress::document> shipped_stress_set(std::string_view name, const std::string& path) {
    const std::string_view text = document("stress/" + std::string(name));
    if (text.empty())
        return outcome<stress::document>::failure(error_code::UNKNOWN_PRESET, path,
                                                  "no shipped scenario set \"" + std::string(name) + "\": deribit, textbook or replays");
    return parse_stress_document(text);
}

outcome<stress::document> parse_stress_document(std::string_view text, const std::string& prefix) {
    auto doc = detail::parse_document(text, prefix);
    if (!doc.ok()) return outcome<stress::document>::failure(*doc.err);
    return decode_document(doc.value, prefix);
}

outcome<stress_request> parse_stress_request(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return outcome<stress_request>::failure(*doc.err);
    json taken;
    auto req = split(doc.value, "stress", taken, true);
    if (!req.ok()) return outcome<stress_request>::failure(*req.err);
    stress_request out;
    out.req = std::move(req.value);
    if (out.req.history) out.history = *out.req.history;
    auto set = taken.is_string() ? shipped_stress_set(taken.get_ref<const std::string&>(), "/stress") : decode_document(taken, "/stress");
    if (!set.ok()) return outcome<stress_request>::failure(*set.err);
    out.doc = std::move(set.value);
    const std::size_t cells = out.doc.scenarios.size() * std::max<std::size_t>(out.req.acct.positions.size(), 1);
    if (cells > stress::max_cells)
        return outcome<stress_request>::failure(error_code::OUT_OF_RANGE, "/stress/scenarios",
                                                std::to_string(out.doc.scenarios.size()) + " scenarios x " +
                                                    std::to_string(out.req.acct.positions.size()) +
                                                    " positions: at most 100,000 (each is the account's full margin)");
    return outcome<stress_request>{std::move(out), std::nullopt};
}

outcome<book_options> parse_book_options(std::string_view text) {
    using R = outcome<book_options>;
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return R::failure(*doc.err);
    const json& o = doc.value;
    decoder d;
    book_options out;
    if (!d.is_object(o, "") || !d.only(o, "", {"history", "insurance_fund", "scenarios", "top"})) return R::failure(*d.err);
    const json* set = d.field(o, "", "scenarios", true);
    if (!set) return R::failure(*d.err);
    auto s = set->is_string() ? shipped_stress_set(set->get_ref<const std::string&>(), "/scenarios") : decode_document(*set, "/scenarios");
    if (!s.ok()) return R::failure(*s.err);
    out.doc = std::move(s.value);
    if (auto f = d.decimal(o, "", "insurance_fund", false)) {
        if (f->raw().sign() < 0) d.fail(error_code::OUT_OF_RANGE, "/insurance_fund", "the insurance fund is at least 0");
        out.insurance_fund = *f;
    }
    if (auto t = d.whole(o, "", "top", 100, false)) out.top = static_cast<std::size_t>(*t);
    if (const json* h = d.field(o, "", "history", false); h && !d.failed()) detail::decode_history(d, *h, "/history", out.history);
    if (d.err) return R::failure(*d.err);
    return R{std::move(out), std::nullopt};
}

outcome<reverse_request> parse_reverse_request(std::string_view text) {
    using R = outcome<reverse_request>;
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return R::failure(*doc.err);
    json o;
    auto req = split(doc.value, "reverse_stress", o, true);  // "history": the es model reads it
    if (!req.ok()) return R::failure(*req.err);
    reverse_request out;
    out.req = std::move(req.value);
    decoder d;
    const std::string p = "/reverse_stress";
    if (d.is_object(o, p) && d.only(o, p, {"directions", "grid", "max", "scan"})) {
        if (auto x = d.decimal(o, p, "grid", false)) out.grid.grid = *x;
        if (auto x = d.decimal(o, p, "scan", false)) out.grid.scan = *x;
        if (auto x = d.decimal(o, p, "max", false)) out.grid.max = *x;
        if (const json* ds = d.field(o, p, "directions", false)) {
            const std::string dp = child(p, "directions");
            if (d.is_array(*ds, dp) && d.at_most(*ds, 2 * limits::max_underlyings, dp, "directions"))
                for (std::size_t i = 0; i < ds->size() && !d.failed(); ++i) {
                    const json& v = (*ds)[i];
                    const std::string ip = child(dp, i);
                    if (!d.is_object(v, ip) || !d.only(v, ip, {"move", "shape", "underlying"})) break;
                    stress::direction dir;
                    const auto mv = d.text(v, ip, "move", true);
                    if (!mv) break;
                    if (*mv == "spot_down")
                        dir.kind = stress::direction_kind::spot_down;
                    else if (*mv == "spot_up")
                        dir.kind = stress::direction_kind::spot_up;
                    else if (*mv == "vol_up")
                        dir.kind = stress::direction_kind::vol_up;
                    else if (*mv == "joint")
                        dir.kind = stress::direction_kind::joint;
                    else {
                        d.fail(error_code::BAD_ENUM, child(ip, "move"),
                               "move must be \"spot_down\", \"spot_up\", \"vol_up\" or \"joint\", got \"" + *mv + "\"");
                        break;
                    }
                    if (dir.kind == stress::direction_kind::joint) {
                        if (!d.only(v, ip, {"move", "shape"})) break;
                        const json* s = d.field(v, ip, "shape", true);
                        if (!s) break;
                        json shape = *s;
                        if (shape.is_object() && !shape.contains("name")) shape["name"] = "joint";
                        decode_scenario(d, shape, child(ip, "shape"), dir.shape);
                        if (!d.failed() && (dir.shape.replay || dir.shape.stable_price))
                            d.fail(error_code::OUT_OF_RANGE, child(ip, "shape"),
                                   "a joint direction scales shocks: no replay or stable_price");
                        if (!d.failed()) d.err = stress::validate(dir.shape, child(ip, "shape"));
                        if (!d.failed()) {
                            auto r = stress::resolve(dir.shape, out.req, {}, child(ip, "shape"));
                            if (r.ok())
                                dir.shape = std::move(r.value);
                            else
                                d.err = r.err;
                        }
                    } else {
                        if (!d.only(v, ip, {"move", "underlying"})) break;
                        if (auto u = d.text(v, ip, "underlying", true)) dir.underlying = *u;
                    }
                    out.directions.push_back(std::move(dir));
                }
        }
    }
    if (d.err) return R::failure(*d.err);
    if (out.directions.empty())  // the liquidation prices of every underlying held
        for (const position& pos : out.req.acct.positions)
            for (auto k : {stress::direction_kind::spot_down, stress::direction_kind::spot_up}) {
                bool seen = false;
                for (const auto& x : out.directions) seen = seen || (x.kind == k && x.underlying == pos.underlying);
                if (!seen) out.directions.push_back({k, pos.underlying, {}});
            }
    return R{std::move(out), std::nullopt};
}

}  // namespace margin::api
