// The parameter documents' rules: standard/1, portfolio/1 and scenario/1 (docs/margin.md,
// docs/scenario.md). Each bound is stated once, in the tables below.
#include <initializer_list>

#include "checks.hpp"
#include "core/validate.hpp"

namespace margin {
namespace {

using checks::checker;
using checks::child;

Wad W(std::int64_t n) { return Wad::from_int(n); }
Wad frac(const char* s) { return fp::parse(s).value; }

// Fractions in [0, 1], in the order given.
bool fractions(checker& c, const std::string& path, std::initializer_list<std::pair<const char*, const Wad*>> fields) {
    for (const auto& [key, v] : fields)
        if (!c.fraction(*v, child(path, key))) return false;
    return true;
}

void check_option_rates(checker& c, const option_rates& r, const std::string& path) {
    if (!fractions(
            c, path,
            {{"im_otm_base", &r.im_otm_base}, {"im_floor", &r.im_floor}, {"mm_otm_base", &r.mm_otm_base}, {"mm_floor", &r.mm_floor}}))
        return;
    if (r.mm_otm_base > r.im_otm_base || r.mm_floor > r.im_floor)
        c.fail(error_code::INCONSISTENT_PARAMS, path, "maintenance rates must not exceed initial rates (IM >= MM)");
}

void check_linear_rates(checker& c, const linear_rates& r, const std::string& path) {
    if (!fractions(c, path, {{"im_base", &r.im_base}, {"mm_base", &r.mm_base}, {"size_slope", &r.size_slope}, {"max_rate", &r.max_rate}}))
        return;
    if (r.mm_base > r.im_base) c.fail(error_code::INCONSISTENT_PARAMS, path, "mm_base must not exceed im_base (IM >= MM)");
}

// A field of a scenario document with its inclusive bounds.
struct bounded {
    const char* key;
    const Wad* value;
    Wad lo, hi;
};

bool within(checker& c, const std::string& path, std::initializer_list<bounded> fields) {
    for (const bounded& f : fields) {
        if (*f.value < f.lo || *f.value > f.hi)
            return c.fail(error_code::OUT_OF_RANGE, child(path, f.key),
                          "must be within [" + fp::format(f.lo) + ", " + fp::format(f.hi) + "], got " + fp::format(*f.value));
    }
    return true;
}

}  // namespace

std::optional<error> validate(const standard_params& p, const std::string& path) {
    checker c;
    const std::string up = child(path, "underlyings");
    if (!c.count_at_most(p.underlyings.size(), limits::max_underlyings, up, "underlyings")) return c.err;
    for (const auto& [sym, u] : p.underlyings) {
        const std::string sp = child(up, sym);
        if (!c.symbol(sym, sp, true)) return c.err;
        check_option_rates(c, u.option, child(sp, "option"));
        if (!c.failed()) check_linear_rates(c, u.perp, child(sp, "perp"));
        if (!c.failed()) check_linear_rates(c, u.future, child(sp, "future"));
        if (c.failed()) return c.err;
    }
    const std::string cp = child(path, "collateral");
    if (!c.count_at_most(p.collateral.size(), limits::max_collateral, cp, "collateral assets")) return c.err;
    for (const auto& [asset, h] : p.collateral) {
        const std::string ap = child(cp, asset);
        if (!c.symbol(asset, ap, false) || !c.fraction(h.im, child(ap, "im_haircut")) || !c.fraction(h.mm, child(ap, "mm_haircut")))
            return c.err;
        if (h.mm > h.im) return error{error_code::INCONSISTENT_PARAMS, ap, "mm_haircut must not exceed im_haircut (IM >= MM)"};
    }
    return std::nullopt;
}

std::optional<error> validate(const portfolio_params& p, const std::string& path) {
    if (auto e = validate(p.scenarios, child(path, "scenarios"))) return e;
    checker c;
    const std::string cp = child(path, "collateral");
    if (!c.count_at_most(p.collateral.size(), limits::max_collateral, cp, "collateral assets")) return c.err;
    for (const auto& [asset, r] : p.collateral) {
        const std::string ap = child(cp, asset);
        if (!c.symbol(asset, ap, false) || !c.fraction(r.im_haircut, child(ap, "im_haircut")) ||
            !c.fraction(r.mm_haircut, child(ap, "mm_haircut")))
            return c.err;
    }
    const std::string op = child(path, "offsets");
    if (!c.count_at_most(p.offsets.size(), limits::max_offsets, op, "offset rules")) return c.err;
    for (std::size_t i = 0; i < p.offsets.size(); ++i) {
        const offset_rule& o = p.offsets[i];
        const std::string ip = child(op, i), up = child(ip, "underlyings");
        if (!c.symbol(o.a, child(up, std::size_t{0}), false) || !c.symbol(o.b, child(up, std::size_t{1}), false)) return c.err;
        if (o.a == o.b) return error{error_code::OUT_OF_RANGE, up, "an offset pairs two different underlyings"};
        if (!c.fraction(o.rate, child(ip, "rate"))) return c.err;
    }
    return std::nullopt;
}

std::optional<error> validate(const scenario::params& p, const std::string& path) {
    using scenario::vol_move;
    checker c;
    const std::string sp = child(path, "scenarios");
    if (p.scenarios.empty() || p.scenarios.size() > limits::max_scenarios) return error{error_code::OUT_OF_RANGE, sp, "1 to 64 scenarios"};
    bool seen_linear = false, seen_abs = false;
    for (std::size_t i = 0; i < p.scenarios.size(); ++i) {
        const scenario::scenario& s = p.scenarios[i];
        const std::string ip = child(sp, i);
        if (!c.positive(s.spot_shock, child(ip, "spot_shock")) || !c.at_most(s.spot_shock, W(10), child(ip, "spot_shock")) ||
            !c.positive(s.weight, child(ip, "weight")) || !c.at_most(s.weight, W(1), child(ip, "weight")))
            return c.err;
        const bool skew = s.vol == vol_move::linear_skew || s.vol == vol_move::abs_skew;
        if (skew && s.spot_shock != W(1))
            return error{error_code::OUT_OF_RANGE, child(ip, "spot_shock"), "skew scenarios move vols only: spot_shock must be 1"};
        bool& seen = s.vol == vol_move::linear_skew ? seen_linear : seen_abs;
        if (skew && seen) return error{error_code::DUPLICATE_SCENARIO, ip, "at most one scenario of each skew kind"};
        if (skew) seen = true;
    }
    const scenario::vol_shock_params& v = p.vol_shock;
    const std::string vp = child(path, "vol_shock");
    for (const auto& [key, x] : {std::pair<const char*, const Wad*>{"range_up", &v.range_up},
                                 {"range_down", &v.range_down},
                                 {"short_term_power", &v.short_term_power},
                                 {"long_term_power", &v.long_term_power},
                                 {"min_vol_up", &v.min_vol_up}})
        if (!c.non_negative(*x, child(vp, key)) || !c.at_most(*x, W(10), child(vp, key))) return c.err;
    if (!c.seconds(v.dte_floor_seconds, child(vp, "dte_floor_seconds"))) return c.err;
    const Wad ten = W(10), neg_ten = W(-10);
    const scenario::skew_shock_params& k = p.skew_shock;
    const scenario::loss_params& l = p.loss;
    const scenario::basis_params& b = p.basis;
    const scenario::contingency_params& g = p.contingency;
    if (!within(c, child(path, "skew_shock"),
                {{"linear_base_cap", &k.linear_base_cap, W(0), ten},
                 {"linear_c_base", &k.linear_c_base, neg_ten, ten},
                 {"abs_base_cap", &k.abs_base_cap, W(0), ten},
                 {"abs_c_base", &k.abs_c_base, neg_ten, ten},
                 {"min_k_star", &k.min_k_star, frac("0.000001"), ten},
                 {"width_scale", &k.width_scale, W(0), ten},
                 {"vol_param_static", &k.vol_param_static, W(0), ten},
                 {"vol_param_scale", &k.vol_param_scale, W(-20), W(20)}}) ||
        !within(c, child(path, "loss"),
                {{"im_factor", &l.im_factor, frac("0.5"), ten},
                 {"mm_factor", &l.mm_factor, frac("0.5"), ten},
                 {"long_rate_mult", &l.long_rate_mult, W(0), ten},
                 {"long_rate_add", &l.long_rate_add, W(0), ten},
                 {"short_rate_mult", &l.short_rate_mult, W(0), ten},
                 {"short_rate_add", &l.short_rate_add, W(0), ten},
                 {"long_base_discount", &l.long_base_discount, W(0), W(4)},
                 {"short_base_discount", &l.short_base_discount, W(0), W(4)}}) ||
        !within(c, child(path, "basis"),
                {{"spot_up", &b.spot_up, W(1), W(3)},
                 {"spot_down", &b.spot_down, W(0), W(1)},
                 {"add_factor", &b.add_factor, W(0), W(20)},
                 {"mult_factor", &b.mult_factor, W(0), W(20)}}) ||
        !within(c, child(path, "contingency"),
                {{"peg_loss_threshold", &g.peg_loss_threshold, W(0), W(100)},
                 {"peg_loss_factor", &g.peg_loss_factor, W(0), ten},
                 {"confidence_threshold", &g.confidence_threshold, W(0), W(1)},
                 {"confidence_margin", &g.confidence_margin, W(0), W(20)},
                 {"mm_perp_percent", &g.mm_perp_percent, W(0), W(3)},
                 {"im_perp_percent", &g.im_perp_percent, W(0), W(3)},
                 {"mm_option_percent", &g.mm_option_percent, W(0), W(2)},
                 {"im_option_percent", &g.im_option_percent, W(0), W(2)}}))
        return c.err;
    if (l.im_factor < l.mm_factor)
        return error{error_code::INCONSISTENT_PARAMS, child(child(path, "loss"), "im_factor"),
                     "im_factor must be at least mm_factor (IM >= MM)"};
    return std::nullopt;
}

}  // namespace margin
