// Option pricing: SVI total variance and Black-76 with Greeks, on the
// fixed-point kernel of fixedpoint/SPEC.md §4.7. docs/pricing.md states every
// formula and rounding; values are per one unit of the underlying.
#pragma once

#include <cstdint>

#include "core/model.hpp"
#include "fixedpoint/black76.hpp"

namespace margin {

/// Sensitivities per unit of underlying (or summed over positions):
/// delta = dV/dF, gamma = d2V/dF2, vega = dV/dsigma (per 1.00 of vol),
/// theta = dV/dt per year of calendar time (forward and rate held).
struct greeks {
    Wad delta, gamma, vega, theta;
};

/// SVI total variance at strike K on forward F (docs/pricing.md §SVI):
/// k = ln K - ln F (each rounded to nearest), d = k - m,
/// w = a + floor(b (floor(rho d) + hypot(d, sigma))). Errors: domain when w <= 0.
fp::result<Wad> svi_total_variance(const svi_params& p, const Wad& forward, const Wad& strike) noexcept;
/// The same at a log-moneyness k already formed (k = ln K - ln F as above): for callers that
/// hold ln K across many forwards (the risk measures). Errors: domain when w <= 0.
fp::result<Wad> svi_total_variance_at(const svi_params& p, const Wad& k) noexcept;

/// One option priced on the kernel.
struct option_quote {
    fp::black76_terms terms;  ///< the kernel's exact intermediate values
    fp::I256 undiscounted;    ///< terms.call or terms.put (wei * 2^125)
    Wad unit_price;           ///< DF * undiscounted, floor, per unit of underlying (as the scenario engine's)
    Wad vol;                  ///< sqrt(w / t), floor (the mark vol when it was given)
    greeks unit_greeks;       ///< per unit of underlying, toward zero
};

/// Inputs of one option: forward, strike, discount factor, kind, seconds to
/// expiry, sqrt(t) in Q125 (fp::sqrt_year_fraction, once per expiry) and total
/// variance in EXT units (fp::total_variance_ext).
struct option_inputs {
    Wad forward, strike, discount_factor;
    option_kind kind = option_kind::call;
    std::int64_t seconds = 0;
    fp::I256 sqrt_year_q125;
    fp::I256 total_variance_ext;
};

/// Black-76 price and Greeks. Errors: those of fp::black76, overflow.
fp::result<option_quote> price_option(const option_inputs& in) noexcept;

/// floor(q * DF * undiscounted / (2^125 * 10^36)): the mark-to-market value of q
/// units (q = size * contract size, exact) discounted, rounded once toward -inf,
/// i.e. against the account for longs and shorts alike.
fp::result<Wad> option_value(const Wad& quantity, const Wad& discount_factor, const fp::I256& undiscounted) noexcept;

}  // namespace margin
