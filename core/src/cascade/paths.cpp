// Exogenous paths (docs/cascade.md §Rules): a mark moved within a market, market mode's path
// step with the impact carried on top, and the daily path of a replay.
#include "core/cascade/paths.hpp"

#include "core/cascade/cascade.hpp"
#include "core/validate.hpp"
#include "internal.hpp"
#include "wad_ops.hpp"

namespace margin::cascade {
namespace {

constexpr auto FLOOR = fp::rounding::floor;
constexpr auto CEIL = fp::rounding::ceil;

}  // namespace

namespace detail {

outcome<market_state> validated_market(market_state m, const std::string& path, const std::string& what) {
    request probe;
    probe.market = std::move(m);
    auto v = validate(probe, true);
    if (!v.ok()) return outcome<market_state>::failure(v.err->code, path + v.err->path, what + v.err->message);
    return outcome<market_state>{std::move(v.value.market), std::nullopt};
}

}  // namespace detail

std::optional<error> move_mark(market_state& m, const std::string& sym, const Wad& to) {
    calc c;
    underlying_market& u = m.underlyings.at(sym);
    const Wad was = detail::mark_of(u);
    if (to == was) return std::nullopt;
    const auto dir = to < was ? FLOOR : CEIL;
    u.spot = c(fp::mul_div(u.spot, to, was, dir));
    // The oracle's confidence is absolute: it moves with the spot, FLOOR, so it never exceeds the
    // price (a deep fall left it above the spot and the path's market failed validation).
    u.spot_confidence = c(fp::mul_div(u.spot_confidence, to, was, FLOOR));
    if (u.perp_mark) u.perp_mark = to;
    for (auto& e : u.expiries)
        if (e.given_forward) e.given_forward = c(fp::mul_div(*e.given_forward, to, was, dir));
    if (!c.ok()) return error{error_code::ARITHMETIC_OVERFLOW, "", "cascade: overflow moving " + sym + "'s mark"};
    return std::nullopt;
}

outcome<market_state> exogenous_step(const market_state& now, const market_state& prev, const market_state& next, std::size_t s) {
    using R = outcome<market_state>;
    calc c;
    market_state m = next;
    for (const auto& [sym, u] : next.underlyings) {
        const auto a = now.underlyings.find(sym), b = prev.underlyings.find(sym);
        if (a == now.underlyings.end() || b == prev.underlyings.end()) continue;
        const Wad to = c(fp::mul_div(detail::mark_of(a->second), detail::mark_of(u), detail::mark_of(b->second), FLOOR));
        if (!c.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, "/path/" + std::to_string(s), "cascade: overflow in a path step");
        if (auto e = move_mark(m, sym, to)) return R::failure(*e);
    }
    return detail::validated_market(std::move(m), "/path/" + std::to_string(s), "cascade: a path's market: ");
}

outcome<std::vector<market_state>> replay_path(const market_state& start, const risk::history& h, const replay_window& w,
                                               const std::string& path) {
    using R = outcome<std::vector<market_state>>;
    if (w.to < w.from || static_cast<std::size_t>(w.to - w.from) + 1 > max_steps)
        return R::failure(error_code::OUT_OF_RANGE, path + "/to",
                          "a replay runs from .. to, 1 to " + std::to_string(max_steps) + " days, got " + risk::format_date(w.from) +
                              " .. " + risk::format_date(w.to));
    std::vector<std::pair<std::string, const risk::series*>> follow;
    for (const auto& [sym, u] : start.underlyings) {
        const auto k = w.series.find(sym);
        const std::string name = k == w.series.end() ? sym : k->second;
        const std::string at = k == w.series.end() ? path : path + "/series/" + sym;
        const auto it = h.find(name);
        if (it == h.end())
            return R::failure(error_code::NO_HISTORY, at, sym + " follows the series " + name + ", which the history does not have");
        const risk::series& se = it->second;
        if (se.first_day > w.from - 1 || se.last_day() < w.to)
            return R::failure(error_code::HISTORY_TOO_SHORT, at,
                              name + " has closes " + risk::format_date(se.first_day) + " .. " + risk::format_date(se.last_day()) +
                                  "; the replay needs " + risk::format_date(w.from - 1) + " .. " + risk::format_date(w.to));
        follow.emplace_back(sym, &se);
    }
    calc c;
    std::vector<market_state> out;
    for (std::int32_t d = w.from; d <= w.to; ++d) {
        market_state m = start;
        for (const auto& [sym, se] : follow) {
            const Wad s0 = detail::mark_of(start.underlyings.at(sym));
            const Wad to = c(fp::mul_div(s0, se->at(d), se->at(w.from - 1), FLOOR));
            if (!c.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, path, "cascade: overflow replaying " + sym);
            if (auto e = move_mark(m, sym, to)) return R::failure(*e);
        }
        auto v = detail::validated_market(std::move(m), path, "cascade: a path's market: ");
        if (!v.ok()) return R::failure(*v.err);
        out.push_back(std::move(v.value));
    }
    return R{std::move(out), std::nullopt};
}

}  // namespace margin::cascade
