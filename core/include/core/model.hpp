// The engine's inputs: market state, standard-margin parameters and an account.
//
// Plain data. core/validate.hpp checks every bound stated here and fills the derived
// fields; the JSON API (core/api/) decodes requests into these types.
// All numbers are fp::Wad (exact 18-decimal fixed point); times are Unix seconds.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/risk/history.hpp"
#include "core/risk/params.hpp"
#include "core/scenario.hpp"
#include "fixedpoint/black76.hpp"
#include "fixedpoint/wad.hpp"

namespace margin {

using fp::Wad;

// --- market -------------------------------------------------------------------

/// Raw SVI total variance w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)),
/// k = ln(K / F). Bounds: b >= 0, |rho| < 1, sigma > 0.
struct svi_params {
    Wad a, b, rho, m, sigma;
};

struct expiry_market {
    std::int64_t expiry = 0;                   ///< Unix seconds, after the snapshot timestamp
    std::optional<Wad> given_forward;          ///< as given; absent: derived from the rate
    std::optional<Wad> given_discount_factor;  ///< as given; absent: derived from the rate, or 1
    std::optional<Wad> rate;                   ///< as given (the portfolio model's static discounting)
    Wad forward_confidence;                    ///< oracle confidence of the forward (absolute, >= 0)
    std::optional<svi_params> svi;
    // derived by validate()
    std::int64_t seconds_to_expiry = 0;
    fp::I256 sqrt_year_q125;  ///< sqrt(seconds / 31,536,000) in Q125 (fp::sqrt_year_fraction)
    Wad forward;              ///< given, or spot * e^(rate t) (floor)
    Wad discount_factor;      ///< given, or e^(-rate t) (nearest), or 1
};

struct underlying_market {
    Wad spot;                             ///< index price
    Wad spot_confidence;                  ///< oracle confidence (absolute, >= 0)
    std::optional<Wad> perp_mark;         ///< perpetual mark price
    Wad perp_confidence;                  ///< oracle confidence of the perp mark (absolute, >= 0)
    std::vector<expiry_market> expiries;  ///< ascending expiry, no duplicates

    const expiry_market* find(std::int64_t expiry) const noexcept;
};

struct asset_price {
    Wad price;       ///< in the settlement currency
    Wad confidence;  ///< absolute, 0 <= confidence <= price
};

struct market_state {
    std::int64_t timestamp = 0;
    Wad stable_price = Wad::from_int(1);  ///< USD price of the settlement currency (default 1): the portfolio model's de-peg charge
    std::map<std::string, underlying_market> underlyings;  ///< by symbol (ordered: deterministic)
    std::map<std::string, asset_price> collateral;         ///< by asset symbol
};

// --- parameters (standard model) -------------------------------------------

/// Short option: IM = |q| max(im_otm_base - OTM/U, im_floor) U + |mark value|, MM likewise.
struct option_rates {
    Wad im_otm_base, im_floor, mm_otm_base, mm_floor;
};

/// Perpetual or dated future: rate = min(base + size_slope |size|, max_rate) of notional.
struct linear_rates {
    Wad im_base, mm_base, size_slope, max_rate;
};

struct underlying_params {
    option_rates option;
    linear_rates perp;
    linear_rates future;
};

/// The size-against-depth term of a collateral asset's IM haircut (docs/margin.md,
/// "Collateral depth"): an account holding `value` USD of the asset has its IM haircut
/// raised by ceil(liquidity x value / depth), capped so that the IM haircut stays <= 1.
/// Absent (no depth): no term. Bounds: depth in (0, 1e15] USD, liquidity in [0, 10]
/// (default 1; only with a depth). MM is not raised (the volatility part; PMRM_2's convention).
struct depth_term {
    std::optional<Wad> depth;      ///< USD the market absorbs
    std::optional<Wad> liquidity;  ///< the term's weight; 1 when absent

    bool present() const noexcept { return depth.has_value(); }
};

/// The add-on of `t` for a holding of `value` USD to an IM haircut of `total`:
/// min(ceil(liquidity x value / depth), max(0, 1 - total)) (ceil: conservative); 0 when `t`
/// has no depth or value <= 0. Errors: the fixed-point error of an overflowing product.
fp::result<Wad> depth_addon(const depth_term& t, const Wad& value, const Wad& total) noexcept;

/// Collateral is valued at (price - confidence) (1 - mm_haircut); IM adds
/// (im_haircut - mm_haircut) of that price as a charge. 0 <= mm <= im <= 1. With a depth
/// term, the IM haircut of a holding is im + depth_addon(depth, ceil(amount (price - confidence)), im).
struct haircut {
    Wad im, mm;
    depth_term depth = {};
};

struct standard_params {
    std::string version;                                   ///< "standard/1"
    std::map<std::string, underlying_params> underlyings;  ///< by symbol; "*" is the default
    std::map<std::string, haircut> collateral;             ///< accepted collateral assets

    /// The parameters for `symbol`, else those under "*", else nullptr.
    const underlying_params* for_underlying(const std::string& symbol) const noexcept;
};

// --- parameters (portfolio model) ------------------------------------------------

/// Collateral in the portfolio model: haircuts are contingencies (MM: mm_haircut;
/// IM: mm_haircut + im_haircut of the value); risk-cancelling collateral moves with
/// the scenarios of the underlying of the same symbol. With a depth term, an account's
/// im_haircut is im_haircut + depth_addon(depth, ceil(amount x price), im_haircut + mm_haircut).
struct collateral_rule {
    Wad im_haircut, mm_haircut;
    bool risk_cancelling = false;
    depth_term depth = {};
};

/// Inter-underlying offset: when the worst scenarios of `a` and `b` move spot in
/// opposite directions, `rate` of the smaller of their two scenario risks is credited.
/// Applied in list order (priority); each credit consumes the risk it offsets.
struct offset_rule {
    std::string a, b;
    Wad rate;
};

struct portfolio_params {
    std::string version;  ///< "portfolio/1"
    scenario::params scenarios;
    std::map<std::string, collateral_rule> collateral;
    std::vector<offset_rule> offsets;
};

// --- parameters (es model) ---------------------------------------------------------

/// The es model (docs/risk.md, "The es margin model"): IM = the account's Expected
/// Shortfall under `risk` (at least 0, times the de-peg factor) plus the portfolio model's
/// contingencies (naked shorts, perps and futures, oracle confidence, collateral haircuts)
/// under `contingency` and `collateral`; MM = mm_factor x IM. Off-chain only.
struct es_params {
    std::string version;  ///< "es/1"
    risk::params risk;
    Wad mm_factor = Wad::from_raw(fp::I256::from_i128(800'000'000'000'000'000));  ///< 0.8, in (0, 1]
    scenario::contingency_params contingency;
    std::map<std::string, collateral_rule> collateral;  ///< accepted collateral (risk_cancelling is not read)
};

enum class margin_model : std::uint8_t { standard, portfolio, es };

// --- account --------------------------------------------------------------------

enum class instrument_type : std::uint8_t { option, perp, future };
enum class option_kind : std::uint8_t { call, put };
enum class margin_mode : std::uint8_t { cross, isolated };

struct position {
    std::string id;  ///< optional label ("" when absent)
    instrument_type type = instrument_type::option;
    std::string underlying;
    std::int64_t expiry = 0;               ///< option, future
    option_kind kind = option_kind::call;  ///< option
    Wad strike;                            ///< option
    Wad contract_size = Wad::from_int(1);  ///< option: underlying units per contract (default 1)
    Wad size;                              ///< signed: contracts (options) or underlying units
    std::optional<Wad> mark_vol;           ///< option: overrides the surface
    std::optional<Wad> entry_price;        ///< perp, future: default = mark (P&L already settled)
    Wad funding;                           ///< perp: accrued funding, + receivable / - owed
    std::optional<Wad> isolated_margin;    ///< isolated mode: cash assigned to this position
};

struct account {
    margin_mode mode = margin_mode::cross;
    Wad cash;                               ///< settlement currency, may be negative
    std::map<std::string, Wad> collateral;  ///< asset -> amount (>= 0)
    std::vector<position> positions;        ///< request order (results keep it)
};

struct request {
    margin_model model = margin_model::standard;
    standard_params params;      ///< model == standard
    portfolio_params portfolio;  ///< model == portfolio
    es_params es;                ///< model == es
    market_state market;
    account acct;
    std::shared_ptr<const risk::history> history;  ///< model == es: the price history the measure reads
};

}  // namespace margin
