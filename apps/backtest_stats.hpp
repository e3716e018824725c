// Report statistics of `margin backtest` (docs/backtest.md §Statistics): likelihood ratios
// and chi-square p-values of Kupiec's POF test and Christoffersen's independence test,
// computed in double from the engine's exact integer counts. They are report figures,
// printed to 6 significant digits; the counts and zones they come from are exact integers.
#pragma once

#include <cmath>
#include <cstdint>

namespace backtest_stats {

/// a ln b with 0 ln 0 = 0.
inline double xlogy(double a, double b) { return a == 0 ? 0.0 : a * std::log(b); }

/// Kupiec's proportion-of-failures LR: -2 ln[(1-p)^(n-x) p^x / ((1-x/n)^(n-x) (x/n)^x)].
inline double kupiec_lr(std::int64_t n, std::int64_t x, double p) {
    if (n <= 0) return 0.0;
    const double nn = static_cast<double>(n), xx = static_cast<double>(x), phat = xx / nn;
    const double lr = -2.0 * (xlogy(nn - xx, 1.0 - p) + xlogy(xx, p) - xlogy(nn - xx, 1.0 - phat) - xlogy(xx, phat));
    return lr <= 0 ? 0.0 : lr;  // also -0 (from -2 x 0) prints as 0
}

/// Christoffersen's independence LR from the transition counts n_ij (state i then j).
inline double christoffersen_lr(std::int64_t n00, std::int64_t n01, std::int64_t n10, std::int64_t n11) {
    const double a = static_cast<double>(n00), b = static_cast<double>(n01), c = static_cast<double>(n10), d = static_cast<double>(n11);
    const double total = a + b + c + d;
    if (total == 0) return 0.0;
    const double pi = (b + d) / total;
    const double pi01 = a + b > 0 ? b / (a + b) : 0.0, pi11 = c + d > 0 ? d / (c + d) : 0.0;
    const double l0 = xlogy(a + c, 1.0 - pi) + xlogy(b + d, pi);
    const double l1 = xlogy(a, 1.0 - pi01) + xlogy(b, pi01) + xlogy(c, 1.0 - pi11) + xlogy(d, pi11);
    const double lr = -2.0 * (l0 - l1);
    return lr <= 0 ? 0.0 : lr;  // also -0 (from -2 x 0) prints as 0
}

/// Upper tail of chi-square with 1 degree of freedom: erfc(sqrt(x / 2)).
inline double chi2_1_sf(double x) { return std::erfc(std::sqrt(x / 2.0)); }
/// Upper tail of chi-square with 2 degrees of freedom: e^(-x / 2).
inline double chi2_2_sf(double x) { return std::exp(-x / 2.0); }

}  // namespace backtest_stats
