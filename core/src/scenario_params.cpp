// Scenario parameter documents ("scenario/1") and the shipped presets.
#include "core/scenario.hpp"
#include "json_decoder.hpp"

namespace margin::scenario {
namespace {

using namespace json_detail;

#include "embedded_presets.inc"

struct field {
    const char* key;
    Wad* target;
    Wad lo, hi;  // inclusive bounds
};

// Reads an object whose members are all decimals within bounds.
void decimals(decoder& d, const json& parent, const std::string& path, const char* key, std::initializer_list<field> fields) {
    const json* o = d.field(parent, path, key, true);
    if (!o) return;
    const std::string p = child(path, key);
    if (!d.is_object(*o, p)) return;
    for (const auto& [k, v] : o->items()) {
        bool known = false;
        for (const field& f : fields) known = known || k == f.key;
        if (!known) {
            d.fail(error_code::UNKNOWN_FIELD, child(p, k), "unknown field \"" + k + "\"");
            return;
        }
    }
    for (const field& f : fields) {
        auto v = d.decimal(*o, p, f.key, true);
        if (!v) return;
        if (*v < f.lo || *v > f.hi) {
            d.fail(error_code::OUT_OF_RANGE, child(p, f.key),
                   "must be within [" + fp::format(f.lo) + ", " + fp::format(f.hi) + "], got " + fp::format(*v));
            return;
        }
        *f.target = *v;
    }
}

Wad W(std::int64_t n) { return Wad::from_int(n); }
Wad frac(const char* s) { return fp::parse(s).value; }

}  // namespace

std::string_view preset_json(std::string_view name) noexcept {
    if (name == "pmrm2") return pmrm2_text;
    if (name == "span16") return span16_text;
    return {};
}

outcome<params> parse_params(std::string_view text, const std::string& path) {
    auto doc = parse_document(text);
    if (!doc.ok()) return outcome<params>::failure(*doc.err);
    const json& o = doc.value;
    decoder d;
    outcome<params> out;
    params& p = out.value;
    if (!d.is_object(o, path) ||
        !d.only(o, path, {"basis", "contingency", "description", "loss", "name", "scenarios", "skew_shock", "version", "vol_shock"}))
        return outcome<params>::failure(*d.err);
    auto version = d.text(o, path, "version", true);
    if (version && *version != "scenario/1")
        d.fail(error_code::UNSUPPORTED_VERSION, child(path, "version"),
               "scenario parameter documents of version \"scenario/1\" are supported");
    d.text(o, path, "name", false);
    d.text(o, path, "description", false);
    if (d.failed()) return outcome<params>::failure(*d.err);
    // scenarios
    const json* list = d.field(o, path, "scenarios", true);
    const std::string sp = child(path, "scenarios");
    if (list && d.is_array(*list, sp)) {
        if (list->empty() || list->size() > 64) d.fail(error_code::OUT_OF_RANGE, sp, "1 to 64 scenarios");
        bool seen_linear = false, seen_abs = false;
        for (std::size_t i = 0; i < list->size() && !d.failed(); ++i) {
            const std::string ip = child(sp, i);
            const json& s = (*list)[i];
            if (!d.is_object(s, ip) || !d.only(s, ip, {"spot_shock", "vol", "weight"})) break;
            auto shock = d.decimal(s, ip, "spot_shock", true);
            auto vol = d.text(s, ip, "vol", true);
            auto weight = d.decimal(s, ip, "weight", true);
            if (d.failed()) break;
            scenario sc{*shock, vol_move::none, *weight};
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
                break;
            }
            if (!d.positive(sc.spot_shock, child(ip, "spot_shock")) || !d.at_most(sc.spot_shock, W(10), child(ip, "spot_shock")) ||
                !d.positive(sc.weight, child(ip, "weight")) || !d.at_most(sc.weight, W(1), child(ip, "weight")))
                break;
            const bool skew = sc.vol == vol_move::linear_skew || sc.vol == vol_move::abs_skew;
            if (skew && sc.spot_shock != W(1)) {
                d.fail(error_code::OUT_OF_RANGE, child(ip, "spot_shock"), "skew scenarios move vols only: spot_shock must be 1");
                break;
            }
            bool& seen = sc.vol == vol_move::linear_skew ? seen_linear : seen_abs;
            if (skew && seen) {
                d.fail(error_code::DUPLICATE_SCENARIO, ip, "at most one scenario of each skew kind");
                break;
            }
            if (skew) seen = true;
            p.scenarios.push_back(sc);
        }
    }
    if (d.failed()) return outcome<params>::failure(*d.err);
    vol_shock_params& v = p.vol_shock;
    {
        const json* vs = d.field(o, path, "vol_shock", true);
        const std::string vp = child(path, "vol_shock");
        if (vs && d.is_object(*vs, vp) &&
            d.only(*vs, vp, {"dte_floor_seconds", "long_term_power", "min_vol_up", "range_down", "range_up", "short_term_power"})) {
            struct {
                const char* key;
                Wad* target;
            } fs[] = {{"range_up", &v.range_up},
                      {"range_down", &v.range_down},
                      {"short_term_power", &v.short_term_power},
                      {"long_term_power", &v.long_term_power},
                      {"min_vol_up", &v.min_vol_up}};
            for (auto& f : fs) {
                auto x = d.decimal(*vs, vp, f.key, true);
                if (!x) break;
                if (!d.non_negative(*x, child(vp, f.key)) || !d.at_most(*x, W(10), child(vp, f.key))) break;
                *f.target = *x;
            }
            if (!d.failed()) {
                auto floor_s = d.integer(*vs, vp, "dte_floor_seconds", true);
                if (floor_s) v.dte_floor_seconds = *floor_s;
            }
        }
    }
    if (d.failed()) return outcome<params>::failure(*d.err);
    const Wad ten = W(10), neg_ten = W(-10);
    skew_shock_params& k = p.skew_shock;
    decimals(d, o, path, "skew_shock",
             {{"linear_base_cap", &k.linear_base_cap, W(0), ten},
              {"linear_c_base", &k.linear_c_base, neg_ten, ten},
              {"abs_base_cap", &k.abs_base_cap, W(0), ten},
              {"abs_c_base", &k.abs_c_base, neg_ten, ten},
              {"min_k_star", &k.min_k_star, frac("0.000001"), ten},
              {"width_scale", &k.width_scale, W(0), ten},
              {"vol_param_static", &k.vol_param_static, W(0), ten},
              {"vol_param_scale", &k.vol_param_scale, W(-20), W(20)}});
    loss_params& l = p.loss;
    if (!d.failed())
        decimals(d, o, path, "loss",
                 {{"im_factor", &l.im_factor, frac("0.5"), ten},
                  {"mm_factor", &l.mm_factor, frac("0.5"), ten},
                  {"long_rate_mult", &l.long_rate_mult, W(0), ten},
                  {"long_rate_add", &l.long_rate_add, W(0), ten},
                  {"short_rate_mult", &l.short_rate_mult, W(0), ten},
                  {"short_rate_add", &l.short_rate_add, W(0), ten},
                  {"long_base_discount", &l.long_base_discount, W(0), W(4)},
                  {"short_base_discount", &l.short_base_discount, W(0), W(4)}});
    basis_params& b = p.basis;
    if (!d.failed())
        decimals(d, o, path, "basis",
                 {{"spot_up", &b.spot_up, W(1), W(3)},
                  {"spot_down", &b.spot_down, W(0), W(1)},
                  {"add_factor", &b.add_factor, W(0), W(20)},
                  {"mult_factor", &b.mult_factor, W(0), W(20)}});
    contingency_params& c = p.contingency;
    if (!d.failed())
        decimals(d, o, path, "contingency",
                 {{"peg_loss_threshold", &c.peg_loss_threshold, W(0), W(100)},
                  {"peg_loss_factor", &c.peg_loss_factor, W(0), ten},
                  {"confidence_threshold", &c.confidence_threshold, W(0), W(1)},
                  {"confidence_margin", &c.confidence_margin, W(0), W(20)},
                  {"mm_perp_percent", &c.mm_perp_percent, W(0), W(3)},
                  {"im_perp_percent", &c.im_perp_percent, W(0), W(3)},
                  {"mm_option_percent", &c.mm_option_percent, W(0), W(2)},
                  {"im_option_percent", &c.im_option_percent, W(0), W(2)}});
    if (!d.failed() && l.im_factor < l.mm_factor)
        d.fail(error_code::INCONSISTENT_PARAMS, child(child(path, "loss"), "im_factor"), "im_factor must be at least mm_factor (IM >= MM)");
    if (d.failed()) return outcome<params>::failure(*d.err);
    return out;
}

}  // namespace margin::scenario
