#include "core/risk/scenarios.hpp"

#include "core/limits.hpp"
#include "monte_carlo.hpp"
#include "returns.hpp"

namespace margin::risk {
namespace {

using fp::rounding;

outcome<scenario_set> overflow() {
    return outcome<scenario_set>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "a scenario exceeds the int256 fixed-point range");
}

bool uses_ewma(method m) noexcept { return m != method::historical; }

}  // namespace

outcome<scenario_set> window(const history& h, const params& p, const std::vector<std::string>& symbols) {
    scenario_set s;
    s.symbols = symbols;
    std::int32_t last = p.as_of.value_or(INT32_MAX);
    for (const std::string& sym : symbols) {
        auto it = h.find(sym);
        if (it == h.end())
            return outcome<scenario_set>::failure(error_code::NO_HISTORY, child("/history", sym),
                                                  "the risk measure moves " + sym + " but the request gives no price history for it");
        if (!p.as_of) last = std::min(last, it->second.last_day());
    }
    s.last_day = last;
    s.first_day = last - p.lookback_days + 1;
    // The first price day the window reads: HS needs P(first - h); FHS, parametric and
    // MC also the EWMA's 30 seed returns before it.
    const std::int32_t need = s.first_day - p.horizon_days - (uses_ewma(p.kind) ? limits::min_ewma_warmup_days : 0);
    for (const std::string& sym : symbols) {
        const series& se = h.at(sym);
        if (se.first_day > need || se.last_day() < last)
            return outcome<scenario_set>::failure(error_code::HISTORY_TOO_SHORT, child("/history", sym),
                                                  sym + " has closes " + format_date(se.first_day) + " .. " + format_date(se.last_day()) +
                                                      "; the window needs " + format_date(need) + " .. " + format_date(last) +
                                                      " (lookback " + std::to_string(p.lookback_days) + " days, horizon " +
                                                      std::to_string(p.horizon_days) + (uses_ewma(p.kind) ? ", EWMA seed 30 days)" : ")"));
    }
    return outcome<scenario_set>{std::move(s), std::nullopt};
}

outcome<std::vector<Wad>> ewma_covariance(const history& h, const params& p, const std::vector<std::string>& symbols) {
    auto w = window(h, p, symbols);
    if (!w.ok()) return outcome<std::vector<Wad>>::failure(*w.err);
    const detail::span_days d{w.value.first_day - p.horizon_days - limits::min_ewma_warmup_days, w.value.first_day - p.horizon_days,
                              w.value.first_day, w.value.last_day};
    calc c;
    const std::size_t n = symbols.size();
    std::vector<std::vector<Wad>> x(n);
    std::vector<Wad> scale(n, Wad::from_int(1));  // vol floor: sigma' / sigma per symbol
    for (std::size_t a = 0; a < n; ++a) x[a] = detail::log_returns(c, h.at(symbols[a]), d.start, d.last);
    std::vector<Wad> cov(n * n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = a; b < n; ++b) cov[a * n + b] = cov[b * n + a] = detail::ewma(c, x[a], x[b], p.ewma_lambda).back();
    if (p.vol_floor.raw().sign() > 0)
        for (std::size_t a = 0; a < n; ++a) {
            const Wad sigma = c(fp::sqrt(cov[a * n + a]));
            const Wad floor = c(fp::mul(p.vol_floor, detail::rms(c, x[a], d), rounding::ceil));
            if (sigma < floor) scale[a] = sigma.raw().sign() > 0 ? c(fp::div(floor, sigma, rounding::ceil)) : Wad::from_int(1);
        }
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b)
            if (scale[a] != Wad::from_int(1) || scale[b] != Wad::from_int(1))
                cov[a * n + b] = c(fp::mul(c(fp::mul(cov[a * n + b], scale[a], rounding::floor)), scale[b], rounding::floor));
    if (!c.ok())
        return outcome<std::vector<Wad>>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "the covariance exceeds the int256 range");
    return outcome<std::vector<Wad>>{std::move(cov), std::nullopt};
}

outcome<scenario_set> make_scenarios(const history& h, const params& p, const std::vector<std::string>& symbols) {
    if (p.kind == method::monte_carlo) return detail::monte_carlo(h, p, symbols);
    auto w = window(h, p, symbols);
    if (!w.ok()) return w;
    scenario_set s = std::move(w.value);
    const std::size_t n = symbols.size();
    const auto count = static_cast<std::size_t>(p.lookback_days);
    s.growth.resize(count * n);
    s.labels.resize(count);
    for (std::size_t i = 0; i < count; ++i) s.labels[i] = s.first_day + static_cast<std::int32_t>(i);
    calc c;
    for (std::size_t a = 0; a < n; ++a) {
        const series& se = h.at(symbols[a]);
        if (p.kind == method::historical) {
            // g = floor(P_d / P_{d-h}): the relative h-day return, applied multiplicatively.
            for (std::size_t i = 0; i < count; ++i) {
                const std::int32_t day = s.labels[i];
                s.growth[i * n + a] = c(fp::div(se.at(day), se.at(day - p.horizon_days), rounding::floor));
            }
            continue;
        }
        // FHS: y_j = x_j * sigma_T / sigma_{j-1} (toward zero); g = e^(sum of h consecutive y).
        const detail::span_days d{s.first_day - p.horizon_days - limits::min_ewma_warmup_days, s.first_day - p.horizon_days, s.first_day,
                                  s.last_day};
        const std::vector<Wad> x = detail::log_returns(c, se, d.start, d.last);
        const std::vector<Wad> var = detail::ewma(c, x, x, p.ewma_lambda);  // var[i] is day seed_end + i
        Wad sigma_t = c(fp::sqrt(var.back()));
        if (p.vol_floor.raw().sign() > 0) sigma_t = fp::max(sigma_t, c(fp::mul(p.vol_floor, detail::rms(c, x, d), rounding::ceil)));
        const std::size_t days = static_cast<std::size_t>(d.last - d.seed_end);  // returns after the seed: days seed_end+1 .. last
        std::vector<Wad> y(days);
        for (std::size_t j = 0; j < days; ++j) {
            const Wad sigma_prev = c(fp::sqrt(var[j]));  // sigma of day seed_end + j, forecasting day seed_end + j + 1
            const Wad xj = x[limits::min_ewma_warmup_days + j];
            y[j] = sigma_prev.raw().sign() > 0 ? c(fp::mul_div(xj, sigma_t, sigma_prev, rounding::toward_zero)) : xj;
        }
        for (std::size_t i = 0; i < count; ++i) {
            Wad sum;  // y index of day D is D - seed_end - 1; the window ending at label i covers i .. i + h - 1
            for (std::int32_t k = 0; k < p.horizon_days; ++k) sum = c(fp::add(sum, y[i + static_cast<std::size_t>(k)]));
            s.growth[i * n + a] = c(fp::exp(sum));
        }
    }
    if (!c.ok()) return overflow();
    return outcome<scenario_set>{std::move(s), std::nullopt};
}

}  // namespace margin::risk
