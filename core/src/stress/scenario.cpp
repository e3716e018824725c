// validate(stress::document): every bound of docs/stress.md §Document, in document order.
#include "core/stress/scenario.hpp"

#include "../checks.hpp"

namespace margin::stress {
namespace {

using checks::checker;
using checks::child;

Wad W(std::int64_t n) { return Wad::from_int(n); }
Wad milli(std::int64_t n) { return Wad::from_raw(fp::I256::from_i128(fp::i128{n} * 1'000'000'000'000'000)); }

bool check_vol(checker& c, const vol_shock& v, const std::string& p) {
    return c.at_least(v.relative, W(-1), child(p, "relative")) && c.at_most(v.relative, W(10), child(p, "relative")) &&
           c.abs_at_most(v.absolute, W(10), child(p, "absolute")) && c.non_negative(v.floor, child(p, "floor")) &&
           c.at_most(v.floor, W(10), child(p, "floor")) && c.abs_at_most(v.skew, W(10), child(p, "skew")) &&
           c.non_negative(v.term_power, child(p, "term_power")) && c.at_most(v.term_power, W(2), child(p, "term_power")) &&
           (!v.term_power_long || (c.non_negative(*v.term_power_long, child(p, "term_power_long")) &&
                                   c.at_most(*v.term_power_long, W(2), child(p, "term_power_long")))) &&
           ((v.term_floor_days >= 1 && v.term_floor_days <= 365) ||
            c.fail(error_code::OUT_OF_RANGE, child(p, "term_floor_days"), "must be 1 .. 365 days"));
}

// A relative price move: -0.99 .. 10.
bool move(checker& c, const Wad& v, const std::string& p) { return c.at_least(v, milli(-990), p) && c.at_most(v, W(10), p); }

bool check_underlying(checker& c, const underlying_shock& u, const std::string& p) {
    return move(c, u.spot, child(p, "spot")) && (!u.vol || check_vol(c, *u.vol, child(p, "vol"))) &&
           c.abs_at_most(u.basis, milli(500), child(p, "basis")) && c.abs_at_most(u.perp_basis, milli(500), child(p, "perp_basis")) &&
           c.abs_at_most(u.funding_rate, W(10), child(child(p, "funding"), "rate")) &&
           ((u.funding_days >= 0 && u.funding_days <= 365) ||
            c.fail(error_code::OUT_OF_RANGE, child(child(p, "funding"), "days"), "must be 0 .. 365 days")) &&
           c.abs_at_most(u.rate, W(1), child(p, "rate")) && c.non_negative(u.confidence_scale, child(p, "confidence_scale")) &&
           c.at_most(u.confidence_scale, W(1000), child(p, "confidence_scale"));
}

}  // namespace

std::optional<error> validate(const scenario& s, const std::string& path) {
    checker c;
    if (s.name.empty() || s.name.size() > max_name_length)
        return error{error_code::OUT_OF_RANGE, child(path, "name"), "a scenario's name is 1 to 128 characters"};
    const std::string up = child(path, "underlyings");
    if (!c.count_at_most(s.underlyings.size(), limits::max_underlyings + 1, up, "underlyings")) return c.err;
    for (const auto& [sym, u] : s.underlyings)
        if (!c.symbol(sym, child(up, sym), true) || !check_underlying(c, u, child(up, sym))) return c.err;
    const std::string dp = child(path, "derived");
    if (!c.count_at_most(s.derived.size(), limits::max_underlyings, dp, "derived moves")) return c.err;
    for (const auto& [sym, d] : s.derived) {
        const std::string p = child(dp, sym);
        if (!c.symbol(sym, p, false) || !c.symbol(d.lead, child(p, "lead"), false)) return c.err;
        if (d.lead == sym) return error{error_code::OUT_OF_RANGE, child(p, "lead"), "an underlying cannot lead itself"};
        if (d.correlation.has_value() == d.beta.has_value())
            return error{error_code::MISSING_FIELD, child(p, "correlation"), "give a correlation or a beta (one of them)"};
        if (d.correlation && !c.abs_at_most(*d.correlation, W(1), child(p, "correlation"))) return c.err;
        if (d.beta && !c.abs_at_most(*d.beta, W(10), child(p, "beta"))) return c.err;
        if (!c.non_negative(d.vol_ratio, child(p, "vol_ratio")) || !c.at_most(d.vol_ratio, W(10), child(p, "vol_ratio"))) return c.err;
        if (d.beta && d.vol_ratio != W(1))
            return error{error_code::OUT_OF_RANGE, child(p, "vol_ratio"), "vol_ratio goes with a correlation, not with a beta"};
    }
    const std::string cp = child(path, "collateral");
    if (!c.count_at_most(s.collateral.size(), limits::max_collateral, cp, "collateral assets")) return c.err;
    for (const auto& [asset, k] : s.collateral) {
        const std::string p = child(cp, asset);
        if (!c.symbol(asset, p, false) || (k.price && !move(c, *k.price, child(p, "price"))) ||
            !c.abs_at_most(k.haircut, W(1), child(p, "haircut")) || !c.non_negative(k.confidence_scale, child(p, "confidence_scale")) ||
            !c.at_most(k.confidence_scale, W(1000), child(p, "confidence_scale")))
            return c.err;
    }
    if (s.stable_price &&
        !(c.positive(*s.stable_price, child(path, "stable_price")) && c.at_most(*s.stable_price, W(10), child(path, "stable_price"))))
        return c.err;
    if (s.replay) {
        const replay_spec& r = *s.replay;
        const std::string rp = child(path, "replay");
        if (r.worst_lead.empty()) {
            if (!r.from || !r.to) return error{error_code::MISSING_FIELD, child(rp, "from"), "a replay gives from and to, or worst"};
            if (*r.to < *r.from) return error{error_code::OUT_OF_RANGE, child(rp, "to"), "to is before from"};
            if (*r.to - *r.from >= 366) return error{error_code::OUT_OF_RANGE, child(rp, "to"), "a replay window is at most 366 days"};
        } else {
            if (r.from || r.to) return error{error_code::OUT_OF_RANGE, child(rp, "worst"), "worst replaces from and to"};
            if (!c.symbol(r.worst_lead, child(child(rp, "worst"), "lead"), false)) return c.err;
            if (r.worst_days < 1 || r.worst_days > 30)
                return error{error_code::OUT_OF_RANGE, child(child(rp, "worst"), "days"), "must be 1 .. 30 days"};
        }
        if (!r.stable.empty() && !c.symbol(r.stable, child(rp, "stable"), false)) return c.err;
        if (!r.trough.empty() && (!r.worst_lead.empty() || !c.symbol(r.trough, child(rp, "trough"), false)))
            return c.err ? c.err : error{error_code::OUT_OF_RANGE, child(rp, "trough"), "trough goes with from and to, not with worst"};
        if (!c.abs_at_most(r.vol_beta, W(10), child(rp, "vol_beta"))) return c.err;
        if (!s.underlyings.empty() || !s.derived.empty() || s.stable_price)
            return error{error_code::OUT_OF_RANGE, rp,
                         "a replay gives every move itself: no underlyings, derived moves or stable_price beside it"};
    }
    return std::nullopt;
}

std::optional<error> validate(const document& d, const std::string& path) {
    if (d.version != "stress/1")
        return error{error_code::UNSUPPORTED_VERSION, child(path, "version"), "this engine reads \"stress/1\", got \"" + d.version + "\""};
    const std::string sp = child(path, "scenarios");
    if (d.scenarios.empty()) return error{error_code::OUT_OF_RANGE, sp, "at least one scenario"};
    if (d.scenarios.size() > max_scenarios) return error{error_code::OUT_OF_RANGE, sp, "at most 256 scenarios"};
    for (std::size_t i = 0; i < d.scenarios.size(); ++i)
        if (auto e = validate(d.scenarios[i], child(sp, i))) return e;
    return std::nullopt;
}

}  // namespace margin::stress
