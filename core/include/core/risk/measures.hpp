// VaR and Expected Shortfall of an account (docs/risk.md §Estimators), their exact
// split into components, and the whole measurement from request and history.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/risk/history.hpp"
#include "core/risk/params.hpp"
#include "core/risk/revalue.hpp"

namespace margin::risk {

/// The loss tail of a P&L vector. Losses are -P&L; scenarios are ranked by loss,
/// largest first, ties by lower scenario index. k = ceil(n (1 - alpha)) (exact);
/// VaR = the k-th largest loss; ES = ceil(sum of the k largest losses / k): rounded
/// against the account. Both may be negative (a book that gains in its whole tail).
struct tail {
    std::size_t n = 0, k = 0;
    Wad var, es;
    std::vector<std::size_t> order;  ///< the k tail scenarios, worst first
};

/// Errors: OUT_OF_RANGE (empty vector), ARITHMETIC_OVERFLOW. Precondition: 0.5 < alpha < 1.
outcome<tail> tail_of(std::span<const Wad> pnl, const Wad& confidence);

/// `total` split in proportion to weights w (sum W > 0): part_i = floor(total w_i / W), then the
/// remaining total - sum of parts (0 .. n - 1 wei) one each to the largest fractional parts of
/// total w_i / W, compared on their first 18 digits, ties to the lower index. The parts sum to
/// `total` exactly. W <= 0 (no proportion to follow): all of it to the first.
std::vector<Wad> split_in_proportion(const Wad& total, const std::vector<Wad>& w);

/// ES split over groups of rows in proportion to each group's tail loss (the exact sum of its
/// losses over the k tail scenarios; split_in_proportion). `group[row]` is the row's group.
std::vector<Wad> split_es(const pnl_matrix& m, const tail& t, std::span<const std::size_t> group, std::size_t groups);

struct scenario_loss {
    std::size_t index = 0;
    std::int32_t label = 0;  ///< HS/FHS: the window's last day; MC: path index
    Wad pnl;
};

struct risk_result {
    method kind = method::historical;
    std::int32_t first_day = 0, last_day = 0;  ///< the history window used
    std::size_t scenarios = 0, k = 0;          ///< parametric: 0
    Wad var, es;
    std::vector<Wad> es_by_position;              ///< request order; sums with es_by_collateral to es
    std::map<std::string, Wad> es_by_collateral;  ///< collateral assets that move
    std::map<std::string, Wad> es_by_underlying;  ///< by the symbol moved (collateral under its own asset); sums to es
    std::vector<scenario_loss> worst;             ///< up to 10 tail scenarios, worst first
    std::vector<Wad> pnl;                         ///< the account's P&L per scenario (what pnl_hash digests)
    Wad sigma;                                    ///< parametric: the h-day P&L standard deviation
    /// delta_gamma: the moments of the h-day loss of the quadratic form (docs/risk.md §Delta-gamma)
    /// and its coefficients per moved symbol: P&L = sum_s delta_s x_s + gamma_s x_s^2 / 2.
    Wad mean, skewness, excess_kurtosis;
    std::map<std::string, Wad> delta, gamma;
};

/// The risk of a validated request under `p` and `h`. Errors: those of make_scenarios
/// and revalue; NO_HISTORY for a position's underlying without a series (path of the position).
outcome<risk_result> measure(const request& validated, const history& h, const params& p);

}  // namespace margin::risk
