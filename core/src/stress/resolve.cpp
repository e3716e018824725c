// stress::resolve: replays read from the price history, "*" expanded over the market's
// underlyings, derived moves computed from their lead (docs/stress.md §Resolving).
#include <algorithm>

#include "../wad_ops.hpp"
#include "core/risk/params.hpp"
#include "core/stress/stress.hpp"

namespace margin::stress {
namespace {

using fp::rounding;
const Wad ONE = Wad::from_int(1);
Wad milli(std::int64_t n) { return Wad::from_raw(fp::I256::from_i128(fp::i128{n} * 1'000'000'000'000'000)); }

template <class T>
outcome<T> fail(error_code c, const std::string& path, std::string msg) {
    return outcome<T>::failure(c, path, std::move(msg));
}

// The growth factor floor(P(to) / P(from - 1)) of `sym`, or the error naming what is missing.
outcome<Wad> growth(const risk::history& h, const std::string& sym, std::int32_t from, std::int32_t to, const std::string& path,
                    const char* role) {
    const auto it = h.find(sym);
    if (it == h.end())
        return fail<Wad>(error_code::NO_HISTORY, path,
                         sym + " (" + role + ") has no price history: a replay moves it as it moved, so it needs its closes");
    const risk::series& s = it->second;
    if (s.first_day > from - 1 || s.last_day() < to)
        return fail<Wad>(error_code::HISTORY_TOO_SHORT, path,
                         sym + " (" + role + ") has closes " + risk::format_date(s.first_day) + " .. " + risk::format_date(s.last_day()) +
                             "; the replay " + risk::format_date(from) + " .. " + risk::format_date(to) + " needs " +
                             risk::format_date(from - 1) + " .. " + risk::format_date(to));
    calc c;
    const Wad g = c(fp::div(s.at(to), s.at(from - 1), rounding::floor));
    if (!c.ok()) return fail<Wad>(error_code::ARITHMETIC_OVERFLOW, path, "a replay's move exceeds the int256 range");
    return outcome<Wad>{g, std::nullopt};
}

// A relative move g - 1 clamped to the bounds of a spot shock.
Wad as_move(const Wad& g) { return std::clamp(fp::sub(g, ONE).value, milli(-990), Wad::from_int(10)); }

outcome<scenario> resolve_replay(const scenario& s, const request& req, const risk::history& h, const std::string& path) {
    const replay_spec& r = *s.replay;
    const std::string rp = child(path, "replay");
    std::int32_t from = r.from.value_or(0), to = r.to.value_or(0);
    std::vector<std::string> held;
    for (const position& p : req.acct.positions) held.push_back(p.underlying);
    std::sort(held.begin(), held.end());
    held.erase(std::unique(held.begin(), held.end()), held.end());
    if (!r.worst_lead.empty()) {
        // the worst window of the lead within the days every held underlying has closes for
        const std::string lp = child(child(rp, "worst"), "lead");
        const auto it = h.find(r.worst_lead);
        if (it == h.end())
            return fail<scenario>(error_code::NO_HISTORY, lp, r.worst_lead + " has no price history to find its worst window in");
        const risk::series& se = it->second;
        const std::int32_t days = r.worst_days;
        std::int32_t first = se.first_day, last = se.last_day();
        for (const std::string& sym : held) {
            const auto hs = h.find(sym);
            if (hs == h.end())
                return fail<scenario>(error_code::NO_HISTORY, rp,
                                      sym + " (an underlying the account holds) has no price history: a replay moves it as it moved");
            first = std::max(first, hs->second.first_day);
            last = std::min(last, hs->second.last_day());
        }
        for (const auto& [asset, amount] : req.acct.collateral)  // moving collateral, as it moves below
            if (const auto hs = h.find(asset); hs != h.end() && req.market.collateral.count(asset)) {
                first = std::max(first, hs->second.first_day);
                last = std::min(last, hs->second.last_day());
            }
        if (const auto hs = h.find(r.stable); !r.stable.empty() && hs != h.end()) {
            first = std::max(first, hs->second.first_day);
            last = std::min(last, hs->second.last_day());
        }
        if (last - first < days)
            return fail<scenario>(
                error_code::HISTORY_TOO_SHORT, lp,
                "the histories of " + r.worst_lead + " and the underlyings held share fewer than " + std::to_string(days + 1) + " days");
        calc c;
        Wad best;
        std::int32_t best_day = -1;
        for (std::int32_t d = first + days; d <= last; ++d) {
            const Wad g = c(fp::div(se.at(d), se.at(d - days), rounding::floor));
            if (best_day < 0 || (r.worst_up ? g > best : g < best)) best = g, best_day = d;  // ties: the earliest
        }
        if (!c.ok()) return fail<scenario>(error_code::ARITHMETIC_OVERFLOW, lp, "a move exceeds the int256 range");
        from = best_day - days + 1;
        to = best_day;
    }
    if (!r.trough.empty()) {  // the window ends on the series' lowest close within it (ties: the earliest)
        const std::string tp = child(rp, "trough");
        const auto it = h.find(r.trough);
        if (it == h.end()) return fail<scenario>(error_code::NO_HISTORY, tp, r.trough + " has no price history to find its trough in");
        const risk::series& se = it->second;
        if (se.first_day > from || se.last_day() < to)
            return fail<scenario>(error_code::HISTORY_TOO_SHORT, tp, r.trough + " has no close on every day of the window");
        std::int32_t low = from;
        for (std::int32_t day = from + 1; day <= to; ++day)
            if (se.at(day) < se.at(low)) low = day;
        to = low;
    }
    scenario out;
    out.name = s.name;
    if (!r.worst_lead.empty() || !r.trough.empty())  // the window found, in the name
        out.name += " (" + risk::format_date(from) + (from == to ? "" : " .. " + risk::format_date(to)) + ")";
    risk::vol_rule rule;
    rule.beta = r.vol_beta;
    for (const std::string& sym : held) {
        auto g = growth(h, sym, from, to, rp, "an underlying the account holds");
        if (!g.ok()) return outcome<scenario>::failure(*g.err);
        underlying_shock u;
        u.spot = as_move(g.value);
        // the measures' spot-vol rule: m = clamp(1 - beta (g - 1), 0.5, 3), vols x m
        calc c;
        const Wad m = c(fp::sub(ONE, c(fp::mul(rule.beta, c(fp::sub(g.value, ONE)), rounding::toward_zero))));
        u.vol = vol_shock{};
        u.vol->relative = fp::sub(std::clamp(m, rule.min_multiplier, rule.max_multiplier), ONE).value;
        if (!c.ok()) return fail<scenario>(error_code::ARITHMETIC_OVERFLOW, rp, "a move exceeds the int256 range");
        out.underlyings.emplace(sym, u);
    }
    for (const auto& [asset, amount] : req.acct.collateral) {
        if (!h.count(asset) || !req.market.collateral.count(asset)) continue;  // no series: its price is kept
        auto g = growth(h, asset, from, to, rp, "collateral the account holds");
        if (!g.ok()) return outcome<scenario>::failure(*g.err);
        out.collateral[asset].price = as_move(g.value);
    }
    if (!r.stable.empty()) {
        auto g = growth(h, r.stable, from, to, child(rp, "stable"), "the stable coin");
        if (!g.ok()) return outcome<scenario>::failure(*g.err);
        calc c;
        const Wad p = c(fp::mul(req.market.stable_price, g.value, rounding::floor));
        if (!c.ok() || p.raw().sign() <= 0)
            return fail<scenario>(error_code::OUT_OF_RANGE, child(rp, "stable"), "the stable price leaves (0, 10]");
        out.stable_price = std::min(p, Wad::from_int(10));
    }
    for (const auto& [asset, k] : s.collateral) {  // haircut and confidence shocks given beside the replay
        collateral_shock& t = out.collateral[asset];
        t.haircut = k.haircut;
        t.confidence_scale = k.confidence_scale;
        if (k.price) t.price = k.price;
    }
    return outcome<scenario>{std::move(out), std::nullopt};
}

}  // namespace

outcome<scenario> resolve(const scenario& s, const request& req, const risk::history& h, const std::string& path) {
    if (s.replay) return resolve_replay(s, req, h, path);
    scenario out = s;
    out.underlyings.clear();
    const auto star = s.underlyings.find("*");
    for (const auto& [sym, um] : req.market.underlyings) {
        const auto it = s.underlyings.find(sym);
        if (it != s.underlyings.end())
            out.underlyings.emplace(sym, it->second);
        else if (star != s.underlyings.end())
            out.underlyings.emplace(sym, star->second);
    }
    out.derived.clear();
    for (const auto& [sym, d] : s.derived) {
        const std::string dp = child(child(path, "derived"), sym);
        if (s.derived.count(d.lead))
            return fail<scenario>(error_code::OUT_OF_RANGE, child(dp, "lead"), "the lead " + d.lead + " is itself derived");
        const auto lead = out.underlyings.find(d.lead);
        if (!req.market.underlyings.count(d.lead) || lead == out.underlyings.end())
            return fail<scenario>(error_code::UNKNOWN_UNDERLYING, child(dp, "lead"),
                                  "the lead " + d.lead + " is not an underlying of the market that this scenario shocks");
        if (!req.market.underlyings.count(sym)) continue;  // nothing to move
        calc c;
        const Wad beta = d.beta ? *d.beta : c(fp::mul(*d.correlation, d.vol_ratio, rounding::toward_zero));
        const Wad r = c(fp::mul(beta, lead->second.spot, rounding::toward_zero));
        if (!c.ok()) return fail<scenario>(error_code::ARITHMETIC_OVERFLOW, dp, "a derived move exceeds the int256 range");
        out.underlyings[sym].spot = std::clamp(r, milli(-990), Wad::from_int(10));
    }
    // collateral shocks of assets the market does not price move nothing but their haircut: kept
    return outcome<scenario>{std::move(out), std::nullopt};
}

}  // namespace margin::stress
