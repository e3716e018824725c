// The parameter documents' rules: standard/1, portfolio/1 and scenario/1 (docs/margin.md,
// docs/scenario.md). Each bound is stated once, in the tables below.
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <vector>

#include "checks.hpp"
#include "core/param_bounds.hpp"
#include "core/validate.hpp"

namespace margin {
namespace {

using checks::checker;
using checks::child;

Wad W(std::int64_t n) { return Wad::from_int(n); }

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

// The generated table's bounds (core/include/core/param_bounds.hpp), parsed once.
struct parsed_row {
    const param_bounds::row* row;
    Wad lo, hi;
};
std::vector<parsed_row> parse_rows(const param_bounds::row* rows, std::size_t n) {
    std::vector<parsed_row> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back({&rows[i], rows[i].k == param_bounds::kind::seconds ? Wad{} : fp::parse(rows[i].lo).value,
                       rows[i].k == param_bounds::kind::seconds ? Wad{} : fp::parse(rows[i].hi).value});
    return out;
}
const std::vector<parsed_row>& param_rows() {
    static const std::vector<parsed_row> rows = parse_rows(param_bounds::params, std::size(param_bounds::params));
    return rows;
}
const std::vector<parsed_row>& scenario_rows() {
    static const std::vector<parsed_row> rows = parse_rows(param_bounds::scenario, std::size(param_bounds::scenario));
    return rows;
}

// One WAD field against its row, with its kind's error codes.
bool bounded_by(checker& c, const parsed_row& r, const Wad& v, const std::string& path) {
    switch (r.row->k) {
        case param_bounds::kind::nonneg: return c.non_negative(v, path) && c.at_most(v, r.hi, path);
        case param_bounds::kind::positive: return c.positive(v, path) && c.at_most(v, r.hi, path);
        default: return within(c, path, {{r.row->key, &v, r.lo, r.hi}});
    }
}

// The table's rows of `group` (all of them if null), on `p`, under `path`/<group>/<key>
// (`path`/<key> when `flat`).
bool check_rows(checker& c, const scenario::params& p, const std::string& path, const char* group, bool flat) {
    const auto& rows = param_rows();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const param_bounds::row& r = *rows[i].row;
        if (group && std::string_view(r.group) != group) continue;
        const std::string gp = flat ? path : child(path, r.group);
        if (r.k == param_bounds::kind::seconds) {
            if (!c.seconds(p.vol_shock.dte_floor_seconds, child(gp, r.key))) return false;
            continue;
        }
        const Wad* v = param_bounds::field(p, i);
        if (r.k == param_bounds::kind::range) {
            if (!within(c, gp, {{r.key, v, rows[i].lo, rows[i].hi}})) return false;
        } else if (!bounded_by(c, rows[i], *v, child(gp, r.key))) {
            return false;
        }
    }
    return true;
}

bool check_contingency(checker& c, const scenario::contingency_params& g, const std::string& path) {
    scenario::params p;
    p.contingency = g;
    return check_rows(c, p, path, "contingency", true);
}

// A collateral asset's depth term (core/model.hpp depth_term): depth in (0, 1e15] USD,
// liquidity in [0, 10] and only beside a depth.
bool check_depth(checker& c, const depth_term& t, const std::string& path) {
    if (t.liquidity && !t.depth)
        return c.fail(error_code::INCONSISTENT_PARAMS, child(path, "liquidity"), "liquidity weighs a depth term: give \"depth\" too");
    if (t.depth &&
        (!c.positive(*t.depth, child(path, "depth")) || !c.at_most(*t.depth, Wad::from_int(1'000'000'000'000'000), child(path, "depth"))))
        return false;
    if (t.liquidity &&
        (!c.non_negative(*t.liquidity, child(path, "liquidity")) || !c.at_most(*t.liquidity, W(10), child(path, "liquidity"))))
        return false;
    return true;
}

// Collateral rules of the portfolio and es models: symbols, haircut fractions and depth terms.
bool check_collateral_rules(checker& c, const std::map<std::string, collateral_rule>& rules, const std::string& path) {
    if (!c.count_at_most(rules.size(), limits::max_collateral, path, "collateral assets")) return false;
    for (const auto& [asset, r] : rules) {
        const std::string ap = child(path, asset);
        if (!c.symbol(asset, ap, false) || !c.fraction(r.im_haircut, child(ap, "im_haircut")) ||
            !c.fraction(r.mm_haircut, child(ap, "mm_haircut")) || !check_depth(c, r.depth, ap))
            return false;
    }
    return true;
}

}  // namespace

std::optional<error> validate(const es_params& p, const std::string& path) {
    if (auto e = risk::validate(p.risk, child(path, "risk"))) return e;
    checker c;
    const std::string mp = child(path, "mm_factor");
    if (!c.positive(p.mm_factor, mp) || !c.at_most(p.mm_factor, Wad::from_int(1), mp) ||
        !check_contingency(c, p.contingency, child(path, "contingency")) ||
        !check_collateral_rules(c, p.collateral, child(path, "collateral")))
        return c.err;
    return std::nullopt;
}

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
        if (!check_depth(c, h.depth, ap)) return c.err;
    }
    return std::nullopt;
}

std::optional<error> validate(const portfolio_params& p, const std::string& path) {
    if (auto e = validate(p.scenarios, child(path, "scenarios"))) return e;
    checker c;
    if (!check_collateral_rules(c, p.collateral, child(path, "collateral"))) return c.err;
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
        const auto& rows = scenario_rows();
        if (!bounded_by(c, rows[0], s.spot_shock, child(ip, rows[0].row->key)) ||
            !bounded_by(c, rows[1], s.weight, child(ip, rows[1].row->key)))
            return c.err;
        const bool skew = s.vol == vol_move::linear_skew || s.vol == vol_move::abs_skew;
        if (skew && s.spot_shock != W(1))
            return error{error_code::OUT_OF_RANGE, child(ip, "spot_shock"), "skew scenarios move vols only: spot_shock must be 1"};
        bool& seen = s.vol == vol_move::linear_skew ? seen_linear : seen_abs;
        if (skew && seen) return error{error_code::DUPLICATE_SCENARIO, ip, "at most one scenario of each skew kind"};
        if (skew) seen = true;
    }
    // every bound of the generated table, in its order (vol shock, skew shock, loss, basis, contingency)
    if (!check_rows(c, p, path, nullptr, false)) return c.err;
    const scenario::loss_params& l = p.loss;
    if (l.im_factor < l.mm_factor)
        return error{error_code::INCONSISTENT_PARAMS, child(child(path, "loss"), "im_factor"),
                     "im_factor must be at least mm_factor (IM >= MM)"};
    return std::nullopt;
}

}  // namespace margin
