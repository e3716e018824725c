#include "core/risk/params.hpp"

#include "../checks.hpp"

namespace margin::risk {

vol_rule params::rule_for(const std::string& symbol) const {
    if (auto it = vol_rules.find(symbol); it != vol_rules.end()) return it->second;
    if (auto it = vol_rules.find("*"); it != vol_rules.end()) return it->second;
    return {};
}

std::optional<error> validate(const params& p, const std::string& path) {
    checks::checker ck;
    const Wad one = Wad::from_int(1);
    const Wad half = Wad::from_raw(fp::I256::from_i128(500'000'000'000'000'000));
    const Wad ten = Wad::from_int(10);
    auto between = [&](std::int64_t v, std::int64_t lo, std::int64_t hi, const char* key) {
        return (v >= lo && v <= hi) ||
               ck.fail(error_code::OUT_OF_RANGE, child(path, key),
                       std::string(key) + " must be " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + std::to_string(v));
    };
    auto open01 = [&](const Wad& v, const Wad& lo, const char* key) {
        return (v > lo && v < one) || ck.fail(error_code::OUT_OF_RANGE, child(path, key),
                                              std::string(key) + " must be in (" + fp::format(lo) + ", 1), got " + fp::format(v));
    };
    open01(p.confidence, half, "confidence") && between(p.horizon_days, 1, limits::max_horizon_days, "horizon_days") &&
        between(p.lookback_days, 1, limits::max_lookback_days, "lookback_days") && open01(p.ewma_lambda, Wad{}, "ewma_lambda") &&
        ck.non_negative(p.vol_floor, child(path, "vol_floor")) && ck.at_most(p.vol_floor, ten, child(path, "vol_floor")) &&
        between(p.paths, 1, limits::max_paths, "paths") && between(p.dof, 3, 30, "dof") &&
        between(p.as_of.value_or(0), 0, limits::max_history_days * 10, "as_of");
    for (const auto& [sym, r] : p.vol_rules) {
        if (ck.failed()) break;
        const std::string rp = child(child(path, "vol_rules"), sym);
        ck.symbol(sym, rp, true) && ck.abs_at_most(r.beta, ten, child(rp, "beta")) && ck.positive(r.min_multiplier, child(rp, "min")) &&
            ck.at_most(r.min_multiplier, one, child(rp, "min")) &&
            (r.max_multiplier >= one ||
             ck.fail(error_code::OUT_OF_RANGE, child(rp, "max"), "max must be >= 1, got " + fp::format(r.max_multiplier))) &&
            ck.at_most(r.max_multiplier, ten, child(rp, "max"));
    }
    return ck.err;
}

}  // namespace margin::risk
