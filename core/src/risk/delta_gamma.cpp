// Delta-gamma(-vega) VaR and ES by Cornish-Fisher (docs/risk.md §Delta-gamma).
//
// The h-day P&L is approximated by the quadratic form Q = sum_s a_s x_s + b_s x_s^2 / 2 in
// the symbols' h-day log returns x ~ N(0, C), C = h x the EWMA covariance. a and b are the
// first and second derivatives of each contributor's value in x at x = 0, taken by central
// differences of the revaluation itself (revalue(): the forward, perp mark or price times
// g = e^x and the vols moved by the spot-vol rule), so the vega term is the spot-vol rule's:
// with V(g) the value at growth g, dV/dx = V'(1) and d^2V/dx^2 = V'(1) + V''(1) at x = 0, and
//   V'(1) ~ (V(1 + e) - V(1 - e)) / 2e,  V''(1) ~ (V(1 + e) - 2 V(1) + V(1 - e)) / e^2,  e = 10^-3
// (1 / 2e = 500 and 1 / e^2 = 10^6 are integers: both exact). The cumulants of Q (no
// diagonalisation: M = B C, B = diag(b), u = C a):
//   k1 = tr(M) / 2, k2 = a'Ca + tr(M^2) / 2, k3 = tr(M^3) + 3 u'Ma, k4 = 3 tr(M^4) + 12 u'M^2 a.
// The loss L = -Q has mean -k1, variance k2, skewness s = -k3 / k2^(3/2) and excess kurtosis
// k = k4 / k2^2; Cornish-Fisher gives its alpha-quantile and the ES of that expansion.
#include <algorithm>

#include "core/risk/revalue.hpp"
#include "monte_carlo.hpp"

namespace margin::risk::detail {
namespace {

using fp::rounding;

const Wad ONE = Wad::from_int(1);

Wad wi(std::int64_t v) { return Wad::from_int(v); }

}  // namespace

outcome<risk_result> delta_gamma(const request& req, const history& h, const params& p, const std::vector<std::string>& symbols) {
    auto w = window(h, p, symbols);
    if (!w.ok()) return outcome<risk_result>::failure(*w.err);
    auto cov = ewma_covariance(h, p, symbols);
    if (!cov.ok()) return outcome<risk_result>::failure(*cov.err);
    const std::size_t n = symbols.size();
    calc c;
    std::vector<Wad> C = cov.value;
    for (Wad& x : C) x = c(fp::mul(x, wi(p.horizon_days), rounding::floor));  // h-day: exact

    // Three scenarios: every symbol at g = 1 - e, 1, 1 + e; full revaluation.
    const Wad eps = Wad::from_raw(fp::I256::from_i128(1'000'000'000'000'000));  // 10^-3
    scenario_set s;
    s.symbols = symbols;
    s.first_day = w.value.first_day;
    s.last_day = w.value.last_day;
    s.labels = {0, 1, 2};
    const Wad gs[3] = {c(fp::sub(ONE, eps)), ONE, c(fp::add(ONE, eps))};
    for (const Wad& g : gs) s.growth.insert(s.growth.end(), n, g);
    params full = p;
    full.reval = revaluation::full;
    auto m = revalue(req, s, full);
    if (!m.ok()) return outcome<risk_result>::failure(*m.err);
    const std::size_t rows = m.value.rows.size();
    std::vector<Wad> a_row(rows), b_row(rows);
    std::vector<std::size_t> row_col(rows);
    std::vector<Wad> a(n), b(n);
    for (std::size_t r = 0; r < rows; ++r) {
        const Wad lo = m.value.pnl[r * 3], mid = m.value.pnl[r * 3 + 1], hi = m.value.pnl[r * 3 + 2];
        a_row[r] = c(fp::mul(c(fp::sub(hi, lo)), wi(500), rounding::floor));  // exact
        const Wad second = c(fp::add(c(fp::sub(hi, c(fp::add(mid, mid)))), lo));
        b_row[r] = c(fp::add(a_row[r], c(fp::mul(second, wi(1'000'000), rounding::floor))));  // exact
        row_col[r] = static_cast<std::size_t>(std::lower_bound(symbols.begin(), symbols.end(), m.value.row_symbol[r]) - symbols.begin());
        a[row_col[r]] = c(fp::add(a[row_col[r]], a_row[r]));
        b[row_col[r]] = c(fp::add(b[row_col[r]], b_row[r]));
    }

    // M = B C (floor), M2 = M M (exact dot products, floor); traces and the vectors u = C a,
    // w1 = M a, w2 = M w1 (floor).
    auto row_of = [n](const std::vector<Wad>& X, std::size_t i) { return std::span<const Wad>(&X[i * n], n); };
    auto col_of = [n](const std::vector<Wad>& X, std::size_t j) {
        std::vector<Wad> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = X[i * n + j];
        return v;
    };
    std::vector<Wad> M(n * n), M2(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) M[i * n + j] = c(fp::mul(b[i], C[i * n + j], rounding::floor));
    for (std::size_t j = 0; j < n; ++j) {
        const std::vector<Wad> mj = col_of(M, j);
        for (std::size_t i = 0; i < n; ++i) M2[i * n + j] = c(fp::dot(row_of(M, i), mj, rounding::floor));
    }
    Wad tr1, tr2, tr3, tr4;
    for (std::size_t i = 0; i < n; ++i) {
        tr1 = c(fp::add(tr1, M[i * n + i]));
        tr2 = c(fp::add(tr2, M2[i * n + i]));
        const std::vector<Wad> mi = col_of(M, i), m2i = col_of(M2, i);
        tr3 = c(fp::add(tr3, c(fp::dot(row_of(M2, i), mi, rounding::floor))));   // (M^2 M)_ii
        tr4 = c(fp::add(tr4, c(fp::dot(row_of(M2, i), m2i, rounding::floor))));  // (M^2 M^2)_ii
    }
    std::vector<Wad> u(n), w1(n), w2(n);
    for (std::size_t i = 0; i < n; ++i) {
        u[i] = c(fp::dot(row_of(C, i), a, rounding::floor));
        w1[i] = c(fp::dot(row_of(M, i), a, rounding::floor));
    }
    for (std::size_t i = 0; i < n; ++i) w2[i] = c(fp::dot(row_of(M, i), w1, rounding::floor));
    const Wad two = wi(2);
    const Wad k1 = c(fp::div(tr1, two, rounding::floor));
    const Wad k2 = c(fp::add(c(fp::dot(a, u, rounding::floor)), c(fp::div(tr2, two, rounding::floor))));
    const Wad k3 = c(fp::add(tr3, c(fp::mul(wi(3), c(fp::dot(u, w1, rounding::floor)), rounding::floor))));
    const Wad k4 =
        c(fp::add(c(fp::mul(wi(3), tr4, rounding::floor)), c(fp::mul(wi(12), c(fp::dot(u, w2, rounding::floor)), rounding::floor))));

    risk_result res;
    res.kind = method::delta_gamma;
    res.first_day = w.value.first_day;
    res.last_day = w.value.last_day;
    res.mean = c(fp::neg(k1));  // of the loss
    res.sigma = k2.raw().sign() > 0 ? c(fp::sqrt(k2)) : Wad{};
    if (res.sigma.raw().sign() > 0) {
        // s = -k3 / k2 / sigma, k = k4 / k2 / k2 (each division toward zero)
        res.skewness = c(fp::div(c(fp::div(c(fp::neg(k3)), k2, rounding::toward_zero)), res.sigma, rounding::toward_zero));
        res.excess_kurtosis = c(fp::div(c(fp::div(k4, k2, rounding::toward_zero)), k2, rounding::toward_zero));
    }
    for (std::size_t i = 0; i < n; ++i) {
        res.delta[symbols[i]] = a[i];
        res.gamma[symbols[i]] = b[i];
    }
    const Wad z = c(fp::normal_quantile(p.confidence));
    const Wad& sk = res.skewness;
    const Wad& ku = res.excess_kurtosis;
    auto mulz = [&](const Wad& x, const Wad& y) { return c(fp::mul(x, y, rounding::toward_zero)); };
    auto divz = [&](const Wad& x, std::int64_t d) { return c(fp::div(x, wi(d), rounding::toward_zero)); };
    const Wad z2 = mulz(z, z), z3 = mulz(z2, z), s2 = mulz(sk, sk);
    // Monotone in the tail: dz_cf/dz = A z^2 + B z + D > 0 on the tail, A = k/8 - s^2/6,
    // B = s/3, D = 1 - k/8 + 5 s^2/36.
    const Wad A = c(fp::sub(divz(ku, 8), divz(s2, 6))), B = divz(sk, 3);
    const Wad D = c(fp::add(c(fp::sub(ONE, divz(ku, 8))), divz(mulz(wi(5), s2), 36)));
    auto slope = [&](const Wad& x) { return c(fp::add(c(fp::add(mulz(A, mulz(x, x)), mulz(B, x))), D)); };
    // On [z, z_max] (z_max = 8.7573, the largest quantile normal_quantile gives: beyond it the
    // tail holds under 10^-18 of probability): the minimum of the quadratic is at an end or at
    // its vertex -B / 2A when A > 0 and the vertex lies inside.
    const Wad z_max = Wad::from_raw(fp::I256::from_i128(8'757'300'000'000'000'000));
    bool monotone = slope(z).raw().sign() > 0 && slope(z_max).raw().sign() > 0;
    if (monotone && A.raw().sign() > 0) {
        const Wad vertex = c(fp::div(c(fp::neg(B)), c(fp::mul(two, A, rounding::floor)), rounding::toward_zero));
        if (vertex > z && vertex < z_max) monotone = slope(vertex).raw().sign() > 0;
    }
    if (!c.ok())
        return outcome<risk_result>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "a delta-gamma figure exceeds the int256 range");
    if (!monotone)
        return outcome<risk_result>::failure(error_code::CORNISH_FISHER_INVALID, "/risk/method",
                                             "the Cornish-Fisher expansion of this book's delta-gamma loss (skewness " + fp::format(sk) +
                                                 ", excess kurtosis " + fp::format(ku) + ") is not increasing beyond the " +
                                                 fp::format(p.confidence) +
                                                 " quantile: its VaR and ES mean nothing; use monte_carlo or historical");
    // z_cf = z + s (z^2 - 1)/6 + k (z^3 - 3z)/24 - s^2 (2z^3 - 5z)/36
    Wad zcf = z;
    zcf = c(fp::add(zcf, divz(mulz(sk, c(fp::sub(z2, ONE))), 6)));
    zcf = c(fp::add(zcf, divz(mulz(ku, c(fp::sub(z3, mulz(wi(3), z)))), 24)));
    zcf = c(fp::sub(zcf, divz(mulz(s2, c(fp::sub(mulz(two, z3), mulz(wi(5), z)))), 36)));
    // ES factor f = 1 + s z/6 + k (z^2 - 1)/24 - s^2 (2z^2 - 1)/36: the tail mean of z_cf is phi(z) f / (1 - alpha)
    Wad f = ONE;
    f = c(fp::add(f, divz(mulz(sk, z), 6)));
    f = c(fp::add(f, divz(mulz(ku, c(fp::sub(z2, ONE))), 24)));
    f = c(fp::sub(f, divz(mulz(s2, c(fp::sub(mulz(two, z2), ONE))), 36)));
    res.var = c(fp::add(res.mean, c(fp::mul(res.sigma, zcf, rounding::ceil))));
    res.es = c(fp::add(res.mean, c(fp::mul_div(c(fp::mul(res.sigma, f, rounding::ceil)), c(fp::normal_pdf(z)),
                                               c(fp::sub(ONE, p.confidence)), rounding::ceil))));
    // Components: each contributor's share of the variance, a_r (C a)_s + b_r (C B C)_ss / 2.
    std::vector<Wad> cbc(n);  // (C B C)_ss = sum_t C_st b_t C_ts
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < n; ++t)
            cbc[i] = c(fp::add(cbc[i], c(fp::mul(c(fp::mul(C[i * n + t], b[t], rounding::floor)), C[t * n + i], rounding::floor))));
    std::vector<Wad> weight(rows);
    for (std::size_t r = 0; r < rows; ++r)
        weight[r] = c(fp::add(c(fp::mul(a_row[r], u[row_col[r]], rounding::floor)),
                              c(fp::div(c(fp::mul(b_row[r], cbc[row_col[r]], rounding::floor)), two, rounding::floor))));
    const std::vector<Wad> by_row = split_in_proportion(res.es, weight);
    const std::size_t positions = req.acct.positions.size();
    res.es_by_position.assign(by_row.begin(), by_row.begin() + static_cast<std::ptrdiff_t>(positions));
    for (std::size_t r = positions; r < rows; ++r) res.es_by_collateral[m.value.row_symbol[r]] = by_row[r];
    std::vector<Wad> by_sym_w(n);
    for (std::size_t r = 0; r < rows; ++r) by_sym_w[row_col[r]] = c(fp::add(by_sym_w[row_col[r]], weight[r]));
    const std::vector<Wad> by_sym = split_in_proportion(res.es, by_sym_w);
    for (std::size_t i = 0; i < n; ++i) res.es_by_underlying[symbols[i]] = by_sym[i];
    if (!c.ok())
        return outcome<risk_result>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "a delta-gamma figure exceeds the int256 range");
    return outcome<risk_result>{std::move(res), std::nullopt};
}

}  // namespace margin::risk::detail
