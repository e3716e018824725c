// Dynamic parameters with anti-procyclicality (docs/dynamic-params.md). Integer fixed point only.
#include "core/risk/dynamic.hpp"

#include <deque>

#include "constants.hpp"
#include "core/risk/backtest.hpp"
#include "wad_ops.hpp"

namespace margin::risk {
namespace {

using fp::rounding;

const fp::i128 basis_point = fp::Wad::scale / 10000;  // 10^-4 in wei

Wad floor4(const Wad& x) {  // toward -infinity to 10^-4 (x >= 0 here)
    const fp::i128 v = x.raw().to_i128();
    return raw_i128(v / basis_point * basis_point);
}

Wad ceil4(const Wad& x) {  // toward +infinity to 10^-4 (x >= 0 here)
    const fp::i128 v = x.raw().to_i128();
    return raw_i128((v + basis_point - 1) / basis_point * basis_point);
}

Wad wad_milli(std::int64_t thousandths) { return raw_i128(static_cast<fp::i128>(thousandths) * (fp::Wad::scale / 1000)); }

std::optional<error> out_of_range(const char* field, const std::string& why) {
    return error{error_code::OUT_OF_RANGE, std::string("/dynamic/") + field, why};
}

}  // namespace

std::optional<error> check_dynamic(const dyn_config& c) {
    if (c.lambda.raw().sign() <= 0 || c.lambda >= WAD_ONE) return out_of_range("lambda", "0 < lambda < 1");
    if (c.reference_sigma.raw().sign() <= 0 || c.reference_sigma > Wad::from_int(10))
        return out_of_range("reference_sigma", "0 < reference sigma <= 10");
    if (c.scale_floor.raw().sign() <= 0 || c.scale_floor > c.scale_cap || c.scale_cap > Wad::from_int(5))
        return out_of_range("scale_floor", "0 < scale_floor <= scale_cap <= 5");
    if (c.buffer_rate < wad_milli(250) || c.buffer_rate > WAD_ONE)
        return out_of_range("buffer_rate", "the buffer is 0.25 .. 1 (EMIR RTS 153/2013 Art. 28(1)(a): at least 25%)");
    if (c.stress_weight < wad_milli(250) || c.stress_weight > WAD_ONE)
        return out_of_range("stress_weight", "the weight on stressed observations is 0.25 .. 1 (Art. 28(1)(b): at least 25%)");
    if (c.stress_window < 10 || c.stress_window > 1000) return out_of_range("stress_window", "10 .. 1000 returns");
    if (c.long_window < 250 || c.long_window > 3650) return out_of_range("long_window", "250 .. 3650 returns");
    if (c.stress_window > c.long_window) return out_of_range("stress_window", "the stressed window lies in the long window");
    if (c.skip_days < 0 || c.skip_days > 365) return out_of_range("skip_days", "0 .. 365 days");
    return std::nullopt;
}

outcome<Wad> realised_sigma(const series& s, std::int32_t from, std::int32_t to, const std::string& path) {
    if (from > to || from - 1 < s.first_day || to > s.last_day())
        return outcome<Wad>::failure(error_code::HISTORY_TOO_SHORT, path,
                                     "the reference window " + format_date(from) + " .. " + format_date(to) + " is not inside " +
                                         format_date(s.first_day + 1) + " .. " + format_date(s.last_day()));
    auto r2 = squared_returns(s, from, to);
    if (!r2.ok()) return outcome<Wad>::failure(error_code::ARITHMETIC_OVERFLOW, path, r2.err->message);
    calc c;
    Wad sum;
    for (const Wad& x : r2.value) sum = c(fp::add(sum, x));
    const Wad mean = c(fp::div(sum, Wad::from_int(static_cast<std::int64_t>(r2.value.size())), rounding::floor));
    const Wad sigma = c(fp::sqrt(c(fp::mul(mean, Wad::from_int(365), rounding::floor))));
    if (!c.ok()) return outcome<Wad>::failure(error_code::ARITHMETIC_OVERFLOW, path, "the reference sigma overflows");
    return {sigma, std::nullopt};
}

outcome<std::vector<dyn_day>> dynamic_series(const series& s, const dyn_config& cfg, std::int32_t first, std::int32_t last,
                                             const std::string& path) {
    using result = outcome<std::vector<dyn_day>>;
    if (auto e = check_dynamic(cfg)) return result::failure(*e);
    if (last < first || last - first + 1 > dyn_max_days)
        return result::failure(error_code::OUT_OF_RANGE, "/dynamic/to",
                               "the series holds 1 .. " + std::to_string(dyn_max_days) + " days, got " + std::to_string(last - first + 1));
    const std::int32_t need = first - dyn_seed_distance - dyn_seed_returns;
    if (s.first_day > need || s.last_day() < last)
        return result::failure(error_code::HISTORY_TOO_SHORT, path,
                               "the history has " + format_date(s.first_day) + " .. " + format_date(s.last_day()) + ", the series needs " +
                                   format_date(need) + " .. " + format_date(last) + " (the EWMA starts 400 days before, on 30 returns)");
    auto var = ewma_variance(s, cfg.lambda, first, last);
    if (!var.ok()) return result::failure(error_code::ARITHMETIC_OVERFLOW, path, var.err->message);
    // the long and stressed windows: every return from the series' second day, less the first skip_days
    const std::int32_t r0 = s.first_day + 1 + cfg.skip_days;
    if (r0 > first) return result::failure(error_code::HISTORY_TOO_SHORT, path, "the long window would start after " + format_date(first));
    auto r2 = squared_returns(s, r0, last);
    if (!r2.ok()) return result::failure(error_code::ARITHMETIC_OVERFLOW, path, r2.err->message);
    const auto idx = [&](std::int32_t d) { return static_cast<std::size_t>(d - r0); };
    calc c;
    // prefix sums: sum of r2 over r0 .. d is prefix[idx(d) + 1]
    std::vector<Wad> prefix(r2.value.size() + 1);
    for (std::size_t i = 0; i < r2.value.size(); ++i) prefix[i + 1] = c(fp::add(prefix[i], r2.value[i]));
    const auto window_mean = [&](std::int32_t from, std::int32_t to) {  // floor(mean of r2 over from .. to)
        const Wad sum = c(fp::sub(prefix[idx(to) + 1], prefix[idx(from)]));
        return c(fp::div(sum, Wad::from_int(to - from + 1), rounding::floor));
    };
    const auto annual = [&](const Wad& v) { return c(fp::sqrt(c(fp::mul(v, Wad::from_int(365), rounding::floor)))); };
    const Wad one_minus_w = c(fp::sub(WAD_ONE, cfg.stress_weight));
    const Wad one_plus_b = c(fp::add(WAD_ONE, cfg.buffer_rate));
    // stressed windows: the means of W consecutive returns ending on e, kept as a monotonic deque
    // over the ends e in [start + W - 1, d] (start = the long window's first return)
    const std::int32_t W = cfg.stress_window;
    std::deque<std::pair<std::int32_t, Wad>> best;  // (end, mean), means decreasing
    std::int32_t next_end = r0 + W - 1;
    std::vector<dyn_day> out;
    out.reserve(static_cast<std::size_t>(last - first + 1));
    Wad buffered;  // a_{d-1}
    for (std::int32_t d = first; d <= last; ++d) {
        dyn_day row;
        row.day = d;
        const Wad v = var.value[static_cast<std::size_t>(d - first)];
        row.ewma_sigma = annual(v);
        const std::int32_t start = std::max(r0, d - cfg.long_window + 1);
        const Wad long_var = window_mean(start, d);
        row.long_sigma = annual(long_var);
        for (; next_end <= d; ++next_end) {
            const Wad m = window_mean(next_end - W + 1, next_end);
            while (!best.empty() && best.back().second <= m) best.pop_back();
            best.emplace_back(next_end, m);
        }
        while (!best.empty() && best.front().first - W + 1 < start) best.pop_front();
        const Wad stressed_var = best.empty() ? Wad{} : best.front().second;  // empty: the long window is shorter than W
        row.stressed_sigma = annual(stressed_var);
        Wad used = v;
        if (cfg.tools.stressed)
            used = c(fp::add(c(fp::mul(one_minus_w, v, rounding::floor)), c(fp::mul(cfg.stress_weight, stressed_var, rounding::floor))));
        row.sigma = annual(used);
        if (cfg.tools.floor) row.sigma = fp::max(row.sigma, row.long_sigma);
        row.scale = fp::min(fp::max(floor4(c(fp::div(row.sigma, cfg.reference_sigma, rounding::floor))), cfg.scale_floor), cfg.scale_cap);
        row.im_multiplier = WAD_ONE;
        if (cfg.tools.buffer) {
            const Wad full = c(fp::mul(one_plus_b, row.scale, rounding::ceil));  // (1 + B) f_d
            buffered = d == first ? full : fp::max(row.scale, fp::min(full, buffered));
            row.im_multiplier = fp::min(ceil4(c(fp::div(buffered, row.scale, rounding::ceil))), one_plus_b);
        }
        out.push_back(row);
    }
    if (!c.ok()) return result::failure(error_code::ARITHMETIC_OVERFLOW, path, "the dynamic series overflows");
    return {std::move(out), std::nullopt};
}

outcome<scenario::params> scale_params(const scenario::params& base, const Wad& f, const Wad& m) {
    using scenario::vol_move;
    scenario::params p = base;
    calc c;
    for (scenario::scenario& s : p.scenarios) {
        const bool spot_move = s.vol == vol_move::none || s.vol == vol_move::up || s.vol == vol_move::down;
        if (!spot_move || s.weight != WAD_ONE) continue;
        s.spot_shock = c(fp::add(WAD_ONE, c(fp::mul(c(fp::sub(s.spot_shock, WAD_ONE)), f, rounding::floor))));
    }
    p.vol_shock.range_up = c(fp::mul(base.vol_shock.range_up, f, rounding::floor));
    p.vol_shock.range_down = fp::min(c(fp::mul(base.vol_shock.range_down, f, rounding::floor)), WAD_ONE);
    p.loss.im_factor = c(fp::mul(base.loss.im_factor, m, rounding::ceil));
    if (!c.ok()) return outcome<scenario::params>::failure(error_code::ARITHMETIC_OVERFLOW, "/dynamic", "scaling the grid overflows");
    return {std::move(p), std::nullopt};
}

outcome<Wad> dynamic_haircut(const haircut_rule& r, const Wad& sigma, const Wad& value) {
    calc c;
    const Wad root = c(fp::sqrt(c(fp::div(Wad::from_int(r.mpor_days), Wad::from_int(365), rounding::floor))));
    const Wad market = fp::max(r.floor, c(fp::mul(c(fp::mul(r.k, sigma, rounding::ceil)), root, rounding::ceil)));
    const Wad liquidity = r.depth.raw().sign() > 0 ? c(fp::mul_div(r.liquidity, value, r.depth, rounding::ceil)) : Wad{};
    const Wad h = fp::min(WAD_ONE, c(fp::add(market, liquidity)));
    if (!c.ok()) return outcome<Wad>::failure(error_code::ARITHMETIC_OVERFLOW, "/dynamic/haircut", "the haircut overflows");
    return {h, std::nullopt};
}

}  // namespace margin::risk
