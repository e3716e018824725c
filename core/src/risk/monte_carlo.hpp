// Monte Carlo scenarios and the parametric method (internal to the risk measures;
// docs/risk.md §Monte Carlo, §Parametric).
#pragma once

#include <string>
#include <vector>

#include "core/risk/measures.hpp"
#include "core/risk/scenarios.hpp"
#include "wad_ops.hpp"

namespace margin::risk::detail {

/// Lower-triangular L with L L^T = cov (n x n, row-major, floor roundings; docs/risk.md):
/// a pivot at most 10^-12 of its diagonal (a constant or perfectly correlated series)
/// gives a zero column; a negative one, NOT_POSITIVE_DEFINITE.
outcome<std::vector<Wad>> cholesky(const std::vector<Wad>& cov, std::size_t n);

/// p.paths correlated h-day log returns x = L z (z standard normal, or unit-variance
/// Student t) from the EWMA covariance times h; g = e^x. Labels are path indices.
outcome<scenario_set> monte_carlo(const history& h, const params& p, const std::vector<std::string>& symbols);

/// Delta-normal VaR and ES in closed form on the EWMA covariance (docs/risk.md §Parametric).
outcome<risk_result> parametric(const request& validated, const history& h, const params& p, const std::vector<std::string>& symbols);

/// Delta-gamma(-vega) VaR and ES by Cornish-Fisher on the EWMA covariance (docs/risk.md
/// §Delta-gamma). Errors: those of window() and revalue(), CORNISH_FISHER_INVALID (the
/// expansion is not increasing beyond the confidence quantile), ARITHMETIC_OVERFLOW.
outcome<risk_result> delta_gamma(const request& validated, const history& h, const params& p, const std::vector<std::string>& symbols);

}  // namespace margin::risk::detail
