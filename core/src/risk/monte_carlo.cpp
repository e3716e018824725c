#include "monte_carlo.hpp"

#include <algorithm>

#include "core/margin.hpp"
#include "random.hpp"

namespace margin::risk::detail {
namespace {

using fp::rounding;

const Wad ONE = Wad::from_int(1);

}  // namespace

outcome<std::vector<Wad>> cholesky(const std::vector<Wad>& cov, std::size_t n) {
    calc c;
    std::vector<Wad> L(n * n);
    for (std::size_t j = 0; j < n; ++j) {
        const std::span<const Wad> rj(&L[j * n], j);
        const Wad pivot = c(fp::sub(cov[j * n + j], c(fp::dot(rj, rj, rounding::floor))));
        const Wad tol = c(fp::mul(cov[j * n + j], Wad::from_raw(fp::I256::from_i128(1'000'000)), rounding::ceil));  // 1e-12 of it
        if (pivot <= tol) {
            if (c(fp::add(pivot, tol)).raw().is_negative())
                return outcome<std::vector<Wad>>::failure(error_code::NOT_POSITIVE_DEFINITE, "/risk",
                                                          "the EWMA covariance has a negative pivot at column " + std::to_string(j));
            continue;  // a zero column
        }
        L[j * n + j] = c(fp::sqrt(pivot));
        for (std::size_t i = j + 1; i < n; ++i) {
            const std::span<const Wad> ri(&L[i * n], j);
            L[i * n + j] = c(fp::div(c(fp::sub(cov[i * n + j], c(fp::dot(ri, rj, rounding::floor)))), L[j * n + j], rounding::toward_zero));
        }
    }
    if (!c.ok())
        return outcome<std::vector<Wad>>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "the Cholesky factor exceeds the int256 range");
    return outcome<std::vector<Wad>>{std::move(L), std::nullopt};
}

outcome<scenario_set> monte_carlo(const history& h, const params& p, const std::vector<std::string>& symbols) {
    auto w = window(h, p, symbols);
    if (!w.ok()) return w;
    scenario_set s = std::move(w.value);
    auto cov = ewma_covariance(h, p, symbols);
    if (!cov.ok()) return outcome<scenario_set>::failure(*cov.err);
    const std::size_t n = symbols.size();
    calc c;
    for (Wad& x : cov.value) x = c(fp::mul(x, Wad::from_int(p.horizon_days), rounding::floor));  // h-day: exact
    auto L = cholesky(cov.value, n);
    if (!L.ok()) return outcome<scenario_set>::failure(*L.err);
    const auto paths = static_cast<std::size_t>(p.paths);
    s.growth.resize(paths * n);
    s.labels.resize(paths);
    std::vector<Wad> z(n);
    const bool t = p.innovations == innovation::student_t;
    const Wad nu_minus_2 = Wad::from_int(p.dof - 2);
    for (std::size_t k = 0; k < paths; ++k) {
        s.labels[k] = static_cast<std::int32_t>(k);
        normal_stream draws(p.seed, k);
        for (std::size_t a = 0; a < n; ++a) {
            z[a] = c(draws.next());
            if (t) {
                // t = z sqrt((nu - 2) / chi2), chi2 = the sum of nu squared normals: unit variance
                Wad chi2;
                for (std::int32_t i = 0; i < p.dof; ++i) {
                    const Wad e = c(draws.next());
                    chi2 = c(fp::add(chi2, c(fp::mul(e, e, rounding::floor))));
                }
                if (chi2.raw().sign() > 0)
                    z[a] = c(fp::mul(z[a], c(fp::sqrt(c(fp::div(nu_minus_2, chi2, rounding::floor)))), rounding::toward_zero));
            }
        }
        for (std::size_t a = 0; a < n; ++a) {
            const Wad x = c(fp::dot(std::span<const Wad>(&L.value[a * n], a + 1), std::span<const Wad>(z.data(), a + 1), rounding::floor));
            s.growth[k * n + a] = c(fp::exp(x));
        }
        if (!c.ok()) break;
    }
    if (!c.ok())
        return outcome<scenario_set>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "a Monte Carlo path exceeds the int256 range");
    return outcome<scenario_set>{std::move(s), std::nullopt};
}

outcome<risk_result> parametric(const request& req, const history& h, const params& p, const std::vector<std::string>& symbols) {
    auto w = window(h, p, symbols);
    if (!w.ok()) return outcome<risk_result>::failure(*w.err);
    auto cov = ewma_covariance(h, p, symbols);
    if (!cov.ok()) return outcome<risk_result>::failure(*cov.err);
    const std::size_t n = symbols.size();
    auto col = [&](const std::string& sym) {
        return static_cast<std::size_t>(std::lower_bound(symbols.begin(), symbols.end(), sym) - symbols.begin());
    };
    calc c;
    // Dollar deltas: the P&L per unit log return of each contributor.
    std::vector<Wad> delta_row;
    std::vector<std::size_t> row_col;
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        auto v = value_position(req, i);
        if (!v.ok()) return outcome<risk_result>::failure(*v.err);
        delta_row.push_back(c(fp::mul(v.value.position_greeks.delta, v.value.underlying_price, rounding::toward_zero)));
        row_col.push_back(col(req.acct.positions[i].underlying));
    }
    std::vector<std::string> moving;
    for (const auto& [asset, amount] : req.acct.collateral)
        if (h.count(asset)) {
            moving.push_back(asset);
            delta_row.push_back(c(fp::mul(amount, req.market.collateral.at(asset).price, rounding::toward_zero)));
            row_col.push_back(col(asset));
        }
    std::vector<Wad> e(n), v(n);
    for (std::size_t r = 0; r < delta_row.size(); ++r) e[row_col[r]] = c(fp::add(e[row_col[r]], delta_row[r]));
    for (std::size_t a = 0; a < n; ++a)
        v[a] = c(fp::mul(c(fp::dot(std::span<const Wad>(&cov.value[a * n], n), e, rounding::floor)), Wad::from_int(p.horizon_days),
                         rounding::floor));  // (h Sigma e)_a
    const Wad variance = c(fp::dot(e, v, rounding::floor));
    risk_result res;
    res.kind = method::parametric;
    res.first_day = w.value.first_day;
    res.last_day = w.value.last_day;
    res.sigma = variance.raw().sign() > 0 ? c(fp::sqrt(variance)) : Wad{};
    const Wad z = c(fp::normal_quantile(p.confidence));
    res.var = c(fp::mul(z, res.sigma, rounding::ceil));
    res.es = c(fp::mul_div(res.sigma, c(fp::normal_pdf(z)), c(fp::sub(ONE, p.confidence)), rounding::ceil));
    // Euler components: contributor r carries e_r (h Sigma e)_a of the variance.
    std::vector<Wad> weight(delta_row.size());
    for (std::size_t r = 0; r < delta_row.size(); ++r) weight[r] = c(fp::mul(delta_row[r], v[row_col[r]], rounding::floor));
    const std::vector<Wad> by_row = split_in_proportion(res.es, weight);
    res.es_by_position.assign(by_row.begin(), by_row.begin() + static_cast<std::ptrdiff_t>(req.acct.positions.size()));
    for (std::size_t j = 0; j < moving.size(); ++j) res.es_by_collateral[moving[j]] = by_row[req.acct.positions.size() + j];
    std::vector<Wad> by_sym_w(n);
    for (std::size_t a = 0; a < n; ++a) by_sym_w[a] = c(fp::mul(e[a], v[a], rounding::floor));
    const std::vector<Wad> by_sym = split_in_proportion(res.es, by_sym_w);
    for (std::size_t a = 0; a < n; ++a) res.es_by_underlying[symbols[a]] = by_sym[a];
    if (!c.ok())
        return outcome<risk_result>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "a parametric figure exceeds the int256 range");
    return outcome<risk_result>{std::move(res), std::nullopt};
}

}  // namespace margin::risk::detail
