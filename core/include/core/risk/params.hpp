// The parameters of a risk measure (docs/risk.md): method, confidence, horizon,
// lookback, EWMA, Monte Carlo and the spot-vol rule. Defaults are the documented ones.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/error.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::risk {

using fp::Wad;

enum class method : std::uint8_t {
    historical,           ///< HS: overlapping h-day relative returns of the lookback
    filtered_historical,  ///< FHS: daily log returns scaled by today's EWMA vol / that day's
    parametric,           ///< delta-normal on the EWMA covariance, closed form
    monte_carlo,          ///< correlated log-returns from the EWMA covariance (Philox, SPEC.md §7)
    delta_gamma,          ///< delta-gamma(-vega) quadratic form on the EWMA covariance, Cornish-Fisher
};

enum class innovation : std::uint8_t {
    normal,
    student_t,  ///< unit-variance Student t with `dof` degrees of freedom
};

/// Implied vols under a scenario: every vol of the underlying's surface (its SVI total
/// variance, or a position's mark_vol) is multiplied by
/// m = clamp(1 - beta * r, min_multiplier, max_multiplier), r the scenario's relative
/// spot return. The smile is re-read at the shocked forward (sticky moneyness).
struct vol_rule {
    Wad beta = Wad::from_int(1);
    Wad min_multiplier = Wad::from_raw(fp::I256::from_i128(500'000'000'000'000'000));  ///< 0.5
    Wad max_multiplier = Wad::from_int(3);
};

/// How options are revalued under many scenarios (docs/risk.md §Revaluation).
enum class revaluation : std::uint8_t {
    full,  ///< every option priced in every scenario
    grid,  ///< priced at 257 growth factors spanning the scenarios', cubic interpolation between
};

struct params {
    method kind = method::historical;
    Wad confidence = Wad::from_raw(fp::I256::from_i128(990'000'000'000'000'000));   ///< alpha, in (0.5, 1)
    std::int32_t horizon_days = 2;                                                  ///< h, the margin period of risk
    std::int32_t lookback_days = 1460;                                              ///< scenarios (HS, FHS) / estimation window
    Wad ewma_lambda = Wad::from_raw(fp::I256::from_i128(970'000'000'000'000'000));  ///< in (0, 1)
    /// FHS, parametric, Monte Carlo: today's vol is at least vol_floor times the lookback's
    /// root-mean-square daily return (the anti-procyclical floor; 0 = off).
    Wad vol_floor;
    std::int64_t paths = 10000;  ///< Monte Carlo
    std::uint64_t seed = 0;      ///< Monte Carlo
    innovation innovations = innovation::normal;
    std::int32_t dof = 5;                       ///< Student t degrees of freedom, 3..30
    std::optional<std::int32_t> as_of;          ///< the last day of the window; default: the last day every series used has
    std::map<std::string, vol_rule> vol_rules;  ///< by underlying; "*" the default; absent: vol_rule{}
    std::optional<revaluation> reval;           ///< default: grid for Monte Carlo, full otherwise

    revaluation revaluation_used() const noexcept {
        return reval.value_or(kind == method::monte_carlo ? revaluation::grid : revaluation::full);
    }

    /// The rule for `symbol`: its own, else "*", else the default.
    vol_rule rule_for(const std::string& symbol) const;
};

/// Checks every bound (docs/risk.md §Parameters), errors under `path` (e.g. "/risk"):
/// OUT_OF_RANGE for 0.5 < confidence < 1, 1 <= horizon_days <= 30, 1 <= lookback_days <=
/// 3650, 0 < ewma_lambda < 1, 0 <= vol_floor <= 10, 1 <= paths <= 100,000, 3 <= dof <= 30,
/// as_of >= 0 (a day number), a vol rule's |beta| <= 10 and 0 < min <= 1 <= max <= 10;
/// BAD_SYMBOL for a vol rule's key.
std::optional<error> validate(const params& p, const std::string& path);

}  // namespace margin::risk
