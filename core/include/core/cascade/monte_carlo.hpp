// Monte Carlo bad-debt risk of a book (docs/cascade-monte-carlo.md): N seeded paths of
// correlated daily log returns (the risk measures' Philox normal / Student t draws, one stream
// per path), each a market-mode cascade over its exogenous path with the insurance fund at 0;
// the bad-debt distribution, its VaR and ES at 95 % and 99 % (risk::tail_of's estimators) and
// the fund covering 99 % of paths. The same bytes for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/cascade/cascade.hpp"
#include "core/risk/measures.hpp"
#include "core/risk/params.hpp"

namespace margin::cascade {

inline constexpr std::size_t max_paths = 100'000;
inline constexpr std::size_t max_horizon = 250;  ///< days (path markets) per path
/// The work one Monte Carlo may ask for: paths x accounts x max(horizon, steps) account-steps (at
/// 20-50 us each natively, at most about 40 minutes of CPU). Each input within its own cap can
/// still multiply to days; this is the cap of the product.
inline constexpr std::uint64_t max_mc_account_steps = 50'000'000;

/// The draws. `cov`: the daily covariance of log returns over `symbols` (row-major), from
/// explicit vols and correlations (covariance_of) or a history (risk::ewma_covariance).
struct mc_spec {
    std::size_t paths = 1'000;  ///< 1 .. max_paths
    std::uint64_t seed = 0;
    std::size_t horizon = 5;  ///< days, 1 .. max_horizon
    risk::innovation model = risk::innovation::normal;
    std::int32_t dof = 5;              ///< Student t, 3 .. 30
    std::vector<std::string> symbols;  ///< the moving underlyings, ascending (others stay at their mark)
    std::vector<Wad> cov;              ///< symbols x symbols
    std::optional<std::size_t> emit;   ///< a path whose markets the result keeps
};

/// cov_ab = floor(floor(vol_a vol_b) rho_ab), rho_aa = 1, rho symmetric. Errors (under `path`):
/// OUT_OF_RANGE /vol/<SYM> (outside [0, 2]), /correlation/<A>/<B> (outside [-1, 1], or an
/// underlying without a vol).
outcome<std::vector<Wad>> covariance_of(const std::vector<std::string>& symbols, const std::vector<Wad>& vols,
                                        const std::map<std::pair<std::string, std::string>, Wad>& rho, const std::string& path);

struct mc_path {
    Wad bad_debt;   ///< total.bad_debt of the path's cascade (fund 0: what no fund covered)
    Wad shortfall;  ///< sum of the liquidations' shortfalls (the deficit before the fund and ADL)
    std::size_t liquidations = 0, steps = 0;
    bool capped = false;
};

struct mc_result {
    std::vector<mc_path> paths;  ///< by path index
    Wad mean;                    ///< floor(sum / N)
    Wad max;
    risk::tail t95, t99;                ///< over losses = bad debts (P&L = -bad debt): VaR the k-th largest, ES ceil(mean of the k largest)
    std::size_t fund_rank = 0;          ///< j = ceil(0.99 N)
    Wad fund_99;                        ///< the j-th smallest bad debt: the least F with bad debt <= F in >= 99 % of paths
    std::vector<market_state> emitted;  ///< the markets of path spec.emit (mc_markets), if asked
};

/// The markets of path `p` (day 1 .. horizon): base with each symbol's mark
/// m_d = floor(m_{d-1} x e^{x_d}) (e^ as fp::exp), x_d = L z_d, z from path p's stream (day-major,
/// symbol-minor; a Student t draw takes 1 + dof normals), validated. L = cholesky(cov).
outcome<std::vector<market_state>> mc_markets(const market_state& base, const mc_spec& spec, const std::vector<Wad>& chol, std::size_t p);

/// Runs every path: `in` a market-mode input (its path[0] the base market the paths start from,
/// its insurance fund taken as 0, its step cap raised to at least the horizon), paths split over
/// `threads` (each cascade on one thread). Errors: OUT_OF_RANGE /monte_carlo/paths, /horizon,
/// /dof; MODE_NOT_SUPPORTED /mode (house mode); NOT_POSITIVE_DEFINITE; run()'s of the lowest
/// failing path (path "/monte_carlo/paths/<p>" + its own).
outcome<mc_result> monte_carlo(const input& in, const mc_spec& spec, std::size_t threads);

}  // namespace margin::cascade
