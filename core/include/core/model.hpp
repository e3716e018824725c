// The engine's inputs: market state, standard-margin parameters and an account.
//
// Plain data, already validated: core/src/json_read.cpp builds these from a JSON
// v1 request and enforces every bound stated here (SCHEMA: core/schema/).
// All numbers are fp::Wad (exact 18-decimal fixed point); times are Unix seconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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
    std::int64_t expiry = 0;          ///< Unix seconds, after the snapshot timestamp
    std::int64_t seconds_to_expiry = 0;
    fp::I256 sqrt_year_q125;          ///< sqrt(seconds / 31,536,000) in Q125 (fp::sqrt_year_fraction)
    Wad forward;                      ///< given, or spot * e^(rate t) (floor)
    Wad discount_factor;              ///< given, or e^(-rate t) (floor), or 1
    std::optional<svi_params> svi;
};

struct underlying_market {
    Wad spot;                          ///< index price
    Wad spot_confidence;               ///< oracle confidence (absolute, >= 0)
    std::optional<Wad> perp_mark;      ///< perpetual mark price
    std::vector<expiry_market> expiries;  ///< ascending expiry, no duplicates

    const expiry_market* find(std::int64_t expiry) const noexcept;
};

struct asset_price {
    Wad price;       ///< in the settlement currency
    Wad confidence;  ///< absolute, 0 <= confidence <= price
};

struct market_state {
    std::int64_t timestamp = 0;
    std::map<std::string, underlying_market> underlyings;  ///< by symbol (ordered: deterministic)
    std::map<std::string, asset_price> collateral;          ///< by asset symbol
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

/// Collateral is valued at (price - confidence) (1 - mm_haircut); IM adds
/// (im_haircut - mm_haircut) of that price as a charge. 0 <= mm <= im <= 1.
struct haircut {
    Wad im, mm;
};

struct standard_params {
    std::string version;                                  ///< "standard/1"
    std::map<std::string, underlying_params> underlyings;  ///< by symbol; "*" is the default
    std::map<std::string, haircut> collateral;             ///< accepted collateral assets

    /// The parameters for `symbol`, else those under "*", else nullptr.
    const underlying_params* for_underlying(const std::string& symbol) const noexcept;
};

// --- account --------------------------------------------------------------------

enum class instrument_type : std::uint8_t { option, perp, future };
enum class option_kind : std::uint8_t { call, put };
enum class margin_mode : std::uint8_t { cross, isolated };

struct position {
    std::string id;                 ///< optional label ("" when absent)
    instrument_type type = instrument_type::option;
    std::string underlying;
    std::int64_t expiry = 0;        ///< option, future
    option_kind kind = option_kind::call;  ///< option
    Wad strike;                     ///< option
    Wad contract_size;              ///< option: underlying units per contract (default 1)
    Wad size;                       ///< signed: contracts (options) or underlying units
    std::optional<Wad> mark_vol;    ///< option: overrides the surface
    std::optional<Wad> entry_price; ///< perp, future: default = mark (P&L already settled)
    Wad funding;                    ///< perp: accrued funding, + receivable / - owed
    std::optional<Wad> isolated_margin;  ///< isolated mode: cash assigned to this position
};

struct account {
    margin_mode mode = margin_mode::cross;
    Wad cash;                                ///< settlement currency, may be negative
    std::map<std::string, Wad> collateral;   ///< asset -> amount (>= 0)
    std::vector<position> positions;         ///< request order (results keep it)
};

struct request {
    standard_params params;
    market_state market;
    account acct;
};

}  // namespace margin
