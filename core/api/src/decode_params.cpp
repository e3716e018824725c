// The parameter documents, decoded (types and presence; validate() checks the bounds):
// standard/1 (docs/margin.md), portfolio/1 and scenario/1 (docs/scenario.md), es/1 (docs/risk.md).
#include "decode.hpp"

namespace margin::api::detail {

namespace {

// An object of decimals, read in the order given (so the first error is stable).
bool decimals(decoder& d, const json& o, const std::string& path, std::initializer_list<std::pair<const char*, Wad*>> fields) {
    if (!d.is_object(o, path)) return false;
    for (const auto& [k, v] : o.items()) {
        bool known = false;
        for (const auto& f : fields) known = known || k == f.first;
        if (!known) return d.fail(error_code::UNKNOWN_FIELD, child(path, k), "unknown field \"" + k + "\"");
    }
    for (const auto& [key, target] : fields) {
        auto v = d.decimal(o, path, key, true);
        if (!v) return false;
        *target = *v;
    }
    return true;
}

// The same for a required member `key` of `parent`.
bool decimals_at(decoder& d, const json& parent, const std::string& path, const char* key,
                 std::initializer_list<std::pair<const char*, Wad*>> fields) {
    const json* o = d.field(parent, path, key, true);
    return o && decimals(d, *o, child(path, key), fields);
}

// A collateral asset's rule at `ap`: im_haircut, mm_haircut (required), the optional depth
// term ("depth", "liquidity"), and "risk_cancelling" allowed (not read here) when `cancelling`.
std::optional<collateral_rule> rule_of(decoder& d, const json& v, const std::string& ap, bool cancelling) {
    if (!d.is_object(v, ap) || !(cancelling ? d.only(v, ap, {"depth", "im_haircut", "liquidity", "mm_haircut", "risk_cancelling"})
                                            : d.only(v, ap, {"depth", "im_haircut", "liquidity", "mm_haircut"})))
        return std::nullopt;
    auto im = d.decimal(v, ap, "im_haircut", true);
    auto mm = d.decimal(v, ap, "mm_haircut", true);
    collateral_rule r;
    r.depth.depth = d.decimal(v, ap, "depth", false);
    r.depth.liquidity = d.decimal(v, ap, "liquidity", false);
    if (d.failed()) return std::nullopt;
    r.im_haircut = *im;
    r.mm_haircut = *mm;
    return r;
}

// The contingency block (scenario/1 and es/1 documents share it).
bool contingency_at(decoder& d, const json& parent, const std::string& path, scenario::contingency_params& c) {
    return decimals_at(d, parent, path, "contingency",
                       {{"peg_loss_threshold", &c.peg_loss_threshold},
                        {"peg_loss_factor", &c.peg_loss_factor},
                        {"confidence_threshold", &c.confidence_threshold},
                        {"confidence_margin", &c.confidence_margin},
                        {"mm_perp_percent", &c.mm_perp_percent},
                        {"im_perp_percent", &c.im_perp_percent},
                        {"mm_option_percent", &c.mm_option_percent},
                        {"im_option_percent", &c.im_option_percent}});
}

// o's members merged over `base`: objects member by member, anything else replaced.
void merge_over(json& base, const json& o) {
    for (const auto& [k, v] : o.items()) {
        auto it = base.find(k);
        if (it != base.end() && it->is_object() && v.is_object())
            merge_over(*it, v);
        else
            base[k] = v;
    }
}

}  // namespace

bool resolve_base(decoder& d, const json& o, const std::string& path, json& out) {
    const std::string bp = child(path, "base");
    const json& b = o.at("base");
    if (!b.is_string()) return d.fail(error_code::WRONG_TYPE, bp, std::string("expected a preset name, got ") + type_name(b));
    const std::string name = b.get<std::string>();
    const std::string_view text =
        name == "standard" || name == "pmrm2" || name == "span16" || name == "es" ? document(name) : std::string_view();
    if (text.empty())
        return d.fail(error_code::UNKNOWN_PRESET, bp, "base names \"standard\", \"pmrm2\", \"span16\" or \"es\"; got \"" + name + "\"");
    auto doc = parse_document(text);
    if (!doc.ok()) {
        d.err = doc.err;
        return false;
    }
    out = std::move(doc.value);
    // a preset's scenarios named by preset, changed in part: the named document is the base
    const auto sc = out.find("scenarios");
    const auto given = o.find("scenarios");
    if (sc != out.end() && sc->is_string() && given != o.end() && given->is_object()) {
        auto named = parse_document(document("scenarios/" + sc->get<std::string>()));
        if (!named.ok()) {
            d.err = named.err;
            return false;
        }
        *sc = std::move(named.value);
    }
    json rest = o;
    rest.erase("base");
    merge_over(out, rest);
    return true;
}

void decode_standard(decoder& d, const json& o, const std::string& path, standard_params& p) {
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
    if (!d.is_object(*u, up) || !d.at_most(*u, limits::max_underlyings, up, "underlyings")) return;
    for (const auto& [sym, v] : u->items()) {
        const std::string sp = child(up, sym);
        if (!d.is_object(v, sp) || !d.only(v, sp, {"future", "option", "perp"})) return;
        underlying_params q;
        option_rates& r = q.option;
        if (!decimals_at(
                d, v, sp, "option",
                {{"im_otm_base", &r.im_otm_base}, {"im_floor", &r.im_floor}, {"mm_otm_base", &r.mm_otm_base}, {"mm_floor", &r.mm_floor}}))
            return;
        for (auto [k, l] : {std::pair<const char*, linear_rates*>{"perp", &q.perp}, {"future", &q.future}})
            if (!decimals_at(
                    d, v, sp, k,
                    {{"im_base", &l->im_base}, {"mm_base", &l->mm_base}, {"size_slope", &l->size_slope}, {"max_rate", &l->max_rate}}))
                return;
        p.underlyings.emplace(sym, q);
    }
    const json* c = d.field(o, path, "collateral", true);
    if (!c) return;
    const std::string cp = child(path, "collateral");
    if (!d.is_object(*c, cp) || !d.at_most(*c, limits::max_collateral, cp, "collateral assets")) return;
    for (const auto& [asset, v] : c->items()) {
        const auto r = rule_of(d, v, child(cp, asset), false);
        if (!r) return;
        p.collateral.emplace(asset, haircut{r->im_haircut, r->mm_haircut, r->depth});
    }
}

void decode_scenarios(decoder& d, const json& o, const std::string& path, scenario::params& p) {
    using scenario::vol_move;
    if (!d.is_object(o, path) ||
        !d.only(o, path, {"basis", "contingency", "description", "loss", "name", "scenarios", "skew_shock", "version", "vol_shock"}))
        return;
    auto version = d.text(o, path, "version", true);
    if (version && *version != "scenario/1")
        d.fail(error_code::UNSUPPORTED_VERSION, child(path, "version"),
               "scenario parameter documents of version \"scenario/1\" are supported");
    d.text(o, path, "name", false);
    d.text(o, path, "description", false);
    if (d.failed()) return;
    const json* list = d.field(o, path, "scenarios", true);
    const std::string sp = child(path, "scenarios");
    if (!list || !d.is_array(*list, sp)) return;
    if (list->size() > limits::max_scenarios) {  // a cap on what is read; validate() states the rule
        d.fail(error_code::OUT_OF_RANGE, sp, "1 to 64 scenarios");
        return;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string ip = child(sp, i);
        const json& s = (*list)[i];
        if (!d.is_object(s, ip) || !d.only(s, ip, {"spot_shock", "vol", "weight"})) return;
        auto shock = d.decimal(s, ip, "spot_shock", true);
        auto vol = d.text(s, ip, "vol", true);
        auto weight = d.decimal(s, ip, "weight", true);
        if (d.failed()) return;
        scenario::scenario sc{*shock, vol_move::none, *weight};
        if (*vol == "none")
            sc.vol = vol_move::none;
        else if (*vol == "up")
            sc.vol = vol_move::up;
        else if (*vol == "down")
            sc.vol = vol_move::down;
        else if (*vol == "linear_skew")
            sc.vol = vol_move::linear_skew;
        else if (*vol == "abs_skew")
            sc.vol = vol_move::abs_skew;
        else {
            d.fail(error_code::BAD_ENUM, child(ip, "vol"), "vol must be none, up, down, linear_skew or abs_skew");
            return;
        }
        p.scenarios.push_back(sc);
    }
    scenario::vol_shock_params& v = p.vol_shock;
    const json* vs = d.field(o, path, "vol_shock", true);
    const std::string vp = child(path, "vol_shock");
    if (!vs || !d.is_object(*vs, vp) ||
        !d.only(*vs, vp, {"dte_floor_seconds", "long_term_power", "min_vol_up", "range_down", "range_up", "short_term_power"}))
        return;
    for (auto [key, target] : {std::pair<const char*, Wad*>{"range_up", &v.range_up},
                               {"range_down", &v.range_down},
                               {"short_term_power", &v.short_term_power},
                               {"long_term_power", &v.long_term_power},
                               {"min_vol_up", &v.min_vol_up}}) {
        auto x = d.decimal(*vs, vp, key, true);
        if (!x) return;
        *target = *x;
    }
    auto floor_s = d.integer(*vs, vp, "dte_floor_seconds", true);
    if (!floor_s) return;
    v.dte_floor_seconds = *floor_s;
    scenario::skew_shock_params& k = p.skew_shock;
    scenario::loss_params& l = p.loss;
    scenario::basis_params& b = p.basis;
    decimals_at(d, o, path, "skew_shock",
                {{"linear_base_cap", &k.linear_base_cap},
                 {"linear_c_base", &k.linear_c_base},
                 {"abs_base_cap", &k.abs_base_cap},
                 {"abs_c_base", &k.abs_c_base},
                 {"min_k_star", &k.min_k_star},
                 {"width_scale", &k.width_scale},
                 {"vol_param_static", &k.vol_param_static},
                 {"vol_param_scale", &k.vol_param_scale}}) &&
        decimals_at(d, o, path, "loss",
                    {{"im_factor", &l.im_factor},
                     {"mm_factor", &l.mm_factor},
                     {"long_rate_mult", &l.long_rate_mult},
                     {"long_rate_add", &l.long_rate_add},
                     {"short_rate_mult", &l.short_rate_mult},
                     {"short_rate_add", &l.short_rate_add},
                     {"long_base_discount", &l.long_base_discount},
                     {"short_base_discount", &l.short_base_discount}}) &&
        decimals_at(
            d, o, path, "basis",
            {{"spot_up", &b.spot_up}, {"spot_down", &b.spot_down}, {"add_factor", &b.add_factor}, {"mult_factor", &b.mult_factor}}) &&
        contingency_at(d, o, path, p.contingency);
}

void decode_portfolio(decoder& d, const json& o, const std::string& path, portfolio_params& pp) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "description", "offsets", "scenarios", "version"})) return;
    auto version = d.text(o, path, "version", true);
    d.text(o, path, "description", false);
    if (d.failed()) return;
    pp.version = *version;
    const json* sc = d.field(o, path, "scenarios", true);
    if (!sc) return;
    const std::string sp = child(path, "scenarios");
    if (sc->is_string()) {
        const std::string_view text = document("scenarios/" + sc->get<std::string>());
        if (text.empty()) {
            d.fail(error_code::UNKNOWN_PRESET, sp, "scenarios names a preset (\"pmrm2\", \"span16\") or is a scenario/1 document");
            return;
        }
        auto doc = parse_document(text);
        if (!doc.ok()) {
            d.err = doc.err;
            return;
        }
        decode_scenarios(d, doc.value, "", pp.scenarios);
    } else if (sc->is_object()) {
        decode_scenarios(d, *sc, sp, pp.scenarios);
    } else {
        d.fail(error_code::WRONG_TYPE, sp, std::string("expected a preset name or an object, got ") + type_name(*sc));
        return;
    }
    if (d.failed()) return;
    const json* c = d.field(o, path, "collateral", true);
    if (!c) return;
    const std::string cp = child(path, "collateral");
    if (!d.is_object(*c, cp) || !d.at_most(*c, limits::max_collateral, cp, "collateral assets")) return;
    for (const auto& [asset, v] : c->items()) {
        const std::string ap = child(cp, asset);
        auto rule = rule_of(d, v, ap, true);
        if (!rule) return;
        collateral_rule r = *rule;
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
        if (!d.is_array(*off, op) || !d.at_most(*off, limits::max_offsets, op, "offset rules")) return;
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
            auto rate = d.decimal(x, ip, "rate", true);
            if (d.failed()) return;
            pp.offsets.push_back({(*u)[0].get<std::string>(), (*u)[1].get<std::string>(), *rate});
        }
    }
}

void decode_es(decoder& d, const json& o, const std::string& path, es_params& p) {
    if (!d.is_object(o, path) || !d.only(o, path, {"collateral", "contingency", "description", "mm_factor", "risk", "version"})) return;
    auto version = d.text(o, path, "version", true);
    d.text(o, path, "description", false);
    if (d.failed()) return;
    if (*version != "es/1") {
        d.fail(error_code::UNSUPPORTED_VERSION, child(path, "version"),
               "es parameter documents of version \"es/1\" are supported, got \"" + *version + "\"");
        return;
    }
    p.version = *version;
    if (const json* r = d.field(o, path, "risk", false)) decode_risk_params(d, *r, child(path, "risk"), p.risk, nullptr);
    if (d.failed()) return;
    if (auto m = d.decimal(o, path, "mm_factor", false)) p.mm_factor = *m;
    if (d.failed()) return;
    if (!contingency_at(d, o, path, p.contingency)) return;
    const json* col = d.field(o, path, "collateral", true);
    if (!col) return;
    const std::string cp = child(path, "collateral");
    if (!d.is_object(*col, cp)) return;
    for (const auto& [asset, v] : col->items()) {
        const auto r = rule_of(d, v, child(cp, asset), false);
        if (!r) return;
        p.collateral.emplace(asset, *r);
    }
}

}  // namespace margin::api::detail
